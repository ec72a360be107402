/* kv.h: query string, form body and Cookie header parsing */
#ifndef CHARTERD_KV_H
#define CHARTERD_KV_H

#include <stddef.h>

struct kv {
	char	*key;	/* NUL-terminated, valid UTF-8, no NUL inside */
	char	*val;	/* same; "" for a query key without '=' */
	size_t	 vlen;	/* strlen(val) */
};

struct kvlist {
	struct kv	*v;	/* in input order */
	size_t		 n;
};

enum kv_status {
	KV_OK = 0,
	KV_EMALFORMED,	/* bad %XX escape, control byte in a cookie: 400 */
	KV_ETOOMANY,	/* more than max_pairs pairs: 400 */
	KV_ETOOLONG,	/* Cookie header over LIMIT_COOKIE_LEN: 400 */
	KV_EUTF8,	/* key or value not UTF-8, or decodes to a NUL: 400 */
	KV_ENOMEM,	/* allocation failed: 500 */
	KV__MAX
};

/*
 * Percent-decodes len bytes at s into a new NUL-terminated string stored in
 * *out (free() it), its length in *outlen (may be NULL).  With plus_space,
 * '+' becomes a space (forms and query strings; not paths).
 * Returns KV_OK; KV_EMALFORMED for a '%' not followed by two hex digits;
 * KV_EUTF8 when the result is not valid UTF-8 or holds a NUL; KV_ENOMEM.
 * On error *out is NULL.
 */
enum kv_status	 kv_decode(const char *s, size_t len, int plus_space,
		    char **out, size_t *outlen);

/*
 * Parses application/x-www-form-urlencoded data or a query string (len
 * bytes at s; s may be NULL when len is 0) into *out, which it initialises.
 * Pairs are split on '&'; empty pairs and pairs with an empty key are
 * skipped; a key without '=' gets the value "".  Keys and values are
 * decoded as by kv_decode(s, len, 1, ...).  More than max_pairs pairs:
 * KV_ETOOMANY (parsing stops there).  The caller bounds len itself
 * (LIMIT_QUERY_LEN for query strings: 414; LIMIT_BODY for bodies: 413).
 * On any error *out is left empty (nothing to free).
 */
enum kv_status	 kv_parse_query(const char *s, size_t len, struct kvlist *out,
		    size_t max_pairs);

/*
 * Parses a Cookie request header (RFC 6265 section 4.2: "a=b; c=d") into
 * *out, which it initialises.  header may be NULL (no cookies).  Pairs
 * are split on ';', names and values trimmed of spaces and tabs, one pair
 * of surrounding double quotes is removed from a value; segments without
 * '=' or with an empty name are skipped.  Values are not percent-decoded.
 * Returns KV_ETOOLONG past LIMIT_COOKIE_LEN bytes, KV_ETOOMANY past
 * max_pairs pairs, KV_EMALFORMED for a control byte in a name or value,
 * KV_EUTF8 for invalid UTF-8, KV_ENOMEM.  On error *out is left empty.
 */
enum kv_status	 kv_parse_cookies(const char *header, struct kvlist *out,
		    size_t max_pairs);

/* The value of the first pair named key, or NULL. */
const char	*kv_get(const struct kvlist *, const char *key);

/* Frees every pair and empties the list; safe on an empty or freed list. */
void		 kv_free(struct kvlist *);

#endif
