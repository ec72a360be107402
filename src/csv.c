/* csv.c: RFC 4180 CSV that spreadsheets open as text: quoting, CRLF, a UTF-8 BOM, no formulas */
#include <stdio.h>
#include <string.h>

#include "csv.h"

int
csv_begin(struct csv *c, struct buf *out)
{
	c->out = out;
	c->cells = 0;
	return buf_puts(out, "\xEF\xBB\xBF");
}

/* The comma before every cell but a row's first. */
static int
cell_start(struct csv *c)
{
	return c->cells++ > 0 ? buf_putc(c->out, ',') : 0;
}

/* 1 when a spreadsheet would take a cell starting with ch for a formula
 * (or, with TAB, CR and LF, for one after trimming them). */
static int
formula_lead(char ch)
{
	return ch != '\0' && strchr("=+-@\t\r\n", ch) != NULL;
}

static int
needs_quotes(const char *s, size_t n)
{
	return strpbrk(s, ",\"\r\n") != NULL ||
	    (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
}

int
csv_text(struct csv *c, const char *s)
{
	const char	*p, *q;
	size_t		 n;
	int		 quote;

	if (cell_start(c) == -1)
		return -1;
	if (s == NULL)
		return 0;
	n = strlen(s);
	quote = needs_quotes(s, n);
	if ((quote && buf_putc(c->out, '"') == -1) ||
	    (formula_lead(s[0]) && buf_putc(c->out, '\'') == -1))
		return -1;
	if (!quote)
		return buf_append(c->out, s, n);
	for (p = s; (q = strchr(p, '"')) != NULL; p = q + 1)
		if (buf_append(c->out, p, (size_t)(q - p) + 1) == -1 ||
		    buf_putc(c->out, '"') == -1)
			return -1;
	if (buf_puts(c->out, p) == -1)
		return -1;
	return buf_putc(c->out, '"');
}

int
csv_cents(struct csv *c, long long cents)
{
	unsigned long long abs;

	if (cell_start(c) == -1)
		return -1;
	/* Negated as unsigned: LLONG_MIN has no positive twin. */
	abs = cents < 0 ? 0ULL - (unsigned long long)cents :
	    (unsigned long long)cents;
	return buf_printf(c->out, "%s%llu.%02llu", cents < 0 ? "-" : "",
	    abs / 100, abs % 100);
}

int
csv_decimal(struct csv *c, double v, int decimals)
{
	char text[64];

	if (decimals < 0 || decimals > 6 || !(v > -1e15 && v < 1e15))
		return -1;
	if (cell_start(c) == -1)
		return -1;
	snprintf(text, sizeof(text), "%.*f", decimals, v);
	/* -0.04 to one decimal is "-0.0": a spreadsheet reads it, a person
	 * frowns. A zero has no sign. */
	if (text[0] == '-' && strspn(text + 1, "0.") == strlen(text + 1))
		return buf_puts(c->out, text + 1);
	return buf_puts(c->out, text);
}

int
csv_integer(struct csv *c, long long v)
{
	if (cell_start(c) == -1)
		return -1;
	return buf_printf(c->out, "%lld", v);
}

int
csv_empty(struct csv *c)
{
	return cell_start(c);
}

int
csv_end_row(struct csv *c)
{
	c->cells = 0;
	return buf_puts(c->out, "\r\n");
}
