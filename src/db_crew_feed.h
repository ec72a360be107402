/* db_crew_feed.h: statements about crew calendar feeds: made on first use, rotated, read by their token's hash */
#ifndef CHARTERD_DB_CREW_FEED_H
#define CHARTERD_DB_CREW_FEED_H

#include <jansson.h>
#include <libpq-fe.h>

#include "db.h"
#include "ics.h"
#include "token.h"

/*
 * The live feed of crew member crew_id (crew_feed_issue): its nonce and
 * token hash into live_nonce and live_hash. With no live feed yet, the
 * candidate (nonce, hash) becomes it. DB_OK, DB_NOT_FOUND for a crew_id
 * that names nobody, DB_ERROR.
 */
int	db_crew_feed_issue(struct db *, long long crew_id,
	    const unsigned char nonce[TOKEN_NONCE_LEN],
	    const unsigned char hash[32],
	    unsigned char live_nonce[TOKEN_NONCE_LEN],
	    unsigned char live_hash[32]);

/*
 * Replaces crew member crew_id's feed with (nonce, hash), revoking the old
 * one, audited as actor (crew_feed_rotate). DB_OK, DB_NOT_FOUND for a
 * crew_id that names nobody, DB_ERROR.
 */
int	db_crew_feed_rotate(struct db *, long long crew_id,
	    const unsigned char nonce[TOKEN_NONCE_LEN],
	    const unsigned char hash[32], const char *actor);

/* A feed as found, and its charters when it is to be sent. */
struct crew_feed_found {
	enum { FEED_OK, FEED_UNCHANGED, FEED_GONE } state;
	int			 rotated;	/* FEED_GONE: replaced, else inactive */
	long long		 crew_id;
	const char		*nonce;		/* hex; NULL when gone */
	const char		*etag;		/* ETAG_HEX_LEN hex; NULL when gone */
	struct ics_event	*events;	/* FEED_OK: n charters */
	size_t			 n;
	PGresult		*res;		/* the strings point into it */
};

/*
 * The feed whose token hashes to hash, and when its tag is none of known
 * (an array literal: etag_if_none_match, etag_list_add), its charters, in
 * one statement (crew_feed_find, crew_feed_rows): DB_OK with *f filled
 * (free it with db_crew_feed_found_free), DB_NOT_FOUND for no such feed,
 * DB_ERROR. salt is what else the rendering depends on; the feed lists
 * charters that ended at most days ago, the first max by start.
 */
int	db_crew_feed_read(struct db *, const unsigned char hash[32],
	    const char *known, const char *salt, int days, int max,
	    struct crew_feed_found *f);
void	db_crew_feed_found_free(struct crew_feed_found *);

#endif
