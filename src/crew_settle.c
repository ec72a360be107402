/* crew_settle.c: GET and POST /c/<token>/settle, the captain settling the trip, and the receipt photo's presigned upload */
/*
 * The captain's crew link opens this page; any other link gets 403, and
 * every refusal of the crew page (404, 410 saying why) holds here too.
 * The captain sees the charter, the crew's names, roles and hours, and
 * what they enter (return time, port fee, receipt photo, fuel, note):
 * never revenue, the planned port fee, the captain fee or anyone's pay.
 * The database decides who and when (crew_settlement(), crew_settle():
 * from the charter's end until staff lock it or CHARTER_SETTLE_DAYS
 * later). POSTs pass crew_post_ok() first, as the crew page's answers do;
 * saving answers 303, and the same form again writes nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "crew_link.h"
#include "crew_pages.h"
#include "db_errors.h"
#include "db_settle.h"
#include "handlers.h"
#include "limits.h"
#include "links.h"
#include "receipt.h"
#include "settle_form.h"
#include "token.h"

/* What the page says for a state that takes no settlement. */
static const struct {
	const char *state, *text;
} refusals[] = {
	{ "early", "The charter has not ended yet: you can settle the trip "
	  "once it has." },
	{ "locked", "The office has checked and locked this settlement, so it "
	  "can no longer be changed here." },
	{ "closed", "Settling here has closed for this trip." },
};

static const char *
refusal_text(const char *state)
{
	size_t i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(refusals[i].state, state) == 0)
			return refusals[i].text;
	return NULL;
}

static time_t
now_s(const struct request *req)
{
	return (time_t)(req->now_us / 1000000);
}

static void
not_captain(struct request *req)
{
	resp_error(req, 403, "not_captain", "This page is for the charter's "
	    "captain, who settles the trip. Your own crew page has your "
	    "charter.");
}

/*
 * Answers a refusal of settle_link() (404, 410 page, 403): 1 when it
 * was one, 0 for ok.
 */
static int
refused(struct request *req, const json_t *ans)
{
	const char *outcome = json_string_value(json_object_get(ans, "outcome"));

	if (strcmp(outcome, "ok") == 0)
		return 0;
	if (strcmp(outcome, "gone") == 0)
		crew_link_gone(req, ans);
	else if (strcmp(outcome, "not_captain") == 0)
		not_captain(req);
	else
		crew_link_not_found(req);
	return 1;
}

/* The settlement as the link's lookup now has it; NULL when answered. */
static json_t *
lookup(struct request *req)
{
	unsigned char	 hash[32];
	json_t		*ans = NULL;

	token_hash(req->p.token, hash);
	if (db_crew_settlement(req->db, hash, req->now_us,
	    (int)req->app->cfg->settle_days, &ans) != DB_OK) {
		db_error_response(req, req->db);
		return NULL;
	}
	if (refused(req, ans)) {
		json_decref(ans);
		return NULL;
	}
	return ans;
}

/* The receipt's part of the page: a link to see it, where to upload. */
static json_t *
receipt_context(struct request *req, const json_t *settlement)
{
	const struct config	*cfg = req->app->cfg;
	struct s3_config	 s3;
	struct buf		 url = { 0 };
	char			 presign[LIMIT_URL_LEN];
	const char		*key;
	json_t			*r;

	if (!s3_photo_bucket(cfg, &s3))
		return json_pack("{s:b}", "off", 1);
	r = json_pack("{s:s, s:I}", "token_field", "form_token", "max_mb",
	    (json_int_t)(cfg->photo_max_bytes / (1024 * 1024)));
	if (link_url(presign, sizeof(presign), cfg->public_url,
	    LINK_CREW_RECEIPT, req->p.token) == 0)
		json_object_set_new(r, "presign", json_string(presign));
	key = json_string_value(json_object_get(settlement, "receipt_key"));
	if (key != NULL && receipt_link(&s3, key, now_s(req), &url) == 0)
		json_object_set_new(r, "url", json_string(buf_str(&url)));
	buf_free(&url);
	return r;
}

/*
 * Renders the page from ans (crew_settlement()'s ok answer, borrowed):
 * model NULL shows what is stored; errors (borrowed, may be NULL) what to
 * say by the fields; notice a line at the top (kind "success",
 * "warning"...). stale: someone saved since the form's version.
 */
static void
render(struct request *req, int status, const json_t *ans, const json_t *model,
    const json_t *errors, const char *notice, const char *kind, int stale)
{
	const json_t	*form = json_object_get(ans, "form");
	const char	*state = json_string_value(json_object_get(ans, "state"));
	json_t		*own = NULL, *ctx;
	char		 token[LIMIT_TOKEN_LEN + 1], crew[LIMIT_URL_LEN];
	char		 title[256];

	if (crew_form_token(req->app->cfg, req->p.token, token) == -1 ||
	    crew_link_url(req->app->cfg, req->p.token, crew, sizeof(crew)) ==
	    -1) {
		resp_error(req, 503, "unavailable", "Crew pages are not set up "
		    "on this server.");
		return;
	}
	if (model == NULL)
		model = own = settle_form_stored(form);
	if ((ctx = settle_form_context(form, model, errors)) == NULL) {
		json_decref(own);
		resp_error(req, 500, "internal", "Out of memory.");
		return;
	}
	snprintf(title, sizeof(title), "Settle the trip — %s",
	    json_string_value(json_object_get(json_object_get(form, "booking"),
	    "date_label")));
	json_object_set_new(ctx, "title", json_string(title));
	json_object_set_new(ctx, "noindex", json_true());
	json_object_set_new(ctx, "form_token", json_string(token));
	json_object_set_new(ctx, "crew_url", json_string(crew));
	json_object_set(ctx, "trip", json_object_get(form, "booking"));
	json_object_set(ctx, "settlement", json_object_get(form, "settlement"));
	json_object_set(ctx, "crew", json_object_get(form, "crew"));
	json_object_set(ctx, "ends_label", json_object_get(ans, "ends_label"));
	json_object_set(ctx, "closes_label", json_object_get(ans,
	    "closes_label"));
	json_object_set_new(ctx, state, json_true());
	json_object_set_new(ctx, "receipt", receipt_context(req,
	    json_object_get(form, "settlement")));
	if (notice != NULL)
		json_object_set_new(ctx, "notice", json_pack("{s:s, s:b}",
		    "text", notice, kind, 1));
	if (stale)
		json_object_set_new(ctx, "stale", json_true());
	json_decref(own);
	resp_page(req, status, "settle.html", ctx);
}

/*
 * GET /c/<token>/settle: 200 the settlement page for the captain's link
 * (a form while settling is open; otherwise what is stored, and why it
 * cannot change here); 403 for another crew member's link; 404; 410 as
 * the crew page. Reads only.
 */
void
crew_settle_page(struct request *req)
{
	json_t *ans;

	if ((ans = lookup(req)) == NULL)
		return;
	render(req, 200, ans, NULL, NULL, kv_get(&req->args, "saved") ?
	    "Saved. Thank you! You can correct it here until it is locked." :
	    NULL, "success", 0);
	json_decref(ans);
}

/*
 * Checks that the receipt the form names is in the store with the bytes
 * its upload announced: 0 when it is (or none is named); else says why
 * in errors and returns the status to answer with (409, 502).
 */
static int
receipt_checked(struct request *req, const unsigned char hash[32],
    const json_t *input, json_t *errors)
{
	const char		*id = json_string_value(json_object_get(input,
				    "receipt_id"));
	struct s3_config	 s3;
	json_t			*found = NULL;
	int			 rc = 0;

	if (id == NULL)
		return 0;
	if (!s3_photo_bucket(req->app->cfg, &s3) ||
	    db_crew_receipt(req->db, hash, req->now_us,
	    (int)req->app->cfg->settle_days, id, &found) != DB_OK ||
	    strcmp(json_string_value(json_object_get(found, "outcome")),
	    "ok") != 0) {
		json_object_set_new(errors, "receipt", json_string("That "
		    "receipt photo is not one uploaded here; choose it again."));
		rc = 409;
	} else if ((rc = receipt_arrived(&s3, found, now_s(req))) == 1) {
		json_object_set_new(errors, "receipt", json_string("The "
		    "receipt photo did not arrive in full; choose it again."));
		rc = 409;
	} else if (rc == -1) {
		json_object_set_new(errors, "receipt", json_string("The photo "
		    "store did not answer; save again in a moment."));
		rc = 502;
	}
	json_decref(found);
	return rc;
}

/* Renders the page again after a POST that wrote nothing (input kept). */
static void
again(struct request *req, int status, const json_t *model,
    const json_t *errors, const char *notice, int stale)
{
	json_t *ans;

	if ((ans = lookup(req)) == NULL)
		return;
	render(req, status, ans, model, errors, notice, "warning", stale);
	json_decref(ans);
}

/*
 * Answers the outcome of crew_settle() (borrowed): 303 to the page for
 * changed and unchanged (a repeat), the form again for the rest.
 */
static void
settled(struct request *req, const json_t *ans, json_t *model, json_t *errors)
{
	const char	*outcome = json_string_value(json_object_get(ans,
			    "outcome"));
	char		 url[LIMIT_URL_LEN + 16], page[LIMIT_URL_LEN];

	if (strcmp(outcome, "changed") == 0 || strcmp(outcome, "unchanged") ==
	    0) {
		if (link_url(page, sizeof(page), req->app->cfg->public_url,
		    LINK_CREW_SETTLE, req->p.token) == -1) {
			resp_error(req, 500, "internal", "Bad link.");
			return;
		}
		snprintf(url, sizeof(url), "%s?saved=1", page);
		resp_redirect(req, url);
	} else if (strcmp(outcome, "stale") == 0) {
		/* Saving again applies the form over what was saved since. */
		json_object_set_new(model, "version", json_sprintf("%lld",
		    (long long)json_integer_value(json_object_get(ans,
		    "version"))));
		again(req, 409, model, errors, "The office changed this "
		    "settlement after you opened the page. What is saved now "
		    "is shown above your entries, which are kept: check them, "
		    "then save again.", 1);
	} else if (strcmp(outcome, "invalid") == 0) {
		json_object_set(errors, json_string_value(json_object_get(ans,
		    "field")), json_object_get(ans, "message"));
		again(req, 400, model, errors, NULL, 0);
	} else if (refusal_text(outcome) != NULL)
		again(req, 409, model, errors, refusal_text(outcome), 0);
	else if (!refused(req, ans))
		resp_error(req, 500, "internal", "The settlement could not be "
		    "saved.");
}

/*
 * POST /c/<token>/settle (the page's form): 303 to the page once saved,
 * and for the same form again (nothing written); 400 with the form
 * (input kept, errors by their fields); 403 without the page's form token
 * or from another site, or for a link that is not the captain's; 409
 * with the form when settling is not open (before the end, locked,
 * closed), the receipt is not in the store, or the office saved since
 * the form was read; 404; 410; 502 when the store did not answer.
 */
void
crew_settle_save(struct request *req)
{
	unsigned char	 hash[32];
	json_t		*model = NULL, *errors = NULL, *input = NULL, *ans = NULL;
	int		 status;

	if (!crew_post_ok(req)) {
		resp_error(req, 403, "forbidden", "This form did not come from "
		    "your crew page. Open your link again and settle there.");
		return;
	}
	token_hash(req->p.token, hash);
	model = settle_form_read(&req->form);
	errors = json_object();
	if (model == NULL || errors == NULL ||
	    (input = settle_form_input(model, 0, errors)) == NULL) {
		resp_error(req, 500, "internal", "Out of memory.");
		goto out;
	}
	if (json_object_size(errors) > 0) {
		again(req, 400, model, errors, NULL, 0);
		goto out;
	}
	if ((status = receipt_checked(req, hash, input, errors)) != 0) {
		json_object_set_new(model, "receipt_id", json_string(""));
		again(req, status, model, errors, NULL, 0);
		goto out;
	}
	if (db_crew_settle(req->db, hash, req->now_us,
	    (int)req->app->cfg->settle_days, input, &ans) != DB_OK) {
		db_error_response(req, req->db);
		goto out;
	}
	settled(req, ans, model, errors);
out:
	json_decref(model);
	json_decref(errors);
	json_decref(input);
	json_decref(ans);
}

/*
 * POST /c/<token>/settle/receipt (form_token, content_type, size,
 * sha256): 201 {receipt_id, upload {method, url, headers}, expires_at},
 * a PUT straight to the photo store bound to that type, size and
 * SHA-256, while the captain may settle; 400 {error, message} for a
 * type, size or checksum it refuses; 403 without the form token or
 * not the captain's; 404; 409 settlement_closed (before the end,
 * locked, closed); 410; 429 when the trip has its most receipt uploads;
 * 503 without a photo store.
 */
void
crew_settle_receipt(struct request *req)
{
	const struct config	*cfg = req->app->cfg;
	struct receipt_upload	 u;
	struct s3_config	 s3;
	unsigned char		 hash[32];
	json_t			*ans = NULL;
	const char		*outcome;
	char			 msg[160];

	if (!crew_post_ok(req)) {
		resp_error(req, 403, "forbidden", "This upload did not come "
		    "from your crew page.");
		return;
	}
	if (!s3_photo_bucket(cfg, &s3)) {
		resp_error(req, 503, "photos_unavailable", "Photo uploads are "
		    "not set up on this server.");
		return;
	}
	if (receipt_upload_read(&req->form, cfg->photo_max_bytes, &u, msg,
	    sizeof(msg)) == -1) {
		resp_error(req, 400, "invalid", "%s", msg);
		return;
	}
	token_hash(req->p.token, hash);
	if (db_crew_receipt_reserve(req->db, hash, req->now_us,
	    (int)cfg->settle_days, &u, RECEIPT_PUT_SECONDS,
	    LIMIT_RECEIPTS_PER_BOOKING, &ans) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	outcome = json_string_value(json_object_get(ans, "outcome"));
	if (strcmp(outcome, "ok") == 0)
		receipt_presign_answer(req, &s3, &u, ans, now_s(req));
	else if (refusal_text(outcome) != NULL)
		resp_error(req, 409, "settlement_closed", "%s",
		    refusal_text(outcome));
	else if (strcmp(outcome, "quota") == 0)
		resp_error(req, 429, "receipt_quota", "This trip has had its "
		    "%d receipt uploads.", LIMIT_RECEIPTS_PER_BOOKING);
	else if (strcmp(outcome, "gone") == 0)
		resp_error(req, 410, "gone", "This crew link no longer works.");
	else if (strcmp(outcome, "not_captain") == 0)
		resp_error(req, 403, "not_captain", "Only the captain adds the "
		    "receipt.");
	else
		resp_error(req, 404, "not_found", "There is no crew page at "
		    "this address.");
	json_decref(ans);
}
