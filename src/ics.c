/* ics.c: a crew member's charters as an RFC 5545 calendar, built by libical */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ics.h"
#include "limits.h"
#include "log.h"

#define ICS_PRODID	"-//charterd//crew calendar//EN"
/* How often a calendar should look again (RFC 7986 REFRESH-INTERVAL, and
 * Outlook's X-PUBLISHED-TTL): a look that finds nothing new is a 304. */
#define ICS_REFRESH_S	(15 * 60)
#define ICS_REFRESH	"PT15M"

/* A zone the events use: tz NULL means libical does not know it (UTC). */
struct zone {
	const char	*name;
	icaltimezone	*tz;
	long long	 first;		/* earliest start in it */
};

struct zones {
	struct zone	 z[LIMIT_FEED_ZONES];
	size_t		 n;
};

/* 1 when e has every field and ends after it starts. */
static int
event_ok(const struct ics_event *e)
{
	return e->booking_id > 0 && e->ends_at > e->starts_at &&
	    e->time_zone != NULL && e->vessel != NULL && e->role != NULL;
}

/* libical's built-in zone for name, or NULL to write times in UTC. */
static icaltimezone *
zone_lookup(const char *name)
{
	icaltimezone *tz;

	if ((tz = icaltimezone_get_builtin_timezone(name)) == NULL ||
	    tz == icaltimezone_get_utc_timezone() ||
	    icaltimezone_get_component(tz) == NULL)
		return NULL;
	return tz;
}

/* The zone of name among zs, added on first sight (past LIMIT_FEED_ZONES
 * zones, a charter's times are written in UTC: right, if less friendly). */
static const struct zone *
zone_of(struct zones *zs, const char *name, long long start)
{
	struct zone	*z;
	size_t		 i;

	for (i = 0; i < zs->n; i++) {
		z = &zs->z[i];
		if (strcmp(z->name, name) == 0) {
			if (start < z->first)
				z->first = start;
			return z;
		}
	}
	if (zs->n == LIMIT_FEED_ZONES)
		return NULL;
	z = &zs->z[zs->n++];
	z->name = name;
	z->tz = zone_lookup(name);
	z->first = start;
	return z;
}

/* Takes p into c; a NULL p (libical out of memory) marks the build bad. */
static void
add(icalcomponent *c, icalproperty *p, int *bad)
{
	if (p == NULL)
		*bad = 1;
	else
		icalcomponent_add_property(c, p);
}

static icalproperty *
x_prop(const char *name, const char *value)
{
	icalproperty *p;

	if ((p = icalproperty_new_x(value)) != NULL)
		icalproperty_set_x_name(p, name);
	return p;
}

/* The zone's VTIMEZONE under the plain zone name (libical's own TZIDs
 * carry a prefix clients need not know), from its first charter on. */
static icalcomponent *
vtimezone(const struct zone *z)
{
	icalcomponent	*vtz;
	icalproperty	*tzid;

	if ((vtz = icalcomponent_new_clone(icaltimezone_get_component(z->tz)))
	    == NULL)
		return NULL;
	if ((tzid = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY))
	    == NULL) {
		icalcomponent_free(vtz);
		return NULL;
	}
	icalproperty_set_tzid(tzid, z->name);
	icaltimezone_truncate_vtimezone(vtz, icaltime_from_timet_with_zone(
	    (time_t)z->first, 0, icaltimezone_get_utc_timezone()),
	    icaltime_null_time(), 1);
	return vtz;
}

/* The UTC offset in force in tz at t, in seconds. */
static int
utc_offset(icaltimezone *tz, time_t t)
{
	struct icaltimetype tt;

	tt = icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone());
	return icaltimezone_get_utc_offset_of_utc_time(tz, &tt, NULL);
}

/* 1 when t's wall clock in tz (whose offset at t is off) was shown before,
 * in the hour (or however long) repeated when clocks went back at most two
 * hours earlier: the instant t - k has the same wall clock when the offset
 * fell by k between them. */
static int
wall_clock_repeated(icaltimezone *tz, time_t t, int off)
{
	int k = utc_offset(tz, t - 7200) - off;

	return k > 0 && k <= 7200 && utc_offset(tz, t - k) == off + k;
}

/* t as DTSTART or DTEND: the wall clock in z with TZID, else UTC. */
static icalproperty *
time_prop(icalproperty *(*make)(struct icaltimetype), long long t,
    const struct zone *z)
{
	icaltimezone	*utc = icaltimezone_get_utc_timezone();
	icalproperty	*p;
	icalparameter	*tzid;
	int		 off;

	/* A wall clock shown twice names the first time (RFC 5545 3.3.5):
	 * the second is said in UTC. */
	if (z == NULL || z->tz == NULL ||
	    wall_clock_repeated(z->tz, (time_t)t,
	    off = utc_offset(z->tz, (time_t)t)))
		return make(icaltime_from_timet_with_zone((time_t)t, 0, utc));
	/* A wall-clock time (no zone of its own): TZID says whose. */
	if ((p = make(icaltime_from_timet_with_zone((time_t)t + off, 0,
	    NULL))) == NULL)
		return NULL;
	if ((tzid = icalparameter_new_tzid(z->name)) == NULL) {
		icalproperty_free(p);
		return NULL;
	}
	icalproperty_add_parameter(p, tzid);
	return p;
}

/* Appends s with its line endings made \n: libical drops a \r, which
 * would glue the lines of an old-Mac "a\rb" together. */
static int
put_lines(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\r' && s[1] == '\n')
			continue;
		if (buf_putc(b, *s == '\r' ? '\n' : *s) == -1)
			return -1;
	}
	return 0;
}

static int
role_label(struct buf *b, const struct ics_event *e)
{
	if (put_lines(b, e->role) == -1)
		return -1;
	if (e->captain && strcasecmp(e->role, "captain") != 0)
		return buf_puts(b, ", captain");
	return 0;
}

static int
summary(struct buf *b, const struct ics_event *e)
{
	buf_reset(b);
	if ((e->cancelled && buf_puts(b, "Cancelled: ") == -1) ||
	    put_lines(b, e->vessel) == -1 || buf_puts(b, " charter (") == -1 ||
	    role_label(b, e) == -1 || buf_putc(b, ')') == -1)
		return -1;
	return 0;
}

static int
description(struct buf *b, const struct ics_event *e, const struct ics_feed *f)
{
	buf_reset(b);
	if (buf_puts(b, "Role: ") == -1 || role_label(b, e) == -1 ||
	    buf_puts(b, "\nVessel: ") == -1 || put_lines(b, e->vessel) == -1)
		return -1;
	if (e->meeting_point != NULL && *e->meeting_point != '\0' &&
	    (buf_puts(b, "\nMeeting point: ") == -1 ||
	    put_lines(b, e->meeting_point) == -1))
		return -1;
	if (e->notes != NULL && *e->notes != '\0' &&
	    (buf_puts(b, "\n\n") == -1 || put_lines(b, e->notes) == -1))
		return -1;
	if (e->cancelled && buf_puts(b, "\n\nThis charter was cancelled.") == -1)
		return -1;
	if (f->contact != NULL && *f->contact != '\0' &&
	    (buf_puts(b, "\n\n") == -1 || put_lines(b, f->contact) == -1))
		return -1;
	return 0;
}

static icalcomponent *
vevent(const struct ics_event *e, const struct zone *z, const struct ics_feed *f,
    struct buf *scratch)
{
	icalcomponent	*ev;
	icaltimezone	*utc = icaltimezone_get_utc_timezone();
	char		 uid[64 + 256];
	int		 bad = 0, n;

	n = snprintf(uid, sizeof(uid), "booking-%lld-crew-%lld@%s",
	    (long long)e->booking_id, f->crew_id, f->uid_host);
	if (n < 0 || (size_t)n >= sizeof(uid) ||
	    (ev = icalcomponent_new(ICAL_VEVENT_COMPONENT)) == NULL)
		return NULL;
	add(ev, icalproperty_new_uid(uid), &bad);
	add(ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone(
	    (time_t)e->stamp, 0, utc)), &bad);
	add(ev, icalproperty_new_lastmodified(icaltime_from_timet_with_zone(
	    (time_t)e->stamp, 0, utc)), &bad);
	add(ev, icalproperty_new_sequence((int)e->version), &bad);
	add(ev, icalproperty_new_status(e->cancelled ? ICAL_STATUS_CANCELLED :
	    ICAL_STATUS_CONFIRMED), &bad);
	add(ev, time_prop(icalproperty_new_dtstart, e->starts_at, z), &bad);
	add(ev, time_prop(icalproperty_new_dtend, e->ends_at, z), &bad);
	if (summary(scratch, e) == -1)
		bad = 1;
	else
		add(ev, icalproperty_new_summary(buf_str(scratch)), &bad);
	if (e->meeting_point != NULL && *e->meeting_point != '\0') {
		buf_reset(scratch);
		if (put_lines(scratch, e->meeting_point) == -1)
			bad = 1;
		else
			add(ev, icalproperty_new_location(buf_str(scratch)),
			    &bad);
	}
	if (description(scratch, e, f) == -1)
		bad = 1;
	else
		add(ev, icalproperty_new_description(buf_str(scratch)), &bad);
	if (bad) {
		icalcomponent_free(ev);
		return NULL;
	}
	return ev;
}

/* The calendar's own properties. */
static icalcomponent *
vcalendar(const struct ics_feed *f)
{
	icalcomponent	*cal;
	icalproperty	*p;
	icalparameter	*v;
	int		 bad = 0;

	if ((cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT)) == NULL)
		return NULL;
	add(cal, icalproperty_new_version("2.0"), &bad);
	add(cal, icalproperty_new_prodid(ICS_PRODID), &bad);
	add(cal, icalproperty_new_calscale("GREGORIAN"), &bad);
	if (f->name != NULL && *f->name != '\0')
		add(cal, x_prop("X-WR-CALNAME", f->name), &bad);
	if ((p = icalproperty_new_refreshinterval(
	    icaldurationtype_from_int(ICS_REFRESH_S))) != NULL &&
	    (v = icalparameter_new_value(ICAL_VALUE_DURATION)) != NULL)
		icalproperty_add_parameter(p, v);
	add(cal, p, &bad);
	add(cal, x_prop("X-PUBLISHED-TTL", ICS_REFRESH), &bad);
	if (bad) {
		icalcomponent_free(cal);
		return NULL;
	}
	return cal;
}

int
ics_render(const struct ics_feed *f, const struct ics_event *ev, size_t n,
    struct buf *out)
{
	icalcomponent	*cal = NULL, *c;
	struct zones	 zs = { .n = 0 };
	const struct zone **zone = NULL;
	struct buf	 scratch = { 0 };
	char		*s = NULL;
	size_t		 i;
	int		 rc = -1;

	icalerror_set_errors_are_fatal(0);
	if (f->uid_host == NULL ||
	    (zone = calloc(n + 1, sizeof(*zone))) == NULL)
		goto out;
	/* Zones first: their VTIMEZONEs go before the events using them. */
	for (i = 0; i < n; i++) {
		if (!event_ok(&ev[i])) {
			log_warnx("charter %zu of the feed is malformed", i);
			goto out;
		}
		zone[i] = zone_of(&zs, ev[i].time_zone, ev[i].starts_at);
	}
	if ((cal = vcalendar(f)) == NULL)
		goto out;
	for (i = 0; i < zs.n; i++) {
		if (zs.z[i].tz == NULL)
			continue;
		if ((c = vtimezone(&zs.z[i])) == NULL)
			goto out;
		icalcomponent_add_component(cal, c);
	}
	for (i = 0; i < n; i++) {
		if ((c = vevent(&ev[i], zone[i], f, &scratch)) == NULL)
			goto out;
		icalcomponent_add_component(cal, c);
	}
	if ((s = icalcomponent_as_ical_string_r(cal)) == NULL ||
	    buf_puts(out, s) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		log_warnx("the calendar could not be built");
	if (s != NULL)
		icalmemory_free_buffer(s);
	if (cal != NULL)
		icalcomponent_free(cal);
	free(zone);
	buf_free(&scratch);
	return rc;
}
