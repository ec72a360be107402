/* route.h: the route table and the checks every request passes before its handler */
#ifndef CHARTERD_ROUTE_H
#define CHARTERD_ROUTE_H

#include "db.h"
#include "http.h"

/* Every route, in matching order; ROUTE__MAX sizes every per-route table. */
enum route_id {
	ROUTE_HEALTHZ,
	ROUTE_GUEST_PAGE,
	ROUTE_GUEST_PHOTOS,
	ROUTE_GUEST_PHOTO_PRESIGN,
	ROUTE_GUEST_PHOTO_COMPLETE,
	ROUTE_CREW_PAGE,
	ROUTE_CREW_RESPOND,
	ROUTE_API_CREW_LIST,
	ROUTE_API_CREW_CREATE,
	ROUTE_API_BOOKING_CREATE,
	ROUTE_API_BOOKING_GET,
	ROUTE_API_BOOKING_PATCH,
	ROUTE_API_BOOKING_CANCEL,
	ROUTE_API_BOOKING_INVITE,
	ROUTE_API_SYNC,
	ROUTE_API_SYNC_RETRY,
	ROUTE_METRICS,
	ROUTE_ADMIN_ROOT,
	ROUTE_ADMIN_HOME,
	ROUTE_ADMIN_LOGIN_FORM,
	ROUTE_ADMIN_LOGIN,
	ROUTE_ADMIN_LOGOUT,
	ROUTE_ADMIN_LOGOUT_ALL,
	ROUTE_ADMIN_BOOKINGS,
	ROUTE_ADMIN_BOOKING_CREATE,
	ROUTE_ADMIN_BOOKING_NEW,	/* before :id, which "new" is not */
	ROUTE_ADMIN_BOOKING,
	ROUTE_ADMIN_BOOKING_SAVE,
	ROUTE_ADMIN_INVITATIONS,
	ROUTE_ADMIN_INVITATIONS_SEND,
	ROUTE_ADMIN_SYNC,
	ROUTE_ADMIN_SYNC_RETRY,
	ROUTE_CREW_FEED,
	ROUTE_API_CREW_FEED,
	ROUTE_API_CREW_FEED_ROTATE,
	ROUTE_ADMIN_RECONCILIATION,
	ROUTE_ADMIN_RECONCILIATION_CSV,
	ROUTE_API_RECONCILIATION,
	/* The crew roster's forms and trip settlements (admin_crew.c,
	 * admin_settle.c, crew_settle.c). */
	ROUTE_ADMIN_CREW_LIST,
	ROUTE_ADMIN_CREW_CREATE,
	ROUTE_ADMIN_CREW_NEW,		/* before :id, which "new" is not */
	ROUTE_ADMIN_CREW,
	ROUTE_ADMIN_CREW_SAVE,
	ROUTE_ADMIN_CREW_ACTIVE,
	ROUTE_ADMIN_SETTLEMENT,
	ROUTE_ADMIN_SETTLEMENT_SAVE,
	ROUTE_ADMIN_SETTLEMENT_RECEIPT,
	ROUTE_CREW_SETTLE,
	ROUTE_CREW_SETTLE_SAVE,
	ROUTE_CREW_SETTLE_RECEIPT,
	ROUTE_CREW_OPEN,
	ROUTE_CREW_TAKE,
	ROUTE_API_BOOKING_LIST,
	ROUTE__MAX
};

enum auth {
	AUTH_NONE,
	AUTH_SERVICE,		/* X-Service-Key */
	AUTH_DASHBOARD,		/* X-Service-Key or X-Dashboard-Token */
	AUTH_STAFF,		/* a staff session; POSTs carry its CSRF token */
	AUTH_OWNER,		/* the same, and the owner's: money pages */
};

enum body {
	BODY_NONE,
	BODY_JSON,		/* application/json object, required on POST/PATCH */
	BODY_FORM,		/* urlencoded, on POST */
	BODY_JSON_OPTIONAL,	/* as BODY_JSON when a body is sent; none is fine */
};

/*
 * One row per route. Path parameters are typed by their name in the
 * pattern and checked before the handler runs (a bad one is a 404):
 *   :slug   a guest-page slug (valid_slug)          -> req->p.slug
 *   :id     a row id, 1 .. 2^53                     -> req->p.id
 *   :photo  a photo id, 32 lowercase hex digits     -> req->p.photo
 *   :token  a magic-link token, 43 base64url chars  -> req->p.token
 * The audience picks the database connection (and so the role) the
 * handler's req->db logs in as; AUD_NONE routes get no database.
 */
struct route {
	const char	*pattern;	/* "/api/bookings/:id"; logged as is */
	enum side	 side;		/* SIDE_INTERNAL routes 404 on the public side */
	enum audience	 audience;
	unsigned	 methods;	/* M_GET | M_POST ... (GET implies HEAD) */
	enum auth	 auth;
	enum body	 body;
	int		 html;		/* errors render as HTML pages */
	void		(*handler)(struct request *);
};

/*
 * Routes the request and runs its handler. Checks, in this order: path
 * (404), side (404), method (405 with Allow), path parameters (404),
 * credentials (401), body (400/411/413/415), the audience's database
 * connection (503). Handlers may assume all of them passed. Every answer
 * under /c/, whose path is a credential, whatever it is, carries
 * Cache-Control: no-store, Referrer-Policy: no-referrer and X-Robots-Tag.
 */
void	route_dispatch(struct request *);

/* Matches path against pattern, filling params; 1 on match. Exposed for tests. */
int	route_match(const char *pattern, const char *path, char *scratch,
	    size_t scratchlen, const char **params, size_t *nparams);

/*
 * Checks the n raw segments matched by pattern against their types and
 * fills p; 1 when every one is well-formed. Exposed for tests.
 */
int	route_params(const char *pattern, const char *const *raw, size_t n,
	    struct params *p);

/* The route with this id (for metrics and tests); NULL out of range. */
const struct route *route_at(size_t);

#endif
