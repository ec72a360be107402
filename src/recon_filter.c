/* recon_filter.c: what a reconciliation covers: from, to and vessel read from a query string, checked, and the ranges the page offers */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "recon_filter.h"
#include "valid.h"

struct day {
	int y, m, d;
};

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Reads exactly YYYY-MM-DD, a real date; 1 when it is one. */
static int
day_parse(const char *s, struct day *out)
{
	int i;

	if (s == NULL || strlen(s) != RECON_DATE_LEN || s[4] != '-' ||
	    s[7] != '-')
		return 0;
	for (i = 0; i < RECON_DATE_LEN; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	out->y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	out->m = (s[5] - '0') * 10 + (s[6] - '0');
	out->d = (s[8] - '0') * 10 + (s[9] - '0');
	return out->y >= 1 && out->m >= 1 && out->m <= 12 && out->d >= 1 &&
	    out->d <= month_days(out->y, out->m);
}

/* d has a year of 1..9999 (callers keep it so): exactly ten characters. */
static void
day_format(struct day d, char out[RECON_DATE_LEN + 1])
{
	snprintf(out, RECON_DATE_LEN + 1, "%04u-%02u-%02u",
	    (unsigned)d.y % 10000, (unsigned)d.m % 100, (unsigned)d.d % 100);
}

/* The first day of the month n months after d's (n may be negative). */
static struct day
month_start(struct day d, int n)
{
	int k = d.y * 12 + (d.m - 1) + n;

	return (struct day){ k / 12, k % 12 + 1, 1 };
}

static struct day
month_end(struct day d, int n)
{
	struct day e = month_start(d, n);

	e.d = month_days(e.y, e.m);
	return e;
}

static int
months_between(struct day a, struct day b)
{
	return (b.y * 12 + b.m) - (a.y * 12 + a.m) + 1;
}

/* Under RECON_API: only from, to and vessel, each at most once. */
static int
keys_check(const struct kvlist *args, struct field_error *err)
{
	static const char	*const known[] = { "from", "to", "vessel" };
	char			 key[LIMIT_FIELD_NAME + 1];
	size_t			 i, j, k, seen[3] = { 0 };

	for (i = 0; i < args->n; i++) {
		for (k = 0; k < 3 && strcmp(args->v[i].key, known[k]) != 0; k++)
			;
		if (k == 3) {
			fields_safe_key(key, sizeof(key), args->v[i].key);
			return fields_fail(err, key, FIELD_EUNKNOWN,
			    "Unknown parameter %s: only from, to and vessel "
			    "are taken.", key);
		}
		seen[k]++;
	}
	for (j = 0; j < 3; j++)
		if (seen[j] > 1)
			return fields_fail(err, known[j], FIELD_EINVALID,
			    "%s is given more than once.", known[j]);
	return 0;
}

/* One date: 1 read into *d, 0 missing or empty, -1 not a date. */
static int
date_arg(const struct kvlist *args, const char *name, char *keep,
    struct day *d)
{
	const char *v = kv_get(args, name);

	if (v == NULL || *v == '\0')
		return 0;
	/* Kept for the form when it could be a date (never cut: a cut
	 * could split a character). */
	if (strlen(v) > RECON_DATE_LEN)
		return -1;
	snprintf(keep, RECON_DATE_LEN + 1, "%s", v);
	return day_parse(v, d) ? 1 : -1;
}

int
recon_filter_read(const struct kvlist *args, enum recon_mode mode,
    const char *today, struct recon_filter *f, struct field_error *err)
{
	struct day	 from, to, now;
	const char	*v;
	int		 hf, ht;

	memset(f, 0, sizeof(*f));
	memset(err, 0, sizeof(*err));
	if (mode == RECON_API && keys_check(args, err) == -1)
		return -1;
	if ((v = kv_get(args, "vessel")) != NULL) {
		if (valid_text(v, LIMIT_NAME_LEN, 0)) {
			snprintf(f->vessel, sizeof(f->vessel), "%s", v);
		} else
			return fields_fail(err, "vessel",
			    valid_textn(v, strlen(v), (size_t)-1, 0) ?
			    FIELD_ETOOLONG : FIELD_EINVALID,
			    "vessel must be one line of at most %d characters.",
			    LIMIT_NAME_LEN);
	}
	/* Both read before either is judged: the form keeps both. */
	hf = date_arg(args, "from", f->from, &from);
	ht = date_arg(args, "to", f->to, &to);
	if (hf == -1)
		return fields_fail(err, "from", FIELD_EINVALID, "from must be "
		    "a date written YYYY-MM-DD, such as 2025-01-31.");
	if (ht == -1)
		return fields_fail(err, "to", FIELD_EINVALID, "to must be a "
		    "date written YYYY-MM-DD, such as 2025-12-31.");
	if (mode == RECON_API && (!hf || !ht))
		return fields_fail(err, hf ? "to" : "from", FIELD_EMISSING,
		    "%s is required: the %s day of the range, YYYY-MM-DD.",
		    hf ? "to" : "from", hf ? "last" : "first");
	if (!hf || !ht) {
		if (!day_parse(today, &now))
			return fields_fail(err, "", FIELD_EINVALID,
			    "Today's date is not known.");
		if (!ht) {
			to = hf ? month_end(from, 11) : month_end(now, 0);
			if (to.y > 9999)
				to = (struct day){ 9999, 12, 31 };
		}
		if (!hf) {
			from = month_start(to, -11);
			if (from.y < 1)
				from = (struct day){ 1, 1, 1 };
		}
		day_format(from, f->from);
		day_format(to, f->to);
	}
	if (strcmp(f->to, f->from) < 0)
		return fields_fail(err, "to", FIELD_EINVALID,
		    "to (%s) is before from (%s).", f->to, f->from);
	f->months = months_between(from, to);
	if (f->months > LIMIT_RECON_MONTHS)
		return fields_fail(err, "to", FIELD_ERANGE,
		    "A range covers at most %d months (five years); %s to %s "
		    "is %d.",
		    LIMIT_RECON_MONTHS, f->from, f->to, f->months);
	return 0;
}

void
recon_today(long long now_us, char out[RECON_DATE_LEN + 1])
{
	time_t		 t = (time_t)(now_us / 1000000);
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	day_format((struct day){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday },
	    out);
}

int
recon_preset(enum recon_preset p, const char *today,
    char from[RECON_DATE_LEN + 1], char to[RECON_DATE_LEN + 1])
{
	struct day	 now, a, b;
	int		 q;

	if (!day_parse(today, &now))
		return -1;
	switch (p) {
	case RECON_LAST_12_MONTHS:
		a = month_start(now, -11);
		b = month_end(now, 0);
		break;
	case RECON_LAST_QUARTER:
		/* The quarter's first month, then three back. */
		q = (now.m - 1) / 3 * 3 + 1;
		a = month_start((struct day){ now.y, q, 1 }, -3);
		b = month_end(a, 2);
		break;
	case RECON_THIS_YEAR:
		a = (struct day){ now.y, 1, 1 };
		b = (struct day){ now.y, 12, 31 };
		break;
	case RECON_LAST_YEAR:
		a = (struct day){ now.y - 1, 1, 1 };
		b = (struct day){ now.y - 1, 12, 31 };
		break;
	default:
		return -1;
	}
	if (a.y < 1)
		return -1;
	day_format(a, from);
	day_format(b, to);
	return 0;
}
