/* crew_feed_page.c: GET /c/<feed-token>/calendar.ics, a crew member's charters as a calendar feed */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "crew_feed.h"
#include "db_crew_feed.h"
#include "db_errors.h"
#include "etag.h"
#include "feed_cache.h"
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
gone(struct request *req, int rotated)
{
	if (rotated)
		resp_error(req, 410, "gone", "This calendar link was replaced "
		    "by a new one. Ask the office for your new calendar link.");
	else
		resp_error(req, 410, "gone", "This calendar is no longer "
		    "kept. Ask the office if that is a mistake.");
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

/* Sends body as the feed under tag. */
static void
send_feed(struct request *req, const char *tag, const struct buf *body)
{
	buf_reset(&req->out);
	if (buf_append(&req->out, body->data, body->len) == -1) {
		resp_error(req, 500, "internal", "The calendar could not be "
		    "sent.");
		return;
	}
	req->status = 200;
	req->content_type = "text/calendar; charset=utf-8";
	feed_headers(req, tag);
}

/* Renders f's charters, keeps the result for the next asker, sends it. */
static void
render(struct request *req, const unsigned char key[32],
    const struct crew_feed_found *f, const struct feed_meta *m)
{
	struct ics_feed	 feed = { .crew_id = f->crew_id, .uid_host = m->host,
	    .name = m->name, .contact = m->contact };
	struct buf	 body = { 0 };

	if (ics_render(&feed, f->events, f->n, &body) == -1) {
		buf_free(&body);
		resp_error(req, 500, "internal", "The calendar could not be "
		    "made.");
		return;
	}
	if (req->app->cfg->feed_cache)
		feed_cache_put(key, f->etag, &body);
	send_feed(req, f->etag, &body);
	buf_free(&body);
}

/* Reads the feed whose token hashes to key, offering the client's tags
 * (client) and the cached body's; DB_* as db_crew_feed_read. */
static int
read_feed(struct request *req, const unsigned char key[32],
    const char *client, const struct feed_meta *m, int offer_cached,
    struct crew_feed_found *f)
{
	char		 known[2 + (LIMIT_FEED_ETAGS + 1) * (ETAG_HEX_LEN + 1) + 1];
	const char	*cached;

	snprintf(known, sizeof(known), "%s", client);
	if (offer_cached && (cached = feed_cache_tag(key)) != NULL)
		etag_list_add(known, sizeof(known), cached);
	return db_crew_feed_read(req->db, key, known, m->salt,
	    LIMIT_FEED_DAYS_BACK, LIMIT_FEED_EVENTS, f);
}

/*
 * GET /c/<feed-token>/calendar.ics: 200 text/calendar with the crew
 * member's confirmed charters (cancelled ones as STATUS:CANCELLED) and a
 * strong ETag; 304 with no body when If-None-Match names it; 404 for a
 * token that opens no feed (unknown, of another purpose, or not derived
 * under this CHARTER_TOKEN_SECRET); 410 for a feed replaced by a rotation,
 * or of a crew member no longer active; 503 without a token secret. Runs
 * as charterd_crew and changes nothing. A body rendered before under the
 * current tag is sent again without asking for the charters (feed_cache.h).
 */
void
crew_feed_page(struct request *req)
{
	const struct config	*cfg = req->app->cfg;
	struct feed_meta	 m;
	struct crew_feed_found	 f = { 0 };
	const struct buf	*body;
	unsigned char		 key[32];
	char			 client[2 + LIMIT_FEED_ETAGS * (ETAG_HEX_LEN + 1) + 1];
	int			 rc;

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
	    LIMIT_FEED_ETAGS, client, sizeof(client));
	token_hash(req->p.token, key);
	rc = read_feed(req, key, client, &m, cfg->feed_cache != 0, &f);
	/* Unchanged, yet neither the client's tag nor the cached body's (a
	 * client tag that is ours and current, or "*", answers 304 below):
	 * cannot be, but if the cache moved, ask again for the charters. */
	if (rc == DB_OK && f.state == FEED_UNCHANGED &&
	    !etag_listed(client, f.etag) && feed_cache_get(key, f.etag) == NULL) {
		db_crew_feed_found_free(&f);
		rc = read_feed(req, key, "{}", &m, 0, &f);
	}
	switch (rc) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		feed_cache_drop(key);
		not_found(req);
		return;
	default:
		db_error_response(req, req->db);
		return;
	}
	if (f.state == FEED_GONE) {
		feed_cache_drop(key);
		gone(req, f.rotated);
		goto out;
	}
	/* The row's hash matched; the token must also be the one charterd
	 * derives from the row's nonce, or the row is not charterd's. */
	if (f.etag == NULL || strlen(f.etag) != ETAG_HEX_LEN ||
	    !crew_feed_token_ok(cfg, f.crew_id, f.nonce, req->p.token)) {
		log_warnx("a calendar feed row of crew member %lld does not "
		    "derive from its nonce", f.crew_id);
		not_found(req);
		goto out;
	}
	if (etag_listed(client, f.etag)) {
		req->status = 304;
		buf_reset(&req->out);
		feed_headers(req, f.etag);
	} else if (f.state == FEED_UNCHANGED &&
	    (body = feed_cache_get(key, f.etag)) != NULL)
		send_feed(req, f.etag, body);
	else
		render(req, key, &f, &m);
out:
	db_crew_feed_found_free(&f);
}
