/* db_roles.h: the runtime roles' passwords, set by `charterd migrate` from the passfile */
#ifndef CHARTERD_DB_ROLES_H
#define CHARTERD_DB_ROLES_H

#include "db.h"

/*
 * For every runtime login role (charterd_*, not the owner connected as db),
 * sets the password libpq's passfile gives for it (the passfile of db's
 * connection: its passfile= setting, else PGPASSFILE, else ~/.pgpass), sent
 * as a SCRAM verifier so the password itself never reaches the server. A
 * role without a line keeps what it has (peer or certificate login, or a
 * password set by hand). DB_OK, or DB_ERROR (logged).
 */
int	db_roles_set_passwords(struct db *);

#endif
