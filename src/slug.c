/* slug.c: friendly, unguessable guest-page slugs */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "slug.h"

/* ASCII stand-ins for U+00C0..U+00FF; 0 means "separates words". */
static const char latin1[64] =
	"aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
	"aaaaaaaceeeeiiiidnooooo\0ouuuuyty";

void
slug_base(const char *name, char *out, size_t outlen)
{
	const unsigned char	*s = (const unsigned char *)name;
	size_t			 n = 0, max;
	int			 gap = 0;
	char			 c;

	max = outlen - 1 < SLUG_BASE_MAX ? outlen - 1 : SLUG_BASE_MAX;
	while (*s != '\0' && n < max) {
		c = 0;
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			c = (char)*s;
		else if (*s >= 'A' && *s <= 'Z')
			c = (char)(*s - 'A' + 'a');
		else if ((*s == 0xc3) && s[1] >= 0x80 && s[1] <= 0xbf) {
			c = latin1[s[1] - 0x80];
			s++;
		} else if (*s == '\'' || (*s == 0xe2 && s[1] == 0x80 &&
		    s[2] == 0x99)) {
			/* Apostrophes join: O'Brien -> obrien. */
			s += *s == '\'' ? 1 : 3;
			continue;
		}
		s++;
		if (c == 0) {
			gap = n > 0;
			continue;
		}
		if (gap) {
			if (n + 2 > max)
				break;
			out[n++] = '-';
		}
		gap = 0;
		out[n++] = c;
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	if (n < 2)
		snprintf(out, outlen, "guest");
}

int
slug_suffixed(const char *friendly, char *out, size_t outlen)
{
	char	 suffix[SLUG_SUFFIX_LEN + 1];
	size_t	 n = strlen(friendly);

	if (n > SLUG_FRIENDLY_MAX)
		n = SLUG_FRIENDLY_MAX;
	while (n > 0 && friendly[n - 1] == '-')
		n--;
	if (random_base36(suffix, SLUG_SUFFIX_LEN) == -1)
		return -1;
	if ((size_t)snprintf(out, outlen, "%.*s-%s", (int)n, friendly,
	    suffix) >= outlen)
		return -1;
	return 0;
}

int
slug_generate(const char *name, char *out, size_t outlen)
{
	char	 base[SLUG_BASE_MAX + 1];

	slug_base(name, base, sizeof(base));
	return slug_suffixed(base, out, outlen);
}
