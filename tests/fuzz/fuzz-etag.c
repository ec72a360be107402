/* fuzz-etag.c: libFuzzer target for If-None-Match reading and the tag list it writes */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "etag.h"

#define MAX_TAGS	8
#define LIST_LEN	(MAX_TAGS * (ETAG_HEX_LEN + 1) + 3)

/* A tag of our shape, made from the input's last bytes. */
static void
some_tag(const uint8_t *data, size_t size, char tag[ETAG_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < ETAG_HEX_LEN; i++)
		tag[i] = hex[size ? data[(size - 1 - i % size)] & 0xf : 0];
	tag[ETAG_HEX_LEN] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*value, list[LIST_LEN], small[8], tag[ETAG_HEX_LEN + 1];
	size_t	 cap;
	int	 n;

	value = malloc(size + 1);
	if (value == NULL)
		return 0;
	memcpy(value, data, size);
	value[size] = '\0';
	cap = size ? data[0] % (MAX_TAGS + 1) : 0;

	n = etag_if_none_match(value, cap, list, sizeof(list));
	/* The list is always big enough for cap tags: never -1 here. */
	if (n < 0 || (size_t)n > (cap ? cap : 1) ||
	    list[0] != '{' || list[strlen(list) - 1] != '}')
		abort();
	/* Every listed tag is found again; one added is found too. */
	some_tag(data, size, tag);
	if (etag_list_add(list, sizeof(list), tag) == 0 &&
	    !etag_listed(list, tag))
		abort();
	/* A list too small to hold the answer says so instead of cutting. */
	n = etag_if_none_match(value, cap, small, sizeof(small));
	if (n >= 0 && (small[0] != '{' || small[strlen(small) - 1] != '}'))
		abort();
	free(value);
	return 0;
}
