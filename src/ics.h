/* ics.h: a crew member's charters as an RFC 5545 calendar, built by libical */
#ifndef CHARTERD_ICS_H
#define CHARTERD_ICS_H

#include "buf.h"

/* What the calendar says besides its charters. */
struct ics_feed {
	long long	 crew_id;
	const char	*uid_host;	/* UIDs: booking-<id>-crew-<crew_id>@uid_host */
	const char	*name;		/* X-WR-CALNAME; NULL or "" for none */
	const char	*contact;	/* last line of every DESCRIPTION; NULL or "" */
};

/* One charter, as crew_feed_rows() lists it (sql/012_crew_feeds.sql). */
struct ics_event {
	long long	 booking_id;
	long long	 version;	/* SEQUENCE */
	int		 cancelled;
	long long	 starts_at;	/* Unix seconds */
	long long	 ends_at;
	long long	 stamp;		/* last change: DTSTAMP, LAST-MODIFIED */
	const char	*time_zone;	/* the boat's, e.g. America/Los_Angeles */
	const char	*vessel;
	const char	*meeting_point;	/* NULL or "" for none */
	const char	*notes;		/* crew notes; NULL or "" for none */
	const char	*role;
	int		 captain;
};

/*
 * Appends to out the VCALENDAR of the n events. One VEVENT each: a UID
 * stable across versions, SEQUENCE the booking's version, STATUS CONFIRMED
 * or CANCELLED, DTSTART/DTEND as wall-clock times with the boat's TZID and
 * one VTIMEZONE per zone from libical's built-in zones (UTC times for a
 * zone libical does not know, and for the repeated hour when clocks go
 * back), SUMMARY, LOCATION and DESCRIPTION from the projection's fields.
 * libical escapes and folds; the same input gives the same bytes, so an
 * entity tag of the input is one of the output. Never money: events carry
 * none. Returns 0, or -1 for an event missing a field or ending before it
 * starts, or a failure in libical (out may hold part of a calendar then).
 */
int	ics_render(const struct ics_feed *, const struct ics_event *,
	    size_t n, struct buf *out);

#endif
