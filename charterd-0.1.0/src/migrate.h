/* migrate.h: `charterd migrate` */
#ifndef CHARTERD_MIGRATE_H
#define CHARTERD_MIGRATE_H

#include "config.h"

/* Applies pending migrations from cfg->sql_dir; 0 or -1 (logged). */
int	migrate_run(const struct config *);

#endif
