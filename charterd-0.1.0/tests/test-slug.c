/* test-slug.c: slugs made from guest names */
#include <string.h>

#include "slug.h"
#include "tap.h"
#include "valid.h"

int
main(void)
{
	static const struct { const char *name, *want; } bases[] = {
		{ "Jane Smith", "jane-smith" },
		{ "  Jane   Smith  ", "jane-smith" },
		{ "José Núñez", "jose-nunez" },
		{ "Zoë & Björn", "zoe-bjorn" },
		{ "O'Brien", "obrien" },
		{ "Mary-Kate O’Hara", "mary-kate-ohara" },
		{ "李小龍", "guest" },
		{ "", "guest" },
		{ "X", "guest" },
		{ "../etc/passwd", "etc-passwd" },
		{ "<script>alert(1)</script>", "script-alert-1-script" },
		{ "Smith Sunset Sail", "smith-sunset-sail" },
		{ "a very long guest name that goes on and on and on forever",
		  "a-very-long-guest-name-that-goes-on-and" },
	};
	char	 out[80];
	size_t	 i;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		slug_base(bases[i].name, out, sizeof(out));
		is_str(out, bases[i].want, "base of '%s'", bases[i].name);
	}
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		ok(slug_generate(bases[i].name, out, sizeof(out)) == 0 &&
		    valid_slug(out), "generated slug for '%s' is valid (%s)",
		    bases[i].name, out);
	}
	ok(slug_generate("Jane Smith", out, sizeof(out)) == 0 &&
	    strncmp(out, "jane-smith-", 11) == 0 &&
	    strlen(out) == 11 + SLUG_SUFFIX_LEN, "name plus random suffix");
	return tap_done();
}
