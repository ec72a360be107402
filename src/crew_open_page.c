/* crew_open_page.c: GET /c/<token>/open, the open places a crew member may take, and POST /c/<token>/open/<slot_id>, taking one */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app.h"
#include "crew_link.h"
#include "crew_pages.h"
#include "db_crew_slots.h"
#include "db_errors.h"
#include "handlers.h"
#include "links.h"
#include "log.h"
#include "token.h"

/*
 * Which tokens open the list. A crew member's link to any charter of
 * theirs (every crew page links here) opens their open places while the
 * link itself opens (else the same 410 as its page). So does the link in
 * an open-place offer mail: an offer token (token.h, TOKEN_OFFER), made
 * by the mail target for that one mail and kept only as its SHA-256 in
 * crew_offer_links, good until the offered charter departs while the
 * member is active; it opens this list and nothing else. A calendar feed's
 * token opens nothing here: calendar apps and services hold those URLs.
 *
 * Taking a place is a POST carrying the page's form token (an HMAC of
 * the token in the path), from this site where the browser says
 * (crew_post_ok), as an answer on a crew page is: a mail scanner that
 * opens links takes nothing. The place is taken in one transaction that
 * locks the booking and the place and counts who holds it (crew_take()),
 * so a place of N is never given to more than N however many press at
 * once; the member gets a new link to that charter, mailed to them as an
 * invitation, and the answer redirects to its page.
 */

/* The list of open places (status 200, 409 with a notice after a take
 * that could not be); borrows ans (crew_open_page()'s ok answer). */
static void
open_render(struct request *req, int status, const json_t *ans,
    const char *notice)
{
	const struct config	*cfg = req->app->cfg;
	char			 form[LIMIT_TOKEN_LEN + 1];
	char			 open[LIMIT_URL_LEN], back[LIMIT_URL_LEN];
	const char		*via;
	json_t			*ctx;

	if (crew_form_token(cfg, req->p.token, form) == -1 ||
	    link_url(open, sizeof(open), cfg->public_url, LINK_CREW_OPEN,
	    req->p.token) == -1) {
		log_err("CHARTER_TOKEN_SECRET or CHARTER_PUBLIC_URL is not "
		    "set: crew pages are off");
		resp_error(req, 503, "unavailable", "Crew pages are not set up "
		    "on this server.");
		return;
	}
	via = json_string_value(json_object_get(ans, "via"));
	/* resp_page renders a NULL context as a 500. */
	ctx = json_pack("{s:s, s:b, s:s, s:s, s:O, s:O, s:b}", "title",
	    "Open places", "noindex", 1, "form_token", form, "open_url", open,
	    "first_name", json_object_get(ans, "first_name"),
	    "places", json_object_get(ans, "places"),
	    "has_places", json_array_size(json_object_get(ans, "places")) > 0);
	/* Back to the charter the link is for; an offer's link has none. */
	if (ctx != NULL && via != NULL && strcmp(via, "link") == 0 &&
	    crew_link_url(cfg, req->p.token, back, sizeof(back)) == 0)
		json_object_set_new(ctx, "back_url", json_string(back));
	if (ctx != NULL && notice != NULL)
		json_object_set_new(ctx, "notice", json_string(notice));
	OPENSSL_cleanse(form, sizeof(form));
	resp_page(req, status, "crew_open.html", ctx);
}

/* Looks the token up and answers for every outcome but one that opens,
 * whose answer it returns (caller decrefs); NULL when answered. */
static json_t *
open_lookup(struct request *req)
{
	unsigned char	 hash[32];
	json_t		*ans = NULL;
	const char	*outcome;

	token_hash(req->p.token, hash);
	if (db_crew_open_page(req->db, hash, req->now_us,
	    (int)req->app->cfg->response_cutoff_h, &ans) != DB_OK) {
		db_error_response(req, req->db);
		return NULL;
	}
	outcome = json_string_value(json_object_get(ans, "outcome"));
	if (strcmp(outcome, "ok") == 0)
		return ans;
	if (strcmp(outcome, "gone") == 0)
		crew_link_gone(req, ans);
	else
		crew_link_not_found(req);
	json_decref(ans);
	return NULL;
}

/* The list for the token, or the 404/410 it gets instead. */
static void
open_answer(struct request *req, int status, const char *notice)
{
	json_t *ans;

	if ((ans = open_lookup(req)) == NULL)
		return;
	open_render(req, status, ans, notice);
	json_decref(ans);
}

/*
 * GET /c/<token>/open: 200 the open places the token's crew member may
 * take (their roles, not on those charters, no clash with a charter they
 * confirmed, answers still open), each with its date and times in the
 * boat's zone, vessel, role, hours, rate and pay; 404 for a token that
 * names nothing; 410 for a link that no longer opens. Reads only, as
 * charterd_crew, through crew_open_page().
 */
void
crew_open_page(struct request *req)
{
	open_answer(req, 200, NULL);
}

/* What a take that did not happen tells the crew member, by outcome. */
static const struct {
	const char	*outcome;
	int		 status;
	const char	*notice;
} refusals[] = {
	{ "full", 409, "Sorry, someone else took this place a moment ago. "
	  "The places still open are below." },
	{ "no_place", 409, "Sorry, this place is no longer open. The places "
	  "still open are below." },
	{ "yours", 200, "This place is already yours: we have mailed you the "
	  "link to your page for that charter." },
	{ "on_booking", 409, "You are already on the crew of this charter: "
	  "its page is in the mail we sent you." },
	{ "not_eligible", 409, "This place is no longer one you can take: it "
	  "asks for another role, or you are busy then." },
	{ "closed", 409, "It is too late to take this place here. If you "
	  "can still come, please call or write to us." },
	{ "cancelled", 409, "Sorry, this charter was cancelled." },
};

/* Answers a take that did not happen: the list as it is now, with why. */
static void
take_refused(struct request *req, const char *outcome)
{
	size_t i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(refusals[i].outcome, outcome) == 0) {
			open_answer(req, refusals[i].status, refusals[i].notice);
			return;
		}
	open_answer(req, 409, "This place could not be taken. Please try "
	    "again.");
}

/* The crew member the token opens for, or 0 with the answer sent (404,
 * 410 as the GET, or a database error). */
static long long
take_who(struct request *req, const unsigned char hash[32])
{
	json_t		*who = NULL;
	long long	 crew_id = 0;

	if (db_crew_open_who(req->db, hash, req->now_us, &who) != DB_OK) {
		db_error_response(req, req->db);
		return 0;
	}
	if (json_is_integer(json_object_get(who, "crew_id")) &&
	    json_is_null(json_object_get(who, "reason")))
		crew_id = json_integer_value(json_object_get(who, "crew_id"));
	else
		open_answer(req, 200, NULL);	/* 404 or 410, as the GET */
	json_decref(who);
	return crew_id;
}

/*
 * POST /c/<token>/open/<slot_id> (form: form_token): 303 to the new link's
 * page once the place is the crew member's; 409 page with the list and
 * why when it is not (someone took it first, it went, it is not theirs to
 * take, too late, cancelled); 200 with the list when it was theirs
 * already; 403 without the page's form token or from another site; 404;
 * 410 as the GET.
 */
void
crew_open_take(struct request *req)
{
	const struct config	*cfg = req->app->cfg;
	struct crew_link	 link;
	unsigned char		 hash[32];
	char			 url[LIMIT_URL_LEN];
	const char		*outcome;
	json_t			*ans = NULL;
	long long		 crew_id;

	if (!crew_post_ok(req)) {
		resp_error(req, 403, "forbidden", "This did not come from your "
		    "open places page. Open your link again and take the place "
		    "there.");
		return;
	}
	token_hash(req->p.token, hash);
	if ((crew_id = take_who(req, hash)) == 0)
		return;
	if (crew_link_new(cfg, crew_id, &link) == -1) {
		resp_error(req, 503, "unavailable", "No link can be made right "
		    "now; try again in a minute.");
		return;
	}
	if (db_crew_take(req->db, hash, req->p.id, &link,
	    (int)cfg->link_ttl_days, req->now_us, (int)cfg->response_cutoff_h,
	    &ans) != DB_OK) {
		db_error_response(req, req->db);
		goto out;
	}
	outcome = json_string_value(json_object_get(ans, "outcome"));
	if (strcmp(outcome, "taken") == 0) {
		if (crew_link_url(cfg, link.token, url, sizeof(url)) == -1)
			resp_error(req, 500, "internal", "Bad link.");
		else
			resp_redirect(req, url);
		OPENSSL_cleanse(url, sizeof(url));
	} else if (strcmp(outcome, "gone") == 0 ||
	    strcmp(outcome, "not_found") == 0)
		open_answer(req, 200, NULL);	/* 404 or 410, as the GET */
	else
		take_refused(req, outcome);
out:
	OPENSSL_cleanse(&link, sizeof(link));
	json_decref(ans);
}
