/* db_reconciliation.h: the statements of revenue reconciliation: the figures of a range, the vessels to filter by */
#ifndef CHARTERD_DB_RECONCILIATION_H
#define CHARTERD_DB_RECONCILIATION_H

#include <jansson.h>

#include "buf.h"
#include "db.h"
#include "recon_filter.h"

/*
 * reconciliation() (sql/015_reconciliation.sql) for f: bookings, months,
 * totals and cancelled charters. Needs a connection whose role may run it
 * (charterd_owner, charterd_api); any other is refused by PostgreSQL
 * (DB_ERROR, sqlstate 42501). DB_OK with *out (the caller decrefs), or
 * DB_ERROR.
 */
int	db_reconciliation(struct db *, const struct recon_filter *f,
	    json_t **out);

/* The same, as the JSON text PostgreSQL wrote, appended to out: an answer
 * sent as is, never parsed and printed again. DB_OK or DB_ERROR. */
int	db_reconciliation_text(struct db *, const struct recon_filter *f,
	    struct buf *out);

/* Every vessel a booking names, sorted: DB_OK with a JSON array of
 * strings in *out, or DB_ERROR. */
int	db_reconciliation_vessels(struct db *, json_t **out);

#endif
