/* sync_rest.h: what the SCC and calendar targets share: an API that names a booking's record by the id it hands back */
#ifndef CHARTERD_SYNC_REST_H
#define CHARTERD_SYNC_REST_H

#include <stddef.h>

#include <jansson.h>

#include "db_outbox.h"
#include "outbound.h"
#include "sync.h"

/*
 * One such API, as a target worker holds it. A booking's record is made
 * with a POST to the collection (the answer's "id" goes to sync_refs),
 * changed with update_method on collection/<id>, and on cancel either
 * updated (SCC: the body says "cancelled") or deleted (the calendar).
 */
struct sync_rest {
	const char	*target;	/* sync_refs' target: "scc" */
	const char	*who;		/* in messages: "SCC" */
	const char	*update_method;	/* "PATCH" or "PUT" */
	int		 cancel_deletes;	/* 1: a cancel is a DELETE */
	const char	*auth_name;	/* "X-Service-Key" */
	const char	*auth_value;	/* sent; never logged, never kept */
	const char	*auth_what;	/* in messages: "service key" */
	const char	*auth_setting;	/* where it is set: "CHARTER_SCC_SERVICE_KEY" */
	char		*collection;	/* base URL + path (sync_rest_open) */
	struct outbound	*out;
};

/*
 * Fills in what the target did not: the collection's URL, base_url (http
 * or https, trailing '/' dropped) followed by path, and the kept-alive
 * connection with the sync process's timeouts. 0, or -1 with ctx->error.
 */
int	sync_rest_open(struct sync_ctx *, struct sync_rest *,
	    const char *base_url, const char *path);
void	sync_rest_close(struct sync_rest *);

/*
 * Delivers one booking.upsert or booking.cancel whose record is body.
 * Safe to repeat: every request carries an Idempotency-Key that is the
 * same for the same change (charterd-<booking>-v<version>-<what>), and a
 * create is marked in sync_refs before it is sent, so a retry after a
 * crash resumes it with the same key (then updates, in case the record
 * was made from an older version). A record the API no longer has is
 * made again on update and counts as gone on cancel. This assumes the API
 * keeps an answer under its key once it acted on the request (as Stripe's
 * keys do), not a refusal (400, 401) that a fix and a retry should get
 * past. A change older than the one sync_refs says the record holds is
 * not sent (OUTBOX_OK, with a note in ctx->error): the API keeps no
 * versions, so it would undo the newer one (a dead row retried from the
 * API after later changes went through). OUTBOX_OK,
 * OUTBOX_RETRY (transport, 408, 425, 429, 5xx) or OUTBOX_FAIL (another
 * answer, its message in ctx->error).
 */
enum outbox_outcome sync_rest_deliver(struct sync_ctx *, struct sync_rest *,
	    const struct outbox_job *, const json_t *body);

/* The pure parts, for tests/test-sync-rest.c. */

/* What an HTTP status means for the row: 2xx OUTBOX_OK; 0 (no answer),
 * 408, 425, 429 and 5xx OUTBOX_RETRY; anything else OUTBOX_FAIL. */
enum outbox_outcome sync_http_outcome(long status);

/*
 * What an answer body says, fit for last_error: the "message" (else
 * "error") of a JSON object, else the text itself; every occurrence of
 * secret (when not NULL or empty) replaced by "[redacted]", control
 * characters by spaces, bytes that are not UTF-8 by '?', then cut to
 * LIMIT_SYNC_MESSAGE_LEN bytes on a character boundary. out gets ""
 * when there is nothing to say.
 */
void	sync_rest_message(const char *body, size_t len, const char *secret,
	    char *out, size_t outlen);

/* The record's id in an answer {"id": "..."} or {"id": 123}: 0 with it
 * in id, or -1 when it is missing or not 1 to LIMIT_SYNC_REF_LEN of
 * A-Z a-z 0-9 . _ ~ - (so it goes in a URL as it is). */
int	sync_rest_answer_id(const char *body, size_t len, char *id,
	    size_t idlen);

/* 1 when s may be used as a record's id (the rule above), else 0. */
int	sync_rest_id_ok(const char *s);

/* The bodies, built from the crew projection by an allow-list. */

/* Copies src's members named in keys (NULL-terminated) to dst when they
 * are strings, numbers, booleans or null; 0, or -1 on allocation failure. */
int	sync_rest_copy(json_t *dst, const json_t *src,
	    const char *const *keys);
/* {system: "charterd", booking_id, version} of the projection; NULL on
 * allocation failure. */
json_t	*sync_rest_external_ref(const json_t *projection);
/* "Charter: <vessel> — <guest name>" ("Charter: <vessel>" without a
 * guest name); 0, or -1 on allocation failure. */
int	sync_rest_title(const json_t *projection, struct buf *out);

/*
 * SCC's event: title, status ("confirmed" or, when cancelled is set or
 * the booking is, "cancelled"), vessel, start and end in the boat's zone,
 * time_zone, meeting_point, party_size, notes (the crew notes), crew
 * (name, role, captain, status, hourly_rate_cents, hours, external_id),
 * open_slots (role, count, filled, hourly_rate_cents, hours, external_id)
 * and external_ref {system, booking_id, version}. Nothing else of the
 * projection is copied. NULL when projection is not an object.
 */
json_t	*sync_scc_event(const json_t *projection, int cancelled);

/*
 * The calendar's entry: title ("Charter: <vessel> — <guest>"), status,
 * starts_at, ends_at, time_zone, vessel, location (the meeting point),
 * party_size, crew (name, role, captain; those who declined left out),
 * notes and external_ref. No money and no rate of any kind. NULL when
 * projection is not an object.
 */
json_t	*sync_calendar_entry(const json_t *projection, int cancelled);

#endif
