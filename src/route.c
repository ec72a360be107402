/* route.c: the route table and the checks every request passes before its handler */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "crypto.h"
#include "handlers.h"
#include "log.h"
#include "route.h"

static const struct route routes[] = {
	/* pattern, side, methods, auth, body, html, handler */
	{ "/healthz", SIDE_PUBLIC, M_GET, AUTH_NONE, BODY_NONE, 0, page_healthz },
	{ "/g/:slug", SIDE_PUBLIC, M_GET, AUTH_NONE, BODY_NONE, 1, page_guest },
	{ "/g/:slug/photos", SIDE_PUBLIC, M_GET, AUTH_NONE, BODY_NONE, 0, api_photos_list },
	{ "/g/:slug/photos", SIDE_PUBLIC, M_POST, AUTH_NONE, BODY_JSON, 0, api_photos_create },
	{ "/g/:slug/photos/:id/complete", SIDE_PUBLIC, M_POST, AUTH_NONE, BODY_NONE, 0, api_photos_complete },
	{ "/api/crew", SIDE_INTERNAL, M_GET, AUTH_SERVICE, BODY_NONE, 0, api_crew_list },
	{ "/api/crew", SIDE_INTERNAL, M_POST, AUTH_SERVICE, BODY_JSON, 0, api_crew_create },
	{ "/api/bookings", SIDE_INTERNAL, M_POST, AUTH_SERVICE, BODY_JSON, 0, api_bookings_create },
	{ "/api/bookings/:id", SIDE_INTERNAL, M_GET, AUTH_SERVICE, BODY_NONE, 0, api_bookings_get },
	{ "/api/bookings/:id", SIDE_INTERNAL, M_PATCH, AUTH_SERVICE, BODY_JSON, 0, api_bookings_patch },
	{ "/api/bookings/:id/cancel", SIDE_INTERNAL, M_POST, AUTH_SERVICE, BODY_NONE, 0, api_bookings_cancel },
	{ "/metrics", SIDE_INTERNAL, M_GET, AUTH_DASHBOARD, BODY_NONE, 0, page_metrics },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

size_t
route_count(void)
{
	return NROUTES;
}

const struct route *
route_at(size_t i)
{
	return i < NROUTES ? &routes[i] : NULL;
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

static int
authorized(const struct request *req, enum auth auth)
{
	const struct config	*cfg = req->app->cfg;
	const char		*key;

	if (auth == AUTH_NONE)
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

void
route_dispatch(struct request *req)
{
	const struct route	*r, *found = NULL;
	const char		*params[HTTP_MAX_PARAMS] = { NULL };
	size_t			 i, n = 0;
	unsigned		 allowed = 0, m;
	struct buf		 allow = { 0 };

	/* HTML by default, so an unknown public page gets a real 404 page. */
	req->html = req->side == SIDE_PUBLIC &&
	    strncmp(req->path, "/api/", 5) != 0;
	m = req->method == M_HEAD ? M_GET : req->method;
	for (i = 0; i < NROUTES; i++) {
		r = &routes[i];
		if (r->side == SIDE_INTERNAL && req->side != SIDE_INTERNAL)
			continue;
		if (!route_match(r->pattern, req->path, req->pathbuf,
		    sizeof(req->pathbuf), params, &n))
			continue;
		allowed |= r->methods;
		if (r->methods & m) {
			found = r;
			break;
		}
	}
	if (found == NULL && allowed == 0) {
		resp_error(req, 404, "not_found", "There is nothing at this "
		    "address.");
		return;
	}
	if (found == NULL) {
		resp_error(req, 405, "method_not_allowed", "This address does "
		    "not accept %s.", req->method_name);
		method_list(&allow, allowed);
		resp_header(req, "Allow", buf_str(&allow));
		buf_free(&allow);
		return;
	}

	req->route = found;
	req->html = found->html;
	memcpy(req->param, params, sizeof(params));
	req->nparam = n;
	if (http_read_query(req) != 0)
		return;
	if (!authorized(req, found->auth)) {
		resp_error(req, 401, "unauthorized", "A valid X-Service-Key "
		    "header is required.");
		return;
	}
	if (found->body != BODY_NONE || req->method == M_POST ||
	    req->method == M_PATCH) {
		if (http_read_body(req, found->body == BODY_JSON,
		    found->body == BODY_FORM) != 0)
			return;
	}
	found->handler(req);
}
