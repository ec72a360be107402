/* db_staff.c: statements about staff accounts, sessions and login throttling */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_staff.h"
#include "hex.h"

/* bytea parameters in hex form ("\x..."): libpq text parameters. */
static void
bytea_hex(const unsigned char *p, size_t n, char *out)
{
	out[0] = '\\';
	out[1] = 'x';
	hex_encode(p, n, out + 2);
}

int
db_staff_login(struct db *db, const char *email, struct staff_login *out)
{
	const char	*p[1] = { email };
	PGresult	*res;
	int		 rc = DB_NOT_FOUND;

	memset(out, 0, sizeof(*out));
	if ((res = db_exec(db, "SELECT id, role, password_hash, disabled_at "
	    "IS NOT NULL FROM staff_users WHERE lower(email) = lower($1)",
	    1, p)) == NULL)
		return DB_ERROR;
	if (PQntuples(res) == 1) {
		out->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(out->role, sizeof(out->role), "%s", PQgetvalue(res, 0, 1));
		snprintf(out->hash, sizeof(out->hash), "%s", PQgetvalue(res, 0, 2));
		out->disabled = PQgetvalue(res, 0, 3)[0] == 't';
		rc = DB_OK;
	}
	PQclear(res);
	return rc;
}

int
db_staff_rehash(struct db *db, long long id, const char *hash)
{
	char		 idstr[24];
	const char	*p[2] = { idstr, hash };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return db_run(db, "UPDATE staff_users SET password_hash = $2, "
	    "updated_at = now() WHERE id = $1", 2, p);
}

int
db_session_start(struct db *db, long long user_id,
    const unsigned char token_hash[32], const char *csrf, int max_s,
    const char *user_agent, const unsigned char *replaced)
{
	char		 uid[24], th[67], rh[67], secs[16];
	const char	*p[6] = { uid, th, csrf, secs, user_agent, NULL };

	snprintf(uid, sizeof(uid), "%lld", user_id);
	snprintf(secs, sizeof(secs), "%d", max_s);
	bytea_hex(token_hash, 32, th);
	if (replaced != NULL) {
		bytea_hex(replaced, 32, rh);
		p[5] = rh;
	}
	return db_run(db, "WITH gone AS (UPDATE staff_sessions SET "
	    "revoked_at = now() WHERE token_hash = $6::bytea AND revoked_at IS NULL) "
	    "INSERT INTO staff_sessions (token_hash, user_id, csrf_token, "
	    "expires_at, user_agent) VALUES ($2::bytea, $1, $3, "
	    "now() + make_interval(secs => $4::integer), left($5, 200))", 6, p);
}

int
db_session_user(struct db *db, const unsigned char token_hash[32], int idle_s,
    json_t **user)
{
	char		 th[67], idle[16];
	const char	*p[2] = { th, idle };

	bytea_hex(token_hash, 32, th);
	snprintf(idle, sizeof(idle), "%d", idle_s);
	return db_json(db, user, "SELECT staff_session($1::bytea, $2)", 2, p);
}

int
db_session_end(struct db *db, const unsigned char token_hash[32])
{
	char		 th[67];
	const char	*p[1] = { th };

	bytea_hex(token_hash, 32, th);
	return db_run(db, "UPDATE staff_sessions SET revoked_at = now() "
	    "WHERE token_hash = $1::bytea AND revoked_at IS NULL", 1, p);
}

int
db_session_end_all(struct db *db, long long user_id)
{
	char		 uid[24];
	const char	*p[1] = { uid };

	snprintf(uid, sizeof(uid), "%lld", user_id);
	return db_run(db, "UPDATE staff_sessions SET revoked_at = now() "
	    "WHERE user_id = $1 AND revoked_at IS NULL", 1, p);
}

int
db_throttle_wait(struct db *db, const char *account_key, const char *addr_key,
    int *seconds)
{
	const char	*p[2] = { account_key, addr_key };
	PGresult	*res;

	*seconds = 0;
	if ((res = db_exec(db, "SELECT login_throttle_wait(ARRAY[$1, $2])",
	    2, p)) == NULL)
		return DB_ERROR;
	*seconds = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return DB_OK;
}

int
db_throttle_fail(struct db *db, const char *account_key, const char *addr_key,
    int free_failures, int max_wait_s)
{
	char		 f[16], m[16];
	const char	*p[4] = { account_key, addr_key, f, m };

	snprintf(f, sizeof(f), "%d", free_failures);
	snprintf(m, sizeof(m), "%d", max_wait_s);
	return db_run(db, "SELECT login_throttle_fail(ARRAY[$1, $2], $3, $4)",
	    4, p);
}

int
db_throttle_reset(struct db *db, const char *account_key)
{
	const char *p[1] = { account_key };

	return db_run(db, "SELECT login_throttle_reset($1)", 1, p);
}

int
db_staff_audit(struct db *db, long long user_id, const char *action,
    long long booking_id, const json_t *detail)
{
	char		 actor[32], bid[24], *js;
	const char	*p[4] = { actor, action, booking_id > 0 ? bid : NULL, NULL };
	int		 rc;

	snprintf(actor, sizeof(actor), "staff:%lld", user_id);
	snprintf(bid, sizeof(bid), "%lld", booking_id);
	if ((js = detail != NULL ? json_dumps(detail, JSON_COMPACT) :
	    strdup("{}")) == NULL)
		return DB_ERROR;
	p[3] = js;
	rc = db_run(db, "INSERT INTO audit_log (actor, action, booking_id, "
	    "detail) VALUES ($1, $2, $3, $4::jsonb)", 4, p);
	free(js);
	return rc;
}

int
db_staff_add(struct db *db, const char *email, const char *name,
    const char *role, const char *hash)
{
	const char *p[4] = { email, name, role, hash };

	return db_run(db, "INSERT INTO staff_users (email, name, role, "
	    "password_hash) VALUES ($1, $2, $3, $4)", 4, p);
}

int
db_staff_update(struct db *db, const char *email, const char *hash,
    int enabled)
{
	char		 en[4];
	const char	*p[3] = { email, hash, enabled < 0 ? NULL : en };
	PGresult	*res;
	int		 rc;

	snprintf(en, sizeof(en), "%d", enabled);
	/* A new password or a disabled account ends every session. */
	if ((res = db_exec(db, "WITH u AS (UPDATE staff_users SET "
	    "password_hash = coalesce($2, password_hash), disabled_at = CASE "
	    "$3::integer WHEN 0 THEN coalesce(disabled_at, now()) WHEN 1 THEN "
	    "NULL ELSE disabled_at END, updated_at = now() WHERE lower(email) "
	    "= lower($1) RETURNING id), s AS (UPDATE staff_sessions SET "
	    "revoked_at = now() WHERE ($2 IS NOT NULL OR $3::integer = 0) AND "
	    "user_id IN (SELECT id FROM u) AND revoked_at IS NULL) "
	    "SELECT count(*) FROM u", 3, p)) == NULL)
		return DB_ERROR;
	rc = strtol(PQgetvalue(res, 0, 0), NULL, 10) > 0 ? DB_OK : DB_NOT_FOUND;
	PQclear(res);
	return rc;
}

PGresult *
db_staff_list(struct db *db)
{
	return db_exec(db, "SELECT email, role, name, CASE WHEN disabled_at "
	    "IS NULL THEN 'active' ELSE 'disabled' END, to_char(created_at, "
	    "'YYYY-MM-DD') FROM staff_users ORDER BY lower(email)", 0, NULL);
}
