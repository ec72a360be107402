/* api_crew_feed.c: GET /api/crew/<id>/feed and POST /api/crew/<id>/feed/rotate, a crew member's calendar feed URL */
#include "app.h"
#include "crew_feed.h"
#include "db_errors.h"
#include "handlers.h"
#include "limits.h"
#include "token.h"

/* Answers {crew_id, url} for what crew_feed_url/crew_feed_rotate did. */
static void
answer(struct request *req, int rc, const char *url)
{
	switch (rc) {
	case DB_OK:
		resp_json(req, 200, json_pack("{s:I, s:s}", "crew_id",
		    (json_int_t)req->p.id, "url", url));
		return;
	case DB_NOT_FOUND:
		resp_error(req, 404, "not_found", "There is no crew member %lld.",
		    req->p.id);
		return;
	case DB_STALE:
		resp_error(req, 409, "stale_feed", "This feed was made under "
		    "another CHARTER_TOKEN_SECRET; POST "
		    "/api/crew/%lld/feed/rotate gives it a new URL.", req->p.id);
		return;
	}
	if (req->db->sqlstate[0] != '\0')
		db_error_response(req, req->db);
	else
		resp_error(req, 500, "internal", "The feed URL could not be "
		    "made.");
}

/* 503 when feeds cannot be made here; 1 when they can. */
static int
feeds_set_up(struct request *req)
{
	if (req->app->cfg->token_secret_len >= TOKEN_SECRET_MIN)
		return 1;
	resp_error(req, 503, "unavailable", "Calendar feeds need "
	    "CHARTER_TOKEN_SECRET.");
	return 0;
}

/*
 * GET /api/crew/<id>/feed: 200 {crew_id, url}, the crew member's calendar
 * feed URL, made on first use; 404 for no such crew member; 409 for a feed
 * made under another token secret; 503 without a token secret.
 */
void
api_crew_feed_get(struct request *req)
{
	char	 url[LIMIT_FEED_URL];
	int	 rc;

	if (!feeds_set_up(req))
		return;
	rc = crew_feed_url(req->db, req->app->cfg, req->p.id, url,
	    sizeof(url));
	answer(req, rc, url);
}

/*
 * POST /api/crew/<id>/feed/rotate: 200 {crew_id, url} with a new URL; the
 * old one answers 410 from now on. 404 for no such crew member; 503
 * without a token secret.
 */
void
api_crew_feed_rotate(struct request *req)
{
	char	 url[LIMIT_FEED_URL];
	int	 rc;

	if (!feeds_set_up(req))
		return;
	rc = crew_feed_rotate(req->db, req->app->cfg, req->p.id, "api", url,
	    sizeof(url));
	answer(req, rc, url);
}
