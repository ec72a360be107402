/* db_roster.h: statements about the crew roster's admin pages (list, one crew member, create, edit, deactivate) */
#ifndef CHARTERD_DB_ROSTER_H
#define CHARTERD_DB_ROSTER_H

#include <jansson.h>

#include "db.h"

/*
 * Each answers in one statement (sql/016_settle.sql) with a JSON object
 * in *out (caller decrefs): DB_OK with it, DB_NOT_FOUND (db_roster_get
 * only), or DB_ERROR. Writes carry actor ("staff:<id>") for their audit
 * row, written in the same transaction.
 */

/* roster_list(): {rows, more, active, inactive}; q NULL or "" for
 * everyone, show "active", "inactive" or NULL for both. */
int	db_roster_list(struct db *, const char *q, const char *show, int limit,
	    json_t **out);
/* roster_get(): one crew member (roster_row()). */
int	db_roster_get(struct db *, long long id, json_t **out);
/*
 * roster_save(): creates (id 0) or edits a crew member from input (as
 * POST /api/crew takes it, validated), seen NULL or what the form
 * carried: {outcome: created {id} | changed | unchanged | stale
 * {current} | not_found | email_taken {by}}.
 */
int	db_roster_save(struct db *, long long id, const char *actor,
	    const json_t *input, const char *seen, json_t **out);
/* roster_set_active(): {outcome: changed | unchanged | not_found}. */
int	db_roster_set_active(struct db *, long long id, const char *actor,
	    int active, json_t **out);

#endif
