/* api_health.c: GET /healthz and GET /metrics */
#include "app.h"
#include "db_outbox.h"
#include "handlers.h"

/* 200 when the database answers a trivial query, 503 otherwise (the
 * route table answers 503 itself when it cannot connect at all). */
void
api_healthz(struct request *req)
{
	if (db_ping(req->db) == DB_OK)
		resp_text(req, 200, "text/plain; charset=utf-8", "ok\n");
	else
		resp_text(req, 503, "text/plain; charset=utf-8",
		    "database unavailable\n");
	resp_header(req, "Cache-Control", "no-store");
}

/* One family per line of the table: name, type, help, the status field. */
static const struct {
	const char	*name, *type, *help, *field;
} sync_families[] = {
	{ "charterd_sync_delivered_total", "counter",
	  "Deliveries that succeeded, by target.", "delivered" },
	{ "charterd_sync_failed_total", "counter",
	  "Deliveries that failed (and were retried or died), by target.",
	  "failed" },
	{ "charterd_sync_superseded_total", "counter",
	  "Upserts collapsed into a newer one, by target.", "superseded" },
	{ "charterd_sync_pending", "gauge",
	  "Rows waiting to be delivered, by target.", "pending" },
	{ "charterd_sync_delivering", "gauge",
	  "Rows being delivered now, by target.", "delivering" },
	{ "charterd_sync_dead", "gauge",
	  "Rows that ran out of attempts or were refused, by target "
	  "(GET /api/sync says why; POST /api/sync/<id>/retry).", "dead" },
	{ "charterd_sync_oldest_pending_seconds", "gauge",
	  "Age of the oldest row not yet delivered, by target.",
	  "oldest_pending_age_s" },
};

/* The sync queue as gauges and counters, from sync_status(). */
static void
sync_metrics(struct db *db, struct buf *out)
{
	json_t		*status = NULL, *t, *v;
	const char	*target;
	size_t		 i;

	if (db_outbox_status(db, &status) != DB_OK)
		return;
	for (i = 0; i < sizeof(sync_families) / sizeof(sync_families[0]); i++) {
		buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n",
		    sync_families[i].name, sync_families[i].help,
		    sync_families[i].name, sync_families[i].type);
		json_object_foreach(status, target, t) {
			v = json_object_get(t, sync_families[i].field);
			buf_printf(out, "%s{target=\"%s\"} %lld\n",
			    sync_families[i].name, target, (long long)(
			    json_is_array(v) ? (json_int_t)json_array_size(v) :
			    json_integer_value(v)));
		}
	}
	json_decref(status);
}

/* Prometheus text: request counters, outbox rows by target and state, and
 * the sync queue per target. */
void
api_metrics(struct request *req)
{
	struct db	*db = app_db(req->app, AUD_INTERNAL);
	PGresult	*res = NULL;
	int		 i;

	buf_reset(&req->out);
	metrics_render(req->app->metrics, &req->out);
	if (db_ready(db) == 0)
		res = db_outbox_counts(db);
	buf_puts(&req->out, "# HELP charterd_outbox_rows Outbox rows by target "
	    "and state.\n# TYPE charterd_outbox_rows gauge\n");
	for (i = 0; res != NULL && i < PQntuples(res); i++)
		buf_printf(&req->out, "charterd_outbox_rows{target=\"%s\","
		    "state=\"%s\"} %s\n", PQgetvalue(res, i, 0),
		    PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));
	buf_printf(&req->out, "charterd_database_up %d\n", res != NULL);
	if (res != NULL)
		sync_metrics(db, &req->out);
	PQclear(res);
	req->status = 200;
	req->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
