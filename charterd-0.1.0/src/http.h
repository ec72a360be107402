/* http.h: one FastCGI request, its parsed input and its response */
#ifndef CHARTERD_HTTP_H
#define CHARTERD_HTTP_H

#include <fcgiapp.h>
#include <jansson.h>

#include "buf.h"
#include "kv.h"
#include "limits.h"

enum method {
	M_GET = 1, M_HEAD = 2, M_POST = 4, M_PUT = 8, M_PATCH = 16,
	M_DELETE = 32, M_OPTIONS = 64, M_OTHER = 128
};

/* Which nginx server the request came through (FastCGI param CHARTER_SIDE). */
enum side { SIDE_PUBLIC, SIDE_INTERNAL };

#define HTTP_MAX_PARAMS	4

struct app;
struct db;
struct route;

/* The staff member a /admin request acts for (route_dispatch fills it). */
struct staff_user {
	long long	 id;		/* 0: nobody logged in */
	char		 email[256];
	char		 name[256];
	int		 owner;		/* sees money; else staff, who never does */
	char		 csrf[64];	/* this session's form token */
};

/* Path parameters, checked by the route table before the handler runs. */
struct params {
	const char	*slug;		/* :slug */
	long long	 id;		/* :id, 0 when the route has none */
	const char	*photo;		/* :photo */
	const char	*token;		/* :token */
};

/*
 * A worker owns one of these for its whole life and resets it for each
 * request, so buffers keep their memory but no request sees another's data.
 */
struct request {
	struct app		*app;
	FCGX_Request		*fcgi;
	enum method		 method;
	const char		*method_name;
	const char		*path;		/* decoded, from nginx's $uri */
	const char		*query;		/* raw QUERY_STRING, never logged */
	enum side		 side;
	struct kvlist		 args;		/* query parameters */
	struct kvlist		 form;		/* urlencoded body */
	struct kvlist		 cookies;
	struct buf		 body;
	json_t			*json;		/* body, for JSON routes */
	char			 pathbuf[LIMIT_PATH_LEN + 1];
	struct params		 p;		/* typed :segments */
	const struct route	*route;
	int			 route_id;	/* enum route_id, -1 for none */
	struct db		*db;		/* the route's audience, ready */
	struct staff_user	 user;		/* /admin: who is logged in */
	long long		 now_us;	/* clock read once per request */

	int			 status;
	struct buf		 headers;	/* extra "Name: value\r\n" lines */
	struct buf		 out;
	const char		*content_type;
	int			 html;		/* errors render as pages */
};

/* Reads method, path and side. Returns 0, or an HTTP status (400, 414)
 * with the response already prepared. */
int	 http_read_head(struct request *);
/* Parses the query string and cookies; 0 or a status (400, 414, 500)
 * with the response prepared. Called once the route is known, so errors
 * take the route's form (HTML page or JSON). */
int	 http_read_query(struct request *);
/* Reads the body up to LIMIT_BODY and parses it as the route wants. Returns 0
 * or a status (400, 411, 413, 415) with the response prepared. */
int	 http_read_body(struct request *, int want_json, int want_form);
/* Value of a FastCGI param such as "HTTP_X_SERVICE_KEY", or NULL. */
const char *http_param(const struct request *, const char *);
/* Clears everything for the next request but keeps buffer memory. */
void	 http_reset(struct request *);
/* Frees everything (at worker exit). */
void	 http_free(struct request *);
/* Writes status, headers and body to the FastCGI stream. */
int	 http_send(struct request *);

/* Response helpers: each sets status, content type and body. */
int	 resp_header(struct request *, const char *name, const char *value);
void	 resp_json(struct request *, int status, json_t *steal);
void	 resp_error(struct request *, int status, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Renders template name with ctx (stolen) as an HTML page. */
void	 resp_page(struct request *, int status, const char *name, json_t *ctx);
void	 resp_redirect(struct request *, const char *location);
void	 resp_text(struct request *, int status, const char *ctype, const char *);

const char *http_reason(int status);

#endif
