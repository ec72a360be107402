/* sync_dynamo.h: the DynamoDB target's items, built from the crew projection (pure, for tests) */
#ifndef CHARTERD_SYNC_DYNAMO_H
#define CHARTERD_SYNC_DYNAMO_H

#include <jansson.h>

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

#endif
