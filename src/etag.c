/* etag.c: entity tags charterd makes, and reading a client's If-None-Match for them */
#include <string.h>

#include "etag.h"

/* Optional whitespace, RFC 9110's OWS. */
static const char *
ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* One entity-tag at p: [W/] DQUOTE *etagc DQUOTE. Returns the byte after
 * it, or NULL when p does not start one; *tag and *n give the opaque part. */
static const char *
entity_tag(const char *p, const char **tag, size_t *n)
{
	if (p[0] == 'W' && p[1] == '/')
		p += 2;
	if (*p++ != '"')
		return NULL;
	*tag = p;
	/* etagc: %x21 / %x23-7E / obs-text (%x80-FF) */
	while ((unsigned char)*p == 0x21 || ((unsigned char)*p >= 0x23 &&
	    (unsigned char)*p != 0x7f))
		p++;
	if (*p != '"')
		return NULL;
	*n = (size_t)(p - *tag);
	return p + 1;
}

static int
ours(const char *tag, size_t n)
{
	size_t i;

	if (n != ETAG_HEX_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!((tag[i] >= '0' && tag[i] <= '9') ||
		    (tag[i] >= 'a' && tag[i] <= 'f')))
			return 0;
	return 1;
}

int
etag_if_none_match(const char *value, size_t max, char *out, size_t len)
{
	const char	*p, *tag;
	size_t		 n, kept = 0, o = 1;

	if (len < 2 + max * (ETAG_HEX_LEN + 1) + 1 || len < 4)
		return -1;
	memcpy(out, "{}", 3);
	if (value == NULL)
		return 0;
	p = ows(value);
	if (*p == '*' && *ows(p + 1) == '\0') {
		memcpy(out, "{*}", 4);
		return 1;
	}
	out[0] = '{';
	for (;;) {
		/* #rule: empty list elements are allowed (", ,"). */
		p = ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\0')
			break;
		if ((p = entity_tag(p, &tag, &n)) == NULL) {
			memcpy(out, "{}", 3);
			return 0;
		}
		if (ours(tag, n) && kept < max) {
			if (kept > 0)
				out[o++] = ',';
			memcpy(out + o, tag, n);
			o += n;
			kept++;
		}
		p = ows(p);
		if (*p != ',' && *p != '\0') {
			memcpy(out, "{}", 3);
			return 0;
		}
	}
	out[o++] = '}';
	out[o] = '\0';
	return (int)kept;
}
