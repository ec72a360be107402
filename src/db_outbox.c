/* db_outbox.c: statements about the outbox, the queue of changes to deliver */
#include "db_outbox.h"

PGresult *
db_outbox_counts(struct db *db)
{
	return db_exec(db, "SELECT target, state, count(*) FROM outbox "
	    "GROUP BY 1, 2 ORDER BY 1, 2", 0, NULL);
}
