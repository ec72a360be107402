/* fuzz-kv.c: libFuzzer target for query/form and Cookie header parsing */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "limits.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Every pair handed out must hold the parser's promises. */
static void
check(const struct kvlist *l, size_t max)
{
	size_t	 i;

	if (l->n > max)
		abort();
	for (i = 0; i < l->n; i++) {
		if (l->v[i].key[0] == '\0')
			abort();
		if (strlen(l->v[i].val) != l->v[i].vlen)
			abort();
		if (!utf8_valid(l->v[i].key, strlen(l->v[i].key)) ||
		    !utf8_valid(l->v[i].val, l->v[i].vlen))
			abort();
		if (kv_get(l, l->v[i].key) == NULL)
			abort();
	}
}

/* First byte: even = query string, odd = Cookie header. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist	 l;
	enum kv_status	 st;
	char		*s;
	size_t		 n;

	if (size == 0)
		return 0;
	n = size - 1;
	if ((data[0] & 1) == 0) {
		/* Exactly n bytes, no NUL, so ASan sees any overread. */
		if ((s = malloc(n ? n : 1)) == NULL)
			return 0;
		memcpy(s, data + 1, n);
		st = kv_parse_query(n ? s : NULL, n, &l, LIMIT_QUERY_PAIRS);
		if (st == KV_OK)
			check(&l, LIMIT_QUERY_PAIRS);
	} else {
		if ((s = malloc(n + 1)) == NULL)
			return 0;
		memcpy(s, data + 1, n);
		s[n] = '\0';
		st = kv_parse_cookies(s, &l, LIMIT_COOKIE_PAIRS);
		if (st == KV_OK)
			check(&l, LIMIT_COOKIE_PAIRS);
	}
	if (st != KV_OK && (l.v != NULL || l.n != 0))
		abort();
	kv_free(&l);
	free(s);
	return 0;
}
