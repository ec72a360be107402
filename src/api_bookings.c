/* api_bookings.c: the bookings resource of the internal API */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "api.h"
#include "booking_input.h"
#include "db_booking.h"
#include "db_crew_slots.h"
#include "db_errors.h"
#include "handlers.h"
#include "links.h"
#include "log.h"
#include "page_cache.h"
#include "slug.h"
#include "valid.h"

static const char actor[] = "api";

static json_t *
ref_json(const struct request *req, const struct booking_ref *ref)
{
	char url[1024];

	link_url(url, sizeof(url), req->app->cfg->public_url, LINK_GUEST,
	    ref->slug);
	return json_pack("{s:I, s:s, s:s, s:i, s:s}", "id", (json_int_t)ref->id,
	    "slug", ref->slug, "guest_url", url, "version", ref->version,
	    "status", ref->cancelled ? "cancelled" : "confirmed");
}

/* Answers a refused change; 0 when rc was DB_OK. */
static int
change_failed(struct request *req, int rc, const struct booking_ref *ref,
    long long bad_crew)
{
	char msg[128];

	switch (rc) {
	case DB_OK:
		return 0;
	case DB_NOT_FOUND:
		resp_error(req, 404, "not_found", "There is no booking with "
		    "this id.");
		break;
	case DB_CANCELLED:
		resp_error(req, 409, "booking_cancelled", "This booking is "
		    "cancelled and can no longer be changed.");
		break;
	case DB_STALE:
		resp_json(req, 409, json_pack("{s:s, s:i, s:s}", "error",
		    "stale_version", "version", ref->version, "message",
		    "Someone changed this booking since you read it: read it "
		    "again, then send your change with its current version."));
		break;
	case DB_UNKNOWN_CREW:
		snprintf(msg, sizeof(msg), "crew_id %lld does not name a crew "
		    "member.", bad_crew);
		resp_json(req, 400, json_pack("{s:s, s:s, s:s}", "error",
		    "invalid", "field", "crew", "message", msg));
		break;
	case DB_UNKNOWN_SLOT:
		snprintf(msg, sizeof(msg), "open slot id %lld is not one of "
		    "this booking's open slots.", bad_crew);
		resp_json(req, 400, json_pack("{s:s, s:s, s:s}", "error",
		    "invalid", "field", "open_slots", "message", msg));
		break;
	case DB_SLOT_HELD:
		snprintf(msg, sizeof(msg), "Open slot %lld is held by crew: it "
		    "cannot be dropped, nor its count made smaller than the "
		    "crew holding it.", bad_crew);
		resp_json(req, 409, json_pack("{s:s, s:s, s:s, s:I}", "error",
		    "slot_held", "field", "open_slots", "message", msg,
		    "slot_id", (json_int_t)bad_crew));
		break;
	default:
		db_error_response(req, req->db);
		break;
	}
	return -1;
}

/*
 * The version a change must apply to: "version" in the body (removed from
 * it) or If-Match: "<version>". 0 when neither is given (the change then
 * applies to whatever is current), -1 when one is malformed or they
 * disagree (400 sent).
 */
static int
wanted_version(struct request *req)
{
	const char	*im = http_param(req, "HTTP_IF_MATCH");
	json_t		*v = json_object_get(req->json, "version");
	long long	 body = 0, hdr = 0;
	char		 digits[24];
	size_t		 len;

	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > INT32_MAX) {
			resp_json(req, 400, json_pack("{s:s, s:s, s:s}", "error",
			    "invalid", "field", "version", "message", "version "
			    "must be the booking's version, a whole number."));
			return -1;
		}
		body = json_integer_value(v);
		json_object_del(req->json, "version");
	}
	if (im != NULL && *im != '\0') {
		/* An entity tag, "7" (or W/"7": versions are strong anyway). */
		if (strncmp(im, "W/", 2) == 0)
			im += 2;
		len = strlen(im);
		if (len < 3 || len > sizeof(digits) || im[0] != '"' ||
		    im[len - 1] != '"')
			goto bad_header;
		snprintf(digits, sizeof(digits), "%.*s", (int)(len - 2), im + 1);
		if (!valid_id(digits, &hdr) || hdr > INT32_MAX)
			goto bad_header;
	}
	if (body != 0 && hdr != 0 && body != hdr) {
		resp_json(req, 400, json_pack("{s:s, s:s, s:s}", "error",
		    "invalid", "field", "version", "message", "The body's "
		    "version and the If-Match header disagree."));
		return -1;
	}
	return (int)(body != 0 ? body : hdr);
bad_header:
	resp_error(req, 400, "invalid_if_match", "If-Match must be the "
	    "booking's version in quotes, e.g. If-Match: \"7\".");
	return -1;
}

static void
etag(struct request *req, int version)
{
	char tag[24];

	snprintf(tag, sizeof(tag), "\"%d\"", version);
	resp_header(req, "ETag", tag);
}

/* After a committed change: this host's cached pages go at once; the
 * published copy follows through the outbox (charterd sync). */
static void
changed(struct request *req, const struct booking_ref *ref)
{
	page_cache_invalidate(req->app);
	etag(req, ref->version);
}

/*
 * POST /api/bookings: 201 {id, slug, guest_url, version}; 400 {error, field,
 * message}. A given slug is the friendly part: like a generated one it gets
 * a random suffix (SLUG_SUFFIX_LEN base36 characters, 41 bits), so no
 * guest page can be guessed; a clash draws another. Publishes the page.
 */
void
api_bookings_create(struct request *req)
{
	struct field_error	 ferr;
	struct booking_ref	 ref;
	int			 rc = DB_ERROR;
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
	for (attempt = 0; attempt < LIMIT_SLUG_ATTEMPTS; attempt++) {
		if ((given != NULL ? slug_suffixed(given, slug, sizeof(slug)) :
		    slug_generate(name, slug, sizeof(slug))) == -1) {
			resp_error(req, 503, "unavailable", "No randomness "
			    "for a slug; try again.");
			return;
		}
		rc = db_booking_create(req->db, req->json, slug,
		    req->app->cfg->default_time_zone, actor, &ref, &bad_crew);
		if (rc != DB_ERROR ||
		    strcmp(req->db->constraint, "bookings_slug_unique") != 0)
			break;
	}
	if (change_failed(req, rc, &ref, bad_crew))
		return;
	changed(req, &ref);
	resp_json(req, 201, ref_json(req, &ref));
}

/* GET /api/bookings/<id>: 200 with everything staff see; 404. */
void
api_bookings_get(struct request *req)
{
	json_t		*b = NULL;
	char		 url[1024];

	if (change_failed(req, db_booking_get(req->db, req->p.id, &b), NULL, 0))
		return;
	etag(req, (int)json_integer_value(json_object_get(b, "version")));
	link_url(url, sizeof(url), req->app->cfg->public_url, LINK_GUEST,
	    json_string_value(json_object_get(b, "slug")));
	json_object_set_new(b, "guest_url", json_string(url));
	resp_json(req, 200, b);
}

/*
 * A PATCH's "slug" is a friendly part like POST's: it gets a random suffix,
 * unless it is the booking's current slug (a client sending back what it
 * read), which then stays. 0, or -1 with the answer sent.
 */
static int
patch_slug(struct request *req)
{
	json_t		*b = NULL;
	const char	*given;
	char		 slug[LIMIT_SLUG_MAX + 1];
	int		 rc = 0;

	given = json_string_value(json_object_get(req->json, "slug"));
	if (given == NULL)
		return 0;
	/* A booking that is not there is the PATCH's own 404. */
	if (db_booking_get(req->db, req->p.id, &b) == DB_OK &&
	    strcmp(given, json_string_value(json_object_get(b, "slug"))) == 0)
		json_object_del(req->json, "slug");
	else if (slug_suffixed(given, slug, sizeof(slug)) == -1) {
		resp_error(req, 503, "unavailable", "No randomness for a slug; "
		    "try again.");
		rc = -1;
	} else
		json_object_set_new(req->json, "slug", json_string(slug));
	json_decref(b);
	return rc;
}

/*
 * PATCH /api/bookings/<id>: 200 {id, slug, guest_url, version}; 400; 404;
 * 409 for a cancelled booking, a slug in use, or stale_version when the
 * version given (body "version" or If-Match) is not the current one. A
 * PATCH that names no version applies to the current one. A new slug gets
 * a random suffix (patch_slug). Republishes.
 */
void
api_bookings_patch(struct request *req)
{
	struct field_error	 ferr;
	struct booking_ref	 ref;
	long long		 bad_crew = 0;
	int			 version, rc;

	if ((version = wanted_version(req)) == -1)
		return;
	if (booking_input_check(req->json, 1, &ferr) != 0) {
		api_field_error(req, &ferr);
		return;
	}
	if (patch_slug(req) == -1)
		return;
	/* Two statements: bad_crew is read once the patch has set it. */
	rc = db_booking_patch(req->db, req->p.id, version, req->json,
	    req->app->cfg->default_time_zone, actor, &ref, &bad_crew);
	if (change_failed(req, rc, &ref, bad_crew))
		return;
	changed(req, &ref);
	resp_json(req, 200, ref_json(req, &ref));
}

/* POST /api/bookings/<id>/cancel: 200 (also when already cancelled); 404. */
void
api_bookings_cancel(struct request *req)
{
	struct booking_ref	 ref;

	if (change_failed(req, db_booking_cancel(req->db, req->p.id, actor,
	    &ref), &ref, 0))
		return;
	changed(req, &ref);
	resp_json(req, 200, ref_json(req, &ref));
}

/* A 400 for query parameter name. */
static void
bad_param(struct request *req, const char *error, const char *name,
    const char *message)
{
	resp_json(req, 400, json_pack("{s:s, s:s, s:s}", "error", error,
	    "field", name, "message", message));
}

/* The same, its message saying the range: "... 1 to <max>." */
static void
bad_range(struct request *req, const char *name, const char *what, int max)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s%d.", what, max);
	bad_param(req, "out_of_range", name, msg);
}

/*
 * GET /api/bookings[?from=&to=&open=1&limit=]: 200 the bookings starting
 * from "from" (ISO 8601 with offset; default now) up to "to" (exclusive;
 * default 30 days after "from", at most LIMIT_LIST_DAYS), soonest first,
 * at most "limit" (default and most LIMIT_LIST_BOOKINGS), each with its
 * crewing {needed, confirmed, pending, declined, open, fully_crewed};
 * open=1 lists only those going ahead that are not fully crewed. No
 * money: GET /api/bookings/<id> has it. 400 names a bad parameter.
 */
void
api_bookings_list(struct request *req)
{
	const char	*from = kv_get(&req->args, "from");
	const char	*to = kv_get(&req->args, "to");
	const char	*open = kv_get(&req->args, "open");
	const char	*lim = kv_get(&req->args, "limit");
	long long	 f = req->now_us / 1000000, t, n = LIMIT_LIST_BOOKINGS;
	json_t		*list = NULL;

	if (from != NULL && (!valid_iso8601(from, &f) || f < 0)) {
		bad_param(req, "invalid", "from", "from must be an ISO 8601 "
		    "time with its offset.");
		return;
	}
	t = f + 30LL * 86400;
	if (to != NULL && !valid_iso8601(to, &t)) {
		bad_param(req, "invalid", "to", "to must be an ISO 8601 time "
		    "with its offset.");
		return;
	}
	if (t <= f || t - f > LIMIT_LIST_DAYS * 86400LL) {
		bad_range(req, "to", "to must come after from; days between "
		    "them: at most ", LIMIT_LIST_DAYS);
		return;
	}
	if (open != NULL && strcmp(open, "0") != 0 && strcmp(open, "1") != 0) {
		bad_param(req, "invalid", "open", "open is 1 or 0.");
		return;
	}
	if (lim != NULL && (!valid_id(lim, &n) || n > LIMIT_LIST_BOOKINGS)) {
		bad_range(req, "limit", "limit is 1 to ", LIMIT_LIST_BOOKINGS);
		return;
	}
	if (db_bookings_list(req->db, f * 1000000, t * 1000000,
	    open != NULL && strcmp(open, "1") == 0, (int)n, &list) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	resp_json(req, 200, list);
}
