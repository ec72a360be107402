/* test-etag.c: If-None-Match read for our tags: weak and strong, lists, "*", malformed values ignored */
#include <stdio.h>
#include <string.h>

#include "etag.h"
#include "tap.h"

#define A	"0123456789abcdef0123456789abcdef"
#define B	"fedcba9876543210fedcba9876543210"

static const struct {
	const char	*value;
	const char	*want;
	int		 n;
} cases[] = {
	{ NULL, "{}", 0 },
	{ "", "{}", 0 },
	{ "\"" A "\"", "{" A "}", 1 },
	{ "W/\"" A "\"", "{" A "}", 1 },
	{ "  \"" A "\"  ", "{" A "}", 1 },
	{ "\"" A "\", W/\"" B "\"", "{" A "," B "}", 2 },
	{ "\"" A "\",\"" B "\"", "{" A "," B "}", 2 },
	{ ", ,\"" A "\" ,", "{" A "}", 1 },
	/* Tags that cannot be ours are left out, the rest kept. */
	{ "\"xyzzy\", \"" A "\"", "{" A "}", 1 },
	{ "\"" A "0\"", "{}", 0 },
	{ "\"0123456789ABCDEF0123456789ABCDEF\"", "{}", 0 },
	{ "\"\"", "{}", 0 },
	{ "*", "{*}", 1 },
	{ " * ", "{*}", 1 },
	/* Not a list of entity tags: ignored as a whole. */
	{ A, "{}", 0 },
	{ "*, \"" A "\"", "{}", 0 },
	{ "\"" A "\" \"" B "\"", "{}", 0 },
	{ "\"" A "\"x", "{}", 0 },
	{ "\"" A, "{}", 0 },
	{ "w/\"" A "\"", "{}", 0 },
	{ "\"" A "\", junk", "{}", 0 },
	{ "\"a\"b\"", "{}", 0 },
	{ "\"" A "\"\x7f", "{}", 0 },
};

int
main(void)
{
	char	 out[2 + 8 * (ETAG_HEX_LEN + 1) + 1], many[1024], small[8];
	size_t	 i, len;
	int	 n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = etag_if_none_match(cases[i].value, 8, out, sizeof(out));
		is_int(n, cases[i].n, "case %zu: %d tags", i, cases[i].n);
		is_str(out, cases[i].want, "  as %s", cases[i].want);
	}
	/* At most max tags: the first ones. */
	for (i = 0, len = 0; i < 12; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len, "%s",
		    i % 2 ? "\"" B "\"," : "\"" A "\",");
	n = etag_if_none_match(many, 8, out, sizeof(out));
	is_int(n, 8, "a long list gives max tags");
	is_int(strlen(out), 2 + 8 * ETAG_HEX_LEN + 7, "  and no more");
	ok(etag_if_none_match("\"" A "\"", 8, small, sizeof(small)) == -1,
	    "a buffer too small for max tags is refused");
	return tap_done();
}
