/* test-slug.c: slugs made from guest names or given, each with a random suffix */
#include <string.h>

#include "slug.h"
#include "tap.h"
#include "valid.h"

#define DRAWS	2000	/* suffixes drawn to look at their spread */

/*
 * Every suffix carries at least 40 random bits: SLUG_SUFFIX_LEN characters
 * drawn evenly from 36. Checked by its arithmetic and by drawing: all 36
 * characters turn up at every position, and no suffix repeats.
 */
static void
suffix_entropy(void)
{
	static char	 seen[DRAWS][SLUG_SUFFIX_LEN + 1];
	const char	*alphabet = "abcdefghijklmnopqrstuvwxyz0123456789", *s;
	unsigned	 used[SLUG_SUFFIX_LEN][36];
	unsigned long long choices = 1;
	char		 out[80];
	size_t		 i, j, k, dup = 0, full = 0;
	int		 drawn = 1;

	for (i = 0; i < SLUG_SUFFIX_LEN; i++)
		choices *= 36;
	ok(choices >= 1ULL << 40, "36^%d = %llu suffixes >= 2^40 (41.4 bits)",
	    SLUG_SUFFIX_LEN, choices);
	memset(used, 0, sizeof(used));
	for (i = 0; i < DRAWS && drawn; i++) {
		drawn = slug_suffixed("x", out, sizeof(out)) == 0 &&
		    strlen(out) == 2 + SLUG_SUFFIX_LEN;
		if (!drawn)
			break;
		memcpy(seen[i], out + 2, SLUG_SUFFIX_LEN + 1);
		for (j = 0; j < SLUG_SUFFIX_LEN; j++) {
			if ((s = strchr(alphabet, out[2 + j])) == NULL) {
				drawn = 0;
				break;
			}
			used[j][s - alphabet]++;
		}
		for (k = 0; k < i; k++)
			dup += strcmp(seen[k], seen[i]) == 0;
	}
	ok(drawn, "%d suffixes drawn, all base36", DRAWS);
	for (j = 0; j < SLUG_SUFFIX_LEN; j++) {
		for (k = 0; k < 36 && used[j][k] > 0; k++)
			;
		full += k == 36;
	}
	/* Missing a character at a position in 2000 even draws: p < 1e-22. */
	is_int(full, SLUG_SUFFIX_LEN, "every position uses all 36 characters");
	is_int(dup, 0, "no suffix repeats in %d draws", DRAWS);
}

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
	static const struct { const char *friendly, *want; } given[] = {
		{ "sunset-sail", "sunset-sail-" },
		{ "abc", "abc-" },
		/* 64 characters: cut to 55 so the total stays 64. */
		{ "a23456789-b23456789-c23456789-d23456789-e23456789-f2345678"
		  "9-g234", "a23456789-b23456789-c23456789-d23456789-e23456789-"
		  "f2345-" },
		/* A cut that would end in "-" loses it. */
		{ "a23456789-b23456789-c23456789-d23456789-e23456789-f234-"
		  "6789abcd", "a23456789-b23456789-c23456789-d23456789-e23456789-"
		  "f234-" },
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

	for (i = 0; i < sizeof(given) / sizeof(given[0]); i++) {
		ok(slug_suffixed(given[i].friendly, out, sizeof(out)) == 0 &&
		    valid_slug(out) && strlen(out) <= LIMIT_SLUG_MAX &&
		    strncmp(out, given[i].want, strlen(given[i].want)) == 0 &&
		    strlen(out) == strlen(given[i].want) + SLUG_SUFFIX_LEN,
		    "given '%.20s...' becomes %s + suffix (%s)",
		    given[i].friendly, given[i].want, out);
	}
	ok(slug_suffixed("sunset", out, 15) == -1, "a buffer too small is "
	    "refused, not truncated");
	suffix_entropy();
	return tap_done();
}
