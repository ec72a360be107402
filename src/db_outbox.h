/* db_outbox.h: statements about the outbox, the queue of changes to deliver */
#ifndef CHARTERD_DB_OUTBOX_H
#define CHARTERD_DB_OUTBOX_H

#include "db.h"

/* Outbox rows by target and state: a PGresult of (target, state, count)
 * the caller clears, or NULL on error. */
PGresult *db_outbox_counts(struct db *);

#endif
