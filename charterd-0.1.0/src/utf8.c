/* utf8.c: strict UTF-8 validation and character counting */
#include <stddef.h>

#include "utf8.h"

/*
 * Table 3-7 of the Unicode standard: the allowed range of the second byte
 * depends on the first; later bytes are always 0x80..0xBF.  Checking the
 * second byte against these bounds rules out overlongs (E0 80..9F,
 * F0 80..8F), surrogates (ED A0..BF) and values past U+10FFFF (F4 90..).
 */
size_t
utf8_decode(const char *s, size_t len, unsigned long *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned char		 lo = 0x80, hi = 0xBF;
	unsigned long		 c;
	size_t			 n, i;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		c = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		c = p[0] & 0x0F;
		if (p[0] == 0xE0)
			lo = 0xA0;
		else if (p[0] == 0xED)
			hi = 0x9F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		c = p[0] & 0x07;
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;
	} else
		return 0;	/* 80..BF continuation, C0 C1 overlong, F5.. */

	if (len < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	c = (c << 6) | (p[1] & 0x3F);
	for (i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	*cp = c;
	return n;
}

int
utf8_valid(const char *s, size_t len)
{
	unsigned long	 cp;
	size_t		 i = 0, n;

	while (i < len) {
		/* Fast path for ASCII runs. */
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

size_t
utf8_chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}
