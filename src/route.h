/* route.h: the route table and the checks every request passes before its handler */
#ifndef CHARTERD_ROUTE_H
#define CHARTERD_ROUTE_H

#include "http.h"

enum auth {
	AUTH_NONE,
	AUTH_SERVICE,		/* X-Service-Key */
	AUTH_DASHBOARD,		/* X-Service-Key or X-Dashboard-Token */
};

enum body {
	BODY_NONE,
	BODY_JSON,		/* application/json object, required on POST/PATCH */
	BODY_FORM,		/* urlencoded, on POST */
};

struct route {
	const char	*pattern;	/* "/api/bookings/:id"; logged as is */
	enum side	 side;		/* SIDE_INTERNAL routes 404 on the public side */
	unsigned	 methods;	/* M_GET | M_POST ... (GET implies HEAD) */
	enum auth	 auth;
	enum body	 body;
	int		 html;		/* errors render as HTML pages */
	void		(*handler)(struct request *);
};

/*
 * Routes the request and runs its handler. Checks, in this order: path
 * (404), side (404), method (405 with Allow), credentials (401), body
 * (400/411/413/415). Handlers may assume all of them passed.
 */
void	route_dispatch(struct request *);

/* Matches path against pattern, filling params; 1 on match. Exposed for tests. */
int	route_match(const char *pattern, const char *path, char *scratch,
	    size_t scratchlen, const char **params, size_t *nparams);

/* Number of routes and the i-th one, for metrics. */
size_t		 route_count(void);
const struct route *route_at(size_t);

#endif
