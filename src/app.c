/* app.c: what one worker process holds for the requests it serves */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "route.h"

void
app_init(struct app *app, const struct config *cfg, struct tmpl_set *tmpl,
    struct metrics *metrics)
{
	int aud;

	memset(app, 0, sizeof(*app));
	app->cfg = cfg;
	app->tmpl = tmpl;
	app->metrics = metrics;
	/* The plan runs in whichever transaction changed a booking, so every
	 * session must carry the hours it schedules by. */
	snprintf(app->db_options, sizeof(app->db_options),
	    "-c charterd.reminder_hours=%lld -c charterd.crewing_alert_hours=%lld",
	    cfg->reminder_h, cfg->crewing_alert_h);
	for (aud = AUD_NONE + 1; aud < AUD__MAX; aud++) {
		app->db[aud].options = app->db_options;
		app->db[aud].url = cfg->database_url;
		app->db[aud].role = db_role_name((enum audience)aud);
		app->db[aud].down = metrics ? &metrics->database_down : NULL;
	}
}

struct db *
app_db(struct app *app, enum audience aud)
{
	return &app->db[aud > AUD_NONE && aud < AUD__MAX ? aud : AUD_GUEST];
}

int
app_check_roles(const struct config *cfg)
{
	const struct route	*r;
	struct db		 db;
	unsigned		 seen = 0;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; (r = route_at(i)) != NULL; i++) {
		if (r->audience == AUD_NONE || (seen & (1u << r->audience)))
			continue;
		seen |= 1u << r->audience;
		memset(&db, 0, sizeof(db));
		/* Every role is tried, so one run names every problem. */
		if (db_open(&db, cfg->database_url,
		    db_role_name(r->audience)) == -1)
			rc = db.refused ? -1 : rc == -1 ? -1 : 1;
		db_close(&db);
	}
	return rc;
}

void
app_close(struct app *app)
{
	int aud;

	for (aud = 0; aud < AUD__MAX; aud++)
		db_close(&app->db[aud]);
}
