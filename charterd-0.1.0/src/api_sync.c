/* api_sync.c: GET /api/sync and POST /api/sync/<id>/retry: what the outbox holds, and dead rows back */
#include "app.h"
#include "db_errors.h"
#include "db_outbox.h"
#include "handlers.h"

/*
 * 200 {<target>: {pending, delivering, delivered, failed, superseded,
 * dead: [{id, booking_id, kind, attempts, last_error, created_at}],
 * last_success_at, last_failure_at, oldest_pending_age_s}}.
 */
void
api_sync_status(struct request *req)
{
	json_t *status = NULL;

	if (db_outbox_status(req->db, &status) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200, status);
}

/* 200 {id, state: "pending"}: the dead row is queued again; 404 when no
 * dead row has that id. */
void
api_sync_retry(struct request *req)
{
	switch (db_outbox_retry(req->db, req->p.id)) {
	case DB_OK:
		resp_json(req, 200, json_pack("{s:I, s:s}", "id",
		    (json_int_t)req->p.id, "state", "pending"));
		return;
	case DB_NOT_FOUND:
		resp_error(req, 404, "not_found", "There is no dead outbox row "
		    "with this id (only dead rows can be retried).");
		return;
	default:
		db_error_response(req, req->db);
	}
}
