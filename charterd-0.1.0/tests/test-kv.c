/* test-kv.c: query string, form body and Cookie header parsing */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "limits.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A query and what it must parse to: "k=v|k=v" in order. */
struct qcase {
	const char	*in;
	const char	*want;
};

static const struct qcase query_valids[] = {
	{ "", "" },
	{ "a=1", "a=1" },
	{ "a=1&b=2", "a=1|b=2" },
	{ "a=1&&b=2&", "a=1|b=2" },
	{ "&&&", "" },
	{ "flag", "flag=" },
	{ "flag&x=", "flag=|x=" },
	{ "=orphan&k=v", "k=v" },
	{ "q=hello+world", "q=hello world" },
	{ "q=a%2Bb", "q=a+b" },
	{ "q=%e2%82%ac", "q=\xe2\x82\xac" },
	{ "q=%E2%82%AC", "q=\xe2\x82\xac" },
	{ "na%6De=v", "name=v" },
	{ "a=1=2", "a=1=2" },
	{ "note=line1%0Aline2", "note=line1\nline2" },
	{ "a=1&a=2", "a=1|a=2" },
	{ "action=confirm", "action=confirm" },
	{ "k=%26%3D", "k=&=" },
};

struct bad {
	const char	*in;
	enum kv_status	 want;
	const char	*what;
};

static const struct bad query_invalids[] = {
	{ "q=%zz", KV_EMALFORMED, "%zz" },
	{ "q=%", KV_EMALFORMED, "lone %" },
	{ "q=%4", KV_EMALFORMED, "truncated %4" },
	{ "q=%4g", KV_EMALFORMED, "%4g" },
	{ "%zz=v", KV_EMALFORMED, "bad escape in key" },
	{ "ok=1&q=%", KV_EMALFORMED, "bad escape after a good pair" },
	{ "q=%00", KV_EUTF8, "%00" },
	{ "k%00=v", KV_EUTF8, "%00 in key" },
	{ "q=%C3%28", KV_EUTF8, "invalid UTF-8 %C3%28" },
	{ "q=%C0%AF", KV_EUTF8, "overlong %C0%AF" },
	{ "q=%ED%A0%80", KV_EUTF8, "surrogate" },
	{ "q=%FF", KV_EUTF8, "%FF" },
	{ "q=\xc3\x28", KV_EUTF8, "raw invalid UTF-8" },
	{ "q=%C3", KV_EUTF8, "truncated sequence" },
};

static const struct qcase cookie_valids[] = {
	{ "sid=abc", "sid=abc" },
	{ "a=b; c=d", "a=b|c=d" },
	{ "a=b;c=d", "a=b|c=d" },
	{ "  a = b ;\tc=d  ", "a=b|c=d" },
	{ "a=\"quoted value\"", "a=quoted value" },
	{ "a=\"\"", "a=" },
	{ "a=\"", "a=\"" },
	{ "a=", "a=" },
	{ "novalue; a=b", "a=b" },
	{ "=nameless; a=b", "a=b" },
	{ ";;; a=b ;;", "a=b" },
	{ "a=%41", "a=%41" },
	{ "a=x=y", "a=x=y" },
	{ "a=1; a=2", "a=1|a=2" },
	{ "pref=caf\xc3\xa9", "pref=caf\xc3\xa9" },
	{ "", "" },
};

static const struct bad cookie_invalids[] = {
	{ "a=b\x01", KV_EMALFORMED, "control byte in value" },
	{ "a\x7f=b", KV_EMALFORMED, "DEL in name" },
	{ "a=b\nc", KV_EMALFORMED, "newline in value" },
	{ "a=\xc3\x28", KV_EUTF8, "invalid UTF-8 in value" },
	{ "\xff=b", KV_EUTF8, "invalid UTF-8 in name" },
};

/* Renders a list as "k=v|k=v" into dst for comparison. */
static const char *
render(const struct kvlist *l, char *dst, size_t dsz)
{
	size_t	 i, off = 0;
	int	 n;

	dst[0] = '\0';
	for (i = 0; i < l->n; i++) {
		n = snprintf(dst + off, dsz - off, "%s%s=%s", i ? "|" : "",
		    l->v[i].key, l->v[i].val);
		if (n < 0 || (size_t)n >= dsz - off)
			break;
		off += (size_t)n;
	}
	return dst;
}

static int
vlens_match(const struct kvlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].vlen != strlen(l->v[i].val))
			return 0;
	return 1;
}

int
main(void)
{
	struct kvlist	 l;
	enum kv_status	 st;
	char		 got[512], *big, *d;
	size_t		 i, len, dlen;

	for (i = 0; i < NELEM(query_valids); i++) {
		st = kv_parse_query(query_valids[i].in,
		    strlen(query_valids[i].in), &l, LIMIT_QUERY_PAIRS);
		is_int(st, KV_OK, "query parses: \"%s\"", query_valids[i].in);
		is_str(render(&l, got, sizeof(got)), query_valids[i].want,
		    "query pairs: \"%s\"", query_valids[i].in);
		ok(vlens_match(&l), "query vlen: \"%s\"", query_valids[i].in);
		kv_free(&l);
	}
	for (i = 0; i < NELEM(query_invalids); i++) {
		l.n = 99;
		st = kv_parse_query(query_invalids[i].in,
		    strlen(query_invalids[i].in), &l, LIMIT_QUERY_PAIRS);
		is_int(st, query_invalids[i].want, "query rejects %s",
		    query_invalids[i].what);
		ok(l.n == 0 && l.v == NULL, "query %s leaves list empty",
		    query_invalids[i].what);
	}

	/* NULL with length 0 is an empty query. */
	is_int(kv_parse_query(NULL, 0, &l, 4), KV_OK, "NULL query is empty");
	is_int(l.n, 0, "NULL query has no pairs");

	/* Length, not NUL, bounds the query. */
	is_int(kv_parse_query("a=1&b=2", 3, &l, 4), KV_OK, "length bounds");
	is_str(render(&l, got, sizeof(got)), "a=1", "only the first pair");
	kv_free(&l);

	/* Raw NUL inside the given length is refused like %00. */
	is_int(kv_parse_query("a=1\0b", 5, &l, 4), KV_EUTF8,
	    "raw NUL in query refused");

	/* Pair limits: exactly max passes, one more fails, 10,000 fail. */
	is_int(kv_parse_query("a=1&b=2&c=3", 11, &l, 3), KV_OK,
	    "exactly max pairs");
	is_int(l.n, 3, "three pairs kept");
	kv_free(&l);
	is_int(kv_parse_query("a=1&b=2&c=3&d", 13, &l, 3), KV_ETOOMANY,
	    "max + 1 pairs refused");
	is_int(kv_parse_query("a=1&&&&b=2&&&", 13, &l, 2), KV_OK,
	    "empty pairs do not count toward the limit");
	kv_free(&l);
	len = 10000 * 4;
	if ((big = malloc(len + 1)) == NULL)
		return 1;
	for (i = 0; i < 10000; i++)
		memcpy(big + i * 4, "a=1&", 4);
	big[len] = '\0';
	is_int(kv_parse_query(big, len, &l, LIMIT_QUERY_PAIRS), KV_ETOOMANY,
	    "10,000 pairs refused");
	ok(l.v == NULL && l.n == 0, "10,000 pairs: list left empty");
	free(big);

	/* kv_get: first match, NULL when absent. */
	is_int(kv_parse_query("a=1&b=2&a=3", 11, &l, 8), KV_OK, "get setup");
	is_str(kv_get(&l, "a"), "1", "kv_get returns first match");
	is_str(kv_get(&l, "b"), "2", "kv_get second key");
	ok(kv_get(&l, "c") == NULL, "kv_get absent is NULL");
	ok(kv_get(&l, "A") == NULL, "kv_get is case-sensitive");
	kv_free(&l);
	kv_free(&l);
	ok(l.v == NULL && l.n == 0, "kv_free twice is safe");
	ok(kv_get(&l, "a") == NULL, "kv_get on empty list");

	/* kv_decode on its own. */
	is_int(kv_decode("a%20b+c", 7, 0, &d, &dlen), KV_OK, "decode path");
	is_str(d, "a b+c", "path decode keeps '+'");
	is_int(dlen, 5, "decoded length");
	free(d);
	is_int(kv_decode("a+b", 3, 1, &d, NULL), KV_OK, "decode form");
	is_str(d, "a b", "form decode turns '+' into space");
	free(d);
	is_int(kv_decode("%2", 2, 0, &d, NULL), KV_EMALFORMED,
	    "decode truncated escape");
	ok(d == NULL, "decode error leaves *out NULL");
	is_int(kv_decode("%2F%2e%2E", 9, 0, &d, NULL), KV_OK, "mixed case hex");
	is_str(d, "/..", "hex decoded");
	free(d);

	for (i = 0; i < NELEM(cookie_valids); i++) {
		st = kv_parse_cookies(cookie_valids[i].in, &l,
		    LIMIT_COOKIE_PAIRS);
		is_int(st, KV_OK, "cookie parses: #%zu", i);
		is_str(render(&l, got, sizeof(got)), cookie_valids[i].want,
		    "cookie pairs: #%zu", i);
		ok(vlens_match(&l), "cookie vlen: #%zu", i);
		kv_free(&l);
	}
	for (i = 0; i < NELEM(cookie_invalids); i++) {
		st = kv_parse_cookies(cookie_invalids[i].in, &l,
		    LIMIT_COOKIE_PAIRS);
		is_int(st, cookie_invalids[i].want, "cookie rejects %s",
		    cookie_invalids[i].what);
		ok(l.n == 0 && l.v == NULL, "cookie %s leaves list empty",
		    cookie_invalids[i].what);
	}
	is_int(kv_parse_cookies(NULL, &l, 4), KV_OK, "no Cookie header");
	is_int(l.n, 0, "no cookies");

	/* 64 KiB cookie header: too long, refused before parsing. */
	len = 64 * 1024;
	if ((big = malloc(len + 1)) == NULL)
		return 1;
	memcpy(big, "sid=", 4);
	memset(big + 4, 'x', len - 4);
	big[len] = '\0';
	is_int(kv_parse_cookies(big, &l, LIMIT_COOKIE_PAIRS), KV_ETOOLONG,
	    "64 KiB cookie refused");
	big[LIMIT_COOKIE_LEN] = '\0';
	is_int(kv_parse_cookies(big, &l, LIMIT_COOKIE_PAIRS), KV_OK,
	    "cookie of exactly LIMIT_COOKIE_LEN accepted");
	is_int(l.n == 1 ? l.v[0].vlen : 0, LIMIT_COOKIE_LEN - 4,
	    "long value kept whole");
	kv_free(&l);
	big[LIMIT_COOKIE_LEN + 1] = '\0';
	big[LIMIT_COOKIE_LEN] = 'x';
	is_int(kv_parse_cookies(big, &l, LIMIT_COOKIE_PAIRS), KV_ETOOLONG,
	    "one byte over LIMIT_COOKIE_LEN refused");
	/* Many cookies: over the pair limit. */
	for (i = 0; i < 40; i++)
		memcpy(big + i * 6, "a=bc; ", 6);
	big[40 * 6] = '\0';
	is_int(kv_parse_cookies(big, &l, LIMIT_COOKIE_PAIRS), KV_ETOOMANY,
	    "40 cookies over limit of %d", LIMIT_COOKIE_PAIRS);
	ok(l.n == 0 && l.v == NULL, "too many cookies leaves list empty");
	free(big);

	is_int(kv_parse_cookies("sid=abc; theme=dark", &l, 4), KV_OK,
	    "cookie get setup");
	is_str(kv_get(&l, "theme"), "dark", "cookie kv_get");
	kv_free(&l);


	return tap_done();
}
