/* test-csv.c: CSV cells: RFC 4180 quoting, formula-looking text kept as text, money as plain numbers, CRLF rows, the BOM */
#include <stdint.h>
#include <string.h>

#include "csv.h"
#include "tap.h"

static const struct {
	const char	*in;
	const char	*want;
	const char	*why;
} texts[] = {
	{ "Ada Lovelace", "Ada Lovelace", "plain text as is" },
	{ "", "", "an empty string is an empty cell" },
	{ "Müller & Søn", "Müller & Søn", "UTF-8 as is" },
	{ "Smith, Jane", "\"Smith, Jane\"", "a comma is quoted" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"", "quotes are doubled inside quotes" },
	{ "\"", "\"\"\"\"", "a lone quote" },
	{ "two\nlines", "\"two\nlines\"", "LF is quoted" },
	{ "two\r\nlines", "\"two\r\nlines\"", "CRLF is quoted" },
	{ " padded ", "\" padded \"", "edge spaces are quoted (kept)" },
	{ "a=b", "a=b", "= inside is harmless" },
	{ "=HYPERLINK(\"http://x\",\"y\")",
	  "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
	  "a formula stays text: prefixed, then quoted" },
	{ "=1+1", "'=1+1", "= leads: prefixed" },
	{ "+1 619 555 0100", "'+1 619 555 0100", "+ leads: prefixed" },
	{ "-5", "'-5", "- leads in text: prefixed" },
	{ "@SUM(A1:A9)", "'@SUM(A1:A9)", "@ leads: prefixed" },
	{ "\t=1+1", "'\t=1+1", "TAB leads: prefixed" },
	{ "\r=1+1", "\"'\r=1+1\"", "CR leads: prefixed and quoted" },
	{ "\n=1+1", "\"'\n=1+1\"", "LF leads: prefixed and quoted" },
	{ "'quoted'", "'quoted'", "a leading ' is left alone" },
};

static const struct {
	long long	 cents;
	const char	*want;
} amounts[] = {
	{ 0, "0.00" }, { 5, "0.05" }, { 50, "0.50" }, { 123450, "1234.50" },
	{ -5, "-0.05" }, { -8705, "-87.05" }, { 100000000000LL, "1000000000.00" },
	{ INT64_MAX, "92233720368547758.07" },
	{ INT64_MIN, "-92233720368547758.08" },
};

static const struct {
	double		 v;
	int		 decimals;
	const char	*want;		/* NULL: refused */
} decimals[] = {
	{ 23.5, 1, "23.5" }, { -12.25, 2, "-12.25" }, { 100, 1, "100.0" },
	{ 0, 1, "0.0" }, { -0.0, 1, "0.0" }, { -0.04, 1, "0.0" },
	{ -0.06, 1, "-0.1" }, { 7, 0, "7" }, { 1.5, 7, NULL },
	{ 1.5, -1, NULL }, { 1e300, 1, NULL },
};

/* One cell written alone, without its row's end. */
static const char *
one(struct buf *b, int (*fn)(struct csv *, const void *), const void *arg)
{
	struct csv c;

	buf_reset(b);
	c.out = b;
	c.cells = 0;
	return fn(&c, arg) == 0 ? buf_str(b) : NULL;
}

static int text_fn(struct csv *c, const void *s) { return csv_text(c, s); }
static int cents_fn(struct csv *c, const void *p) { return csv_cents(c, *(const long long *)p); }

int
main(void)
{
	struct buf	 b = { 0 }, doc = { 0 }, small = { 0 };
	struct csv	 c;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		is_str(one(&b, text_fn, texts[i].in), texts[i].want, "text: %s",
		    texts[i].why);
	is_str(one(&b, text_fn, NULL), "", "text: NULL is an empty cell");
	for (i = 0; i < sizeof(amounts) / sizeof(amounts[0]); i++)
		is_str(one(&b, cents_fn, &amounts[i].cents), amounts[i].want,
		    "cents %lld", amounts[i].cents);
	for (i = 0; i < sizeof(decimals) / sizeof(decimals[0]); i++) {
		buf_reset(&b);
		c.out = &b;
		c.cells = 0;
		rc = csv_decimal(&c, decimals[i].v, decimals[i].decimals);
		if (decimals[i].want == NULL)
			is_int(rc, -1, "decimal %g to %d places is refused",
			    decimals[i].v, decimals[i].decimals);
		else
			is_str(rc == 0 ? buf_str(&b) : NULL, decimals[i].want,
			    "decimal %g to %d places", decimals[i].v,
			    decimals[i].decimals);
	}

	/* A whole document: BOM, commas between cells, CRLF after rows. */
	ok(csv_begin(&c, &doc) == 0 && csv_text(&c, "guest") == 0 &&
	    csv_text(&c, "net") == 0 && csv_text(&c, "note") == 0 &&
	    csv_end_row(&c) == 0 && csv_text(&c, "-1") == 0 &&
	    csv_cents(&c, -120050) == 0 && csv_empty(&c) == 0 &&
	    csv_end_row(&c) == 0 && csv_integer(&c, 42) == 0 &&
	    csv_decimal(&c, 12.5, 1) == 0 && csv_text(&c, "a,b") == 0 &&
	    csv_end_row(&c) == 0, "a document is written");
	is_str(buf_str(&doc), "\xEF\xBB\xBFguest,net,note\r\n'-1,-1200.50,\r\n"
	    "42,12.5,\"a,b\"\r\n", "BOM, cells, CRLF rows; a number we wrote "
	    "is never prefixed, text is");

	/* A full buffer fails the write instead of cutting a cell short. */
	small.max = 8;
	ok(csv_begin(&c, &small) == 0 && csv_text(&c, "abcd") == 0,
	    "a small buffer takes what fits");
	is_int(csv_text(&c, "a much longer cell"), -1,
	    "and refuses what does not");

	buf_free(&b);
	buf_free(&doc);
	buf_free(&small);
	return tap_done();
}
