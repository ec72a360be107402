/* db_booking.h: statements that create, read and change bookings */
#ifndef CHARTERD_DB_BOOKING_H
#define CHARTERD_DB_BOOKING_H

#include <jansson.h>

#include "db.h"

enum db_booking_rc {
	DBB_OK = 0,
	DBB_ERROR = -1,		/* see db->sqlstate / db->constraint */
	DBB_NOT_FOUND = 1,
	DBB_UNKNOWN_CREW = 2,	/* *bad_crew names the crew_id */
	DBB_CANCELLED = 3,	/* changes to a cancelled booking are refused */
};

/* What a change left behind, for the response and for publishing. */
struct booking_ref {
	long long	id;
	char		slug[72];
	char		old_slug[72];	/* differs from slug after a rename */
	int		version;
	int		cancelled;
};

/*
 * Creates a booking from a validated object, with its crew and open slots,
 * an audit row and outbox rows, in one transaction. slug is final (given or
 * generated); default_tz applies when the object names no zone.
 */
enum db_booking_rc db_booking_create(struct db *, const json_t *in,
	    const char *slug, const char *default_tz, const char *actor,
	    struct booking_ref *, long long *bad_crew);
/* Applies a validated partial object in one transaction; crew and
 * open_slots, when present, replace the current lists. */
enum db_booking_rc db_booking_patch(struct db *, long long id,
	    const json_t *in, const char *default_tz, const char *actor,
	    struct booking_ref *, long long *bad_crew);
/* Cancels; cancelling twice is not an error (ref->version is unchanged). */
enum db_booking_rc db_booking_cancel(struct db *, long long id,
	    const char *actor, struct booking_ref *);
/* The staff view (staff_booking()); DBB_NOT_FOUND when there is none. */
enum db_booking_rc db_booking_get(struct db *, long long id, json_t **out);
/* The guest view by slug, run as charterd_guest. */
enum db_booking_rc db_booking_guest_view(struct db *, const char *slug,
	    json_t **out);

#endif
