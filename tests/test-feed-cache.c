/* test-feed-cache.c: a worker's rendered feeds: served only under their own tag, least recently used out, big ones not kept */
#include <string.h>

#include "feed_cache.h"
#include "limits.h"
#include "tap.h"

#define A	"0123456789abcdef0123456789abcdef"
#define B	"fedcba9876543210fedcba9876543210"

static void
key(unsigned char k[32], int i)
{
	memset(k, 0, 32);
	k[0] = (unsigned char)i;
	k[31] = 0x5a;
}

int
main(void)
{
	unsigned char		 k[32], k2[32];
	struct buf		 body = { 0 }, big = { 0 };
	const struct buf	*got;
	int			 i;

	key(k, 1);
	key(k2, 2);
	ok(feed_cache_tag(k) == NULL, "nothing cached at first");
	buf_puts(&body, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
	feed_cache_put(k, A, &body);
	is_str(feed_cache_tag(k), A, "the tag of the body kept");
	got = feed_cache_get(k, A);
	ok(got != NULL && got->len == body.len &&
	    memcmp(got->data, body.data, body.len) == 0, "the body under its tag");
	ok(feed_cache_get(k, B) == NULL, "no body under another tag");
	ok(feed_cache_get(k2, A) == NULL, "nor for another feed");
	feed_cache_put(k, B, &body);
	ok(feed_cache_get(k, A) == NULL && feed_cache_get(k, B) != NULL,
	    "a new tag replaces the old body");
	feed_cache_drop(k);
	ok(feed_cache_tag(k) == NULL, "dropped");

	/* Least recently used out. */
	for (i = 1; i <= LIMIT_FEED_CACHE_SLOTS; i++) {
		key(k, i);
		feed_cache_put(k, A, &body);
	}
	key(k, 1);
	ok(feed_cache_get(k, A) != NULL, "a full cache holds every slot");
	key(k, LIMIT_FEED_CACHE_SLOTS + 1);
	feed_cache_put(k, A, &body);
	key(k, 2);
	ok(feed_cache_tag(k) == NULL, "the least recently used went");
	key(k, 1);
	ok(feed_cache_tag(k) != NULL, "the one just used stayed");

	/* Too big to keep. */
	while (big.len <= LIMIT_FEED_CACHE_BYTES)
		buf_puts(&big, "0123456789abcdef0123456789abcdef0123456789abcdef");
	key(k, 99);
	feed_cache_put(k, A, &big);
	ok(feed_cache_tag(k) == NULL, "a body over LIMIT_FEED_CACHE_BYTES is not kept");
	feed_cache_put(k, "short", &body);
	ok(feed_cache_tag(k) == NULL, "nor one under a tag of another shape");
	buf_free(&body);
	buf_free(&big);
	return tap_done();
}
