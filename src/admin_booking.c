/* admin_booking.c: /admin/bookings/new and /admin/bookings/<id>: a booking's form, saving it, cancelling it */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "admin_booking_form.h"
#include "app.h"
#include "booking_form.h"
#include "booking_input.h"
#include "db_admin.h"
#include "db_booking.h"
#include "db_errors.h"
#include "handlers.h"
#include "kv.h"
#include "log.h"
#include "page_cache.h"
#include "slug.h"
#include "valid.h"

/* What a form page shows beside the form itself. */
struct loaded {
	json_t	*booking;	/* admin_booking(); NULL for a new one */
	json_t	*money;		/* the owner's: admin_booking_money() */
	json_t	*roster;	/* admin_roster() */
	json_t	*history;	/* admin_history() */
};

static void
loaded_free(struct loaded *l)
{
	json_decref(l->booking);
	json_decref(l->money);
	json_decref(l->roster);
	json_decref(l->history);
	memset(l, 0, sizeof(*l));
}

/* Answers a failed read: 404 for a booking that is not there, else 503. */
static int
read_failed(struct request *req, int rc)
{
	if (rc == DB_NOT_FOUND)
		resp_error(req, 404, "not_found", "There is no booking with "
		    "this number.");
	else
		resp_error(req, 503, "unavailable", "The database is not "
		    "answering; try again in a minute.");
	return -1;
}

/*
 * Loads the roster and, for id > 0, the booking (with money for the owner,
 * and its history with history). 0, or -1 answered.
 */
static int
load(struct request *req, long long id, int history, struct loaded *l)
{
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = db_admin_roster(req->db, &l->roster)) != DB_OK)
		return read_failed(req, rc == DB_NOT_FOUND ? DB_ERROR : rc);
	if (id == 0)
		return 0;
	if ((rc = db_admin_booking(req->db, id, &l->booking)) != DB_OK)
		return read_failed(req, rc);
	if (req->user.owner &&
	    (rc = db_admin_money(req->db, id, &l->money)) != DB_OK)
		return read_failed(req, rc);
	if (history && (rc = db_admin_history(req->db, id, req->user.owner,
	    &l->history)) != DB_OK)
		return read_failed(req, rc == DB_NOT_FOUND ? DB_ERROR : rc);
	return 0;
}

static void
render(struct request *req, int status, const struct booking_page *pg)
{
	const char *title = pg->booking ? json_string_value(json_object_get(
	    pg->booking, "guest_name")) : "New booking";

	admin_page(req, status, "admin/booking.html", title ? title : "Booking",
	    "bookings", admin_booking_context(req, pg));
}

/* The crew and open places of a submitted form, with what the database
 * knows of them: a crew member's answer, how many hold a place. */
static void
attach_stored(json_t *model, const json_t *booking)
{
	const json_t	*have;
	json_t		*r;
	size_t		 i, j;
	long long	 id;

	json_array_foreach(json_object_get(model, "crew"), i, r) {
		if (!valid_id(json_string_value(json_object_get(r, "crew_id")),
		    &id))
			continue;
		json_array_foreach(json_object_get(booking, "crew"), j, have)
			if (json_integer_value(json_object_get(have,
			    "crew_id")) == id) {
				json_object_set(r, "status",
				    json_object_get(have, "status"));
				if (json_is_string(json_object_get(have,
				    "responded_label")))
					json_object_set(r, "responded_label",
					    json_object_get(have,
					    "responded_label"));
			}
	}
	json_array_foreach(json_object_get(model, "open_slots"), i, r) {
		if (!valid_id(json_string_value(json_object_get(r, "id")), &id))
			continue;
		json_array_foreach(json_object_get(booking, "open_slots"), j,
		    have)
			if (json_integer_value(json_object_get(have,
			    "slot_id")) == id)
				json_object_set(r, "filled",
				    json_object_get(have, "filled"));
	}
}

/* A crew row without a role takes the crew member's first role. */
static void
default_roles(json_t *model, const json_t *roster)
{
	const json_t	*c;
	json_t		*r;
	size_t		 i, j;
	long long	 id;

	json_array_foreach(json_object_get(model, "crew"), i, r) {
		if (json_string_length(json_object_get(r, "role")) > 0 ||
		    !valid_id(json_string_value(json_object_get(r, "crew_id")),
		    &id))
			continue;
		json_array_foreach(roster, j, c)
			if (json_integer_value(json_object_get(c, "id")) == id &&
			    json_array_size(json_object_get(c, "roles")) > 0)
				json_object_set(r, "role", json_array_get(
				    json_object_get(c, "roles"), 0));
	}
}

static void
fail(json_t *errors, const char *path, const char *message)
{
	if (json_object_get(errors, path) == NULL)
		json_object_set_new(errors, path, json_string(message));
}

/*
 * The form's times placed in the booking's zone by PostgreSQL: the
 * datetime-local texts in input become ISO 8601 with the zone's offset.
 * 0, or -1 answered (the database did not answer).
 */
static int
localize(struct request *req, json_t *in, json_t *errors)
{
	static const char *const keys[] = { "starts_at", "ends_at",
	    "upload_opens_at", "upload_closes_at" };
	const char	*tz = json_string_value(json_object_get(in, "time_zone"));
	json_t		*locals = json_array(), *iso = NULL;
	size_t		 i;
	int		 rc;

	if (tz == NULL)
		tz = req->app->cfg->default_time_zone;
	for (i = 0; i < 4; i++)
		json_array_append(locals, json_object_get(in, keys[i]) ?
		    json_object_get(in, keys[i]) : json_null());
	rc = valid_time_zone_name(tz) ? db_admin_local_times(req->db, tz,
	    locals, &iso) : DB_NOT_FOUND;
	json_decref(locals);
	if (rc == DB_ERROR) {
		resp_error(req, 503, "unavailable", "The database is not "
		    "answering; try again in a minute.");
		return -1;
	}
	if (rc == DB_NOT_FOUND) {
		/* Without a zone the times mean nothing: check them no further. */
		fail(errors, "time_zone", "Enter a time zone PostgreSQL knows, "
		    "like America/Los_Angeles.");
		for (i = 0; i < 4; i++)
			json_object_del(in, keys[i]);
		return 0;
	}
	for (i = 0; i < 4; i++)
		if (json_object_get(in, keys[i]) != NULL)
			json_object_set(in, keys[i], json_array_get(iso, i));
	json_decref(iso);
	return 0;
}

/*
 * Validates input as the API does, each field on its own so that every
 * field with a problem says so; the rules between fields once each field
 * is right. Errors go to errors (the first per path).
 */
static void
check(const json_t *in, int money, json_t *errors)
{
	struct field_error	 ferr;
	const char		*key;
	json_t			*v, *one;

	json_object_foreach((json_t *)in, key, v) {
		if (json_object_get(errors, key) != NULL)
			continue;
		one = json_pack("{s:O}", key, v);
		if (booking_input_check_as(one, 1, money, &ferr) == -1)
			fail(errors, ferr.field, ferr.message);
		json_decref(one);
	}
	if (json_object_size(errors) == 0 &&
	    booking_input_check_as(in, 0, money, &ferr) == -1)
		fail(errors, ferr.field, ferr.message);
}

/* The charter's length in seconds from the input's times; -1 unknown. */
static long long
charter_secs(const json_t *in)
{
	long long a, b;

	if (!valid_iso8601(json_string_value(json_object_get(in, "starts_at")),
	    &a) || !valid_iso8601(json_string_value(json_object_get(in,
	    "ends_at")), &b))
		return -1;
	return b - a;
}

/*
 * The submitted model as the API's input: 0 with *input, 1 when it has
 * errors (in errors), -1 answered.
 */
static int
submit(struct request *req, json_t *model, const json_t *roster,
    json_t *errors, json_t **input, long long *secs)
{
	default_roles(model, roster);
	if ((*input = booking_form_input(model, req->user.owner,
	    errors)) == NULL) {
		resp_error(req, 500, "internal", "Out of memory.");
		return -1;
	}
	if (localize(req, *input, errors) == -1)
		return -1;
	check(*input, req->user.owner, errors);
	*secs = charter_secs(*input);
	return json_object_size(errors) > 0 ? 1 : 0;
}

/*
 * A change the database refused, as errors next to fields: the HTTP
 * status to answer with, or 0 when it is nothing a form can explain.
 */
static int
refused(struct request *req, int rc, json_t *errors)
{
	const char	*field, *message;
	int		 status;

	switch (rc) {
	case DB_UNKNOWN_CREW:
		fail(errors, "crew", "A crew member chosen here is no longer "
		    "on the roster; choose another.");
		return 400;
	case DB_UNKNOWN_SLOT:
		fail(errors, "open_slots", "An open place on this form is no "
		    "longer on the booking; reload the page.");
		return 400;
	case DB_SLOT_HELD:
		fail(errors, "open_slots", "Crew have taken an open place you "
		    "removed or made smaller: it cannot have fewer places "
		    "than the crew who took it.");
		return 409;
	case DB_CANCELLED:
		fail(errors, "status", "This booking is cancelled and can no "
		    "longer be changed.");
		return 409;
	case DB_ERROR:
		if (!db_error_known(req->db, &status, &field, &message))
			return 0;
		if (strcmp(field, "slug") == 0 && status == 409)
			message = "Another booking already uses this address. "
			    "Choose another, or leave it empty and one is made "
			    "from the guest's name.";
		fail(errors, field, message);
		return status;
	}
	return 0;
}

static void
actor_of(const struct request *req, char *out, size_t len)
{
	snprintf(out, len, "staff:%lld", req->user.id);
}

/*
 * Creates the booking. Its address is the given friendly part or one made
 * from the name, with random characters added either way (as the API
 * does: no address can be guessed); one that collides is made again.
 */
static int
create(struct request *req, const json_t *in, struct booking_ref *ref,
    long long *bad)
{
	const char	*given = json_string_value(json_object_get(in, "slug"));
	const char	*name = json_string_value(json_object_get(in,
	    "guest_name"));
	char		 slug[LIMIT_SLUG_MAX + 1], actor[40];
	int		 attempt, rc = DB_ERROR;

	actor_of(req, actor, sizeof(actor));
	for (attempt = 0; attempt < LIMIT_SLUG_ATTEMPTS; attempt++) {
		if ((given != NULL ? slug_suffixed(given, slug, sizeof(slug)) :
		    slug_generate(name, slug, sizeof(slug))) == -1)
			return DB_ERROR;
		rc = db_booking_create(req->db, in, slug,
		    req->app->cfg->default_time_zone, actor, ref, bad);
		if (rc != DB_ERROR ||
		    strcmp(req->db->constraint, "bookings_slug_unique") != 0)
			break;
	}
	return rc;
}

/*
 * An edit's address: left out when unchanged; a new friendly part gets
 * random characters added, as on create. 0, or -1 (no randomness).
 */
static int
edit_slug(json_t *in, const json_t *booking)
{
	const char	*given = json_string_value(json_object_get(in, "slug"));
	char		 slug[LIMIT_SLUG_MAX + 1];

	if (given == NULL)
		return 0;
	if (strcmp(given, json_string_value(json_object_get(booking,
	    "slug"))) == 0) {
		json_object_del(in, "slug");
		return 0;
	}
	if (slug_suffixed(given, slug, sizeof(slug)) == -1)
		return -1;
	json_object_set_new(in, "slug", json_string(slug));
	return 0;
}

/* GET /admin/bookings/new: an empty form in the operator's zone. */
void
admin_booking_new(struct request *req)
{
	struct loaded		 l = { 0 };
	struct booking_page	 pg = { 0 };
	json_t			*model = NULL;

	if (load(req, 0, 0, &l) == -1)
		goto out;
	model = booking_form_blank(req->app->cfg->default_time_zone,
	    req->user.owner);
	pg.model = model;
	pg.roster = l.roster;
	pg.charter_secs = -1;
	render(req, 200, &pg);
out:
	json_decref(model);
	loaded_free(&l);
}

/*
 * POST /admin/bookings: 303 to the new booking's page; 400 (409 for a
 * taken address) with the form, the input kept and each problem next to
 * its field; 200 with one more row when "add" asks for one.
 */
void
admin_booking_create(struct request *req)
{
	struct loaded		 l = { 0 };
	struct booking_page	 pg = { 0 };
	struct booking_ref	 ref;
	json_t			*model = NULL, *in = NULL, *errors = json_object();
	long long		 bad = 0;
	char			 loc[64];
	int			 rc, status;

	if (load(req, 0, 0, &l) == -1)
		goto out;
	model = booking_form_read(&req->form, req->user.owner,
	    kv_get(&req->form, "add"));
	pg.model = model;
	pg.roster = l.roster;
	pg.errors = errors;
	pg.charter_secs = -1;
	if (kv_get(&req->form, "add") != NULL) {
		render(req, 200, &pg);
		goto out;
	}
	if ((rc = submit(req, model, l.roster, errors, &in,
	    &pg.charter_secs)) == -1)
		goto out;
	if (rc == 1) {
		render(req, 400, &pg);
		goto out;
	}
	if ((rc = create(req, in, &ref, &bad)) != DB_OK) {
		if ((status = refused(req, rc, errors)) == 0)
			db_error_response(req, req->db);
		else
			render(req, status, &pg);
		goto out;
	}
	page_cache_invalidate(req->app);
	log_info("staff %lld created booking %lld", req->user.id, ref.id);
	snprintf(loc, sizeof(loc), "/admin/bookings/%lld?created=1", ref.id);
	admin_redirect(req, loc);
out:
	json_decref(in);
	json_decref(errors);
	json_decref(model);
	loaded_free(&l);
}

/* The confirmation step of a cancel: what is cancelled and a POST to do it. */
static void
cancel_page(struct request *req, const json_t *booking)
{
	admin_page(req, 200, "admin/booking_cancel.html", "Cancel booking",
	    "bookings", json_pack("{s:O}", "booking", booking));
}

/* GET /admin/bookings/<id>: its form with its history; ?cancel=1 asks to
 * confirm a cancel. 404 for no such booking. */
void
admin_booking_show(struct request *req)
{
	struct loaded		 l = { 0 };
	struct booking_page	 pg = { 0 };
	json_t			*model = NULL;

	if (load(req, req->p.id, 1, &l) == -1)
		goto out;
	if (kv_get(&req->args, "cancel") != NULL &&
	    !json_is_true(json_object_get(l.booking, "cancelled"))) {
		cancel_page(req, l.booking);
		goto out;
	}
	model = booking_form_model(l.booking, l.money);
	pg.model = model;
	pg.booking = l.booking;
	pg.roster = l.roster;
	pg.history = l.history;
	pg.charter_secs = json_integer_value(json_object_get(l.booking,
	    "charter_secs"));
	if (kv_get(&req->args, "created") != NULL)
		pg.notice = "Booking created. Its guest page is published in a "
		    "moment.";
	else if (kv_get(&req->args, "saved") != NULL)
		pg.notice = "Saved.";
	else if (kv_get(&req->args, "cancelled") != NULL)
		pg.notice = "The booking is cancelled. The guest page says so "
		    "and the crew's links no longer work.";
	render(req, 200, &pg);
out:
	json_decref(model);
	loaded_free(&l);
}

/* POST /admin/bookings/<id> with action=cancel: 303 back to it. */
static void
cancel(struct request *req)
{
	struct booking_ref	 ref;
	char			 actor[40], loc[64];
	int			 rc;

	actor_of(req, actor, sizeof(actor));
	if ((rc = db_booking_cancel(req->db, req->p.id, actor, &ref)) != DB_OK) {
		if (rc == DB_NOT_FOUND)
			read_failed(req, rc);
		else
			db_error_response(req, req->db);
		return;
	}
	page_cache_invalidate(req->app);
	log_info("staff %lld cancelled booking %lld", req->user.id, ref.id);
	snprintf(loc, sizeof(loc), "/admin/bookings/%lld?cancelled=1", ref.id);
	admin_redirect(req, loc);
}

/*
 * Someone saved since the form's version: the page says what changed
 * (theirs against yours), keeps the input, and carries the current
 * version so that saving again applies it on purpose. 409, or -1
 * answered.
 */
static int
stale(struct request *req, struct loaded *l, json_t *model, int from,
    struct booking_page *pg, json_t **changes)
{
	json_t	*keys = NULL, *theirs = NULL;
	int	 rc;

	json_decref(l->booking);
	json_decref(l->money);
	l->booking = l->money = NULL;
	json_decref(l->history);
	l->history = NULL;
	if ((rc = db_admin_booking(req->db, req->p.id, &l->booking)) != DB_OK ||
	    (req->user.owner && (rc = db_admin_money(req->db, req->p.id,
	    &l->money)) != DB_OK) ||
	    (rc = db_admin_changed_since(req->db, req->p.id, from,
	    req->user.owner, &keys)) != DB_OK ||
	    (rc = db_admin_history(req->db, req->p.id, req->user.owner,
	    &l->history)) != DB_OK)
		return read_failed(req, rc);
	theirs = booking_form_model(l->booking, l->money);
	*changes = admin_booking_changes(keys, theirs, model, l->roster);
	json_object_set(model, "version", json_object_get(theirs, "version"));
	attach_stored(model, l->booking);
	pg->booking = l->booking;
	pg->history = l->history;
	pg->stale = *changes;
	pg->stale_from = from;
	json_decref(keys);
	json_decref(theirs);
	return 409;
}

/*
 * POST /admin/bookings/<id>: saves the form at the version it was built
 * from: 303 back to the booking; 400 with the form and each problem next
 * to its field; 409 when someone saved first (what changed, theirs and
 * yours, and the input kept), for an address taken or a cancelled
 * booking; 200 with one more row for "add"; action=cancel cancels.
 */
void
admin_booking_save(struct request *req)
{
	struct loaded		 l = { 0 };
	struct booking_page	 pg = { 0 };
	struct booking_ref	 ref;
	json_t			*model = NULL, *in = NULL, *changes = NULL;
	json_t			*errors = json_object();
	long long		 bad = 0, version = 0;
	char			 actor[40], loc[64];
	int			 rc, status;

	if (strcmp(admin_form(req, "action"), "cancel") == 0) {
		cancel(req);
		goto out;
	}
	if (load(req, req->p.id, 1, &l) == -1)
		goto out;
	model = booking_form_read(&req->form, req->user.owner,
	    kv_get(&req->form, "add"));
	attach_stored(model, l.booking);
	pg.model = model;
	pg.booking = l.booking;
	pg.roster = l.roster;
	pg.history = l.history;
	pg.errors = errors;
	pg.charter_secs = -1;
	if (kv_get(&req->form, "add") != NULL) {
		render(req, 200, &pg);
		goto out;
	}
	if (!valid_id(json_string_value(json_object_get(model, "version")),
	    &version) || version > INT32_MAX) {
		resp_error(req, 400, "invalid", "The form came without the "
		    "booking's version. Reload the page and make your change "
		    "again.");
		goto out;
	}
	if ((rc = submit(req, model, l.roster, errors, &in,
	    &pg.charter_secs)) == -1)
		goto out;
	if (rc == 1) {
		render(req, 400, &pg);
		goto out;
	}
	if (edit_slug(in, l.booking) == -1) {
		resp_error(req, 503, "unavailable", "No randomness for an "
		    "address; try again.");
		goto out;
	}
	actor_of(req, actor, sizeof(actor));
	rc = db_booking_patch(req->db, req->p.id, (int)version, in,
	    req->app->cfg->default_time_zone, actor, &ref, &bad);
	if (rc == DB_STALE) {
		if ((status = stale(req, &l, model, (int)version, &pg,
		    &changes)) > 0)
			render(req, status, &pg);
		goto out;
	}
	if (rc != DB_OK) {
		if (rc == DB_NOT_FOUND)
			read_failed(req, rc);
		else if ((status = refused(req, rc, errors)) == 0)
			db_error_response(req, req->db);
		else
			render(req, status, &pg);
		goto out;
	}
	page_cache_invalidate(req->app);
	snprintf(loc, sizeof(loc), "/admin/bookings/%lld?saved=1", ref.id);
	admin_redirect(req, loc);
out:
	json_decref(changes);
	json_decref(in);
	json_decref(model);
	json_decref(errors);
	loaded_free(&l);
}
