/* feed_cache.c: a worker's last rendered calendar feeds, each good for exactly one entity tag */
#include <string.h>

#include "feed_cache.h"
#include "limits.h"

struct feed_entry {
	unsigned char		 key[32];
	char			 tag[ETAG_HEX_LEN + 1];	/* "" when free */
	unsigned long long	 used;
	struct buf		 body;
};

/* Per process: each worker fills its own after fork. */
static struct feed_entry	 entries[LIMIT_FEED_CACHE_SLOTS];
static unsigned long long	 clock_;

static struct feed_entry *
find(const unsigned char key[32])
{
	size_t i;

	for (i = 0; i < LIMIT_FEED_CACHE_SLOTS; i++)
		if (entries[i].tag[0] != '\0' &&
		    memcmp(entries[i].key, key, 32) == 0)
			return &entries[i];
	return NULL;
}

const char *
feed_cache_tag(const unsigned char key[32])
{
	struct feed_entry *e = find(key);

	return e != NULL ? e->tag : NULL;
}

const struct buf *
feed_cache_get(const unsigned char key[32], const char *tag)
{
	struct feed_entry *e = find(key);

	if (e == NULL || tag == NULL || strcmp(e->tag, tag) != 0)
		return NULL;
	e->used = ++clock_;
	return &e->body;
}

void
feed_cache_put(const unsigned char key[32], const char *tag,
    const struct buf *body)
{
	struct feed_entry	*e;
	size_t			 i;

	if (strlen(tag) != ETAG_HEX_LEN || body->len > LIMIT_FEED_CACHE_BYTES)
		return;
	if ((e = find(key)) == NULL) {
		/* A free slot, else the least recently used. */
		e = &entries[0];
		for (i = 0; i < LIMIT_FEED_CACHE_SLOTS; i++) {
			if (entries[i].tag[0] == '\0') {
				e = &entries[i];
				break;
			}
			if (entries[i].used < e->used)
				e = &entries[i];
		}
	}
	e->tag[0] = '\0';
	buf_reset(&e->body);
	if (buf_append(&e->body, body->data, body->len) == -1)
		return;
	memcpy(e->key, key, 32);
	memcpy(e->tag, tag, ETAG_HEX_LEN + 1);
	e->used = ++clock_;
}

void
feed_cache_drop(const unsigned char key[32])
{
	struct feed_entry *e = find(key);

	if (e != NULL) {
		e->tag[0] = '\0';
		buf_free(&e->body);
	}
}
