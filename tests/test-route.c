/* test-route.c: matching paths against route patterns */
#include <string.h>

#include "route.h"
#include "tap.h"

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
	ok(route_count() > 5 && route_at(route_count()) == NULL,
	    "route table is bounded");
	return tap_done();
}
