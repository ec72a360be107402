/* booking_input.h: field tables and cross-field rules for bookings and crew */
#ifndef CHARTERD_BOOKING_INPUT_H
#define CHARTERD_BOOKING_INPUT_H

#include <stddef.h>
#include <jansson.h>

#include "fields.h"

/* POST/PATCH /api/bookings body; crew[] and open_slots[] rows. */
extern const struct field	booking_fields[];
extern const size_t		booking_nfields;
extern const struct field	booking_crew_fields[];
extern const size_t		booking_crew_nfields;
extern const struct field	booking_slot_fields[];
extern const size_t		booking_slot_nfields;
/* POST /api/crew body. */
extern const struct field	crew_fields[];
extern const size_t		crew_nfields;

/*
 * Validates a booking body: POST /api/bookings (partial 0) or PATCH
 * /api/bookings/<id> (partial 1: any non-empty subset).  After the field
 * table, cross-field rules over the fields present and not null:
 *   ends_at after starts_at                   ends_at  invalid
 *   ends_at - starts_at <= LIMIT_CHARTER_SECS  ends_at  out_of_range
 *   upload_closes_at after upload_opens_at    upload_closes_at  invalid
 *   no crew_id twice in crew[]                crew[i].crew_id  invalid
 *   at most one crew[] row with captain true  crew[i].captain  invalid
 *   no open slot id twice in open_slots[]     open_slots[i].id  invalid
 * On PATCH the caller re-checks the time rules against stored values.
 * Returns 0, or -1 with *err filled (answer 400 {error: code, field, message}).
 */
int	 booking_input_check(const json_t *obj, int partial,
	    struct field_error *err);

/*
 * The same with money (revenue_cents, port_fee_cents, captain_fee_cents:
 * required on create, as the API wants) or without (money 0: the fields
 * are unknown, as for staff, who may neither set nor see them).
 */
int	 booking_input_check_as(const json_t *obj, int partial, int money,
	    struct field_error *err);

/* Validates a POST /api/crew body.  Returns 0, or -1 with *err filled. */
int	 crew_input_check(const json_t *obj, struct field_error *err);

#endif
