/* db_migrate.h: the statements `charterd migrate` runs: its lock, its ledger, a script */
#ifndef CHARTERD_DB_MIGRATE_H
#define CHARTERD_DB_MIGRATE_H

#include "db.h"

/* Waits for the migrators' advisory lock (one at a time, across hosts)
 * and makes sure the ledger exists. DB_OK or DB_ERROR. */
int	db_migrate_begin(struct db *);
/*
 * Roles belong to the cluster, and the advisory lock above to one database:
 * this one keeps the migrations of every database of the cluster apart. It
 * connects to the cluster's "postgres" database as url's user and waits for
 * a lock there, held until db_migrate_cluster_unlock. NULL when that
 * database cannot be reached (logged; the migration then relies on trying
 * again after a lost race).
 */
PGconn	*db_migrate_cluster_lock(const char *url);
void	 db_migrate_cluster_unlock(PGconn *);
/* Whether migration name is in the ledger: DB_OK (applied), DB_NOT_FOUND,
 * DB_ERROR. */
int	db_migrate_applied(struct db *, const char *name);
/* Records it (in the caller's transaction). */
int	db_migrate_record(struct db *, const char *name);
/*
 * Runs a migration file's text: several statements, the simple protocol,
 * no parameters (the files come from the package, never from input).
 * DB_OK, or DB_ERROR with the server's message logged under name.
 */
int	db_migrate_script(struct db *, const char *name, const char *sql);

#endif
