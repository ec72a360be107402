/* page_cache.h: a worker's short-lived cache of rendered guest pages */
#ifndef CHARTERD_PAGE_CACHE_H
#define CHARTERD_PAGE_CACHE_H

#include "buf.h"

struct app;

/*
 * The FastCGI fallback for /g/<slug> renders from the database; under load
 * the same page is asked for many times a second. Entries live at most
 * CHARTER_PAGE_CACHE_MS (default 1000; 0 turns the cache off) and die at
 * once when any worker of this server commits a booking change (a shared
 * generation counter). Another host's change shows within the TTL.
 */

/* Copies a fresh cached page for slug into out; its status, or 0 on a miss. */
int	page_cache_get(struct app *, const char *slug, long long now_us,
	    struct buf *out);
/* Remembers page (status 200 or 410) for slug, rendered at generation gen. */
void	page_cache_put(struct app *, const char *slug, int status,
	    const struct buf *page, long long now_us, unsigned long long gen);
/* The current generation: read it before the database read you cache. */
unsigned long long page_cache_generation(const struct app *);
/* Drops every worker's cached pages: call after a committed change. */
void	page_cache_invalidate(struct app *);

#endif
