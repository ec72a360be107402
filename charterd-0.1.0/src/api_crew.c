/* api_crew.c: POST and GET /api/crew, the crew roster */
#include "app.h"
#include "api.h"
#include "booking_input.h"
#include "db_crew.h"
#include "db_errors.h"
#include "handlers.h"

/* 201 with the new crew member; 400 naming the field; 409 for an email in use. */
void
api_crew_create(struct request *req)
{
	struct field_error	 ferr;
	json_t			*row = NULL;

	if (crew_input_check(req->json, &ferr) != 0) {
		api_field_error(req, &ferr);
		return;
	}
	if (db_crew_create(req->db, req->json, &row) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	resp_json(req, 201, row);
}

/* 200 with every crew member, ordered by name. */
void
api_crew_list(struct request *req)
{
	json_t *list = NULL;

	if (db_crew_list(req->db, &list) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	resp_json(req, 200, list);
}
