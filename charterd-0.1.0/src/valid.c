/* valid.c: primitive input validators (pure: no I/O, no allocation) */
#include <stddef.h>
#include <string.h>

#include "limits.h"
#include "utf8.h"
#include "valid.h"

/* Locale-free character classes: isalpha() and friends follow LC_CTYPE. */
#define IS_DIGIT(c)	((c) >= '0' && (c) <= '9')
#define IS_LOWER(c)	((c) >= 'a' && (c) <= 'z')
#define IS_UPPER(c)	((c) >= 'A' && (c) <= 'Z')
#define IS_ALPHA(c)	(IS_LOWER(c) || IS_UPPER(c))
#define IS_ALNUM(c)	(IS_ALPHA(c) || IS_DIGIT(c))

int
valid_slug(const char *s)
{
	size_t	 i, len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len < LIMIT_SLUG_MIN || len > LIMIT_SLUG_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (IS_LOWER(s[i]) || IS_DIGIT(s[i]))
			continue;
		if (s[i] == '-' && i != 0 && i != len - 1)
			continue;
		return 0;
	}
	return 1;
}

int
valid_photo_id(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != LIMIT_PHOTO_ID_LEN)
		return 0;
	for (i = 0; i < LIMIT_PHOTO_ID_LEN; i++)
		if (!IS_DIGIT(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return 1;
}

int
valid_token(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != LIMIT_TOKEN_LEN)
		return 0;
	for (i = 0; i < LIMIT_TOKEN_LEN; i++)
		if (!IS_ALNUM(s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

int
valid_id(const char *s, long long *out)
{
	long long	 v = 0;
	size_t		 i, len;

	if (s == NULL || (len = strlen(s)) == 0 || len > 16 || s[0] == '0')
		return 0;
	for (i = 0; i < len; i++) {
		if (!IS_DIGIT(s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	if (v > (1LL << 53))
		return 0;
	if (out != NULL)
		*out = v;
	return 1;
}

static int
email_atext(char c)
{
	return IS_ALNUM(c) || (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

/* Domain part: labels [A-Za-z0-9-]{1,63}, no edge hyphen, >= 2 labels. */
static int
valid_domain(const char *d, size_t len)
{
	size_t	 i, lstart = 0, labels = 0;

	if (len == 0)
		return 0;
	for (i = 0; i <= len; i++) {
		if (i == len || d[i] == '.') {
			if (i == lstart || i - lstart > 63)
				return 0;
			if (d[lstart] == '-' || d[i - 1] == '-')
				return 0;
			labels++;
			lstart = i + 1;
		} else if (!IS_ALNUM(d[i]) && d[i] != '-')
			return 0;
	}
	if (labels < 2)
		return 0;
	/* The top-level label holds a letter: no bare IPv4 addresses. */
	for (i = len; i > 0 && d[i - 1] != '.'; i--)
		if (IS_ALPHA(d[i - 1]))
			return 1;
	return 0;
}

int
valid_email(const char *s)
{
	const char	*at;
	size_t		 i, len, llen;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len < 5 || len > LIMIT_EMAIL_LEN)	/* a@b.c */
		return 0;
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	llen = (size_t)(at - s);
	if (llen == 0 || llen > LIMIT_EMAIL_LOCAL)
		return 0;
	if (s[0] == '.' || s[llen - 1] == '.')
		return 0;
	for (i = 0; i < llen; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
			continue;
		}
		if (!email_atext(s[i]))
			return 0;
	}
	return valid_domain(at + 1, len - llen - 1);
}

int
valid_phone(const char *s)
{
	size_t	 i, len, digits = 0;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len < 4 || len > LIMIT_PHONE_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		if (IS_DIGIT(s[i]))
			digits++;
		else if (s[i] == '+' && i != 0)
			return 0;
		else if (s[i] != '+' && !strchr(" -().", s[i]))
			return 0;
	}
	return digits >= 4;
}

int
valid_time_zone_name(const char *s)
{
	size_t	 i, len;
	int	 start = 1;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len == 0 || len > LIMIT_TZ_LEN)
		return 0;
	for (i = 0; i < len; i++) {
		if (start) {
			/* Components start with a letter: no "", ".", "..". */
			if (!IS_ALPHA(s[i]))
				return 0;
			start = 0;
		} else if (s[i] == '/')
			start = 1;
		else if (!IS_ALNUM(s[i]) && !strchr("_+-", s[i]))
			return 0;
	}
	return !start;		/* no trailing '/' */
}

/* Reads exactly n digits at s into *out; returns 0 if any is not a digit. */
static int
digits(const char *s, size_t n, int *out)
{
	size_t	 i;
	int	 v = 0;

	for (i = 0; i < n; i++) {
		if (!IS_DIGIT(s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long
days_from_civil(long long y, int m, int d)
{
	long long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
valid_iso8601(const char *s, long long *epoch_out)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int		 y, mo, d, h, mi, sec = 0, oh, om, sign, dim;
	size_t		 i, nfrac;
	long long	 t;

	if (s == NULL)
		return 0;
	/* Left to right, so no read goes past the NUL of a short string. */
	if (!digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || s[10] != 'T' ||
	    !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi))
		return 0;
	i = 16;
	if (s[i] == ':') {
		if (!digits(s + i + 1, 2, &sec))
			return 0;
		i += 3;
		if (s[i] == '.') {
			for (nfrac = 0; IS_DIGIT(s[i + 1 + nfrac]); nfrac++)
				if (nfrac == 9)
					return 0;
			if (nfrac == 0)
				return 0;
			i += 1 + nfrac;
		}
	}
	if (s[i] == 'Z') {
		sign = 0;
		oh = om = 0;
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		sign = s[i] == '+' ? 1 : -1;
		if (!digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    !digits(s + i + 4, 2, &om))
			return 0;
		i += 6;
	} else
		return 0;
	if (s[i] != '\0')
		return 0;

	if (y < 1 || mo < 1 || mo > 12 || d < 1)
		return 0;
	dim = mdays[mo - 1] + (mo == 2 && is_leap(y));
	if (d > dim || h > 23 || mi > 59 || sec > 59)
		return 0;
	if (om > 59 || oh > 14 || (oh == 14 && om != 0))
		return 0;

	t = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec;
	t -= sign * (oh * 3600LL + om * 60LL);
	if (epoch_out != NULL)
		*epoch_out = t;
	return 1;
}

int
valid_textn(const char *s, size_t len, size_t max_chars, int multiline)
{
	unsigned long	 cp;
	size_t		 i = 0, n, chars = 0;

	if (s == NULL)
		return 0;
	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0)
			return 0;
		i += n;
		if (++chars > max_chars)
			return 0;
		if (cp < 0x20) {
			if (!multiline)
				return 0;
			if (cp != '\t' && cp != '\n' && cp != '\r')
				return 0;
		} else if (cp >= 0x7F && cp <= 0x9F)
			return 0;
	}
	return 1;
}

int
valid_text(const char *s, size_t max_chars, int multiline)
{
	if (s == NULL)
		return 0;
	return valid_textn(s, strlen(s), max_chars, multiline);
}
