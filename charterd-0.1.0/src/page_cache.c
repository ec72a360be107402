/* page_cache.c: a worker's short-lived cache of rendered guest pages */
#include <string.h>

#include "app.h"
#include "page_cache.h"


struct page_entry {
	char			 slug[72];
	int			 status;
	long long		 expires_us;
	unsigned long long	 gen;
	struct buf		 page;
};

/* Per process: each worker fills its own after fork. */
static struct page_entry	 entries[LIMIT_PAGE_CACHE_SLOTS];
static unsigned			 next_victim;

static struct page_entry *
find(const char *slug)
{
	size_t i;

	for (i = 0; i < LIMIT_PAGE_CACHE_SLOTS; i++)
		if (entries[i].status != 0 && strcmp(entries[i].slug, slug) == 0)
			return &entries[i];
	return NULL;
}

unsigned long long
page_cache_generation(const struct app *app)
{
	if (app->metrics == NULL)
		return 0;
	return __atomic_load_n(&app->metrics->content_generation,
	    __ATOMIC_ACQUIRE);
}

int
page_cache_get(struct app *app, const char *slug, long long now_us,
    struct buf *out)
{
	struct page_entry *e;

	if (app->cfg->page_cache_ms <= 0 || (e = find(slug)) == NULL)
		return 0;
	if (e->expires_us <= now_us || e->gen != page_cache_generation(app)) {
		e->status = 0;
		return 0;
	}
	if (buf_append(out, e->page.data, e->page.len) == -1)
		return 0;
	return e->status;
}

void
page_cache_put(struct app *app, const char *slug, int status,
    const struct buf *page, long long now_us, unsigned long long gen)
{
	struct page_entry *e;

	if (app->cfg->page_cache_ms <= 0 || page->len > LIMIT_PAGE_CACHE_PAGE ||
	    strlen(slug) >= sizeof(e->slug))
		return;
	if ((e = find(slug)) == NULL) {
		e = &entries[next_victim];
		next_victim = (next_victim + 1) % LIMIT_PAGE_CACHE_SLOTS;
	}
	buf_reset(&e->page);
	if (buf_append(&e->page, page->data, page->len) == -1) {
		e->status = 0;
		return;
	}
	memcpy(e->slug, slug, strlen(slug) + 1);
	e->status = status;
	e->gen = gen;
	e->expires_us = now_us + (long long)app->cfg->page_cache_ms * 1000;
}

void
page_cache_invalidate(struct app *app)
{
	if (app->metrics != NULL)
		__atomic_fetch_add(&app->metrics->content_generation, 1,
		    __ATOMIC_RELEASE);
}
