/* api.c: helpers shared by the internal JSON API handlers */
#include <errno.h>
#include <stdlib.h>

#include "api.h"

void
api_field_error(struct request *req, const struct field_error *e)
{
	resp_json(req, 400, json_pack("{s:s, s:s, s:s}", "error", e->code,
	    "field", e->field, "message", e->message));
}

long long
api_id_param(struct request *req, size_t idx)
{
	const char	*s = idx < req->nparam ? req->param[idx] : NULL;
	char		*end;
	long long	 id;

	if (s == NULL || *s < '1' || *s > '9')
		goto bad;
	errno = 0;
	id = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || id > (1LL << 53))
		goto bad;
	return id;
bad:
	resp_error(req, 404, "not_found", "There is no booking with this id.");
	return 0;
}
