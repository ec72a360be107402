/* crew_feed.h: a crew member's calendar feed link: made on first use, made again, rotated, checked */
#ifndef CHARTERD_CREW_FEED_H
#define CHARTERD_CREW_FEED_H

#include <stddef.h>

#include "config.h"
#include "db.h"

/*
 * The URL of crew member crew_id's calendar feed,
 * CHARTER_PUBLIC_URL/c/<feed-token>/calendar.ics (link_url,
 * LINK_CREW_CALENDAR), into out (len bytes; LIMIT_FEED_URL is enough):
 * what crew pages, invitation and reminder mails and the admin link to.
 * The first call for a crew member makes the feed (a fresh nonce; the
 * database keeps it and the token's hash, never the token); every later
 * call makes the same token again from the nonce. It writes nothing else,
 * so a GET may call it. Any connection whose role may issue feeds will do
 * (sql/roles.sql: crew, sync, staff, owner, API). Returns DB_OK;
 * DB_NOT_FOUND when crew_id names nobody; DB_STALE when the feed was made
 * under another CHARTER_TOKEN_SECRET (its token cannot be made again:
 * rotate it); DB_ERROR for the database, or no secret, randomness or
 * public URL (logged). out is "" unless DB_OK.
 */
int	crew_feed_url(struct db *, const struct config *, long long crew_id,
	    char *out, size_t len);

/*
 * Gives crew member crew_id a new feed token: the old URL answers 410
 * from the moment this commits. Audited as actor ("api"). Writes the new
 * URL into out as crew_feed_url does. DB_OK, DB_NOT_FOUND, DB_ERROR.
 */
int	crew_feed_rotate(struct db *, const struct config *, long long crew_id,
	    const char *actor, char *out, size_t len);

/*
 * 1 when token is the feed token derived for crew_id from nonce_hex (64
 * hex digits) under CHARTER_TOKEN_SECRET, compared in constant time; else
 * 0. A feed row charterd did not make (written through an injection, or
 * under an older secret) opens nothing.
 */
int	crew_feed_token_ok(const struct config *, long long crew_id,
	    const char *nonce_hex, const char *token);

#endif
