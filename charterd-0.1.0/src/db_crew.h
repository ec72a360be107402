/* db_crew.h: statements about the crew roster */
#ifndef CHARTERD_DB_CREW_H
#define CHARTERD_DB_CREW_H

#include <jansson.h>

#include "db.h"

/* Inserts a validated crew object: DB_OK with *out = the row, DB_ERROR. */
int	db_crew_create(struct db *, const json_t *in, json_t **out);
/* Every crew member by name: DB_OK with *out = array, DB_ERROR. */
int	db_crew_list(struct db *, json_t **out);

#endif
