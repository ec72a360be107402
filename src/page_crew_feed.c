/* page_crew_feed.c: GET /c/<feed-token>/calendar.ics, a crew member's charters as a calendar feed */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "crew_feed.h"
#include "db_crew_feed.h"
#include "db_errors.h"
#include "etag.h"
#include "handlers.h"
#include "ics.h"
#include "limits.h"
#include "links.h"
#include "log.h"
#include "token.h"

/* Bumped when the rendering changes, so no client keeps an old one. */
#define FEED_FORMAT	"ics1"

/* What the calendar says besides the charters, and the salt of its tag. */
struct feed_meta {
	char	 host[256];
	char	 name[256];
	char	 contact[512];
	char	 salt[1280];
};

/* Everything the rendering takes from the configuration. 0 or -1. */
static int
feed_meta(const struct config *cfg, struct feed_meta *m)
{
	const char	*email = cfg->contact_email ? cfg->contact_email : "";
	const char	*phone = cfg->contact_phone ? cfg->contact_phone : "";
	int		 n;

	if (link_host(m->host, sizeof(m->host), cfg->public_url) == -1)
		return -1;
	n = snprintf(m->name, sizeof(m->name), "%s crew calendar",
	    cfg->site_name ? cfg->site_name : "Charter");
	if (n < 0 || (size_t)n >= sizeof(m->name))
		return -1;
	m->contact[0] = '\0';
	if (*email != '\0' || *phone != '\0') {
		n = snprintf(m->contact, sizeof(m->contact), "Questions: %s%s%s",
		    email, *email && *phone ? ", " : "", phone);
		if (n < 0 || (size_t)n >= sizeof(m->contact))
			return -1;
	}
	/* JSON would be unambiguous too; a NUL-free separator the values
	 * cannot hold is enough: none carries a line break. */
	n = snprintf(m->salt, sizeof(m->salt), "%s\n%s\n%s\n%s", FEED_FORMAT,
	    m->host, m->name, m->contact);
	return n < 0 || (size_t)n >= sizeof(m->salt) ? -1 : 0;
}

static void
not_found(struct request *req)
{
	resp_error(req, 404, "not_found", "There is no calendar at this "
	    "address. Ask the office for your calendar link.");
}

static void
gone(struct request *req, const char *reason)
{
	if (reason != NULL && strcmp(reason, "inactive") == 0)
		resp_error(req, 410, "gone", "This calendar is no longer "
		    "kept. Ask the office if that is a mistake.");
	else
		resp_error(req, 410, "gone", "This calendar link was replaced "
		    "by a new one. Ask the office for your new calendar link.");
}

/* Headers of both the feed and its 304. */
static void
feed_headers(struct request *req, const char *tag)
{
	char etag[ETAG_HEX_LEN + 3];

	snprintf(etag, sizeof(etag), "\"%s\"", tag);
	resp_header(req, "ETag", etag);
	/* Only the crew member's own calendar may keep it (the URL is a
	 * credential), and it must ask again each time: a 304 is cheap. */
	resp_header(req, "Cache-Control", "private, no-cache");
	resp_header(req, "X-Robots-Tag", "noindex, nofollow");
}

/* Answers a feed crew_feed() found: 304 or 200 with the calendar. */
static void
feed_answer(struct request *req, const json_t *feed,
    const struct feed_meta *m)
{
	const char	*state, *tag;
	json_int_t	 crew_id;
	struct ics_feed	 f;

	state = json_string_value(json_object_get(feed, "state"));
	tag = json_string_value(json_object_get(feed, "etag"));
	crew_id = json_integer_value(json_object_get(feed, "crew_id"));
	if (state == NULL || tag == NULL || strlen(tag) != ETAG_HEX_LEN ||
	    crew_id <= 0) {
		resp_error(req, 500, "internal", "The calendar could not be "
		    "made.");
		return;
	}
	/* The row's hash matched; the token must also be the one charterd
	 * derives from the row's nonce, or the row is not charterd's. */
	if (!crew_feed_token_ok(req->app->cfg, crew_id, json_string_value(
	    json_object_get(feed, "nonce")), req->p.token)) {
		log_warnx("a calendar feed row of crew member %lld does not "
		    "derive from its nonce", (long long)crew_id);
		not_found(req);
		return;
	}
	if (strcmp(state, "unchanged") == 0) {
		req->status = 304;
		buf_reset(&req->out);
		feed_headers(req, tag);
		return;
	}
	f = (struct ics_feed){ .crew_id = crew_id, .uid_host = m->host,
	    .name = m->name, .contact = m->contact };
	buf_reset(&req->out);
	if (ics_render(&f, json_object_get(feed, "events"), &req->out) == -1) {
		resp_error(req, 500, "internal", "The calendar could not be "
		    "made.");
		return;
	}
	req->status = 200;
	req->content_type = "text/calendar; charset=utf-8";
	feed_headers(req, tag);
}

/*
 * GET /c/<feed-token>/calendar.ics: 200 text/calendar with the crew
 * member's confirmed charters (cancelled ones as STATUS:CANCELLED) and a
 * strong ETag; 304 with no body when If-None-Match names it; 404 for a
 * token that opens no feed (unknown, of another purpose, or not derived
 * under this CHARTER_TOKEN_SECRET); 410 for a feed replaced by a rotation,
 * or of a crew member no longer active; 503 without a token secret. Runs
 * as charterd_crew and changes nothing.
 */
void
page_crew_feed(struct request *req)
{
	const struct config	*cfg = req->app->cfg;
	struct feed_meta	 m;
	unsigned char		 hash[32];
	char			 known[2 + LIMIT_FEED_ETAGS * (ETAG_HEX_LEN + 1) + 1];
	json_t			*feed = NULL;
	const char		*state;

	if (cfg->token_secret_len < TOKEN_SECRET_MIN) {
		resp_error(req, 503, "unavailable", "Calendars are not set up "
		    "here yet.");
		return;
	}
	if (feed_meta(cfg, &m) == -1) {
		log_err("CHARTER_PUBLIC_URL, CHARTER_SITE_NAME or the contact "
		    "details do not fit a calendar");
		resp_error(req, 500, "internal", "The calendar could not be "
		    "made.");
		return;
	}
	etag_if_none_match(http_param(req, "HTTP_IF_NONE_MATCH"),
	    LIMIT_FEED_ETAGS, known, sizeof(known));
	token_hash(req->p.token, hash);
	switch (db_crew_feed_read(req->db, hash, known, m.salt,
	    LIMIT_FEED_DAYS_BACK, LIMIT_FEED_EVENTS, &feed)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		not_found(req);
		return;
	default:
		db_error_response(req, req->db);
		return;
	}
	state = json_string_value(json_object_get(feed, "state"));
	if (state != NULL && strcmp(state, "gone") == 0)
		gone(req, json_string_value(json_object_get(feed, "reason")));
	else
		feed_answer(req, feed, &m);
	json_decref(feed);
}
