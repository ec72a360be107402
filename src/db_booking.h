/* db_booking.h: statements that create, read and change bookings */
#ifndef CHARTERD_DB_BOOKING_H
#define CHARTERD_DB_BOOKING_H

#include <jansson.h>

#include "db.h"

/* What a change left behind, for the response and for publishing. */
struct booking_ref {
	long long	id;
	char		slug[72];
	char		old_slug[72];	/* differs from slug after a rename */
	int		version;	/* after the change; the current one on DB_STALE */
	int		cancelled;
};

/*
 * Each returns an enum db_rc (db.h): DB_OK, DB_ERROR, or the outcome named.
 */

/*
 * Creates a booking from a validated object, with its crew and open slots,
 * an audit row and outbox rows, in one transaction. slug is final (given or
 * generated); default_tz applies when the object names no zone.
 * DB_UNKNOWN_CREW with *bad the crew id, DB_UNKNOWN_SLOT with *bad the
 * open slot id (a new booking has none). Money fields are written only
 * when the object has one: without, the booking's money stays 0 and the
 * statement names no money column (the staff role may not).
 */
int	db_booking_create(struct db *, const json_t *in, const char *slug,
	    const char *default_tz, const char *actor, struct booking_ref *,
	    long long *bad);
/*
 * Applies a validated partial object in one transaction; crew and
 * open_slots, when present, replace the current lists (a slot row with
 * an id keeps that slot; without, it is a new one; a slot not listed
 * goes). With version > 0 the booking must be at that version, or at a
 * later one reached only by crew answers (which change no field staff
 * edit): else DB_STALE with ref->version the current one. DB_NOT_FOUND,
 * DB_CANCELLED, DB_UNKNOWN_CREW and DB_UNKNOWN_SLOT (with *bad the id),
 * DB_SLOT_HELD (*bad: a slot that crew hold, which would go or shrink
 * below them). Money fields as db_booking_create. The audit row carries
 * each changed field's old and new value (sql/013_admin_bookings.sql).
 */
int	db_booking_patch(struct db *, long long id, int version,
	    const json_t *in, const char *default_tz, const char *actor,
	    struct booking_ref *, long long *bad);
/* Cancels; cancelling twice is not an error (ref->version is unchanged).
 * DB_NOT_FOUND. */
int	db_booking_cancel(struct db *, long long id, const char *actor,
	    struct booking_ref *);
/* The staff view (staff_booking()); DB_NOT_FOUND when there is none. */
int	db_booking_get(struct db *, long long id, json_t **out);
/* The guest view by slug (guest_view()); DB_NOT_FOUND. */
int	db_booking_guest_view(struct db *, const char *slug, json_t **out);
/* The same by booking id (the publish target's read). */
int	db_booking_guest_view_by_id(struct db *, long long id, json_t **out);
/* Queues every booking's guest page for `charterd sync` to publish again
 * (`charterd publish`, after a template change): DB_OK or DB_ERROR. */
int	db_booking_republish_all(struct db *, long long *queued);


#endif
