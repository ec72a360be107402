/* db_migrate.c: the statements `charterd migrate` runs: its lock, its ledger, a script */
#include <stdio.h>
#include <string.h>

#include "db_migrate.h"
#include "limits.h"
#include "log.h"

int
db_migrate_script(struct db *db, const char *name, const char *sql)
{
	PGresult	*res;
	const char	*state;
	int		 rc = DB_OK;

	db->sqlstate[0] = db->constraint[0] = '\0';
	res = PQexec(db->conn, sql);
	if (res == NULL || (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)) {
		log_err("%s failed: %s", name, res ?
		    PQresultErrorMessage(res) : PQerrorMessage(db->conn));
		/* Kept, as db_exec keeps it: migrate retries some failures. */
		if (res != NULL && (state = PQresultErrorField(res,
		    PG_DIAG_SQLSTATE)) != NULL)
			snprintf(db->sqlstate, sizeof(db->sqlstate), "%s",
			    state);
		if (res != NULL && (state = PQresultErrorField(res,
		    PG_DIAG_CONSTRAINT_NAME)) != NULL)
			snprintf(db->constraint, sizeof(db->constraint), "%s",
			    state);
		rc = DB_ERROR;
	}
	PQclear(res);
	return rc;
}

int
db_migrate_begin(struct db *db)
{
	/* One migrator at a time; the others wait, then find nothing to do. */
	if (db_run(db, "SELECT pg_advisory_lock(7245160731)", 0, NULL) != DB_OK)
		return DB_ERROR;
	return db_run(db, "CREATE TABLE IF NOT EXISTS schema_migrations "
	    "(name text PRIMARY KEY, applied_at timestamptz NOT NULL "
	    "DEFAULT now())", 0, NULL);
}

PGconn *
db_migrate_cluster_lock(const char *url)
{
	PQconninfoOption	*opts, *o;
	const char		*keys[LIMIT_CONNINFO_KEYS + 1];
	const char		*vals[LIMIT_CONNINFO_KEYS + 1];
	char			*err = NULL;
	size_t			 n = 0;
	PGconn			*conn = NULL;
	PGresult		*res = NULL;

	if ((opts = PQconninfoParse(url, &err)) == NULL) {
		PQfreemem(err);
		return NULL;
	}
	for (o = opts; o->keyword != NULL && n < LIMIT_CONNINFO_KEYS; o++) {
		if (o->val == NULL || o->val[0] == '\0' ||
		    strcmp(o->keyword, "dbname") == 0)
			continue;
		keys[n] = o->keyword;
		vals[n++] = o->val;
	}
	keys[n] = "dbname";
	vals[n++] = "postgres";
	keys[n] = vals[n] = NULL;
	conn = PQconnectdbParams(keys, vals, 0);
	if (PQstatus(conn) == CONNECTION_OK)
		res = PQexec(conn, "SELECT pg_advisory_lock(7245160732)");
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_info("no cluster-wide migration lock (database postgres: "
		    "%s); a race with another database's migration is "
		    "retried instead", PQerrorMessage(conn));
		PQfinish(conn);
		conn = NULL;
	}
	PQclear(res);
	PQconninfoFree(opts);
	return conn;
}

void
db_migrate_cluster_unlock(PGconn *conn)
{
	/* Closing the session releases its advisory lock. */
	if (conn != NULL)
		PQfinish(conn);
}

int
db_migrate_applied(struct db *db, const char *name)
{
	const char	*p[1] = { name };
	PGresult	*res;
	int		 rc;

	if ((res = db_exec(db, "SELECT 1 FROM schema_migrations WHERE "
	    "name = $1", 1, p)) == NULL)
		return DB_ERROR;
	rc = PQntuples(res) > 0 ? DB_OK : DB_NOT_FOUND;
	PQclear(res);
	return rc;
}

int
db_migrate_record(struct db *db, const char *name)
{
	const char *p[1] = { name };

	return db_run(db, "INSERT INTO schema_migrations (name) VALUES ($1)",
	    1, p);
}
