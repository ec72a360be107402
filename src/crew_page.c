/* crew_page.c: GET and POST /c/<token>, a crew member's page for one charter and their answer */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "crew_feed.h"
#include "crew_link.h"
#include "crew_pages.h"
#include "db_crew_links.h"
#include "db_errors.h"
#include "handlers.h"
#include "links.h"
#include "log.h"
#include "token.h"
#include "valid.h"
#include "view.h"

/*
 * Threat model. The token in the path is the credential: whoever holds
 * the link may read the page and answer, as the crew member would; it is
 * 256 bits, looked up by its SHA-256, never logged (charterd logs route
 * patterns, nginx masks /c/), never sent on as a Referer (no-referrer) and
 * never cached (no-store). Opening the link changes nothing, so a mail
 * scanner that fetches it cannot answer. An answer is a POST that must
 * carry the page's form token (an HMAC of the link's token under
 * CHARTER_TOKEN_SECRET: only a page charterd rendered has it) and, where
 * the browser says where it comes from, come from this site (Origin,
 * Sec-Fetch-Site): a page elsewhere that learned a link cannot make a
 * visitor's browser answer with it, and nothing that merely follows links
 * answers. Framing is refused (nginx: X-Frame-Options, frame-ancestors).
 * Repeating an answer changes nothing.
 */

/* The page of a live link (status 200, or 409 with notice after a late
 * answer); ctx borrows the view. */
static void
crew_page_render(struct request *req, int status, json_t *view,
    const char *notice)
{
	char		 form[LIMIT_TOKEN_LEN + 1], title[256];
	char		 settle[LIMIT_URL_LEN];
	char		 open[LIMIT_URL_LEN];
	const char	*date;
	json_t		*ctx;

	if (crew_form_token(req->app->cfg, req->p.token, form) == -1) {
		log_err("CHARTER_TOKEN_SECRET is not set: crew pages are off");
		resp_error(req, 503, "unavailable", "Crew pages are not set up "
		    "on this server.");
		return;
	}
	date = json_string_value(json_object_get(json_object_get(view,
	    "charter"), "short_date_label"));
	snprintf(title, sizeof(title), "Crew — %s", date ? date : "charter");
	/* resp_page renders a NULL context as a 500. */
	if ((ctx = json_deep_copy(view)) != NULL) {
		json_object_set_new(ctx, "title", json_string(title));
		json_object_set_new(ctx, "noindex", json_true());
		json_object_set_new(ctx, "form_token", json_string(form));
		if (link_url(settle, sizeof(settle), req->app->cfg->public_url,
		    LINK_CREW_SETTLE, req->p.token) == 0)
			json_object_set_new(ctx, "settle_url",
			    json_string(settle));
		/* Every crew page links to the member's open places. */
		if (link_url(open, sizeof(open), req->app->cfg->public_url,
		    LINK_CREW_OPEN, req->p.token) == 0)
			json_object_set_new(ctx, "open_url", json_string(open));
		if (notice != NULL)
			json_object_set_new(ctx, "notice", json_string(notice));
	}
	resp_page(req, status, "crew.html", ctx);
}

/*
 * The member's calendar feed URL into the view, as feed_url: every crew
 * page links to it. The feed is made on its first use (a row of nonce and
 * hash, no state anyone sees); when it cannot be made (a feed of an older
 * secret, which staff must rotate) the page simply has no link.
 */
static void
feed_link(struct request *req, json_t *ans)
{
	char		 url[LIMIT_FEED_URL];
	json_int_t	 crew_id;

	crew_id = json_integer_value(json_object_get(ans, "crew_id"));
	if (crew_id > 0 && crew_feed_url(req->db, req->app->cfg, crew_id, url,
	    sizeof(url)) == DB_OK)
		json_object_set_new(json_object_get(ans, "view"), "feed_url",
		    json_string(url));
}

/* Looks the link up and answers for every outcome but a live link, whose
 * answer object it returns (caller decrefs); NULL when answered. */
static json_t *
live_link(struct request *req)
{
	unsigned char	 hash[32];
	json_t		*ans = NULL;
	const char	*outcome;

	token_hash(req->p.token, hash);
	if (db_crew_page(req->db, hash, req->now_us,
	    (int)req->app->cfg->response_cutoff_h, &ans) != DB_OK) {
		db_error_response(req, req->db);
		return NULL;
	}
	outcome = json_string_value(json_object_get(ans, "outcome"));
	if (strcmp(outcome, "ok") == 0) {
		/* The captain's "Settle the trip" card (crew_settle.c). */
		json_object_set(json_object_get(ans, "view"), "settle",
		    json_object_get(ans, "settle"));
		feed_link(req, ans);
		return ans;
	}
	if (strcmp(outcome, "gone") == 0)
		crew_link_gone(req, ans);
	else
		crew_link_not_found(req);
	json_decref(ans);
	return NULL;
}

/*
 * GET /c/<token>: 200 the crew page; 404 for a token that names no link;
 * 410 page for one that expired or was revoked (saying which). Reads
 * only, as charterd_crew, through crew_page().
 */
void
crew_page(struct request *req)
{
	json_t *ans;

	if ((ans = live_link(req)) == NULL)
		return;
	crew_page_render(req, 200, json_object_get(ans, "view"), NULL);
	json_decref(ans);
}

/* Checks the form: 0, or -1 with 400/403 answered. */
static int
answer_input(struct request *req, const char **action, const char **note)
{
	if (!crew_post_ok(req)) {
		resp_error(req, 403, "forbidden", "This answer did not come "
		    "from your crew page. Open your link again and answer "
		    "there.");
		return -1;
	}
	*action = kv_get(&req->form, "action");
	*note = kv_get(&req->form, "note");
	if (*action == NULL || (strcmp(*action, "confirm") != 0 &&
	    strcmp(*action, "decline") != 0)) {
		resp_error(req, 400, "invalid", "Choose Confirm or Decline.");
		return -1;
	}
	if (*note != NULL && !valid_text(*note, LIMIT_CREW_NOTE, 1)) {
		resp_error(req, 400, "invalid", "The note may be at most %d "
		    "characters of text.", LIMIT_CREW_NOTE);
		return -1;
	}
	return 0;
}

/*
 * POST /c/<token> (form: form_token, action=confirm|decline, note): 303
 * to the page once the answer is recorded, or when it was recorded
 * already (a repeat writes nothing); 400 for a bad form; 403 without the
 * page's form token or from another site; 404; 410 as the GET; 409 page
 * past the cut-off, saying whom to call, or when a decliner's place was
 * filled before they changed their mind.
 */
void
crew_page_respond(struct request *req)
{
	const struct config	*cfg = req->app->cfg;
	const char		*action, *note, *outcome;
	unsigned char		 hash[32];
	char			 url[LIMIT_URL_LEN];
	json_t			*ans = NULL;

	if (answer_input(req, &action, &note) == -1)
		return;
	token_hash(req->p.token, hash);
	if (db_crew_respond(req->db, hash, action, note, req->now_us,
	    (int)cfg->response_cutoff_h, &ans) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	outcome = json_string_value(json_object_get(ans, "outcome"));
	if (strcmp(outcome, "changed") == 0 || strcmp(outcome, "unchanged") == 0) {
		if (crew_link_url(cfg, req->p.token, url, sizeof(url)) == -1)
			resp_error(req, 500, "internal", "Bad link.");
		else
			resp_redirect(req, url);
	} else if (strcmp(outcome, "place_taken") == 0) {
		/* Declined, then changed their mind: the place went to
		 * someone else (or staff removed it) meanwhile. */
		json_decref(ans);
		if ((ans = live_link(req)) != NULL)
			crew_page_render(req, 409, json_object_get(ans, "view"),
			    "Your place was filled after you declined, so we "
			    "cannot put you back on this charter here. If you "
			    "can still come, please call or write to us.");
	} else if (strcmp(outcome, "gone") == 0 ||
	    strcmp(outcome, "closed") == 0) {
		/* The page says why: 410 (live_link answers it) for a link
		 * that no longer opens, else 409 past the cut-off. */
		json_decref(ans);
		if ((ans = live_link(req)) != NULL)
			crew_page_render(req, 409, json_object_get(ans, "view"),
			    "It is too late to change your answer here. Please "
			    "call or write to us instead.");
	} else
		crew_link_not_found(req);
	json_decref(ans);
}
