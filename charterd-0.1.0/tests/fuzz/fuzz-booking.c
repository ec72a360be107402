/* fuzz-booking.c: libFuzzer target for booking and crew JSON validation */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "booking_input.h"
#include "fields.h"
#include "limits.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A failure must name a known code and carry a message. */
static void
check_err(int rc, const struct field_error *err)
{
	static const char *const codes[] = {
		FIELD_EMISSING, FIELD_EINVALID, FIELD_EUNKNOWN,
		FIELD_EWRONGTYPE, FIELD_ETOOLONG, FIELD_ERANGE,
	};
	size_t	 i;

	if (rc == 0)
		return;
	if (rc != -1 || err->code == NULL || err->message[0] == '\0')
		abort();
	if (strnlen(err->field, sizeof(err->field)) == sizeof(err->field))
		abort();
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(err->code, codes[i]) == 0)
			return;
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct field_error	 err;
	json_error_t		 je;
	json_t			*j;
	int			 full, part;

	if (size > LIMIT_BODY)
		return 0;
	/* The same checks, in the same order, as the request path. */
	if (fields_json_depth((const char *)data, size) > LIMIT_JSON_DEPTH)
		return 0;
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL)
		return 0;
	full = booking_input_check(j, 0, &err);
	check_err(full, &err);
	part = booking_input_check(j, 1, &err);
	check_err(part, &err);
	/* Whatever passes as a full create also passes as a PATCH. */
	if (full == 0 && part != 0)
		abort();
	check_err(crew_input_check(j, &err), &err);
	json_decref(j);
	return 0;
}
