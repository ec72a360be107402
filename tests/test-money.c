/* test-money.c: amounts as typed in forms to cents, and cents to text */
#include "limits.h"
#include "money.h"
#include "tap.h"

int
main(void)
{
	static const struct { const char *in; long long cents; } valids[] = {
		{ "0", 0 }, { "1850", 185000 }, { "1850.00", 185000 },
		{ "1850.5", 185050 }, { "1850.05", 185005 }, { "$1850", 185000 },
		{ "$ 1,850.00", 185000 }, { "  12.30  ", 1230 },
		{ "1,234,567.89", 123456789 }, { "0.01", 1 },
		{ "1000000000", LIMIT_CENTS },
	};
	static const char *const invalids[] = {
		"", " ", "$", "-5", "1.234", "1.", ".5", "1,85", "12,3456",
		",100", "1,,000", "1 000", "abc", "12a", "1e3", "$$1",
		"1000000000.01", "99999999999999999999", "1850.00 USD",
	};
	static const struct { long long cents; const char *input, *label; } out[] = {
		{ 0, "0.00", "$0.00" }, { 5, "0.05", "$0.05" },
		{ 185000, "1850.00", "$1,850.00" },
		{ 123456789, "1234567.89", "$1,234,567.89" },
		{ 100000, "1000.00", "$1,000.00" }, { 99999, "999.99", "$999.99" },
		{ -12000, "-120.00", "\xe2\x88\x92\xe2\x81\xa0$120.00" },
	};
	char		 buf[MONEY_TEXT_MAX];
	long long	 c;
	size_t		 i;

	for (i = 0; i < sizeof(valids) / sizeof(valids[0]); i++) {
		c = -1;
		ok(money_parse(valids[i].in, &c) == 0, "'%s' reads", valids[i].in);
		is_int(c, valids[i].cents, "'%s' is %lld cents", valids[i].in,
		    valids[i].cents);
	}
	for (i = 0; i < sizeof(invalids) / sizeof(invalids[0]); i++)
		ok(money_parse(invalids[i], &c) == -1, "'%s' is refused",
		    invalids[i]);
	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		money_input(out[i].cents, buf, sizeof(buf));
		is_str(buf, out[i].input, "%lld cents in an input", out[i].cents);
		money_label(out[i].cents, buf, sizeof(buf));
		is_str(buf, out[i].label, "%lld cents to read", out[i].cents);
		if (out[i].cents >= 0) {
			money_input(out[i].cents, buf, sizeof(buf));
			ok(money_parse(buf, &c) == 0 && c == out[i].cents,
			    "%s reads back as %lld", buf, out[i].cents);
		}
	}
	return tap_done();
}
