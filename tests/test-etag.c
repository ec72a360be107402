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

	/* etag_list_add: the worker's cached tag beside the client's. */
	memcpy(out, "{}", 3);
	ok(etag_list_add(out, sizeof(out), A) == 0, "added to an empty list");
	is_str(out, "{" A "}", "  {tag}");
	ok(etag_list_add(out, sizeof(out), B) == 0, "added to a list");
	is_str(out, "{" A "," B "}", "  {a,b}");
	memcpy(out, "{*}", 4);
	ok(etag_list_add(out, sizeof(out), A) == 0, "added to *");
	is_str(out, "{*}", "  which stays *: it matches every tag");
	memcpy(out, "{}", 3);
	ok(etag_list_add(out, sizeof(out), "xyz") == -1, "a tag of another shape is refused");
	memcpy(small, "{}", 3);
	ok(etag_list_add(small, sizeof(small), A) == -1, "a list too small is refused");
	is_str(small, "{}", "  untouched");

	/* etag_listed */
	ok(etag_listed("{" A "," B "}", A) && etag_listed("{" A "," B "}", B),
	    "each tag of a list is listed");
	ok(!etag_listed("{" A "}", B), "another is not");
	ok(!etag_listed("{}", A), "nothing is in an empty list");
	ok(etag_listed("{*}", A), "everything is in *");
	ok(!etag_listed("{" A "}", "0123456789abcdef"), "a part of a tag is not it");
	ok(!etag_listed("{" A "}", ""), "nor is nothing");
	return tap_done();
}
