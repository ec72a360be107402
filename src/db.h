/* db.h: PostgreSQL connections, one per audience, and the helpers every db_*.c uses */
#ifndef CHARTERD_DB_H
#define CHARTERD_DB_H

#include <stddef.h>

#include <jansson.h>
#include <libpq-fe.h>

/*
 * Who a request serves. Each audience has a database role of its own that
 * logs in by itself (sql/roles.sql, applied by every `charterd migrate`), so what a statement may
 * read is decided by the connection, not by a SET ROLE it could undo.
 */
enum audience {
	AUD_NONE,		/* no database */
	AUD_GUEST,		/* charterd_guest: no money, no guest contact */
	AUD_CREW,		/* charterd_crew: no revenue, fee or contact */
	AUD_STAFF,		/* charterd_staff: the admin without money */
	AUD_INTERNAL,		/* charterd_api: the internal API, money too */
	AUD_SYNC,		/* charterd_sync: the outbox; no money */
	AUD_OWNER,		/* charterd_owner: the admin for the owner, money too */
	AUD__MAX
};

/*
 * What every db_* function returns: 0 when it did what was asked, -1 when
 * a statement failed (db->sqlstate and db->constraint say why), and a
 * positive code for an expected outcome the caller answers for itself.
 */
enum db_rc {
	DB_ERROR = -1,
	DB_OK = 0,
	DB_NOT_FOUND,		/* no such row */
	DB_UNKNOWN_CREW,	/* a crew_id names nobody */
	DB_CANCELLED,		/* the booking is cancelled: no more changes */
	DB_STALE,		/* the version given is not the current one */
	DB_UNKNOWN_SLOT,	/* an open slot id names none of the booking's */
	DB_SLOT_HELD,		/* a slot to drop or shrink is held by crew */
};

struct db {
	PGconn		*conn;
	const char	*url;
	const char	*role;		/* log in as this; NULL: as the URL says */
	const char	*options;	/* libpq options ("-c name=value ...") added
					   to the URL's, or NULL */
	int		*down;		/* shared "database is down" flag, or NULL */
	int		 refused;	/* db_open refused the role's privileges */
	char		 sqlstate[6];		/* of the last failure, "" if none */
	char		 constraint[64];	/* of the last failure, "" if none */
	char		 column[64];		/* of a NOT NULL failure */
};

/* The login role of an audience ("charterd_guest"), or NULL for AUD_NONE. */
const char *db_role_name(enum audience);

/*
 * Reads, from libpq's passfile for url (its passfile= setting, else
 * PGPASSFILE, else ~/.pgpass), the password of every runtime role, and
 * keeps them in this process and the children it forks: workers run as an
 * unprivileged user that may not read the passfile. Call it before the
 * privileges drop; a role without a line logs in as libpq otherwise would.
 */
void	 db_passwords_load(const char *url);

/*
 * Connects to url as role (NULL: the URL's own user and password). A
 * runtime role takes its password from the libpq passfile, never from the
 * URL, and is refused when it could do more than its grants (superuser,
 * CREATEROLE, owner of a table, member of a role). 0, or -1 (logged).
 */
int	 db_open(struct db *, const char *url, const char *role);
void	 db_close(struct db *);
/* Makes sure the connection is usable, reconnecting once; 0 or -1. */
int	 db_ready(struct db *);
/* A trivial statement: DB_OK when the server answers it. */
int	 db_ping(struct db *);

/*
 * The role the connection logged in as may serve requests: 0, or -1 with
 * a sentence in why naming what it holds that it must not.
 */
int	 db_check_unprivileged(struct db *, char *why, size_t whylen);

/*
 * Runs one parameterised statement (text parameters, NULL = SQL NULL).
 * Returns the result when it succeeded (caller PQclear()s it), or NULL with
 * sqlstate/constraint recorded and the error logged without parameters.
 */
PGresult *db_exec(struct db *, const char *sql, int n, const char *const *params);
/* As db_exec for statements whose result is not needed: DB_OK or DB_ERROR. */
int	 db_run(struct db *, const char *sql, int n, const char *const *params);
/*
 * Runs a statement returning at most one row whose first column is JSON
 * text: DB_OK with *out set (caller decrefs), DB_NOT_FOUND for no row or
 * SQL NULL, DB_ERROR.
 */
int	 db_json(struct db *, json_t **out, const char *sql, int n,
	    const char *const *params);

/* As db_json, for functions that answer an object with an "outcome":
 * DB_ERROR also when the answer has none. */
int	 db_outcome_json(struct db *, json_t **out, const char *sql, int n,
	    const char *const *params);
/* Parameters: a timestamptz (for to_timestamp($n)) from microseconds, and
 * a SHA-256 as bytea in PostgreSQL's hex input form. */
#define DB_TS_PARAM_LEN		32
#define DB_HASH_PARAM_LEN	67
void	 db_ts_param(long long us, char out[DB_TS_PARAM_LEN]);
void	 db_hash_param(const unsigned char hash[32],
	    char out[DB_HASH_PARAM_LEN]);

/* Transactions: DB_OK or DB_ERROR; db_rollback is safe outside one. */
int	 db_begin(struct db *);
int	 db_commit(struct db *);
void	 db_rollback(struct db *);

/* 1 when the last failure was this SQLSTATE class or code ("23505"). */
int	 db_failed_with(const struct db *, const char *sqlstate);

#endif
