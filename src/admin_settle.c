/* admin_settle.c: /admin/bookings/<id>/settlement: staff settle, correct and lock a trip, planned against actual hours; the owner also sees the money effect */
/*
 * Staff write through staff_settle() (sql/016_settle.sql) any time after
 * the charter's end, locked or not, and lock or unlock it: a locked
 * settlement is one the captain can no longer change. The page shows the
 * settlement's own port fee and fuel (what the captain reports) but never
 * revenue, the planned port fee or the captain fee: those appear only in
 * the owner's money panel, read by owner_settlement_money(), which the
 * staff role may not run.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "app.h"
#include "db_errors.h"
#include "db_settle.h"
#include "handlers.h"
#include "kv.h"
#include "limits.h"
#include "receipt.h"
#include "settle_form.h"

static void
booking_not_found(struct request *req)
{
	resp_error(req, 404, "not_found", "There is no booking with this "
	    "number.");
}

static time_t
now_s(const struct request *req)
{
	return (time_t)(req->now_us / 1000000);
}

static void
actor_of(const struct request *req, char *out, size_t len)
{
	snprintf(out, len, "staff:%lld", req->user.id);
}

/* The receipt's part of the page: a link to see it, where to upload. */
static json_t *
receipt_context(struct request *req, const json_t *settlement)
{
	const struct config	*cfg = req->app->cfg;
	struct s3_config	 s3;
	struct buf		 url = { 0 };
	char			 presign[96];
	const char		*key;
	json_t			*r;

	if (!s3_photo_bucket(cfg, &s3))
		return json_pack("{s:b}", "off", 1);
	snprintf(presign, sizeof(presign),
	    "/admin/bookings/%lld/settlement/receipt", req->p.id);
	r = json_pack("{s:s, s:s, s:I}", "presign", presign, "token_field",
	    "csrf", "max_mb", (json_int_t)(cfg->photo_max_bytes /
	    (1024 * 1024)));
	key = json_string_value(json_object_get(settlement, "receipt_key"));
	if (key != NULL && receipt_link(&s3, key, now_s(req), &url) == 0)
		json_object_set_new(r, "url", json_string(buf_str(&url)));
	buf_free(&url);
	return r;
}

/* The owner's money panel; NULL for staff or without a settlement. */
static json_t *
money(struct request *req)
{
	json_t *m = NULL;

	if (!req->user.owner ||
	    db_owner_settlement_money(req->db, req->p.id, &m) != DB_OK)
		return NULL;
	return m;
}

/*
 * Renders the page: ans is staff_settlement()'s ok answer (borrowed);
 * model NULL shows what is stored; errors (borrowed, may be NULL) what
 * to say by the fields; notice a line at the top; stale when someone
 * saved since the form's version.
 */
static void
render(struct request *req, int status, const json_t *ans, const json_t *model,
    const json_t *errors, const char *notice, int stale)
{
	const json_t	*form = json_object_get(ans, "form");
	const json_t	*b = json_object_get(form, "booking");
	json_t		*own = NULL, *ctx, *m;
	char		 action[96];

	if (model == NULL)
		model = own = settle_form_stored(form);
	if ((ctx = settle_form_context(form, model, errors)) == NULL) {
		json_decref(own);
		resp_error(req, 500, "internal", "Out of memory.");
		return;
	}
	snprintf(action, sizeof(action), "/admin/bookings/%lld/settlement",
	    req->p.id);
	json_object_set_new(ctx, "action", json_string(action));
	json_object_set(ctx, "trip", (json_t *)b);
	json_object_set(ctx, "settlement", json_object_get(form, "settlement"));
	json_object_set(ctx, "crew", json_object_get(form, "crew"));
	json_object_set(ctx, "history", json_object_get(ans, "history"));
	json_object_set_new(ctx, "has_history", json_boolean(json_array_size(
	    json_object_get(ans, "history")) > 0));
	json_object_set_new(ctx, "can_settle", json_boolean(
	    json_is_true(json_object_get(b, "ended")) &&
	    !json_is_true(json_object_get(b, "cancelled"))));
	json_object_set_new(ctx, "receipt", receipt_context(req,
	    json_object_get(form, "settlement")));
	if ((m = money(req)) != NULL)
		json_object_set_new(ctx, "money", m);
	if (notice != NULL)
		json_object_set_new(ctx, "notice", json_pack("{s:s, s:b}",
		    "text", notice, stale || status >= 400 ? "warning" :
		    "success", 1));
	if (stale)
		json_object_set_new(ctx, "stale", json_true());
	json_decref(own);
	admin_page(req, status, "admin/settlement.html", "Settlement",
	    "bookings", ctx);
}

/* staff_settlement()'s ok answer for the route's booking; NULL when
 * answered (404, 503). */
static json_t *
lookup(struct request *req)
{
	json_t *ans = NULL;

	if (db_staff_settlement(req->db, req->p.id, req->now_us, &ans) !=
	    DB_OK) {
		db_error_response(req, req->db);
		return NULL;
	}
	if (strcmp(json_string_value(json_object_get(ans, "outcome")), "ok") !=
	    0) {
		json_decref(ans);
		booking_not_found(req);
		return NULL;
	}
	return ans;
}

/*
 * GET /admin/bookings/<id>/settlement: 200, the settlement (planned and
 * actual hours, what was paid, its history) and, once the charter has
 * ended, its form; 404.
 */
void
admin_settlement(struct request *req)
{
	json_t *ans;

	if ((ans = lookup(req)) == NULL)
		return;
	render(req, 200, ans, NULL, NULL, kv_get(&req->args, "saved") ?
	    "Settlement saved." : NULL, 0);
	json_decref(ans);
}

/* The page again after a POST that wrote nothing (input kept). */
static void
again(struct request *req, int status, const json_t *model,
    const json_t *errors, const char *notice, int stale)
{
	json_t *ans;

	if ((ans = lookup(req)) == NULL)
		return;
	render(req, status, ans, model, errors, notice, stale);
	json_decref(ans);
}

/* Whether the receipt the form names arrived as announced: 0 (or none
 * named), else the status to answer with, the reason in errors. */
static int
receipt_checked(struct request *req, const json_t *input, json_t *errors)
{
	const char		*id = json_string_value(json_object_get(input,
				    "receipt_id"));
	struct s3_config	 s3;
	json_t			*found = NULL;
	int			 rc = 0;

	if (id == NULL)
		return 0;
	if (!s3_photo_bucket(req->app->cfg, &s3) ||
	    db_staff_receipt(req->db, req->p.id, id, &found) != DB_OK ||
	    strcmp(json_string_value(json_object_get(found, "outcome")),
	    "ok") != 0) {
		json_object_set_new(errors, "receipt", json_string("That "
		    "receipt photo is not one uploaded for this charter; choose "
		    "it again."));
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

/* Answers staff_settle()'s outcome (borrowed). */
static void
settled(struct request *req, const json_t *ans, json_t *model, json_t *errors)
{
	const char	*outcome = json_string_value(json_object_get(ans,
			    "outcome"));
	char		 loc[96];

	if (strcmp(outcome, "changed") == 0 || strcmp(outcome, "unchanged") ==
	    0) {
		snprintf(loc, sizeof(loc), "/admin/bookings/%lld/settlement"
		    "?saved=1", req->p.id);
		admin_redirect(req, loc);
	} else if (strcmp(outcome, "stale") == 0) {
		json_object_set_new(model, "version", json_sprintf("%lld",
		    (long long)json_integer_value(json_object_get(ans,
		    "version"))));
		again(req, 409, model, errors, "Someone saved this settlement "
		    "after you opened the page: what is saved now is shown "
		    "above, and your entries are kept below. Check them, then "
		    "save again to apply yours.", 1);
	} else if (strcmp(outcome, "invalid") == 0) {
		json_object_set(errors, json_string_value(json_object_get(ans,
		    "field")), json_object_get(ans, "message"));
		again(req, 400, model, errors, NULL, 0);
	} else if (strcmp(outcome, "early") == 0)
		again(req, 409, model, errors, "The charter has not ended yet: "
		    "settle it once it has.", 0);
	else if (strcmp(outcome, "cancelled") == 0)
		again(req, 409, model, errors, "This booking was cancelled: "
		    "there is no trip to settle.", 0);
	else
		booking_not_found(req);
}

/*
 * POST /admin/bookings/<id>/settlement (the form, with locked=1 to lock
 * it): 303 to the page once saved, and for the same form again; 400 with
 * the form (input kept, errors by their fields); 409 with the form before
 * the charter's end, for a cancelled booking, a receipt not in the store,
 * or when someone saved since the form was read; 404; 502 when the store
 * did not answer.
 */
void
admin_settlement_save(struct request *req)
{
	json_t	*model = NULL, *errors = NULL, *input = NULL, *ans = NULL;
	char	 actor[48];
	int	 status;

	model = settle_form_read(&req->form);
	errors = json_object();
	if (model == NULL || errors == NULL ||
	    (input = settle_form_input(model, 1, errors)) == NULL) {
		resp_error(req, 500, "internal", "Out of memory.");
		goto out;
	}
	if (json_object_size(errors) > 0) {
		again(req, 400, model, errors, NULL, 0);
		goto out;
	}
	if ((status = receipt_checked(req, input, errors)) != 0) {
		json_object_set_new(model, "receipt_id", json_string(""));
		again(req, status, model, errors, NULL, 0);
		goto out;
	}
	actor_of(req, actor, sizeof(actor));
	if (db_staff_settle(req->db, req->p.id, actor, req->now_us, input,
	    &ans) != DB_OK) {
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
 * POST /admin/bookings/<id>/settlement/receipt (csrf, content_type,
 * size, sha256): 201 {receipt_id, upload {method, url, headers},
 * expires_at}, a PUT straight to the photo store bound to that type,
 * size and SHA-256; 400 {error, message}; 404; 409 before the charter's
 * end or for a cancelled booking; 429 when the trip has its most receipt
 * uploads; 503 without a photo store.
 */
void
admin_settlement_receipt(struct request *req)
{
	const struct config	*cfg = req->app->cfg;
	struct receipt_upload	 u;
	struct s3_config	 s3;
	json_t			*ans = NULL;
	const char		*outcome;
	char			 msg[160], actor[48];

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
	actor_of(req, actor, sizeof(actor));
	if (db_staff_receipt_reserve(req->db, req->p.id, actor, req->now_us, &u,
	    RECEIPT_PUT_SECONDS, LIMIT_RECEIPTS_PER_BOOKING, &ans) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	outcome = json_string_value(json_object_get(ans, "outcome"));
	if (strcmp(outcome, "ok") == 0)
		receipt_presign_answer(req, &s3, &u, ans, now_s(req));
	else if (strcmp(outcome, "quota") == 0)
		resp_error(req, 429, "receipt_quota", "This trip has had its "
		    "%d receipt uploads.", LIMIT_RECEIPTS_PER_BOOKING);
	else if (strcmp(outcome, "not_found") == 0)
		resp_error(req, 404, "not_found", "There is no booking with "
		    "this number.");
	else
		resp_error(req, 409, "settlement_closed", "This charter cannot "
		    "be settled now (not ended yet, or cancelled).");
	json_decref(ans);
}
