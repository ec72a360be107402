/* db_crew_slots.h: statements of open places and the crewing gate: the open-places page, taking a place, the gate's mails, the API's list with crewing */
#ifndef CHARTERD_DB_CREW_SLOTS_H
#define CHARTERD_DB_CREW_SLOTS_H

#include <jansson.h>

#include "crew_link.h"
#include "db.h"

/*
 * Each answers in one round trip (sql/017_crew_slots.sql). Those with an
 * outcome give {outcome, ...} in *out (caller decrefs): DB_OK with it, or
 * DB_ERROR. now_us is the caller's clock; cutoff_h and ttl_days come from
 * the configuration.
 */

/*
 * GET /c/<token>/open for the token whose SHA-256 is hash
 * (crew_open_page): outcome ok {crew_id, via, first_name, places}, gone
 * {reason, charter}, not_found. Reads only.
 */
int	db_crew_open_page(struct db *, const unsigned char hash[32],
	    long long now_us, int cutoff_h, json_t **out);
/*
 * Whose open places the token opens (crew_open_who): {crew_id, reason}
 * with crew_id null for no such token and reason null for one that
 * opens.
 */
int	db_crew_open_who(struct db *, const unsigned char hash[32],
	    long long now_us, json_t **out);
/*
 * The token's crew member takes open place slot_id, with link (made for
 * them by crew_link_new) as the booking's link (crew_take): outcome taken
 * {link_id}, full, no_place, yours, on_booking, not_eligible {why},
 * closed, cancelled, not_found, gone {reason}. One transaction.
 */
int	db_crew_take(struct db *, const unsigned char hash[32],
	    long long slot_id, const struct crew_link *link, int ttl_days,
	    long long now_us, int cutoff_h, json_t **out);

/*
 * For the mail target. The offer of place slot_id to crew_id
 * (crew_offer_mail): outcome ok {booking_id, crew_id, slot_id,
 * expires_at, mail}, or gone (nothing to offer any more).
 */
int	db_crew_offer_mail(struct db *, long long slot_id, long long crew_id,
	    long long now_us, int cutoff_h, json_t **out);
/* Keeps an offer's link (the token's SHA-256 in hex) for crew_id, from
 * outbox row outbox_id, until expires (Unix seconds). DB_OK or DB_ERROR. */
int	db_crew_offer_link_add(struct db *, long long outbox_id,
	    long long crew_id, long long booking_id, long long slot_id,
	    const char *hash_hex, long long expires);
/*
 * Crew member crew_id's reminder for booking_id (crew_reminder_mail):
 * outcome ok {link_id, crew_id, nonce, mail}, or gone.
 */
int	db_crew_reminder_mail(struct db *, long long booking_id,
	    long long crew_id, long long now_us, int cutoff_h, json_t **out);
/*
 * An operator's crewing mail for booking_id (crewing_mail): the booking
 * without money, its crewing, and, with crew_id above 0, who declined and
 * to how many crew (offered) their place went. DB_OK with *out,
 * DB_NOT_FOUND when the booking is gone or, for an alert, no longer needs
 * one; DB_ERROR.
 */
int	db_crewing_mail(struct db *, long long booking_id, long long crew_id,
	    long long offered, int alert, long long now_us, json_t **out);

/*
 * GET /api/bookings: bookings starting from from_us to to_us (exclusive),
 * soonest first, at most limit, each with its crewing counts; open_only:
 * only those not fully crewed (api_bookings_list). DB_OK with the array in
 * *out, or DB_ERROR.
 */
int	db_bookings_list(struct db *, long long from_us, long long to_us,
	    int open_only, int limit, json_t **out);

#endif
