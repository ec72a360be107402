/* db_roster.c: statements about the crew roster's admin pages (list, one crew member, create, edit, deactivate) */
#include <stdio.h>
#include <stdlib.h>

#include "db_roster.h"

int
db_roster_list(struct db *db, const char *q, const char *show, int limit,
    json_t **out)
{
	char		 lim[16];
	const char	*p[3] = { q, show, lim };

	snprintf(lim, sizeof(lim), "%d", limit);
	return db_json(db, out, "SELECT roster_list($1, $2, $3)", 3, p) ==
	    DB_OK ? DB_OK : DB_ERROR;
}

int
db_roster_get(struct db *db, long long id, json_t **out)
{
	char		 idstr[24];
	const char	*p[1] = { idstr };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return db_json(db, out, "SELECT roster_get($1)", 1, p);
}

int
db_roster_save(struct db *db, long long id, const char *actor,
    const json_t *input, const char *seen, json_t **out)
{
	char		 idstr[24], *js;
	const char	*p[4] = { NULL, actor, NULL, seen };
	int		 rc;

	if ((js = json_dumps(input, JSON_COMPACT)) == NULL)
		return DB_ERROR;
	if (id > 0) {
		snprintf(idstr, sizeof(idstr), "%lld", id);
		p[0] = idstr;
	}
	p[2] = js;
	rc = db_json(db, out, "SELECT roster_save($1, $2, $3::jsonb, $4)", 4,
	    p);
	free(js);
	return rc == DB_OK ? DB_OK : DB_ERROR;
}

int
db_roster_set_active(struct db *db, long long id, const char *actor,
    int active, json_t **out)
{
	char		 idstr[24];
	const char	*p[3] = { idstr, actor, active ? "true" : "false" };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return db_json(db, out, "SELECT roster_set_active($1, $2, $3)", 3,
	    p) == DB_OK ? DB_OK : DB_ERROR;
}
