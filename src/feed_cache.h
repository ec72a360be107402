/* feed_cache.h: a worker's last rendered calendar feeds, each good for exactly one entity tag */
#ifndef CHARTERD_FEED_CACHE_H
#define CHARTERD_FEED_CACHE_H

#include "buf.h"
#include "etag.h"

/*
 * Calendar apps that do not send If-None-Match (or poll from several
 * devices) ask for the same feed again and again. A feed's tag
 * fingerprints everything it is made of (sql/012_crew_feeds.sql), so a body
 * rendered under a tag is the body for that tag for as long as the tag is
 * current: no expiry, no invalidation. The handler offers the cached tag
 * to crew_feed() beside the client's, and serves the cached body when the
 * database says it is still the one. Per process (each worker its own),
 * LIMIT_FEED_CACHE_SLOTS feeds, least recently used out, bodies over
 * LIMIT_FEED_CACHE_BYTES not kept. key is the SHA-256 of the feed's token.
 */

/* The tag cached for key, or NULL. */
const char	*feed_cache_tag(const unsigned char key[32]);
/* The body cached for key under tag, or NULL. Marks it recently used. */
const struct buf *feed_cache_get(const unsigned char key[32], const char *tag);
/* Keeps body as key's feed under tag (ETAG_HEX_LEN hex digits). */
void		 feed_cache_put(const unsigned char key[32], const char *tag,
		    const struct buf *body);
/* Forgets key's feed (gone, or unknown). */
void		 feed_cache_drop(const unsigned char key[32]);

#endif
