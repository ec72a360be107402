/* sync_dynamo.h: the DynamoDB target's items, built from the crew projection (pure, for tests) */
#ifndef CHARTERD_SYNC_DYNAMO_H
#define CHARTERD_SYNC_DYNAMO_H

#include <jansson.h>

struct buf;

/*
 * The booking's item (pk "booking#<id>", sk "event"): every member of the
 * crew projection as DynamoDB typed JSON, with version set to version and,
 * when cancelled, status "cancelled". A new reference, or NULL when the
 * projection is not an object or cannot be stored.
 */
json_t	*sync_dynamo_event_item(const json_t *projection,
	    long long booking_id, int version, int cancelled);

/*
 * One assignment's item (pk "booking#<id>", sk "crew#<crew_id>"): the
 * projection's crew entry (crew_id, name, role, captain, status, pay)
 * with the booking's status, times, zone and vessel, and version. A new
 * reference, or NULL when crew has no crew_id or cannot be stored.
 */
json_t	*sync_dynamo_crew_item(const json_t *projection, const json_t *crew,
	    long long booking_id, int version, int cancelled);

/*
 * Which assignments' items the last delivery wrote, as kept in sync_refs:
 * "crew:7,9;" ("crew:;" for none). format appends the projection's to
 * out (0, or -1 on a crew entry without crew_id or allocation); parse
 * returns the ids as a new JSON array of integers, or NULL when ref is
 * not in that form (cut short, say), so DynamoDB must be asked instead.
 */
int	 sync_dynamo_ref_format(const json_t *projection, struct buf *out);
json_t	*sync_dynamo_ref_parse(const char *ref);

#endif
