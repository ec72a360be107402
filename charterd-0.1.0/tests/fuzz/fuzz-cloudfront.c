/* fuzz-cloudfront.c: libFuzzer target for the reader of CloudFront's XML answers */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cloudfront.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 id[CLOUDFRONT_ID_MAX], small[3], code[64], msg[40];
	size_t	 i;

	if (cloudfront_parse_invalidation((const char *)data, size, id,
	    sizeof(id)) == 0) {
		/* Read means: letters and digits that fit. */
		if (id[0] == '\0' || strlen(id) >= sizeof(id))
			__builtin_trap();
		for (i = 0; id[i] != '\0'; i++)
			if (!((id[i] >= 'A' && id[i] <= 'Z') ||
			    (id[i] >= 'a' && id[i] <= 'z') ||
			    (id[i] >= '0' && id[i] <= '9')))
				__builtin_trap();
	}
	if (cloudfront_parse_invalidation((const char *)data, size, small,
	    sizeof(small)) == 0 && strlen(small) >= sizeof(small))
		__builtin_trap();
	if (cloudfront_parse_error((const char *)data, size, code,
	    sizeof(code), msg, sizeof(msg)) == 0) {
		if (code[0] == '\0' || strlen(code) >= sizeof(code) ||
		    strlen(msg) >= sizeof(msg))
			__builtin_trap();
		for (i = 0; msg[i] != '\0'; i++)
			if (msg[i] < 0x20 || msg[i] >= 0x7f)
				__builtin_trap();
	}
	return 0;
}
