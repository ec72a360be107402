/* db_crew.c: statements about the crew roster */
#include <stdlib.h>

#include "db_crew.h"

#define CREW_JSON \
	"json_build_object('id', c.id, 'name', c.name, 'email', c.email, " \
	"'phone', c.phone, 'roles', c.roles, 'hourly_rate_cents', " \
	"c.hourly_rate_cents, 'active', c.active, 'created_at', c.created_at)"

static int
json_param(const json_t *in, char **out)
{
	*out = json_dumps(in, JSON_COMPACT);
	return *out ? 0 : -1;
}

int
db_crew_create(struct db *db, const json_t *in, json_t **out)
{
	const char	*params[1];
	char		*js;
	int		 rc;

	if (json_param(in, &js) == -1)
		return DB_ERROR;
	params[0] = js;
	rc = db_json(db, out,
	    "WITH r AS (SELECT * FROM jsonb_populate_record(NULL::crew, $1::jsonb)), "
	    "c AS (INSERT INTO crew (name, email, phone, roles, hourly_rate_cents) "
	    "  SELECT r.name, r.email, r.phone, coalesce(r.roles, '{}'), "
	    "  r.hourly_rate_cents FROM r RETURNING *) "
	    "SELECT " CREW_JSON " FROM c", 1, params);
	free(js);
	return rc;
}

int
db_crew_list(struct db *db, json_t **out)
{
	return db_json(db, out,
	    "SELECT coalesce(json_agg(" CREW_JSON " ORDER BY lower(c.name), c.id), "
	    "'[]') FROM crew c", 0, NULL);
}
