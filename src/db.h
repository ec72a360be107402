/* db.h: this worker's PostgreSQL connection and the helpers every db_*.c uses */
#ifndef CHARTERD_DB_H
#define CHARTERD_DB_H

#include <jansson.h>
#include <libpq-fe.h>

/* The side a statement runs as; see sql/002_roles.sql. */
enum db_role {
	DB_ROLE_APP,		/* the connecting role: staff and API */
	DB_ROLE_GUEST,		/* charterd_guest: no money, no guest contact */
	DB_ROLE_CREW,		/* charterd_crew: no revenue, no captain fee */
};

struct db {
	PGconn		*conn;
	const char	*url;
	char		 sqlstate[6];		/* of the last failure, "" if none */
	char		 constraint[64];	/* of the last failure, "" if none */
	char		 column[64];		/* of a NOT NULL failure */
};

/* Connects; -1 (logged) when the server does not answer. */
int	 db_open(struct db *, const char *url);
void	 db_close(struct db *);
/* Makes sure the connection is usable, reconnecting once; 0 or -1. */
int	 db_ready(struct db *);

/*
 * Runs one parameterised statement (text parameters, NULL = SQL NULL).
 * Returns the result when it succeeded (caller PQclear()s it), or NULL with
 * sqlstate/constraint recorded and the error logged without parameters.
 */
PGresult *db_exec(struct db *, const char *sql, int n, const char *const *params);
/* As db_exec for statements whose result is not needed: 0 or -1. */
int	 db_run(struct db *, const char *sql, int n, const char *const *params);
/*
 * Runs a statement returning at most one row whose first column is JSON
 * text. Returns 1 with *out set (caller decrefs), 0 for no row or SQL NULL,
 * -1 on error.
 */
int	 db_json(struct db *, json_t **out, const char *sql, int n,
	    const char *const *params);

/*
 * db_json run as role in a transaction of its own, sent as one pipeline
 * (BEGIN, SET LOCAL ROLE, the statement, COMMIT): one round trip instead
 * of three, for the reads on the guest and crew hot paths.
 */
int	 db_json_as(struct db *, enum db_role, json_t **out, const char *sql,
	    int n, const char *const *params);

/* Transactions: BEGIN (and SET LOCAL ROLE for guest/crew), COMMIT, ROLLBACK. */
int	 db_begin(struct db *, enum db_role);
int	 db_commit(struct db *);
void	 db_rollback(struct db *);

/* 1 when the last failure was this SQLSTATE class or code ("23505"). */
int	 db_failed_with(const struct db *, const char *sqlstate);

#endif
