/* admin_sync.c: /admin/sync: what each sync target has waiting, failing and dead, and a dead row sent again */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "db_errors.h"
#include "db_outbox.h"
#include "db_staff.h"
#include "handlers.h"
#include "log.h"
#include "valid.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*target;
	const char	*label;
	const char	*what;
} targets[] = {
	{ "publish", "Guest pages", "the published /g/ page of each booking" },
	{ "scc", "ShipCaptainCrew", "the crew scheduling platform's events" },
	{ "dynamo", "DynamoDB", "the crew-facing store" },
	{ "calendar", "Calendar", "the operator's calendar" },
	{ "mail", "Mail", "guest confirmations, crew invitations, alerts" },
};

/* "2026-06-01T09:30:12.345+00:00" as {iso, label "2026-06-01 09:30:12 UTC"}. */
static json_t *
when(const json_t *v)
{
	const char	*s = json_string_value(v), *zone;
	char		 label[64];
	size_t		 n;

	if (s == NULL || strlen(s) < 19)
		return json_null();
	zone = s + 19;
	if (*zone == '.')
		zone += 1 + strspn(zone + 1, "0123456789");
	snprintf(label, sizeof(label), "%.10s %.8s %s", s, s + 11,
	    strcmp(zone, "Z") == 0 || strncmp(zone, "+00", 3) == 0 ? "UTC" :
	    zone);
	for (n = 0; label[n] != '\0'; n++)
		if ((unsigned char)label[n] < ' ')
			label[n] = ' ';
	return json_pack("{s:s, s:s}", "iso", s, "label", label);
}

/* The rows of one list (failing, dead) with their times readable. */
static json_t *
rows(const json_t *list)
{
	json_t		*out = json_array(), *r;
	const json_t	*row;
	size_t		 i;

	json_array_foreach(list, i, row) {
		r = json_deep_copy(row);
		json_object_set_new(r, "created", when(json_object_get(row,
		    "created_at")));
		json_object_set_new(r, "next", when(json_object_get(row,
		    "next_attempt_at")));
		json_array_append_new(out, r);
	}
	return out;
}

/*
 * GET /admin/sync: per target (as GET /api/sync says): waiting, in
 * flight, delivered, the rows that failed and will be tried again with
 * their last error, the dead ones with a button each to send them again,
 * when it last worked.
 */
void
admin_sync(struct request *req)
{
	json_t		*status = NULL, *list = json_array(), *t, *ctx;
	const char	*flash = NULL;
	char		 text[128];
	size_t		 i;

	if (db_outbox_status(req->db, &status) != DB_OK) {
		json_decref(list);
		db_error_response(req, req->db);
		return;
	}
	for (i = 0; i < NELEM(targets); i++) {
		if ((t = json_object_get(status, targets[i].target)) == NULL)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:O, "
		    "s:O, s:O, s:o, s:o, s:o, s:o, s:O, s:b}",
		    "target", targets[i].target, "label", targets[i].label,
		    "what", targets[i].what,
		    "pending", json_object_get(t, "pending"),
		    "delivering", json_object_get(t, "delivering"),
		    "delivered", json_object_get(t, "delivered"),
		    "failing", rows(json_object_get(t, "failing")),
		    "dead", rows(json_object_get(t, "dead")),
		    "last_success", when(json_object_get(t, "last_success_at")),
		    "last_failure", when(json_object_get(t, "last_failure_at")),
		    "oldest_pending_age_s", json_object_get(t,
		    "oldest_pending_age_s"),
		    "healthy", json_array_size(json_object_get(t, "dead")) == 0 &&
		    json_array_size(json_object_get(t, "failing")) == 0));
	}
	json_decref(status);
	if ((flash = kv_get(&req->args, "retried")) != NULL &&
	    valid_id(flash, NULL)) {
		snprintf(text, sizeof(text), "Row %s is queued again.", flash);
		flash = text;
	} else if ((flash = kv_get(&req->args, "gone")) != NULL &&
	    valid_id(flash, NULL)) {
		snprintf(text, sizeof(text), "Row %s is not dead (any more): "
		    "nothing to send again.", flash);
		flash = text;
	} else
		flash = NULL;
	ctx = json_pack("{s:o}", "targets", list);
	if (flash != NULL)
		json_object_set_new(ctx, "notice", json_string(flash));
	admin_page(req, 200, "admin/sync.html", "Sync", "sync", ctx);
}

/*
 * POST /admin/sync with id=<outbox row>: a dead row back in the queue,
 * with an audit row, in one transaction; 303 to /admin/sync saying so
 * (or that it was not dead). 400 for an id that is not one.
 */
void
admin_sync_retry(struct request *req)
{
	long long	 id;
	char		 loc[64];
	int		 rc;
	json_t		*detail;

	if (!valid_id(admin_form(req, "id"), &id)) {
		resp_error(req, 400, "invalid", "Which row? The form names "
		    "none.");
		return;
	}
	detail = json_pack("{s:I}", "outbox_id", (json_int_t)id);
	if (db_begin(req->db) != DB_OK ||
	    (rc = db_outbox_retry(req->db, id)) == DB_ERROR ||
	    (rc == DB_OK && db_staff_audit(req->db, req->user.id, "sync.retry",
	    0, detail) != DB_OK) || db_commit(req->db) != DB_OK) {
		json_decref(detail);
		db_rollback(req->db);
		db_error_response(req, req->db);
		return;
	}
	json_decref(detail);
	if (rc == DB_OK)
		log_info("staff %lld queued outbox row %lld again", req->user.id,
		    id);
	snprintf(loc, sizeof(loc), "/admin/sync?%s=%lld", rc == DB_OK ?
	    "retried" : "gone", id);
	admin_redirect(req, loc);
}
