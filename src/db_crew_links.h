/* db_crew_links.h: statements about crew links: issuing them, the crew page, a crew member's answer, the invitation mail */
#ifndef CHARTERD_DB_CREW_LINKS_H
#define CHARTERD_DB_CREW_LINKS_H

#include <stddef.h>

#include <jansson.h>

#include "crew_link.h"
#include "db.h"

/*
 * Each answers in one round trip (sql/011_crew_links.sql) with an object
 * {outcome, ...} in *out (caller decrefs): DB_OK with it, or DB_ERROR.
 * now_us is the request's clock; ttl_days and cutoff_h come from the
 * configuration.
 */

/*
 * Whom POST /api/bookings/<id>/invitations invites: want is an array of
 * crew ids, or NULL for every assigned crew member (crew_invitation_targets).
 * outcome ok {crew_ids}, not_found, cancelled, over, not_assigned {crew_id}.
 */
int	db_crew_invite_targets(struct db *, long long booking_id,
	    const json_t *want, long long now_us, int ttl_days, json_t **out);
/*
 * Issues links[i] to crew_ids[i] in one transaction, each revoking the
 * pair's older link and queueing its invitation mail (crew_links_issue):
 * outcome ok {links: [{link_id, crew_id, expires_at}]} in crew_ids' order,
 * or changed (the booking or its crew changed meanwhile).
 */
int	db_crew_links_issue(struct db *, long long booking_id,
	    const long long *crew_ids, const struct crew_link *links, size_t n,
	    int ttl_days, const char *actor, long long now_us, json_t **out);
/*
 * The crew page for the token whose SHA-256 is hash (crew_page): outcome
 * ok {link_id, crew_id, view}, gone {reason, charter}, not_found. Reads
 * only.
 */
int	db_crew_page(struct db *, const unsigned char hash[32],
	    long long now_us, int cutoff_h, json_t **out);
/*
 * A crew member's answer, action "confirm" or "decline" with an optional
 * note (crew_respond): outcome changed, unchanged, closed, gone {reason},
 * not_found. Everything it writes is one transaction.
 */
int	db_crew_respond(struct db *, const unsigned char hash[32],
	    const char *action, const char *note, long long now_us,
	    int cutoff_h, json_t **out);
/*
 * For the mail target: what the invitation of link link_id says
 * (crew_invitation_mail): outcome ok {link_id, crew_id, nonce, mail}, or
 * gone (revoked, expired or mailed already: send nothing).
 */
int	db_crew_invitation_mail(struct db *, long long link_id,
	    long long now_us, int cutoff_h, json_t **out);
/*
 * A mail carrying link link_id (outbox row outbox_id: its invitation or
 * reminder) is out: erases the link's nonce unless another mail still to
 * be sent carries the link (crew_link_mailed). DB_OK or DB_ERROR.
 */
int	db_crew_link_mailed(struct db *, long long outbox_id, long long link_id);

#endif
