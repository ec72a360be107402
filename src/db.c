/* db.c: PostgreSQL connections, one per audience, and the helpers every db_*.c uses */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "hex.h"
#include "limits.h"
#include "log.h"
#include "pgpass.h"

static const char *const role_names[AUD__MAX] = {
	[AUD_NONE] = NULL,
	[AUD_GUEST] = "charterd_guest",
	[AUD_CREW] = "charterd_crew",
	[AUD_STAFF] = "charterd_staff",
	[AUD_INTERNAL] = "charterd_api",
	[AUD_SYNC] = "charterd_sync",
	[AUD_OWNER] = "charterd_owner",
};

/* Passwords of the runtime roles, read before the privileges drop. */
static char	passwords[AUD__MAX][LIMIT_PASSWORD_LEN + 1];

const char *
db_role_name(enum audience aud)
{
	return aud > AUD_NONE && aud < AUD__MAX ? role_names[aud] : NULL;
}

/* A conninfo option's value from a parsed URL, or dflt. */
static const char *
opt_value(const PQconninfoOption *opts, const char *key, const char *dflt)
{
	for (; opts->keyword != NULL; opts++)
		if (strcmp(opts->keyword, key) == 0 && opts->val != NULL &&
		    opts->val[0] != '\0')
			return opts->val;
	return dflt;
}

void
db_passwords_load(const char *url)
{
	PQconninfoOption	*opts;
	struct buf		 text = { 0 };
	const char		*file, *host, *home;
	char			 path[4096], chunk[4096];
	FILE			*f;
	size_t			 n;
	int			 aud;

	if ((opts = PQconninfoParse(url, NULL)) == NULL)
		return;
	if ((file = opt_value(opts, "passfile", getenv("PGPASSFILE"))) == NULL) {
		home = getenv("HOME");
		snprintf(path, sizeof(path), "%s/.pgpass", home ? home : "");
	} else
		snprintf(path, sizeof(path), "%s", file);
	if ((f = fopen(path, "r")) == NULL)
		goto out;
	text.max = LIMIT_PASSFILE_BYTES;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
	    buf_append(&text, chunk, n) == 0)
		continue;
	fclose(f);
	host = opt_value(opts, "host", opt_value(opts, "hostaddr", NULL));
	for (aud = AUD_NONE + 1; aud < AUD__MAX; aud++)
		if (pgpass_lookup(buf_str(&text), text.len, host,
		    opt_value(opts, "port", "5432"),
		    opt_value(opts, "dbname", role_names[aud]), role_names[aud],
		    passwords[aud], sizeof(passwords[aud])) != 1)
			passwords[aud][0] = '\0';
out:
	if (text.data != NULL)
		explicit_bzero(text.data, text.cap);
	buf_free(&text);
	PQconninfoFree(opts);
}

static const char *
password_of(const char *role)
{
	int aud;

	for (aud = AUD_NONE + 1; aud < AUD__MAX; aud++)
		if (strcmp(role, role_names[aud]) == 0 && passwords[aud][0])
			return passwords[aud];
	return NULL;
}

static void
db_clear_error(struct db *db)
{
	db->sqlstate[0] = '\0';
	db->constraint[0] = '\0';
	db->column[0] = '\0';
}

/* Notices (e.g. "relation already exists, skipping") are not errors. */
static void
db_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/*
 * One line when the database goes away and one when it is back, however
 * many workers and requests notice: the flag lives in shared memory.
 */
static void
db_note_down(struct db *db, const char *why)
{
	char	 line[256];
	size_t	 n;

	snprintf(line, sizeof(line), "%s", why);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '))
		line[--n] = '\0';
	/* PQerrorMessage never contains the password. */
	if (db->down == NULL || __atomic_exchange_n(db->down, 1,
	    __ATOMIC_ACQ_REL) == 0)
		log_err("the database is not answering: %s", line);
}

static void
db_note_up(struct db *db)
{
	if (db->down != NULL && __atomic_exchange_n(db->down, 0,
	    __ATOMIC_ACQ_REL) == 1)
		log_info("the database answers again");
}

/*
 * Logs in as role: the URL's settings but its user and password, so the
 * owner's password in a URL is never offered for another role. libpq then
 * finds the role's password in its passfile. options (NULL: none) are
 * added to the URL's own.
 */
static PGconn *
db_connect_as(const char *url, const char *role, const char *options,
    int *had_password)
{
	PQconninfoOption	*opts, *o;
	const char		*keys[LIMIT_CONNINFO_KEYS + 5], *vals[LIMIT_CONNINFO_KEYS + 5];
	char			*err = NULL, both[1024];
	size_t			 n = 0;
	int			 named = 0, k;
	PGconn			*conn;

	*had_password = 0;
	if ((opts = PQconninfoParse(url, &err)) == NULL) {
		log_err("CHARTER_DATABASE_URL does not parse: %s", err ?
		    err : "out of memory");
		PQfreemem(err);
		return NULL;
	}
	for (o = opts; o->keyword != NULL && n < LIMIT_CONNINFO_KEYS; o++) {
		if (o->val == NULL || o->val[0] == '\0')
			continue;
		if (strcmp(o->keyword, "password") == 0) {
			*had_password = 1;
			continue;
		}
		if (strcmp(o->keyword, "user") == 0)
			continue;
		if (strcmp(o->keyword, "application_name") == 0)
			named = 1;
		if (strcmp(o->keyword, "options") == 0 && options != NULL) {
			k = snprintf(both, sizeof(both), "%s %s", o->val, options);
			if (k < 0 || (size_t)k >= sizeof(both)) {
				log_warnx("the options of CHARTER_DATABASE_URL "
				    "are too long to add charterd's to");
				options = NULL;
			} else {
				options = both;
				continue;
			}
		}
		keys[n] = o->keyword;
		vals[n++] = o->val;
	}
	if (options != NULL) {
		keys[n] = "options";
		vals[n++] = options;
	}
	keys[n] = "user";
	vals[n++] = role;
	/* Read before the privileges drop; else libpq reads the passfile. */
	if (password_of(role) != NULL) {
		keys[n] = "password";
		vals[n++] = password_of(role);
	}
	if (!named) {
		keys[n] = "application_name";
		vals[n++] = "charterd";
	}
	keys[n] = NULL;
	vals[n] = NULL;
	conn = PQconnectdbParams(keys, vals, 0);
	PQconninfoFree(opts);
	return conn;
}

int
db_open(struct db *db, const char *url, const char *role)
{
	static int	 warned;
	char		 why[256];
	int		 had_password = 0;

	db->url = url;
	db->role = role;
	db->refused = 0;
	db_clear_error(db);
	db->conn = role != NULL ? db_connect_as(url, role,
	    db->options, &had_password) :
	    PQconnectdb(url);
	if (had_password && !warned) {
		warned = 1;
		log_warnx("CHARTER_DATABASE_URL carries a password: runtime "
		    "roles ignore it and take theirs from the passfile");
	}
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		db_note_down(db, db->conn ? PQerrorMessage(db->conn) :
		    "out of memory");
		goto fail;
	}
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	if (role != NULL && db_check_unprivileged(db, why, sizeof(why)) == -1) {
		log_err("refusing to use the database as %s: %s", role, why);
		db->refused = 1;
		goto fail;
	}
	db_note_up(db);
	return 0;
fail:
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	return -1;
}

void
db_close(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
}

int
db_ready(struct db *db)
{
	if (db->conn == NULL)
		return db_open(db, db->url, db->role);
	/*
	 * A server that restarted or dropped us has said so on the socket:
	 * reading what is pending notices it before a statement fails.
	 */
	if (PQconsumeInput(db->conn) == 1 &&
	    PQstatus(db->conn) == CONNECTION_OK) {
		/* A transaction left open by an aborted request is rolled back. */
		db_rollback(db);
		if (PQtransactionStatus(db->conn) == PQTRANS_IDLE)
			return 0;
	}
	db_close(db);
	return db_open(db, db->url, db->role);
}

int
db_ping(struct db *db)
{
	return db_run(db, "SELECT 1", 0, NULL);
}

/*
 * Everything the login role holds beyond its grants: attributes, objects
 * it owns (it could redefine them), and roles it belongs to (it could
 * SET ROLE to them).
 */
static const char sql_privileges[] =
	"SELECT concat_ws(', ', "
	"  CASE WHEN r.rolsuper THEN 'is superuser' END, "
	"  CASE WHEN r.rolcreaterole THEN 'has CREATEROLE' END, "
	"  CASE WHEN r.rolcreatedb THEN 'has CREATEDB' END, "
	"  CASE WHEN r.rolreplication THEN 'has REPLICATION' END, "
	"  CASE WHEN r.rolbypassrls THEN 'has BYPASSRLS' END, "
	"  CASE WHEN EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid) "
	"    OR EXISTS (SELECT 1 FROM pg_proc p WHERE p.proowner = r.oid) "
	"    OR EXISTS (SELECT 1 FROM pg_namespace s WHERE s.nspowner = r.oid) "
	"    THEN 'owns tables, functions or schemas' END, "
	"  (SELECT 'is a member of ' || string_agg(g.rolname, ', ') "
	"   FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
	"   WHERE m.member = r.oid)) "
	"FROM pg_roles r WHERE r.rolname = current_user";

int
db_check_unprivileged(struct db *db, char *why, size_t whylen)
{
	PGresult	*res;
	int		 rc = -1;

	snprintf(why, whylen, "its privileges could not be read");
	if ((res = db_exec(db, sql_privileges, 0, NULL)) == NULL)
		return -1;
	if (PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == '\0')
		rc = 0;
	else if (PQntuples(res) == 1)
		snprintf(why, whylen, "it %s; run `charterd migrate` as the "
		    "owner to reset it, and connect as the owner only there",
		    PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

static void
db_record_error(struct db *db, const PGresult *res)
{
	const char *f;

	db_clear_error(db);
	if (res != NULL) {
		if ((f = PQresultErrorField(res, PG_DIAG_SQLSTATE)) != NULL)
			snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", f);
		if ((f = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME)) != NULL)
			snprintf(db->constraint, sizeof(db->constraint), "%s", f);
		if ((f = PQresultErrorField(res, PG_DIAG_COLUMN_NAME)) != NULL)
			snprintf(db->column, sizeof(db->column), "%s", f);
	}
	/* Expected conflicts (unique, check, foreign key) are not logged loudly. */
	if (strncmp(db->sqlstate, "23", 2) == 0 || strcmp(db->sqlstate, "22023") == 0)
		log_debug("statement refused: %s %s", db->sqlstate, db->constraint);
	else if (PQstatus(db->conn) != CONNECTION_OK)
		db_note_down(db, PQerrorMessage(db->conn));
	else
		log_err("statement failed: %s %s",  db->sqlstate,
		    res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) :
		    PQerrorMessage(db->conn));
}

PGresult *
db_exec(struct db *db, const char *sql, int n, const char *const *params)
{
	PGresult	*res;
	ExecStatusType	 st;

	db_clear_error(db);
	if (db->conn == NULL)
		return NULL;
	res = PQexecParams(db->conn, sql, n, NULL, params, NULL, NULL, 0);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	db_record_error(db, res);
	PQclear(res);
	return NULL;
}

int
db_run(struct db *db, const char *sql, int n, const char *const *params)
{
	PGresult *res = db_exec(db, sql, n, params);

	if (res == NULL)
		return DB_ERROR;
	PQclear(res);
	return DB_OK;
}

int
db_json(struct db *db, json_t **out, const char *sql, int n,
    const char *const *params)
{
	PGresult	*res;
	json_error_t	 err;
	int		 rc = DB_NOT_FOUND;

	*out = NULL;
	if ((res = db_exec(db, sql, n, params)) == NULL)
		return DB_ERROR;
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
		*out = json_loads(PQgetvalue(res, 0, 0), 0, &err);
		if (*out == NULL) {
			log_err("database returned bad JSON: %s", err.text);
			rc = DB_ERROR;
		} else
			rc = DB_OK;
	}
	PQclear(res);
	return rc;
}

int
db_outcome_json(struct db *db, json_t **out, const char *sql, int n,
    const char *const *params)
{
	if (db_json(db, out, sql, n, params) != DB_OK)
		return DB_ERROR;
	if (!json_is_string(json_object_get(*out, "outcome"))) {
		json_decref(*out);
		*out = NULL;
		return DB_ERROR;
	}
	return DB_OK;
}

void
db_ts_param(long long us, char out[DB_TS_PARAM_LEN])
{
	snprintf(out, DB_TS_PARAM_LEN, "%lld.%06lld", us / 1000000,
	    us % 1000000);
}

void
db_hash_param(const unsigned char hash[32], char out[DB_HASH_PARAM_LEN])
{
	out[0] = '\\';
	out[1] = 'x';
	hex_encode(hash, 32, out + 2);
}

int
db_begin(struct db *db)
{
	return db_run(db, "BEGIN", 0, NULL);
}

int
db_commit(struct db *db)
{
	PGresult	*res;
	int		 rc = DB_OK;

	db_clear_error(db);
	if (db->conn == NULL)
		return DB_ERROR;
	/* COMMIT of a failed transaction "succeeds" as ROLLBACK: refuse that. */
	res = PQexecParams(db->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK ||
	    strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		db_record_error(db, res);
		rc = DB_ERROR;
	}
	PQclear(res);
	return rc;
}

void
db_rollback(struct db *db)
{
	if (db->conn != NULL &&
	    PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		PQclear(PQexecParams(db->conn, "ROLLBACK", 0, NULL, NULL,
		    NULL, NULL, 0));
}

int
db_failed_with(const struct db *db, const char *sqlstate)
{
	return strncmp(db->sqlstate, sqlstate, strlen(sqlstate)) == 0;
}
