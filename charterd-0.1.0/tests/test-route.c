/* test-route.c: matching paths against route patterns, typed parameters, the table */
#include <string.h>

#include "route.h"
#include "tap.h"

#define TOKEN43	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_x"
#define PHOTO32	"0123456789abcdef0123456789abcdef"

static void
test_params(void)
{
	static const struct {
		const char	*pattern, *raw0, *raw1;
		int		 valid;
		long long	 id;
	} cases[] = {
		{ "/g/:slug", "jose-nunez-k3f9qz7a", NULL, 1, 0 },
		{ "/g/:slug", "Jose", NULL, 0, 0 },
		{ "/g/:slug", "-abc", NULL, 0, 0 },
		{ "/g/:slug", "ab", NULL, 0, 0 },
		{ "/api/bookings/:id", "12", NULL, 1, 12 },
		{ "/api/bookings/:id", "9007199254740992", NULL, 1, 9007199254740992LL },
		{ "/api/bookings/:id", "9007199254740993", NULL, 0, 0 },
		{ "/api/bookings/:id", "0", NULL, 0, 0 },
		{ "/api/bookings/:id", "012", NULL, 0, 0 },
		{ "/api/bookings/:id", "-1", NULL, 0, 0 },
		{ "/api/bookings/:id", "1e3", NULL, 0, 0 },
		{ "/api/bookings/:id", "99999999999999999999", NULL, 0, 0 },
		{ "/g/:slug/photos/:photo/complete", "abc", PHOTO32, 1, 0 },
		{ "/g/:slug/photos/:photo/complete", "abc", "0123456789ABCDEF0123456789abcdef", 0, 0 },
		{ "/g/:slug/photos/:photo/complete", "abc", "0123456789abcdef0123456789abcde", 0, 0 },
		{ "/g/:slug/photos/:photo/complete", "abc", PHOTO32 "0", 0, 0 },
		{ "/c/:token", TOKEN43, NULL, 1, 0 },
		{ "/c/:token", TOKEN43 "A", NULL, 0, 0 },
		{ "/c/:token", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123+/x", NULL, 0, 0 },
		{ "/c/:token", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_=", NULL, 0, 0 },
		{ "/x/:bogus", "abc", NULL, 0, 0 },
	};
	struct params	 p;
	const char	*raw[2];
	size_t		 i;
	int		 v;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		raw[0] = cases[i].raw0;
		raw[1] = cases[i].raw1;
		v = route_params(cases[i].pattern, raw, cases[i].raw1 ? 2 : 1, &p);
		is_int(v, cases[i].valid, "%s with %s%s%s is %s", cases[i].pattern,
		    cases[i].raw0, cases[i].raw1 ? ", " : "",
		    cases[i].raw1 ? cases[i].raw1 : "",
		    cases[i].valid ? "valid" : "refused");
		if (v && cases[i].id)
			is_int(p.id, cases[i].id, "the id is parsed");
	}
	raw[0] = "abc";
	raw[1] = PHOTO32;
	route_params("/g/:slug/photos/:photo/complete", raw, 2, &p);
	ok(p.slug == raw[0] && p.photo == raw[1], "slug and photo land in their fields");
	ok(route_params("/g/:slug", raw, 2, &p) == 0, "more segments than parameters is refused");
}

/* Every row is complete and safe: the rules route_dispatch relies on. */
static void
test_table(void)
{
	static const char *const samples[] = {
		"/g/jose-nunez-k3f9qz7a", "/api/bookings/7", "/x/" TOKEN43,
		"/y/" PHOTO32,
	};
	const struct route	*r;
	const char		*raw[HTTP_MAX_PARAMS], *c;
	struct params		 p;
	size_t			 i, n, k;

	ok(route_at(ROUTE__MAX) == NULL, "the table ends at ROUTE__MAX");
	for (i = 0; i < ROUTE__MAX; i++) {
		r = route_at(i);
		ok(r != NULL && r->pattern != NULL && r->pattern[0] == '/' &&
		    r->handler != NULL && r->methods != 0,
		    "route %zu has a pattern, a handler and methods", i);
		if (r == NULL || r->pattern == NULL)
			continue;
		ok(r->audience < AUD__MAX, "%s names a known audience", r->pattern);
		ok((r->side == SIDE_INTERNAL) == (r->auth == AUTH_SERVICE ||
		    r->auth == AUTH_DASHBOARD),
		    "%s: internal routes, and only they, want service credentials",
		    r->pattern);
		ok((r->auth != AUTH_STAFF && r->auth != AUTH_OWNER) ||
		    (r->audience == AUD_STAFF && r->side == SIDE_PUBLIC &&
		    strncmp(r->pattern, "/admin/", 7) == 0),
		    "%s: staff sessions only on /admin/, starting as staff",
		    r->pattern);
		ok(strncmp(r->pattern, "/admin/", 7) != 0 ||
		    r->auth != AUTH_NONE || strcmp(r->pattern, "/admin/login") == 0,
		    "%s: every /admin/ page but the login wants a session",
		    r->pattern);
		ok(r->side == SIDE_INTERNAL || r->audience == AUD_GUEST ||
		    r->audience == AUD_CREW || r->audience == AUD_STAFF ||
		    r->audience == AUD_NONE,
		    "%s: a public route never reads as the internal role", r->pattern);
		/* Each parameter's name is a type the table knows. */
		for (n = 0, c = r->pattern; (c = strchr(c, ':')) != NULL; c++) {
			for (k = 0; k < sizeof(samples) / sizeof(samples[0]); k++)
				if (strncmp(c + 1, "slug", 4) == 0 ? k == 0 :
				    strncmp(c + 1, "id", 2) == 0 ? k == 1 :
				    strncmp(c + 1, "token", 5) == 0 ? k == 2 :
				    k == 3)
					break;
			raw[n++] = strrchr(samples[k < 4 ? k : 3], '/') + 1;
		}
		ok(route_params(r->pattern, raw, n, &p) == 1,
		    "%s: every parameter has a known type", r->pattern);
	}
}

int
main(void)
{
	static const struct {
		const char *pattern, *path;
		int match;
		const char *p0, *p1;
	} cases[] = {
		{ "/healthz", "/healthz", 1, NULL, NULL },
		{ "/healthz", "/healthz/", 0, NULL, NULL },
		{ "/healthz", "/health", 0, NULL, NULL },
		{ "/g/:slug", "/g/jane-smith-k3f9qz", 1, "jane-smith-k3f9qz", NULL },
		{ "/g/:slug", "/g/", 0, NULL, NULL },
		{ "/g/:slug", "/g/a/b", 0, NULL, NULL },
		{ "/g/:slug/photos", "/g/abc/photos", 1, "abc", NULL },
		{ "/g/:slug/photos/:id/complete", "/g/abc/photos/0f/complete", 1, "abc", "0f" },
		{ "/g/:slug/photos/:id/complete", "/g/abc/photos//complete", 0, NULL, NULL },
		{ "/api/bookings/:id", "/api/bookings/12", 1, "12", NULL },
		{ "/api/bookings/:id", "/api/bookings/12/cancel", 0, NULL, NULL },
		{ "/api/bookings/:id/cancel", "/api/bookings/12/cancel", 1, "12", NULL },
		{ "/api/crew", "/api/crewx", 0, NULL, NULL },
		{ "/", "/", 1, NULL, NULL },
	};
	char		 scratch[64];
	const char	*params[HTTP_MAX_PARAMS];
	size_t		 i, n;
	int		 m;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = route_match(cases[i].pattern, cases[i].path, scratch,
		    sizeof(scratch), params, &n);
		is_int(m, cases[i].match, "%s %s %s", cases[i].pattern,
		    cases[i].match ? "matches" : "does not match", cases[i].path);
		if (m && cases[i].p0)
			is_str(params[0], cases[i].p0, "first parameter");
		if (m && cases[i].p1)
			is_str(params[1], cases[i].p1, "second parameter");
	}
	m = route_match("/g/:slug", "/g/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    scratch, sizeof(scratch), params, &n);
	is_int(m, 0, "a parameter longer than the scratch space does not match");
	test_params();
	test_table();
	return tap_done();
}
