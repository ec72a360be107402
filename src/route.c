/* route.c: the route table and the checks every request passes before its handler */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "crypto.h"
#include "handlers.h"
#include "log.h"
#include "route.h"
#include "session.h"
#include "valid.h"

static const struct route routes[ROUTE__MAX] = {
	[ROUTE_HEALTHZ] = {
		.pattern = "/healthz", .side = SIDE_PUBLIC,
		.audience = AUD_GUEST, .methods = M_GET,
		.handler = api_healthz },
	[ROUTE_GUEST_PAGE] = {
		.pattern = "/g/:slug", .side = SIDE_PUBLIC,
		.audience = AUD_GUEST, .methods = M_GET, .html = 1,
		.handler = guest_page },
	[ROUTE_GUEST_PHOTOS] = {
		.pattern = "/g/:slug/photos", .side = SIDE_PUBLIC,
		.audience = AUD_GUEST, .methods = M_GET,
		.handler = api_photos_list },
	[ROUTE_GUEST_PHOTO_PRESIGN] = {
		.pattern = "/g/:slug/photos", .side = SIDE_PUBLIC,
		.audience = AUD_GUEST, .methods = M_POST, .body = BODY_JSON,
		.handler = api_photos_create },
	[ROUTE_GUEST_PHOTO_COMPLETE] = {
		.pattern = "/g/:slug/photos/:photo/complete",
		.side = SIDE_PUBLIC, .audience = AUD_GUEST, .methods = M_POST,
		.handler = api_photos_complete },
	[ROUTE_CREW_PAGE] = {
		.pattern = "/c/:token", .side = SIDE_PUBLIC,
		.audience = AUD_CREW, .methods = M_GET, .html = 1,
		.handler = crew_page },
	[ROUTE_CREW_RESPOND] = {
		.pattern = "/c/:token", .side = SIDE_PUBLIC,
		.audience = AUD_CREW, .methods = M_POST, .body = BODY_FORM,
		.html = 1, .handler = crew_page_respond },
	[ROUTE_API_CREW_LIST] = {
		.pattern = "/api/crew", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_GET, .auth = AUTH_SERVICE,
		.handler = api_crew_list },
	[ROUTE_API_CREW_CREATE] = {
		.pattern = "/api/crew", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_POST, .auth = AUTH_SERVICE,
		.body = BODY_JSON, .handler = api_crew_create },
	[ROUTE_API_BOOKING_CREATE] = {
		.pattern = "/api/bookings", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_POST, .auth = AUTH_SERVICE,
		.body = BODY_JSON, .handler = api_bookings_create },
	[ROUTE_API_BOOKING_GET] = {
		.pattern = "/api/bookings/:id", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_GET, .auth = AUTH_SERVICE,
		.handler = api_bookings_get },
	[ROUTE_API_BOOKING_PATCH] = {
		.pattern = "/api/bookings/:id", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_PATCH,
		.auth = AUTH_SERVICE, .body = BODY_JSON,
		.handler = api_bookings_patch },
	[ROUTE_API_BOOKING_CANCEL] = {
		.pattern = "/api/bookings/:id/cancel", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_POST, .auth = AUTH_SERVICE,
		.handler = api_bookings_cancel },
	[ROUTE_API_BOOKING_INVITE] = {
		.pattern = "/api/bookings/:id/invitations",
		.side = SIDE_INTERNAL, .audience = AUD_INTERNAL,
		.methods = M_POST, .auth = AUTH_SERVICE,
		.body = BODY_JSON_OPTIONAL, .handler = api_bookings_invite },
	[ROUTE_API_SYNC] = {
		.pattern = "/api/sync", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_GET, .auth = AUTH_SERVICE,
		.handler = api_sync_status },
	[ROUTE_API_SYNC_RETRY] = {
		.pattern = "/api/sync/:id/retry", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_POST, .auth = AUTH_SERVICE,
		.handler = api_sync_retry },
	/* No audience: metrics must answer while the database does not; the
	 * handler reads the outbox gauges as the API role when it can. */
	[ROUTE_METRICS] = {
		.pattern = "/metrics", .side = SIDE_INTERNAL,
		.audience = AUD_NONE, .methods = M_GET,
		.auth = AUTH_DASHBOARD, .handler = api_metrics },
	[ROUTE_ADMIN_ROOT] = {
		.pattern = "/admin", .side = SIDE_PUBLIC, .audience = AUD_NONE,
		.methods = M_GET, .html = 1, .handler = admin_root },
	[ROUTE_ADMIN_HOME] = {
		.pattern = "/admin/", .side = SIDE_PUBLIC, .audience = AUD_STAFF,
		.methods = M_GET, .auth = AUTH_STAFF, .html = 1,
		.handler = admin_home },
	[ROUTE_ADMIN_LOGIN_FORM] = {
		.pattern = "/admin/login", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .html = 1,
		.handler = admin_login_form },
	[ROUTE_ADMIN_LOGIN] = {
		.pattern = "/admin/login", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_POST, .body = BODY_FORM,
		.html = 1, .handler = admin_login },
	[ROUTE_ADMIN_LOGOUT] = {
		.pattern = "/admin/logout", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_POST, .auth = AUTH_STAFF,
		.body = BODY_FORM, .html = 1, .handler = admin_logout },
	[ROUTE_ADMIN_LOGOUT_ALL] = {
		.pattern = "/admin/logout-everywhere", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_POST, .auth = AUTH_STAFF,
		.body = BODY_FORM, .html = 1, .handler = admin_logout_all },
	[ROUTE_ADMIN_BOOKINGS] = {
		.pattern = "/admin/bookings", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .auth = AUTH_STAFF,
		.html = 1, .handler = admin_bookings_list },
	[ROUTE_ADMIN_BOOKING_CREATE] = {
		.pattern = "/admin/bookings", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_POST, .auth = AUTH_STAFF,
		.body = BODY_FORM, .html = 1, .handler = admin_booking_create },
	[ROUTE_ADMIN_BOOKING_NEW] = {
		.pattern = "/admin/bookings/new", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .auth = AUTH_STAFF,
		.html = 1, .handler = admin_booking_new },
	[ROUTE_ADMIN_BOOKING] = {
		.pattern = "/admin/bookings/:id", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .auth = AUTH_STAFF,
		.html = 1, .handler = admin_booking_show },
	[ROUTE_ADMIN_BOOKING_SAVE] = {
		.pattern = "/admin/bookings/:id", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_POST, .auth = AUTH_STAFF,
		.body = BODY_FORM, .html = 1, .handler = admin_booking_save },
	[ROUTE_ADMIN_INVITATIONS] = {
		.pattern = "/admin/bookings/:id/invitations",
		.side = SIDE_PUBLIC, .audience = AUD_STAFF, .methods = M_GET,
		.auth = AUTH_STAFF, .html = 1, .handler = admin_invitations },
	[ROUTE_ADMIN_INVITATIONS_SEND] = {
		.pattern = "/admin/bookings/:id/invitations",
		.side = SIDE_PUBLIC, .audience = AUD_STAFF, .methods = M_POST,
		.auth = AUTH_STAFF, .body = BODY_FORM, .html = 1,
		.handler = admin_invitations_send },
	[ROUTE_ADMIN_SYNC] = {
		.pattern = "/admin/sync", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .auth = AUTH_STAFF,
		.html = 1, .handler = admin_sync },
	[ROUTE_ADMIN_SYNC_RETRY] = {
		.pattern = "/admin/sync", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_POST, .auth = AUTH_STAFF,
		.body = BODY_FORM, .html = 1, .handler = admin_sync_retry },
	/* A crew member's calendar feed: one URL per crew member, polled by
	 * calendar apps (crew_feed_page.c); the API reads and rotates it. */
	[ROUTE_CREW_FEED] = {
		.pattern = "/c/:token/calendar.ics", .side = SIDE_PUBLIC,
		.audience = AUD_CREW, .methods = M_GET, .html = 1,
		.handler = crew_feed_page },
	[ROUTE_API_CREW_FEED] = {
		.pattern = "/api/crew/:id/feed", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_GET, .auth = AUTH_SERVICE,
		.handler = api_crew_feed_get },
	[ROUTE_API_CREW_FEED_ROTATE] = {
		.pattern = "/api/crew/:id/feed/rotate", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_POST, .auth = AUTH_SERVICE,
		.handler = api_crew_feed_rotate },
	/* Revenue reconciliation: the owner's page and CSV (staff get 403),
	 * and the same figures as JSON for dashboards. */
	[ROUTE_ADMIN_RECONCILIATION] = {
		.pattern = "/admin/reconciliation", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .auth = AUTH_OWNER,
		.html = 1, .handler = admin_reconciliation },
	[ROUTE_ADMIN_RECONCILIATION_CSV] = {
		.pattern = "/admin/reconciliation.csv", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .auth = AUTH_OWNER,
		.html = 1, .handler = admin_reconciliation_csv },
	[ROUTE_API_RECONCILIATION] = {
		.pattern = "/api/reconciliation", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_GET,
		.auth = AUTH_DASHBOARD, .handler = api_reconciliation },
	/* The crew roster: staff and the owner alike (rates are pay staff
	 * crew charters with; no booking money is on these pages). */
	[ROUTE_ADMIN_CREW_LIST] = {
		.pattern = "/admin/crew", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .auth = AUTH_STAFF,
		.html = 1, .handler = admin_crew_list },
	[ROUTE_ADMIN_CREW_CREATE] = {
		.pattern = "/admin/crew", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_POST, .auth = AUTH_STAFF,
		.body = BODY_FORM, .html = 1, .handler = admin_crew_create },
	[ROUTE_ADMIN_CREW_NEW] = {
		.pattern = "/admin/crew/new", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .auth = AUTH_STAFF,
		.html = 1, .handler = admin_crew_new },
	[ROUTE_ADMIN_CREW] = {
		.pattern = "/admin/crew/:id", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .auth = AUTH_STAFF,
		.html = 1, .handler = admin_crew_show },
	[ROUTE_ADMIN_CREW_SAVE] = {
		.pattern = "/admin/crew/:id", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_POST, .auth = AUTH_STAFF,
		.body = BODY_FORM, .html = 1, .handler = admin_crew_save },
	[ROUTE_ADMIN_CREW_ACTIVE] = {
		.pattern = "/admin/crew/:id/active", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_POST, .auth = AUTH_STAFF,
		.body = BODY_FORM, .html = 1, .handler = admin_crew_active },
	/* Trip settlements: staff settle and correct; the owner's page adds
	 * the money effect. The receipt upload answers JSON to settle.js. */
	[ROUTE_ADMIN_SETTLEMENT] = {
		.pattern = "/admin/bookings/:id/settlement", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_GET, .auth = AUTH_STAFF,
		.html = 1, .handler = admin_settlement },
	[ROUTE_ADMIN_SETTLEMENT_SAVE] = {
		.pattern = "/admin/bookings/:id/settlement", .side = SIDE_PUBLIC,
		.audience = AUD_STAFF, .methods = M_POST, .auth = AUTH_STAFF,
		.body = BODY_FORM, .html = 1, .handler = admin_settlement_save },
	[ROUTE_ADMIN_SETTLEMENT_RECEIPT] = {
		.pattern = "/admin/bookings/:id/settlement/receipt",
		.side = SIDE_PUBLIC, .audience = AUD_STAFF, .methods = M_POST,
		.auth = AUTH_STAFF, .body = BODY_FORM,
		.handler = admin_settlement_receipt },
	/* The captain's settlement, on their crew link (crew_settle.c). */
	[ROUTE_CREW_SETTLE] = {
		.pattern = "/c/:token/settle", .side = SIDE_PUBLIC,
		.audience = AUD_CREW, .methods = M_GET, .html = 1,
		.handler = crew_settle_page },
	[ROUTE_CREW_SETTLE_SAVE] = {
		.pattern = "/c/:token/settle", .side = SIDE_PUBLIC,
		.audience = AUD_CREW, .methods = M_POST, .body = BODY_FORM,
		.html = 1, .handler = crew_settle_save },
	[ROUTE_CREW_SETTLE_RECEIPT] = {
		.pattern = "/c/:token/settle/receipt", .side = SIDE_PUBLIC,
		.audience = AUD_CREW, .methods = M_POST, .body = BODY_FORM,
		.handler = crew_settle_receipt },
	/* Open places a crew member may take, and taking one
	 * (crew_open_page.c); :id is the open place's id. */
	[ROUTE_CREW_OPEN] = {
		.pattern = "/c/:token/open", .side = SIDE_PUBLIC,
		.audience = AUD_CREW, .methods = M_GET, .html = 1,
		.handler = crew_open_page },
	[ROUTE_CREW_TAKE] = {
		.pattern = "/c/:token/open/:id", .side = SIDE_PUBLIC,
		.audience = AUD_CREW, .methods = M_POST, .body = BODY_FORM,
		.html = 1, .handler = crew_open_take },
	[ROUTE_API_BOOKING_LIST] = {
		.pattern = "/api/bookings", .side = SIDE_INTERNAL,
		.audience = AUD_INTERNAL, .methods = M_GET, .auth = AUTH_SERVICE,
		.handler = api_bookings_list },
};

const struct route *
route_at(size_t i)
{
	return i < ROUTE__MAX ? &routes[i] : NULL;
}

int
route_match(const char *pattern, const char *path, char *scratch,
    size_t scratchlen, const char **params, size_t *nparams)
{
	const char	*p = pattern, *s = path;
	size_t		 used = 0, seg;

	*nparams = 0;
	while (*p != '\0') {
		if (*p == ':') {
			/* A parameter is one non-empty segment. */
			while (*p != '\0' && *p != '/')
				p++;
			seg = strcspn(s, "/");
			if (seg == 0 || *nparams == HTTP_MAX_PARAMS ||
			    used + seg + 1 > scratchlen)
				return 0;
			memcpy(scratch + used, s, seg);
			scratch[used + seg] = '\0';
			params[(*nparams)++] = scratch + used;
			used += seg + 1;
			s += seg;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *s == '\0';
}

/* Checks one raw segment against the type its name gives; 1 when valid. */
static int
param_set(const char *name, size_t len, const char *raw, struct params *p)
{
	if (len == 4 && strncmp(name, "slug", 4) == 0 && valid_slug(raw)) {
		p->slug = raw;
		return 1;
	}
	if (len == 2 && strncmp(name, "id", 2) == 0)
		return valid_id(raw, &p->id);
	if (len == 5 && strncmp(name, "photo", 5) == 0 && valid_photo_id(raw)) {
		p->photo = raw;
		return 1;
	}
	if (len == 5 && strncmp(name, "token", 5) == 0 && valid_token(raw)) {
		p->token = raw;
		return 1;
	}
	return 0;
}

int
route_params(const char *pattern, const char *const *raw, size_t n,
    struct params *p)
{
	const char	*name;
	size_t		 i = 0, len;

	memset(p, 0, sizeof(*p));
	while ((pattern = strchr(pattern, ':')) != NULL) {
		name = ++pattern;
		len = strcspn(name, "/");
		if (i >= n || !param_set(name, len, raw[i], p))
			return 0;
		i++;
		pattern += len;
	}
	return i == n;
}

static int
authorized(const struct request *req, enum auth auth)
{
	const struct config	*cfg = req->app->cfg;
	const char		*key;

	/* Staff sessions are checked once the body is read (session.c). */
	if (auth == AUTH_NONE || auth == AUTH_STAFF || auth == AUTH_OWNER)
		return 1;
	key = http_param(req, "HTTP_X_SERVICE_KEY");
	if (key != NULL && *key != '\0' && cfg->have_service_key &&
	    secret_matches(key, cfg->service_key_sha))
		return 1;
	if (auth != AUTH_DASHBOARD)
		return 0;
	key = http_param(req, "HTTP_X_DASHBOARD_TOKEN");
	return key != NULL && *key != '\0' && cfg->have_dashboard_token &&
	    secret_matches(key, cfg->dashboard_token_sha);
}

static void
method_list(struct buf *b, unsigned methods)
{
	static const struct { unsigned m; const char *name; } names[] = {
		{ M_GET, "GET, HEAD" }, { M_POST, "POST" }, { M_PUT, "PUT" },
		{ M_PATCH, "PATCH" }, { M_DELETE, "DELETE" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (methods & names[i].m)
			buf_printf(b, "%s%s", b->len ? ", " : "", names[i].name);
}

/* Finds the route for path and method; -1 with *allowed the methods the
 * path takes (0 when no route has the path). */
static int
route_find(struct request *req, const char **raw, size_t *n,
    unsigned *allowed)
{
	const struct route	*r;
	unsigned		 m;
	size_t			 i;

	m = req->method == M_HEAD ? M_GET : req->method;
	*allowed = 0;
	for (i = 0; i < ROUTE__MAX; i++) {
		r = &routes[i];
		if (r->side == SIDE_INTERNAL && req->side != SIDE_INTERNAL)
			continue;
		if (!route_match(r->pattern, req->path, req->pathbuf,
		    sizeof(req->pathbuf), raw, n))
			continue;
		*allowed |= r->methods;
		if (r->methods & m)
			return (int)i;
	}
	return -1;
}

/* 1 when the request carries a body (a Content-Length above 0). */
static int
body_sent(const struct request *req)
{
	const char *cl = http_param(req, "CONTENT_LENGTH");

	return cl != NULL && *cl != '\0' && strcmp(cl, "0") != 0;
}

/* The checks and the handler (route_dispatch's contract). */
static void
route_run(struct request *req)
{
	const struct route	*r;
	const char		*raw[HTTP_MAX_PARAMS] = { NULL };
	size_t			 n = 0;
	unsigned		 allowed;
	struct buf		 allow = { 0 };
	int			 id;

	/* HTML by default, so an unknown public page gets a real 404 page. */
	req->html = req->side == SIDE_PUBLIC &&
	    strncmp(req->path, "/api/", 5) != 0;
	if ((id = route_find(req, raw, &n, &allowed)) == -1) {
		if (allowed == 0) {
			resp_error(req, 404, "not_found", "There is nothing "
			    "at this address.");
			return;
		}
		resp_error(req, 405, "method_not_allowed", "This address does "
		    "not accept %s.", req->method_name);
		method_list(&allow, allowed);
		resp_header(req, "Allow", buf_str(&allow));
		buf_free(&allow);
		return;
	}

	r = &routes[id];
	req->route = r;
	req->route_id = id;
	req->html = r->html;
	if (!route_params(r->pattern, raw, n, &req->p)) {
		resp_error(req, 404, "not_found", "There is nothing at this "
		    "address.");
		return;
	}
	if (http_read_query(req) != 0)
		return;
	if (!authorized(req, r->auth)) {
		resp_error(req, 401, "unauthorized", "A valid X-Service-Key "
		    "header is required.");
		return;
	}
	if (r->body != BODY_NONE || req->method == M_POST ||
	    req->method == M_PATCH) {
		if (http_read_body(req, r->body == BODY_JSON ||
		    (r->body == BODY_JSON_OPTIONAL && body_sent(req)),
		    r->body == BODY_FORM) != 0)
			return;
	}
	if (r->auth == AUTH_STAFF || r->auth == AUTH_OWNER) {
		if (session_gate(req, r->auth == AUTH_OWNER) != 0)
			return;
	} else if (r->audience != AUD_NONE) {
		req->db = app_db(req->app, r->audience);
		if (db_ready(req->db) == -1) {
			resp_error(req, 503, "unavailable", "The database is "
			    "not answering; try again in a minute.");
			resp_header(req, "Retry-After", "30");
			return;
		}
	}
	r->handler(req);
}

/* Magic-link paths: the token in them is a credential. */
#define CREW_PREFIX	"/c/"

void
route_dispatch(struct request *req)
{
	route_run(req);
	/* After the handler, on errors too (resp_error resets headers): no
	 * copy may be kept, no link followed from it may name it, no index
	 * may list it. The calendar feed alone chooses its own (private,
	 * revalidated: phones poll it with If-None-Match). */
	if (strncmp(req->path, CREW_PREFIX, strlen(CREW_PREFIX)) == 0) {
		if (strstr(buf_str(&req->headers), "Cache-Control:") == NULL)
			resp_header(req, "Cache-Control", "no-store");
		resp_header(req, "Referrer-Policy", "no-referrer");
		if (strstr(buf_str(&req->headers), "X-Robots-Tag:") == NULL)
			resp_header(req, "X-Robots-Tag", "noindex, nofollow");
	}
}
