/* recon_csv.c: a reconciliation's bookings as a CSV file for spreadsheets, and its file name */
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "recon_csv.h"

#define VESSEL_IN_NAME	40

enum col_type {
	COL_TEXT,
	COL_INT,
	COL_CENTS,	/* dollars with cents: 1234.50 */
	COL_PCT,	/* one decimal */
	COL_HOURS,	/* two decimals */
	COL_YESNO,
};

static const struct {
	const char	*header;
	const char	*key;
	enum col_type	 type;
} cols[] = {
	{ "Date", "date", COL_TEXT },
	{ "Month", "month", COL_TEXT },
	{ "Booking", "id", COL_INT },
	{ "Slug", "slug", COL_TEXT },
	{ "Guest", "guest_name", COL_TEXT },
	{ "Vessel", "vessel", COL_TEXT },
	{ "Revenue", "revenue_cents", COL_CENTS },
	{ "Crew cost", "crew_cost_cents", COL_CENTS },
	{ "Port fee", "port_fee_cents", COL_CENTS },
	{ "Captain fee", "captain_fee_cents", COL_CENTS },
	{ "Net", "net_cents", COL_CENTS },
	{ "Margin %", "margin_pct", COL_PCT },
	{ "Settled", "settled", COL_YESNO },
	{ "Crew cost planned", "crew_cost_planned_cents", COL_CENTS },
	{ "Crew cost actual", "crew_cost_actual_cents", COL_CENTS },
	{ "Port fee planned", "port_fee_planned_cents", COL_CENTS },
	{ "Port fee actual", "port_fee_actual_cents", COL_CENTS },
	{ "Net planned", "net_planned_cents", COL_CENTS },
	{ "Fuel", "fuel_cents", COL_CENTS },
	{ "Hours planned", "hours_planned", COL_HOURS },
	{ "Hours actual", "hours_actual", COL_HOURS },
	{ "Departure", "starts_at", COL_TEXT },
	{ "Returned", "returned_at", COL_TEXT },
	{ "Time zone", "time_zone", COL_TEXT },
};

static int
cell(struct csv *c, const json_t *v, enum col_type type)
{
	if (v == NULL || json_is_null(v))
		return csv_empty(c);
	switch (type) {
	case COL_TEXT:
		return csv_text(c, json_string_value(v));
	case COL_INT:
		return csv_integer(c, json_integer_value(v));
	case COL_CENTS:
		return csv_cents(c, json_integer_value(v));
	case COL_PCT:
		return csv_decimal(c, json_number_value(v), 1);
	case COL_HOURS:
		return csv_decimal(c, json_number_value(v), 2);
	case COL_YESNO:
		return csv_text(c, json_is_true(v) ? "yes" : "no");
	}
	return -1;
}

int
recon_csv(const json_t *recon, struct buf *out)
{
	const json_t	*bookings = json_object_get(recon, "bookings"), *b;
	struct csv	 c;
	size_t		 i, k;

	if (!json_is_array(bookings) || csv_begin(&c, out) == -1)
		return -1;
	for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		if (csv_text(&c, cols[k].header) == -1)
			return -1;
	if (csv_end_row(&c) == -1)
		return -1;
	json_array_foreach(bookings, i, b) {
		for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
			if (cell(&c, json_object_get(b, cols[k].key),
			    cols[k].type) == -1)
				return -1;
		if (csv_end_row(&c) == -1)
			return -1;
	}
	return 0;
}

/* s as lowercase letters, digits and single hyphens, at most max of them. */
static void
name_part(const char *s, char *out, size_t max)
{
	size_t	 n = 0;
	char	 ch;

	for (; *s != '\0' && n < max; s++) {
		ch = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			out[n++] = ch;
		else if (n > 0 && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

void
recon_csv_filename(const char *from, const char *to, const char *vessel,
    char *out, size_t len)
{
	char v[VESSEL_IN_NAME + 1], f[16], t[16];

	/* The dates were checked; a name built from anything else would
	 * still carry nothing but these characters. */
	name_part(from, f, 10);
	name_part(to, t, 10);
	name_part(vessel != NULL ? vessel : "", v, VESSEL_IN_NAME);
	snprintf(out, len, "reconciliation-%s-to-%s%s%s.csv", f, t,
	    *v != '\0' ? "-" : "", v);
}
