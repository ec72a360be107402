/* recon_csv.h: a reconciliation's bookings as a CSV file for spreadsheets, and its file name */
#ifndef CHARTERD_RECON_CSV_H
#define CHARTERD_RECON_CSV_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"

/*
 * Appends the bookings of recon (what reconciliation() returns, see
 * sql/015_reconciliation.sql) as CSV (csv.h: a BOM, CRLF rows, text cells
 * safe from formulas): a header row, then one row per booking with its
 * day and month in the boat's zone, id, slug, guest, vessel, the figures
 * as plain decimal numbers (money in dollars: 1234.50), margin %, settled
 * (yes/no), planned and actual figures, fuel and hours; what is null (the
 * actuals of a charter not settled) is an empty cell. One table, no sum
 * rows, so a spreadsheet's own sums and pivots count each booking once.
 * Returns 0, or -1 when recon has no bookings array or out cannot grow.
 */
int	recon_csv(const json_t *recon, struct buf *out);

/*
 * The download's file name: "reconciliation-<from>-to-<to>.csv", with
 * "-<vessel>" before ".csv" when one vessel is shown, the vessel's name cut
 * to lowercase letters, digits and single hyphens (at most 40): safe in a
 * Content-Disposition header and on any file system.
 */
void	recon_csv_filename(const char *from, const char *to,
	    const char *vessel, char *out, size_t len);

#endif
