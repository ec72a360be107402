/* app.h: what one worker process holds for the requests it serves */
#ifndef CHARTERD_APP_H
#define CHARTERD_APP_H

#include "config.h"
#include "db.h"
#include "metrics.h"
#include "tmpl.h"

struct app {
	const struct config	*cfg;
	struct tmpl_set		*tmpl;		/* parsed once at start-up */
	struct db		 db[AUD__MAX];	/* one connection per audience,
						   opened on first use */
	struct metrics		*metrics;	/* shared by all workers */
	/* Session settings every connection starts with: the crewing
	 * plan's hours (sql/017_crew_slots.sql, crewing_hours()). */
	char			 db_options[128];
};

/*
 * Prepares app's connections (none is opened yet): each audience logs in
 * as its own role at cfg->database_url, sharing the "database is down"
 * flag in metrics (may be NULL) so an outage is logged once.
 */
void	app_init(struct app *, const struct config *, struct tmpl_set *,
	    struct metrics *);
/* The connection of an audience (not necessarily open: see db_ready). */
struct db *app_db(struct app *, enum audience);
/*
 * Logs in once as every role the route table uses and checks that none can
 * do more than its grants. 0 when all are fit, -1 when one was refused for
 * its privileges (logged), 1 when the database could not be reached.
 */
int	app_check_roles(const struct config *);
/* Closes every connection. */
void	app_close(struct app *);

#endif
