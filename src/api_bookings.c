/* api_bookings.c: the bookings resource of the internal API */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "api.h"
#include "booking_input.h"
#include "db_booking.h"
#include "db_errors.h"
#include "handlers.h"
#include "log.h"
#include "page_cache.h"
#include "publish.h"
#include "slug.h"

#define SLUG_ATTEMPTS	4	/* generated slugs collide about never */

static const char actor[] = "api";

static json_t *
ref_json(const struct request *req, const struct booking_ref *ref)
{
	char url[1024];

	snprintf(url, sizeof(url), "%s/g/%s", req->app->cfg->public_url,
	    ref->slug);
	return json_pack("{s:I, s:s, s:s, s:i, s:s}", "id", (json_int_t)ref->id,
	    "slug", ref->slug, "guest_url", url, "version", ref->version,
	    "status", ref->cancelled ? "cancelled" : "confirmed");
}

/* Answers a refused change; 0 when rc was DBB_OK. */
static int
change_failed(struct request *req, enum db_booking_rc rc, long long bad_crew)
{
	switch (rc) {
	case DBB_OK:
		return 0;
	case DBB_NOT_FOUND:
		resp_error(req, 404, "not_found", "There is no booking with "
		    "this id.");
		break;
	case DBB_CANCELLED:
		resp_error(req, 409, "booking_cancelled", "This booking is "
		    "cancelled and can no longer be changed.");
		break;
	case DBB_UNKNOWN_CREW:
		resp_json(req, 400, json_pack("{s:s, s:s, s:s}", "error",
		    "invalid", "field", "crew", "message", "A crew_id does "
		    "not name a crew member."));
		(void)bad_crew;
		break;
	default:
		db_error_response(req, &req->app->db);
		break;
	}
	return -1;
}

/* After a committed change: fresh pages everywhere, published and cached. */
static void
changed(struct request *req, const struct booking_ref *ref)
{
	page_cache_invalidate(req->app);
	publish_booking(req->app, ref);
}

/*
 * POST /api/bookings: 201 {id, slug, guest_url, version}; 400 {error, field,
 * message}; 409 when the given slug is taken. Publishes the guest page.
 */
void
api_bookings_create(struct request *req)
{
	struct field_error	 ferr;
	struct booking_ref	 ref;
	enum db_booking_rc	 rc = DBB_ERROR;
	const char		*given, *name;
	char			 slug[LIMIT_SLUG_MAX + 1];
	long long		 bad_crew = 0;
	int			 attempt;

	if (booking_input_check(req->json, 0, &ferr) != 0) {
		api_field_error(req, &ferr);
		return;
	}
	given = json_string_value(json_object_get(req->json, "slug"));
	name = json_string_value(json_object_get(req->json, "guest_name"));
	for (attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
		if (given != NULL)
			snprintf(slug, sizeof(slug), "%s", given);
		else if (slug_generate(name, slug, sizeof(slug)) == -1) {
			resp_error(req, 503, "unavailable", "No randomness "
			    "for a slug; try again.");
			return;
		}
		rc = db_booking_create(&req->app->db, req->json, slug,
		    req->app->cfg->default_time_zone, actor, &ref, &bad_crew);
		/* Only a generated slug is worth another try. */
		if (rc != DBB_ERROR || given != NULL ||
		    strcmp(req->app->db.constraint, "bookings_slug_unique") != 0)
			break;
	}
	if (change_failed(req, rc, bad_crew))
		return;
	changed(req, &ref);
	resp_json(req, 201, ref_json(req, &ref));
}

/* GET /api/bookings/<id>: 200 with everything staff see; 404. */
void
api_bookings_get(struct request *req)
{
	json_t		*b = NULL;
	long long	 id;
	char		 url[1024];

	if ((id = api_id_param(req, 0)) == 0)
		return;
	if (change_failed(req, db_booking_get(&req->app->db, id, &b), 0))
		return;
	snprintf(url, sizeof(url), "%s/g/%s", req->app->cfg->public_url,
	    json_string_value(json_object_get(b, "slug")));
	json_object_set_new(b, "guest_url", json_string(url));
	resp_json(req, 200, b);
}

/* PATCH /api/bookings/<id>: 200 {id, slug, guest_url, version}; 400; 404;
 * 409 for a cancelled booking or a slug in use. Republishes. */
void
api_bookings_patch(struct request *req)
{
	struct field_error	 ferr;
	struct booking_ref	 ref;
	long long		 id, bad_crew = 0;

	if ((id = api_id_param(req, 0)) == 0)
		return;
	if (booking_input_check(req->json, 1, &ferr) != 0) {
		api_field_error(req, &ferr);
		return;
	}
	if (change_failed(req, db_booking_patch(&req->app->db, id, req->json,
	    req->app->cfg->default_time_zone, actor, &ref, &bad_crew),
	    bad_crew))
		return;
	changed(req, &ref);
	resp_json(req, 200, ref_json(req, &ref));
}

/* POST /api/bookings/<id>/cancel: 200 (also when already cancelled); 404. */
void
api_bookings_cancel(struct request *req)
{
	struct booking_ref	 ref;
	long long		 id;

	if ((id = api_id_param(req, 0)) == 0)
		return;
	if (change_failed(req, db_booking_cancel(&req->app->db, id, actor,
	    &ref), 0))
		return;
	changed(req, &ref);
	resp_json(req, 200, ref_json(req, &ref));
}
