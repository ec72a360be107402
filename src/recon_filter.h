/* recon_filter.h: what a reconciliation covers: from, to and vessel read from a query string, checked, and the ranges the page offers */
#ifndef CHARTERD_RECON_FILTER_H
#define CHARTERD_RECON_FILTER_H

#include "fields.h"
#include "kv.h"
#include "limits.h"

#define RECON_DATE_LEN	10		/* YYYY-MM-DD */

struct recon_filter {
	char	from[RECON_DATE_LEN + 1];	/* first day, inclusive */
	char	to[RECON_DATE_LEN + 1];		/* last day, inclusive */
	char	vessel[LIMIT_NAME_LEN * 4 + 1];	/* "" = every vessel */
	int	months;				/* 1..LIMIT_RECON_MONTHS */
};

enum recon_mode {
	RECON_API,	/* from and to required, nothing else but vessel */
	RECON_PAGE,	/* defaults for what is missing; other keys ignored */
};

/*
 * Reads from, to (days, YYYY-MM-DD, real calendar dates, years 1..9999)
 * and vessel (one line, at most LIMIT_NAME_LEN characters; "" is every
 * vessel) from args. The days are the charters' own: each boat's zone
 * decides which day a charter starts on (sql/015_reconciliation.sql).
 * Under RECON_API from and to are required, and any other key, or one
 * given twice, is refused. Under RECON_PAGE an empty or missing value
 * takes a default: both missing, the twelve months up to and including
 * today's (today: YYYY-MM-DD); one missing, twelve months from or up to
 * the other. Then: to may not be before from, and the range covers at
 * most LIMIT_RECON_MONTHS calendar months.
 * Returns 0 with *f filled, or -1 with *err (field, code, a sentence for
 * people) and *f holding what was read, for the form to show again.
 */
int	recon_filter_read(const struct kvlist *args, enum recon_mode,
	    const char *today, struct recon_filter *f, struct field_error *err);

/* Today's date in UTC, YYYY-MM-DD, from microseconds since the epoch. */
void	recon_today(long long now_us, char out[RECON_DATE_LEN + 1]);

/* The ranges the page links to, by name. */
enum recon_preset {
	RECON_LAST_12_MONTHS,	/* twelve months up to this one (the default) */
	RECON_LAST_QUARTER,	/* the last whole calendar quarter */
	RECON_THIS_YEAR,	/* January to December of this year */
	RECON_LAST_YEAR,
	RECON_PRESET__MAX
};

/* from and to of a preset as of today (YYYY-MM-DD); 0, or -1 for a date
 * that is not one or a preset that is not. */
int	recon_preset(enum recon_preset, const char *today,
	    char from[RECON_DATE_LEN + 1], char to[RECON_DATE_LEN + 1]);

#endif
