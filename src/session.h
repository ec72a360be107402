/* session.h: the staff session cookie, its CSRF token, and the checks every /admin request passes */
#ifndef CHARTERD_SESSION_H
#define CHARTERD_SESSION_H

#include "http.h"

/*
 * For a route that wants a staff session, after its body was read: loads
 * the session (on the staff connection) into req->user; on a POST checks
 * the form's csrf against the session's and the request's origin, before
 * anything else; for an owner-only route checks the role; then points
 * req->db at the owner's or the staff's connection. 0 when the handler may
 * run; else the answer is made: 303 to /admin/login without a session,
 * 403 for a bad CSRF token or origin, or a staff member on an owner page,
 * 503 when the database does not answer.
 */
int	session_gate(struct request *, int owner_only);

/* The session cookie's token hashed, 1; 0 when the request has none. */
int	session_cookie_hash(const struct request *, unsigned char out[32]);
/* Sets the session cookie: __Host-, Secure, HttpOnly, SameSite=Lax, Path=/
 * (without __Host- and Secure under CHARTER_INSECURE_COOKIES, for a demo
 * on plain http). max_s 0 expires it. */
void	session_set_cookie(struct request *, const char *token, int max_s);
/* 1 when the request's Origin / Sec-Fetch-Site (when sent) name this site;
 * "Origin: null" (what a no-referrer page's form sends) only with
 * Sec-Fetch-Site: same-origin. */
int	session_same_origin(const struct request *);
/* Constant-time comparison of two NUL-terminated tokens; 1 when equal. */
int	session_token_equal(const char *a, const char *b);

#endif
