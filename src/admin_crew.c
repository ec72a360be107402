/* admin_crew.c: /admin/crew: the crew roster (list and search, create, edit, deactivate and reactivate) */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "crew_form.h"
#include "db_errors.h"
#include "db_roster.h"
#include "handlers.h"
#include "kv.h"
#include "limits.h"

/*
 * Staff and the owner see and set crew pay rates: a rate is a cost staff
 * need to crew a charter (and crew see their own), not revenue; nothing
 * here reads a booking's money. Every change writes its audit row in the
 * same statement (roster_save(), roster_set_active()).
 */

/* The form's fields: its input id, the label the error summary gives. */
static const struct {
	const char *name, *label;
} form_fields[] = {
	{ "name", "Name" }, { "email", "Email" }, { "phone", "Phone" },
	{ "roles", "Roles" }, { "rate", "Hourly rate" },
};
#define NFIELDS	(sizeof(form_fields) / sizeof(form_fields[0]))

/* What a 303 back to the roster or a crew member says once there. */
static const struct {
	const char *arg, *text;
} notices[] = {
	{ "created", "Crew member added." },
	{ "saved", "Changes saved." },
	{ "unchanged", "Nothing to save: the form was as stored." },
	{ "deactivated", "Deactivated: they keep the charters they have, and "
	  "can be given no new one." },
	{ "reactivated", "Active again: they can be given charters." },
};

static const char *
notice_of(const struct request *req)
{
	size_t i;

	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if (kv_get(&req->args, notices[i].arg) != NULL)
			return notices[i].text;
	return NULL;
}

static void
actor_of(const struct request *req, char *out, size_t len)
{
	snprintf(out, len, "staff:%lld", req->user.id);
}

static void
crew_not_found(struct request *req)
{
	resp_error(req, 404, "not_found", "There is no crew member with this "
	    "number.");
}

/*
 * GET /admin/crew (?q= searches names and emails, ?show=active|inactive):
 * 200, active crew first, then inactive, by name.
 */
void
admin_crew_list(struct request *req)
{
	const char	*q = kv_get(&req->args, "q");
	const char	*show = kv_get(&req->args, "show");
	json_t		*list = NULL, *ctx;

	if (show != NULL && strcmp(show, "active") != 0 &&
	    strcmp(show, "inactive") != 0)
		show = NULL;
	if (q != NULL && strlen(q) > LIMIT_NAME_LEN)
		q = NULL;
	if (db_roster_list(req->db, q, show, LIMIT_ROSTER_ROWS, &list) !=
	    DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	ctx = json_pack("{s:o, s:s, s:{s:b, s:b, s:b}, s:b}", "list", list,
	    "q", q ? q : "", "show", "all", show == NULL, "active",
	    show != NULL && strcmp(show, "active") == 0, "inactive",
	    show != NULL && strcmp(show, "inactive") == 0,
	    "searched", (q != NULL && *q != '\0') || show != NULL);
	if (ctx != NULL && notice_of(req) != NULL)
		json_object_set_new(ctx, "notice", json_string(notice_of(req)));
	admin_page(req, 200, "admin/crew.html", "Crew", "crew", ctx);
}

/*
 * Renders the crew form: model (stolen) is what it shows, errors
 * ({field: sentence}, borrowed; may be NULL) what to say next to fields,
 * row (borrowed) the stored crew member when editing (NULL: a new one),
 * extra (stolen; may be NULL) more context (stale, taken, notice).
 */
static void
form_page(struct request *req, int status, json_t *model, const json_t *errors,
    const json_t *row, json_t *extra)
{
	json_t		*ctx = extra ? extra : json_object(), *f, *list;
	const char	*msg;
	char		 action[64];
	size_t		 i;

	f = json_object();
	list = json_array();
	for (i = 0; i < NFIELDS; i++) {
		msg = json_string_value(json_object_get(errors,
		    form_fields[i].name));
		json_object_set_new(f, form_fields[i].name, json_pack("{s:O}",
		    "value", json_object_get(model, form_fields[i].name)));
		if (msg == NULL)
			continue;
		json_object_set_new(json_object_get(f, form_fields[i].name),
		    "error", json_string(msg));
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "id",
		    form_fields[i].name, "label", form_fields[i].label,
		    "message", msg));
	}
	if (row != NULL)
		snprintf(action, sizeof(action), "/admin/crew/%lld",
		    (long long)json_integer_value(json_object_get(row, "id")));
	else
		snprintf(action, sizeof(action), "/admin/crew");
	json_object_set_new(ctx, "f", f);
	json_object_set_new(ctx, "seen", json_incref(json_object_get(model,
	    "seen")));
	json_object_set_new(ctx, "has_errors", json_boolean(json_array_size(
	    list) > 0));
	json_object_set_new(ctx, "one_error", json_boolean(json_array_size(
	    list) == 1));
	json_object_set_new(ctx, "errors", list);
	json_object_set_new(ctx, "action", json_string(action));
	if (row != NULL)
		json_object_set_new(ctx, "crew", json_incref((json_t *)row));
	else
		json_object_set_new(ctx, "creating", json_true());
	json_decref(model);
	admin_page(req, status, "admin/crew_form.html", row != NULL ?
	    json_string_value(json_object_get(row, "name")) : "New crew member",
	    "crew", ctx);
}

/* GET /admin/crew/new: 200, an empty form. */
void
admin_crew_new(struct request *req)
{
	form_page(req, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "name", "", "email", "", "phone", "", "roles", "", "rate", "",
	    "seen", ""), NULL, NULL, NULL);
}

/* The stored crew member of the route's id; NULL when answered (404). */
static json_t *
stored(struct request *req)
{
	json_t	*row = NULL;
	int	 rc;

	if ((rc = db_roster_get(req->db, req->p.id, &row)) == DB_OK)
		return row;
	if (rc == DB_NOT_FOUND)
		crew_not_found(req);
	else
		db_error_response(req, req->db);
	return NULL;
}

/* GET /admin/crew/<id>: 200, the crew member's form; 404. */
void
admin_crew_show(struct request *req)
{
	json_t	*row, *extra = NULL;

	if ((row = stored(req)) == NULL)
		return;
	if (notice_of(req) != NULL)
		extra = json_pack("{s:s}", "notice", notice_of(req));
	form_page(req, 200, crew_form_stored(row), NULL, row, extra);
	json_decref(row);
}

/*
 * Saves the form of crew member row (NULL: a new one): 303 to its page
 * once saved; 400 with the form (input kept, errors by their fields)
 * when a field is wrong; 409 with the form when the email is another's
 * (saying whose) or someone saved the crew member since the form was
 * read (saying what they saved).
 */
static void
save(struct request *req, const json_t *row)
{
	json_t		*model, *errors, *input = NULL, *ans = NULL, *extra;
	const char	*outcome, *seen;
	char		 actor[48], loc[96];
	long long	 id = row ? req->p.id : 0;

	model = crew_form_read(&req->form);
	errors = json_object();
	if (model == NULL || errors == NULL ||
	    (input = crew_form_input(model, errors)) == NULL) {
		resp_error(req, 500, "internal", "Out of memory.");
		goto out;
	}
	if (json_object_size(errors) > 0) {
		form_page(req, 400, json_incref(model), errors, row, NULL);
		goto out;
	}
	actor_of(req, actor, sizeof(actor));
	seen = json_string_value(json_object_get(model, "seen"));
	if (db_roster_save(req->db, id, actor, input, seen && *seen ? seen :
	    NULL, &ans) != DB_OK) {
		db_error_response(req, req->db);
		goto out;
	}
	outcome = json_string_value(json_object_get(ans, "outcome"));
	if (strcmp(outcome, "created") == 0) {
		snprintf(loc, sizeof(loc), "/admin/crew/%lld?created=1",
		    (long long)json_integer_value(json_object_get(ans, "id")));
		admin_redirect(req, loc);
	} else if (strcmp(outcome, "changed") == 0 ||
	    strcmp(outcome, "unchanged") == 0) {
		snprintf(loc, sizeof(loc), "/admin/crew/%lld?%s=1", id,
		    strcmp(outcome, "changed") == 0 ? "saved" : "unchanged");
		admin_redirect(req, loc);
	} else if (strcmp(outcome, "email_taken") == 0) {
		json_object_set_new(errors, "email", json_string("Another crew "
		    "member already has this email address."));
		extra = json_pack("{s:O}", "taken", json_object_get(ans, "by"));
		form_page(req, 409, json_incref(model), errors, row, extra);
	} else if (strcmp(outcome, "stale") == 0) {
		/* The form goes on from what is stored now, input kept. */
		json_object_set_new(model, "seen", json_incref(json_object_get(
		    json_object_get(ans, "current"), "seen")));
		extra = json_pack("{s:O}", "stale", json_object_get(ans,
		    "current"));
		form_page(req, 409, json_incref(model), errors, row, extra);
	} else
		crew_not_found(req);
out:
	json_decref(model);
	json_decref(errors);
	json_decref(input);
	json_decref(ans);
}

/* POST /admin/crew: creates a crew member (save()'s answers). */
void
admin_crew_create(struct request *req)
{
	save(req, NULL);
}

/* POST /admin/crew/<id>: saves an edit (save()'s answers); 404. */
void
admin_crew_save(struct request *req)
{
	json_t *row;

	if ((row = stored(req)) == NULL)
		return;
	save(req, row);
	json_decref(row);
}

/*
 * POST /admin/crew/<id>/active (active=0 deactivates, 1 reactivates):
 * 303 to the crew member's page, also when it was so already; 400 for
 * another value; 404.
 */
void
admin_crew_active(struct request *req)
{
	const char	*v = admin_form(req, "active");
	json_t		*ans = NULL;
	char		 actor[48], loc[96];
	int		 active;

	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
		resp_error(req, 400, "invalid", "The form said neither "
		    "deactivate nor reactivate.");
		return;
	}
	active = v[0] == '1';
	actor_of(req, actor, sizeof(actor));
	if (db_roster_set_active(req->db, req->p.id, actor, active, &ans) !=
	    DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	if (strcmp(json_string_value(json_object_get(ans, "outcome")),
	    "not_found") == 0)
		crew_not_found(req);
	else {
		snprintf(loc, sizeof(loc), "/admin/crew/%lld?%s=1", req->p.id,
		    active ? "reactivated" : "deactivated");
		admin_redirect(req, loc);
	}
	json_decref(ans);
}
