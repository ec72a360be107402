/* db.c: this worker's PostgreSQL connection and the helpers every db_*.c uses */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

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

int
db_open(struct db *db, const char *url)
{
	db->url = url;
	db_clear_error(db);
	db->conn = PQconnectdb(url);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		/* PQerrorMessage never contains the password. */
		log_err("cannot connect to the database: %s",
		    db->conn ? PQerrorMessage(db->conn) : "out of memory");
		return -1;
	}
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	return 0;
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
		return db_open(db, db->url);
	if (PQstatus(db->conn) == CONNECTION_OK &&
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return 0;
	/* A failed transaction left open by an aborted request is rolled back. */
	if (PQstatus(db->conn) == CONNECTION_OK) {
		db_rollback(db);
		if (PQtransactionStatus(db->conn) == PQTRANS_IDLE)
			return 0;
	}
	log_warnx("database connection lost; reconnecting");
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		log_err("reconnect failed: %s", PQerrorMessage(db->conn));
		return -1;
	}
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	return 0;
}

static void
db_record_error(struct db *db, const PGresult *res)
{
	const char *f;

	db_clear_error(db);
	if (res != NULL) {
		if ((f = PQresultErrorField(res, PG_DIAG_SQLSTATE)) != NULL)
			strncpy(db->sqlstate, f, sizeof(db->sqlstate) - 1);
		if ((f = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME)) != NULL)
			strncpy(db->constraint, f, sizeof(db->constraint) - 1);
		if ((f = PQresultErrorField(res, PG_DIAG_COLUMN_NAME)) != NULL)
			strncpy(db->column, f, sizeof(db->column) - 1);
	}
	/* Expected conflicts (unique, check, foreign key) are not logged loudly. */
	if (strncmp(db->sqlstate, "23", 2) == 0 || strcmp(db->sqlstate, "22023") == 0)
		log_debug("statement refused: %s %s", db->sqlstate, db->constraint);
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
		return -1;
	PQclear(res);
	return 0;
}

int
db_json(struct db *db, json_t **out, const char *sql, int n,
    const char *const *params)
{
	PGresult	*res;
	json_error_t	 err;
	int		 rc = 0;

	*out = NULL;
	if ((res = db_exec(db, sql, n, params)) == NULL)
		return -1;
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
		*out = json_loads(PQgetvalue(res, 0, 0), 0, &err);
		if (*out == NULL) {
			log_err("database returned bad JSON: %s", err.text);
			rc = -1;
		} else
			rc = 1;
	}
	PQclear(res);
	return rc;
}

/* Fixed statements: no input reaches these strings. */
static const char *const role_begin[] = {
	[DB_ROLE_APP] = "BEGIN",
	[DB_ROLE_GUEST] = "BEGIN; SET LOCAL ROLE charterd_guest",
	[DB_ROLE_CREW] = "BEGIN; SET LOCAL ROLE charterd_crew",
};
static const char *const role_set[] = {
	[DB_ROLE_APP] = "SELECT 1",
	[DB_ROLE_GUEST] = "SET LOCAL ROLE charterd_guest",
	[DB_ROLE_CREW] = "SET LOCAL ROLE charterd_crew",
};

/* Reads one pipelined statement's results; keeps the first failure. */
static int
pipeline_step(struct db *db, PGresult **keep, int *failed)
{
	PGresult	*res;
	ExecStatusType	 st;
	int		 got = 0;

	while ((res = PQgetResult(db->conn)) != NULL) {
		got = 1;
		st = PQresultStatus(res);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			if (!*failed && st != PGRES_PIPELINE_ABORTED)
				db_record_error(db, res);
			*failed = 1;
		} else if (keep != NULL && *keep == NULL) {
			*keep = res;
			continue;
		}
		PQclear(res);
	}
	return got;
}

int
db_json_as(struct db *db, enum db_role role, json_t **out, const char *sql,
    int n, const char *const *params)
{
	PGresult	*res = NULL, *sync;
	json_error_t	 err;
	int		 failed = 0, rc = 0, i;

	*out = NULL;
	db_clear_error(db);
	if (db->conn == NULL || PQenterPipelineMode(db->conn) != 1)
		return -1;
	if (PQsendQueryParams(db->conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) != 1 ||
	    PQsendQueryParams(db->conn, role_set[role], 0, NULL, NULL, NULL,
	    NULL, 0) != 1 ||
	    PQsendQueryParams(db->conn, sql, n, NULL, params, NULL, NULL, 0) != 1 ||
	    PQsendQueryParams(db->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) != 1 ||
	    PQpipelineSync(db->conn) != 1) {
		log_err("cannot send to the database: %s", PQerrorMessage(db->conn));
		failed = 1;
	} else {
		/* BEGIN, SET, the statement (kept), COMMIT, then the sync. */
		for (i = 0; i < 4; i++)
			pipeline_step(db, i == 2 ? &res : NULL, &failed);
		if ((sync = PQgetResult(db->conn)) == NULL ||
		    PQresultStatus(sync) != PGRES_PIPELINE_SYNC)
			failed = 1;
		PQclear(sync);
	}
	PQexitPipelineMode(db->conn);
	/* An aborted pipeline leaves the transaction open: close it. */
	db_rollback(db);
	if (failed) {
		PQclear(res);
		return -1;
	}
	if (res != NULL && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
		*out = json_loads(PQgetvalue(res, 0, 0), 0, &err);
		rc = *out != NULL ? 1 : -1;
		if (rc == -1)
			log_err("database returned bad JSON: %s", err.text);
	}
	PQclear(res);
	return rc;
}

int
db_begin(struct db *db, enum db_role role)
{
	PGresult *res;

	db_clear_error(db);
	if (db->conn == NULL)
		return -1;
	res = PQexec(db->conn, role_begin[role]);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		db_record_error(db, res);
		PQclear(res);
		db_rollback(db);
		return -1;
	}
	PQclear(res);
	return 0;
}

int
db_commit(struct db *db)
{
	PGresult	*res;
	int		 rc = 0;

	/* COMMIT of a failed transaction "succeeds" as ROLLBACK: refuse that. */
	res = PQexec(db->conn, "COMMIT");
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK ||
	    strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		db_record_error(db, res);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

void
db_rollback(struct db *db)
{
	if (db->conn != NULL &&
	    PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		PQclear(PQexec(db->conn, "ROLLBACK"));
}

int
db_failed_with(const struct db *db, const char *sqlstate)
{
	return strncmp(db->sqlstate, sqlstate, strlen(sqlstate)) == 0;
}
