/* api.c: helpers shared by the internal JSON API handlers */
#include "api.h"

void
api_field_error(struct request *req, const struct field_error *e)
{
	resp_json(req, 400, json_pack("{s:s, s:s, s:s}", "error", e->code,
	    "field", e->field, "message", e->message));
}
