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
	struct db		 db;		/* this worker's connection */
	struct metrics		*metrics;	/* shared by all workers */
};

#endif
