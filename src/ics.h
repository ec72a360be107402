/* ics.h: a crew member's charters as an RFC 5545 calendar, built by libical */
#ifndef CHARTERD_ICS_H
#define CHARTERD_ICS_H

#include <jansson.h>

#include "buf.h"

/* What the calendar says besides its charters. */
struct ics_feed {
	long long	 crew_id;
	const char	*uid_host;	/* UIDs: booking-<id>-crew-<crew_id>@uid_host */
	const char	*name;		/* X-WR-CALNAME; NULL or "" for none */
	const char	*contact;	/* last line of every DESCRIPTION; NULL or "" */
};

/*
 * Appends to out the VCALENDAR of events, the "events" array crew_feed()
 * answers (sql/012_crew_feeds.sql): objects {booking_id, version,
 * cancelled, starts_at, ends_at, stamp (Unix seconds), time_zone, vessel,
 * meeting_point, notes, role, captain}. One VEVENT each: a UID stable
 * across versions, SEQUENCE the booking's version, STATUS CONFIRMED or
 * CANCELLED, DTSTART/DTEND as wall-clock times with the boat's TZID and one
 * VTIMEZONE per zone from libical's built-in zones (UTC times for a zone
 * libical does not know), SUMMARY, LOCATION and DESCRIPTION from the
 * projection's fields. libical escapes and folds; the same input gives the
 * same bytes, so an entity tag of the input is one of the output. Never
 * money: events carry none. Returns 0, or -1 for an event of the wrong
 * shape or a failure in libical (out may hold part of a calendar then).
 */
int	ics_render(const struct ics_feed *, const json_t *events,
	    struct buf *out);

#endif
