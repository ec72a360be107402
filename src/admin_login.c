/* admin_login.c: /admin/login, /admin/logout and logging out everywhere */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "crypto.h"
#include "db_errors.h"
#include "db_staff.h"
#include "handlers.h"
#include "kv.h"
#include "log.h"
#include "password.h"
#include "session.h"
#include "token.h"
#include "valid.h"

#define LOGIN_GENERIC	"Wrong email or password."

static const char *
login_cookie_name(const struct config *cfg)
{
	return cfg->insecure_cookies ? "charterd_login" : "__Host-charterd_login";
}

/* Where to go after logging in: an /admin path of ours, else the start. */
static const char *
safe_next(const char *next)
{
	size_t i;

	if (next == NULL || strncmp(next, "/admin/", 7) != 0 ||
	    strlen(next) > 512 || strstr(next, "//") != NULL)
		return "/admin/";
	for (i = 0; next[i] != '\0'; i++)
		if ((unsigned char)next[i] <= ' ' || next[i] == '\\' ||
		    (unsigned char)next[i] >= 0x7f)
			return "/admin/";
	return next;
}

/*
 * The login form. Before there is a session, its POST is bound to the
 * browser by a cookie it must echo (login CSRF: nobody else can log a
 * browser in to their own account).
 */
static void
login_page(struct request *req, int status, const char *email,
    const char *error, const char *notice)
{
	const char	*have = kv_get(&req->cookies, login_cookie_name(req->app->cfg));
	char		 fresh[33], line[256];

	if (have == NULL || strlen(have) != 32) {
		if (random_hex(fresh, 16) == -1) {
			resp_error(req, 503, "unavailable", "Try again in a moment.");
			return;
		}
		have = fresh;
		snprintf(line, sizeof(line), "%s=%s; Path=/; HttpOnly; "
		    "SameSite=Strict; Max-Age=3600%s",
		    login_cookie_name(req->app->cfg), fresh,
		    req->app->cfg->insecure_cookies ? "" : "; Secure");
	} else
		line[0] = '\0';
	resp_page(req, status, "admin/login.html", json_pack(
	    "{s:s, s:b, s:s, s:s, s:s, s:s*, s:s*}", "title", "Staff login",
	    "noindex", 1, "email", email, "login_csrf", have,
	    "next", safe_next(kv_get(&req->args, "next") ?
	    kv_get(&req->args, "next") : kv_get(&req->form, "next")),
	    "error", error, "notice", notice));
	resp_header(req, "Cache-Control", "no-store");
	if (line[0] != '\0')
		resp_header(req, "Set-Cookie", line);
}

/* GET /admin/login: the form; a logged-in browser goes on to /admin/. */
void
admin_login_form(struct request *req)
{
	unsigned char	 h[32];
	json_t		*user = NULL;

	if (session_cookie_hash(req, h) && db_session_user(req->db, h,
	    (int)req->app->cfg->session_idle_min * 60, &user) == DB_OK) {
		json_decref(user);
		admin_redirect(req, "/admin/");
		return;
	}
	login_page(req, 200, "", NULL, kv_get(&req->args, "bye") ?
	    "You are logged out." : NULL);
}

/* Starts a session for id: cookie, row, audit. 0 or -1 (answered). */
static int
start_session(struct request *req, long long id)
{
	unsigned char	 raw[32], h[32], old[32];
	char		 token[LIMIT_TOKEN_LEN + 1], csrf[LIMIT_TOKEN_LEN + 1];
	const char	*ua = http_param(req, "HTTP_USER_AGENT");
	int		 max_s = (int)req->app->cfg->session_max_hours * 3600;

	if (random_bytes(raw, sizeof(raw)) == -1) {
		resp_error(req, 503, "unavailable", "Try again in a moment.");
		return -1;
	}
	base64url(raw, sizeof(raw), token);
	if (random_bytes(raw, sizeof(raw)) == -1) {
		resp_error(req, 503, "unavailable", "Try again in a moment.");
		return -1;
	}
	base64url(raw, sizeof(raw), csrf);
	token_hash(token, h);
	/* Rotated at login: whatever session the browser held ends. */
	if (db_session_start(req->db, id, h, csrf, max_s, ua ? ua : "",
	    session_cookie_hash(req, old) ? old : NULL) != DB_OK ||
	    db_staff_audit(req->db, id, "staff.login", 0, NULL) != DB_OK) {
		resp_error(req, 503, "unavailable", "The login could not be "
		    "recorded; try again in a minute.");
		return -1;
	}
	session_set_cookie(req, token, max_s);
	return 0;
}

/*
 * POST /admin/login: 303 to next on success; 200 with "Wrong email or
 * password." whatever was wrong (an unknown account takes as long as a
 * known one); 429 while the account or the address must wait; 403 when
 * the form did not come from our login page.
 */
void
admin_login(struct request *req)
{
	const struct config	*cfg = req->app->cfg;
	const char		*email = admin_form(req, "email");
	const char		*pw = admin_form(req, "password");
	const char		*addr = http_param(req, "REMOTE_ADDR");
	struct staff_login	 acct;
	char			 akey[300], ipkey[80], fresh[PASSWORD_ENCODED_MAX];
	int			 wait = 0, found, good;

	if (!session_token_equal(kv_get(&req->cookies, login_cookie_name(cfg)),
	    admin_form(req, "login_csrf")) || !session_same_origin(req)) {
		login_page(req, 403, "", "This login form is out of date. "
		    "Please try again.", NULL);
		return;
	}
	if (strlen(email) > 254)
		email = "";
	snprintf(akey, sizeof(akey), "account:%s", email);
	for (char *c = akey; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	snprintf(ipkey, sizeof(ipkey), "addr:%s", addr ? addr : "-");
	if (db_throttle_wait(req->db, akey, ipkey, &wait) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	if (wait > 0) {
		login_page(req, 429, email, "Too many attempts. Please wait a "
		    "little and try again.", NULL);
		resp_header(req, "Retry-After", wait > 99999 ? "99999" : "60");
		return;
	}
	found = db_staff_login(req->db, email, &acct);
	if (found == DB_ERROR) {
		db_error_response(req, req->db);
		return;
	}
	/* The same work whether the account exists or not. */
	good = password_verify(found == DB_OK ? acct.hash : NULL, pw) == 1 &&
	    !acct.disabled;
	if (!good) {
		if (db_throttle_fail(req->db, akey, ipkey,
		    (int)cfg->login_free_failures, (int)cfg->login_max_wait_s) !=
		    DB_OK) {
			db_error_response(req, req->db);
			return;
		}
		login_page(req, 200, email, LOGIN_GENERIC, NULL);
		return;
	}
	db_throttle_reset(req->db, akey);
	/* Raise a hash made at a lower cost while the password is at hand. */
	if (password_needs_rehash(acct.hash) &&
	    password_hash(pw, fresh, sizeof(fresh)) == 0)
		db_staff_rehash(req->db, acct.id, fresh);
	if (start_session(req, acct.id) == -1)
		return;
	log_info("staff %lld logged in", acct.id);
	admin_redirect(req, safe_next(admin_form(req, "next")));
}

/* POST /admin/logout: ends this session; 303 to the login page. */
void
admin_logout(struct request *req)
{
	unsigned char h[32];

	if (session_cookie_hash(req, h))
		db_session_end(req->db, h);
	session_set_cookie(req, "", 0);
	admin_redirect(req, "/admin/login?bye=1");
}

/* POST /admin/logout-everywhere: ends every session of this user. */
void
admin_logout_all(struct request *req)
{
	if (db_session_end_all(req->db, req->user.id) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	db_staff_audit(req->db, req->user.id, "staff.logout_everywhere", 0, NULL);
	session_set_cookie(req, "", 0);
	admin_redirect(req, "/admin/login?bye=1");
}

/* GET /admin: the start page has a trailing slash. */
void
admin_root(struct request *req)
{
	admin_redirect(req, "/admin/");
}
