/* etag.h: entity tags charterd makes, and reading a client's If-None-Match for them */
#ifndef CHARTERD_ETAG_H
#define CHARTERD_ETAG_H

#include <stddef.h>

#define ETAG_HEX_LEN	32	/* our tags: this many lowercase hex digits */

/*
 * Reads an If-None-Match value (RFC 9110 section 13.1.2: "*" or a list of
 * entity tags, weak or strong, compared weakly) for the tags that have our
 * shape, "abc..." or W/"abc...", and writes them into out as a PostgreSQL
 * array literal, "{t1,t2}" (at most max tags; "{*}" for "*"; "{}" for
 * none). Tags of any other shape cannot be ours and are left out. A value
 * that is not a list of entity tags is ignored, as RFC 9110 has a server
 * ignore a malformed condition: out is "{}". Returns the number of tags
 * written (1 for "*"), or -1 when out (len bytes) is too small. Pure.
 */
int	etag_if_none_match(const char *value, size_t max, char *out,
	    size_t len);

/*
 * Adds tag (ETAG_HEX_LEN lowercase hex digits) to list, an array literal
 * etag_if_none_match wrote, in place (len bytes in all). 0, or -1 when it
 * does not fit or tag has another shape. Pure.
 */
int	etag_list_add(char *list, size_t len, const char *tag);

/* 1 when list (as etag_if_none_match writes it) holds tag, or is "{*}". */
int	etag_listed(const char *list, const char *tag);

#endif
