/* gc.h: `charterd gc`, one pass that deletes photo reservations left uncompleted */
#ifndef CHARTERD_GC_H
#define CHARTERD_GC_H

#include "config.h"

#define GC_ROLE		"charterd_gc"	/* the login role gc uses, its own */

/*
 * One pass: every reservation whose upload URL had expired when the pass
 * began without a complete has its object deleted from the photo bucket
 * (404: already gone) and then its row, in one transaction per photo that
 * holds the row, so a complete arriving meanwhile waits and then finds it
 * gone. Logs the counts. Returns 0 when every due reservation was handled
 * (or none was due), -1 when the database or the store failed (logged);
 * what failed is taken by the next pass.
 */
int	gc_run(const struct config *);

#endif
