/* money.c: amounts as people type and read them (dollars and cents) to integer cents and back */
#include <stdio.h>
#include <string.h>

#include "limits.h"
#include "money.h"

static const char *
skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Whole dollars, with "," only between groups of three; -1 when malformed. */
static int
read_dollars(const char **sp, long long *dollars)
{
	const char	*s = *sp;
	long long	 d = 0;
	int		 digits = 0, group = -1;

	for (; (*s >= '0' && *s <= '9') || *s == ','; s++) {
		if (*s == ',') {
			/* A comma follows 1-3 digits first, then exactly 3. */
			if (digits == 0 || (group == -1 ? digits > 3 : group != 3))
				return -1;
			group = 0;
			continue;
		}
		if (d > LIMIT_CENTS / 100)
			return -1;
		d = d * 10 + (*s - '0');
		digits++;
		if (group >= 0)
			group++;
	}
	if (digits == 0 || (group >= 0 && group != 3))
		return -1;
	*sp = s;
	*dollars = d;
	return 0;
}

int
money_parse(const char *s, long long *cents)
{
	long long	 dollars, frac = 0;
	int		 places = 0;

	s = skip_spaces(s);
	if (*s == '$')
		s = skip_spaces(s + 1);
	if (read_dollars(&s, &dollars) == -1)
		return -1;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (++places > 2)
				return -1;
			frac = frac * 10 + (*s - '0');
		}
		if (places == 0)
			return -1;
		if (places == 1)
			frac *= 10;
	}
	if (*skip_spaces(s) != '\0')
		return -1;
	if (dollars > (LIMIT_CENTS - frac) / 100)
		return -1;
	*cents = dollars * 100 + frac;
	return 0;
}

void
money_input(long long cents, char *out, size_t len)
{
	snprintf(out, len, "%s%lld.%02lld", cents < 0 ? "-" : "",
	    (cents < 0 ? -cents : cents) / 100, (cents < 0 ? -cents : cents) % 100);
}

void
money_label(long long cents, char *out, size_t len)
{
	char		 digits[32], grouped[48];
	unsigned long long v = cents < 0 ? 0ULL - (unsigned long long)cents :
	    (unsigned long long)cents;
	size_t		 n, i, g = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%llu", v / 100);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	snprintf(out, len, "%s$%s.%02llu", cents < 0 ? MONEY_MINUS : "",
	    grouped, v % 100);
}
