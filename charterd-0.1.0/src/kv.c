/* kv.c: query string, form body and Cookie header parsing */
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "kv.h"
#include "limits.h"
#include "utf8.h"

/* NUL inside, or not UTF-8: either way not text we hand to handlers. */
static int
is_clean_text(const char *s, size_t len)
{
	return memchr(s, '\0', len) == NULL && utf8_valid(s, len);
}

enum kv_status
kv_decode(const char *s, size_t len, int plus_space, char **out,
    size_t *outlen)
{
	char	*d;
	size_t	 i, n = 0;
	int	 hi, lo;

	*out = NULL;
	/* Decoding never lengthens the input. */
	if ((d = malloc(len + 1)) == NULL)
		return KV_ENOMEM;
	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			if (len - i < 3 || (hi = hex_value(s[i + 1])) < 0 ||
			    (lo = hex_value(s[i + 2])) < 0) {
				free(d);
				return KV_EMALFORMED;
			}
			d[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus_space)
			d[n++] = ' ';
		else
			d[n++] = s[i];
	}
	d[n] = '\0';
	if (!is_clean_text(d, n)) {
		free(d);
		return KV_EUTF8;
	}
	*out = d;
	if (outlen != NULL)
		*outlen = n;
	return KV_OK;
}

void
kv_free(struct kvlist *l)
{
	size_t	 i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Appends a pair, taking ownership of key and val (freed on failure). */
static enum kv_status
kv_push(struct kvlist *l, size_t *cap, char *key, char *val, size_t vlen)
{
	struct kv	*nv;
	size_t		 ncap;

	if (l->n == *cap) {
		ncap = *cap ? *cap * 2 : 8;
		if ((nv = reallocarray(l->v, ncap, sizeof(*nv))) == NULL) {
			free(key);
			free(val);
			return KV_ENOMEM;
		}
		l->v = nv;
		*cap = ncap;
	}
	l->v[l->n].key = key;
	l->v[l->n].val = val;
	l->v[l->n].vlen = vlen;
	l->n++;
	return KV_OK;
}

enum kv_status
kv_parse_query(const char *s, size_t len, struct kvlist *out,
    size_t max_pairs)
{
	const char	*p, *end, *amp, *eq;
	char		*key = NULL, *val = NULL;
	size_t		 cap = 0, vlen;
	enum kv_status	 st = KV_OK;

	out->v = NULL;
	out->n = 0;
	if (len == 0)
		return KV_OK;
	for (p = s, end = s + len; p < end; p = amp == end ? end : amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p)
			continue;			/* "&&" */
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if (eq == p)
			continue;			/* "=value" */
		if (out->n == max_pairs) {
			st = KV_ETOOMANY;
			goto out;
		}
		st = kv_decode(p, (size_t)(eq - p), 1, &key, NULL);
		if (st != KV_OK)
			goto out;
		if (eq == amp) {
			vlen = 0;
			val = strdup("");
			st = val == NULL ? KV_ENOMEM : KV_OK;
		} else
			st = kv_decode(eq + 1, (size_t)(amp - eq - 1), 1,
			    &val, &vlen);
		if (st != KV_OK) {
			free(key);
			goto out;
		}
		if ((st = kv_push(out, &cap, key, val, vlen)) != KV_OK)
			goto out;
	}
out:
	if (st != KV_OK)
		kv_free(out);
	return st;
}

static int
is_cookie_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Control bytes (CTL of RFC 5234) have no place in a name or value. */
static int
has_ctl(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return 1;
	return 0;
}

static enum kv_status
cookie_copy(const char *s, size_t len, char **out)
{
	if (has_ctl(s, len))
		return KV_EMALFORMED;
	if (!utf8_valid(s, len))
		return KV_EUTF8;
	if ((*out = strndup(s, len)) == NULL)
		return KV_ENOMEM;
	return KV_OK;
}

enum kv_status
kv_parse_cookies(const char *header, struct kvlist *out, size_t max_pairs)
{
	const char	*p, *end, *semi, *eq, *ks, *ke, *vs, *ve;
	char		*key = NULL, *val = NULL;
	size_t		 cap = 0, len;
	enum kv_status	 st = KV_OK;

	out->v = NULL;
	out->n = 0;
	if (header == NULL)
		return KV_OK;
	/* Bounded scan: a huge header is refused without walking all of it. */
	if ((len = strnlen(header, LIMIT_COOKIE_LEN + 1)) > LIMIT_COOKIE_LEN)
		return KV_ETOOLONG;
	for (p = header, end = header + len; p < end;
	    p = semi == end ? end : semi + 1) {
		if ((semi = memchr(p, ';', (size_t)(end - p))) == NULL)
			semi = end;
		if ((eq = memchr(p, '=', (size_t)(semi - p))) == NULL)
			continue;			/* no '=': ignored */
		for (ks = p; ks < eq && is_cookie_ws(*ks); ks++)
			continue;
		for (ke = eq; ke > ks && is_cookie_ws(ke[-1]); ke--)
			continue;
		if (ks == ke)
			continue;			/* empty name */
		for (vs = eq + 1; vs < semi && is_cookie_ws(*vs); vs++)
			continue;
		for (ve = semi; ve > vs && is_cookie_ws(ve[-1]); ve--)
			continue;
		if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		if (out->n == max_pairs) {
			st = KV_ETOOMANY;
			goto out;
		}
		if ((st = cookie_copy(ks, (size_t)(ke - ks), &key)) != KV_OK)
			goto out;
		if ((st = cookie_copy(vs, (size_t)(ve - vs), &val)) != KV_OK) {
			free(key);
			goto out;
		}
		if ((st = kv_push(out, &cap, key, val, (size_t)(ve - vs))) !=
		    KV_OK)
			goto out;
	}
out:
	if (st != KV_OK)
		kv_free(out);
	return st;
}

const char *
kv_get(const struct kvlist *l, const char *key)
{
	size_t	 i;

	if (l == NULL || key == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].val;
	return NULL;
}
