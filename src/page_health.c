/* page_health.c: GET /healthz and GET /metrics */
#include "app.h"
#include "db_outbox.h"
#include "handlers.h"

/* 200 when the database answers a trivial query, 503 otherwise (the
 * route table answers 503 itself when it cannot connect at all). */
void
page_healthz(struct request *req)
{
	if (db_ping(req->db) == DB_OK)
		resp_text(req, 200, "text/plain; charset=utf-8", "ok\n");
	else
		resp_text(req, 503, "text/plain; charset=utf-8",
		    "database unavailable\n");
	resp_header(req, "Cache-Control", "no-store");
}

/* Prometheus text: request counters, plus outbox rows by target and state. */
void
page_metrics(struct request *req)
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
	PQclear(res);
	req->status = 200;
	req->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
