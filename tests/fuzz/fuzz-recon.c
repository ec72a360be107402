/* fuzz-recon.c: libFuzzer target for the reconciliation's filter (from, to, vessel in a query string) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "limits.h"
#include "recon_filter.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What a page or a JSON answer is built from must be UTF-8 (jansson
 * refuses anything else) and within its buffer. */
static void
text_ok(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == cap || !utf8_valid(s, n))
		abort();
}

/* First byte: even = the API's rules, odd = the page's; the rest a query. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist		 args;
	struct recon_filter	 f;
	struct field_error	 err;
	enum recon_mode		 mode;

	if (size < 1 || size > LIMIT_QUERY_LEN)
		return 0;
	mode = data[0] % 2 ? RECON_PAGE : RECON_API;
	if (kv_parse_query((const char *)data + 1, size - 1, &args,
	    LIMIT_QUERY_PAIRS) != KV_OK)
		return 0;
	if (recon_filter_read(&args, mode, "2025-05-17", &f, &err) == 0) {
		/* Two real days in order, at most the limit apart. */
		if (strlen(f.from) != RECON_DATE_LEN ||
		    strlen(f.to) != RECON_DATE_LEN || strcmp(f.from, f.to) > 0 ||
		    f.months < 1 || f.months > LIMIT_RECON_MONTHS ||
		    utf8_chars(f.vessel, strlen(f.vessel)) > LIMIT_NAME_LEN)
			abort();
	} else if (err.code == NULL || err.message[0] == '\0')
		abort();
	text_ok(f.from, sizeof(f.from));
	text_ok(f.to, sizeof(f.to));
	text_ok(f.vessel, sizeof(f.vessel));
	text_ok(err.field, sizeof(err.field));
	text_ok(err.message, sizeof(err.message));
	kv_free(&args);
	return 0;
}
