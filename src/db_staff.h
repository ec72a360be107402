/* db_staff.h: statements about staff accounts, sessions and login throttling */
#ifndef CHARTERD_DB_STAFF_H
#define CHARTERD_DB_STAFF_H

#include <jansson.h>

#include "db.h"

/* A staff account as logging in needs it. */
struct staff_login {
	long long	 id;
	char		 role[8];		/* "owner" or "staff" */
	char		 hash[160];		/* Argon2id PHC string */
	int		 disabled;
};

/* The account with this email (any case): DB_OK, DB_NOT_FOUND, DB_ERROR. */
int	db_staff_login(struct db *, const char *email, struct staff_login *);
/* Rewrites the hash (a login found it made at a lower cost). */
int	db_staff_rehash(struct db *, long long id, const char *hash);
/*
 * Starts a session: its token's hash, its CSRF token, absolute expiry in
 * max_s seconds. Revokes replaced (the session the browser held before
 * logging in, NULL: none) so a login always rotates the session.
 */
int	db_session_start(struct db *, long long user_id,
	    const unsigned char token_hash[32], const char *csrf, int max_s,
	    const char *user_agent, const unsigned char *replaced);
/*
 * The live session for a cookie's hash: DB_OK with *user =
 * {user_id, email, name, role, csrf}, DB_NOT_FOUND (none, revoked,
 * expired, idle past idle_s, user disabled), DB_ERROR.
 */
int	db_session_user(struct db *, const unsigned char token_hash[32],
	    int idle_s, json_t **user);
/* Ends one session, or every session of a user (log out everywhere). */
int	db_session_end(struct db *, const unsigned char token_hash[32]);
int	db_session_end_all(struct db *, long long user_id);

/* Seconds until a login for these keys may be tried again (0: now). */
int	db_throttle_wait(struct db *, const char *account_key,
	    const char *addr_key, int *seconds);
/* Counts a failed login for both keys. */
int	db_throttle_fail(struct db *, const char *account_key,
	    const char *addr_key, int free_failures, int max_wait_s);
/* Forgets an account's failures after it logged in. */
int	db_throttle_reset(struct db *, const char *account_key);

/* Accounts from `charterd user` (the owner's connection). */
/* A new account: DB_OK, or DB_ERROR (db_failed_with(db, "23505"): the
 * email has one already). */
int	db_staff_add(struct db *, const char *email, const char *name,
	    const char *role, const char *hash);
/* A new password (NULL: none) and/or enabled 1 / disabled 0 (-1: as it
 * is) for the account; a new password or disabling ends every session.
 * DB_OK, DB_NOT_FOUND (no such account), DB_ERROR. */
int	db_staff_update(struct db *, const char *email, const char *hash,
	    int enabled);
/* Every account: a PGresult of (email, role, name, active/disabled,
 * created date) the caller clears, or NULL. */
PGresult *db_staff_list(struct db *);

/* An audit row for a staff action (actor "staff:<id>"). */
int	db_staff_audit(struct db *, long long user_id, const char *action,
	    long long booking_id, const json_t *detail);

#endif
