/* session.c: the staff session cookie, its CSRF token, and the checks every /admin request passes */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app.h"
#include "buf.h"
#include "crypto.h"
#include "db_staff.h"
#include "kv.h"
#include "session.h"
#include "sigv4.h"

static const char *
cookie_name(const struct config *cfg)
{
	return cfg->insecure_cookies ? "charterd_session" :
	    "__Host-charterd_session";
}

int
session_token_equal(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL || (n = strlen(a)) != strlen(b) || n == 0)
		return 0;
	return CRYPTO_memcmp(a, b, n) == 0;
}

int
session_cookie_hash(const struct request *req, unsigned char out[32])
{
	const char *v = kv_get(&req->cookies, cookie_name(req->app->cfg));

	if (v == NULL || *v == '\0' || strlen(v) > 128)
		return 0;
	sha256(v, strlen(v), out);
	return 1;
}

void
session_set_cookie(struct request *req, const char *token, int max_s)
{
	char line[512];

	snprintf(line, sizeof(line), "%s=%s; Path=/; HttpOnly; SameSite=Lax; "
	    "Max-Age=%d%s", cookie_name(req->app->cfg), token, max_s,
	    req->app->cfg->insecure_cookies ? "" : "; Secure");
	resp_header(req, "Set-Cookie", line);
}

/* The scheme://host[:port] of CHARTER_PUBLIC_URL. */
static size_t
origin_len(const char *url)
{
	const char *host = strstr(url, "://");

	return host ? (size_t)(host + 3 - url) + strcspn(host + 3, "/") :
	    strlen(url);
}

int
session_same_origin(const struct request *req)
{
	const char	*origin = http_param(req, "HTTP_ORIGIN");
	const char	*site = http_param(req, "HTTP_SEC_FETCH_SITE");
	const char	*mine = req->app->cfg->public_url;
	size_t		 n = origin_len(mine);

	/* A browser that says where the request comes from must say here. */
	if (site != NULL && *site != '\0' && strcmp(site, "same-origin") != 0 &&
	    strcmp(site, "none") != 0)
		return 0;
	/* Our pages ask for no referrer, so a browser posting their forms
	 * sends "Origin: null"; Sec-Fetch-Site, which it sets itself, then
	 * says whether the form was ours. */
	if (origin != NULL && strcmp(origin, "null") == 0)
		return site != NULL && strcmp(site, "same-origin") == 0;
	if (origin != NULL && *origin != '\0' &&
	    (strlen(origin) != n || strncmp(origin, mine, n) != 0))
		return 0;
	return 1;
}

/* 303 to the login page, coming back to this page afterwards. */
static void
to_login(struct request *req)
{
	struct buf loc = { 0 };

	buf_puts(&loc, "/admin/login");
	if (req->method == M_GET && strcmp(req->path, "/admin/") != 0) {
		buf_puts(&loc, "?next=");
		sigv4_uri_encode(&loc, req->path, strlen(req->path), 1);
	}
	resp_redirect(req, buf_str(&loc));
	buf_free(&loc);
}

static void
user_from(struct staff_user *u, const json_t *j)
{
	u->id = json_integer_value(json_object_get(j, "user_id"));
	snprintf(u->email, sizeof(u->email), "%s",
	    json_string_value(json_object_get(j, "email")));
	snprintf(u->name, sizeof(u->name), "%s",
	    json_string_value(json_object_get(j, "name")));
	snprintf(u->csrf, sizeof(u->csrf), "%s",
	    json_string_value(json_object_get(j, "csrf")));
	u->owner = strcmp(json_string_value(json_object_get(j, "role")),
	    "owner") == 0;
}

int
session_gate(struct request *req, int owner_only)
{
	const struct config	*cfg = req->app->cfg;
	unsigned char		 h[32];
	json_t			*j = NULL;
	int			 rc;

	req->db = app_db(req->app, AUD_STAFF);
	if (db_ready(req->db) == -1) {
		resp_error(req, 503, "unavailable", "The database is not "
		    "answering; try again in a minute.");
		return -1;
	}
	rc = session_cookie_hash(req, h) ? db_session_user(req->db, h,
	    (int)cfg->session_idle_min * 60, &j) : DB_NOT_FOUND;
	if (rc == DB_ERROR) {
		resp_error(req, 503, "unavailable", "The database is not "
		    "answering; try again in a minute.");
		return -1;
	}
	if (rc == DB_NOT_FOUND) {
		to_login(req);
		return -1;
	}
	user_from(&req->user, j);
	json_decref(j);
	/* Before anything else a POST does: its form token and its origin. */
	if (req->method == M_POST && (!session_token_equal(kv_get(&req->form,
	    "csrf"), req->user.csrf) || !session_same_origin(req))) {
		resp_error(req, 403, "forbidden", "This form is out of date or "
		    "did not come from this site. Go back, reload the page and "
		    "send it again.");
		return -1;
	}
	if (owner_only && !req->user.owner) {
		resp_error(req, 403, "forbidden", "Only the owner's login can "
		    "see this page.");
		return -1;
	}
	if (req->user.owner) {
		req->db = app_db(req->app, AUD_OWNER);
		if (db_ready(req->db) == -1) {
			resp_error(req, 503, "unavailable", "The database is "
			    "not answering; try again in a minute.");
			return -1;
		}
	}
	resp_header(req, "Cache-Control", "no-store");
	return 0;
}
