/* api_reconciliation.c: GET /api/reconciliation: the owner's figures as JSON, for dashboards on the internal listener */
#include "api.h"
#include "db_errors.h"
#include "db_reconciliation.h"
#include "handlers.h"
#include "recon_filter.h"

/*
 * GET /api/reconciliation?from=YYYY-MM-DD&to=YYYY-MM-DD[&vessel=name]
 * (X-Service-Key or X-Dashboard-Token: the route table checks). 200 with
 * reconciliation()'s JSON, the same figures as the admin's page and CSV:
 * {from, to, vessel, bookings, months, totals, cancelled}. 400 {error,
 * field, message} for a missing or malformed date, to before from, a range
 * over LIMIT_RECON_MONTHS months, a vessel that is not one line, or any
 * other parameter. The text PostgreSQL built is the answer: five years of
 * bookings are never parsed and printed again.
 */
void
api_reconciliation(struct request *req)
{
	struct recon_filter	 f;
	struct field_error	 err;
	char			 today[RECON_DATE_LEN + 1];

	recon_today(req->now_us, today);
	if (recon_filter_read(&req->args, RECON_API, today, &f, &err) == -1) {
		api_field_error(req, &err);
		return;
	}
	buf_reset(&req->out);
	if (db_reconciliation_text(req->db, &f, &req->out) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	req->status = 200;
	req->content_type = "application/json";
	resp_header(req, "Cache-Control", "no-store");
}
