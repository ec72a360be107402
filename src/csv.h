/* csv.h: RFC 4180 CSV that spreadsheets open as text: quoting, CRLF, a UTF-8 BOM, no formulas */
#ifndef CHARTERD_CSV_H
#define CHARTERD_CSV_H

#include "buf.h"

/*
 * A CSV document being written to out, a row at a time. Every function
 * returns 0, or -1 when out could not grow (out->max or allocation); the
 * document is then to be thrown away.
 */
struct csv {
	struct buf	*out;
	int		 cells;		/* written in the current row */
};

/* Starts a document on out: the UTF-8 byte order mark, which tells
 * spreadsheets (Excel above all) the file is UTF-8. */
int	csv_begin(struct csv *, struct buf *out);

/*
 * One cell of text, from anyone (a guest's name): quoted when it holds a
 * comma, a double quote (doubled), CR or LF, or starts or ends with a
 * space; and when it starts with = + - @ TAB CR or LF, which spreadsheets
 * read as a formula, prefixed with a single quote, so it stays text (OWASP's
 * CSV injection advice). NULL is an empty cell.
 */
int	csv_text(struct csv *, const char *s);

/* An amount of cents as a plain decimal number, "1234.50", "-87.05": what
 * a spreadsheet sums. Numbers we wrote cannot be a formula: never prefixed. */
int	csv_cents(struct csv *, long long cents);

/* A number with decimals digits after the point (0..6), "23.5"; -1 for
 * more decimals or a value past 10^15 (NaN, infinities). */
int	csv_decimal(struct csv *, double v, int decimals);

/* An integer. */
int	csv_integer(struct csv *, long long v);

/* An empty cell. */
int	csv_empty(struct csv *);

/* Ends the row with CRLF. */
int	csv_end_row(struct csv *);

#endif
