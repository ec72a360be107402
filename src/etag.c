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

int
etag_list_add(char *list, size_t len, const char *tag)
{
	size_t	 n = strlen(list), at;

	if (!ours(tag, strlen(tag)) || n < 2 || list[0] != '{' ||
	    list[n - 1] != '}')
		return -1;
	if (strcmp(list, "{*}") == 0)
		return 0;		/* matches every tag already */
	if (n + (n > 2) + ETAG_HEX_LEN + 1 > len)
		return -1;
	at = n - 1;			/* the closing brace */
	if (n > 2)
		list[at++] = ',';
	memcpy(list + at, tag, ETAG_HEX_LEN);
	at += ETAG_HEX_LEN;
	list[at++] = '}';
	list[at] = '\0';
	return 0;
}

int
etag_listed(const char *list, const char *tag)
{
	const char	*p;
	size_t		 n = strlen(tag);

	if (strcmp(list, "{*}") == 0)
		return 1;
	if (n == 0)
		return 0;
	/* Elements are ETAG_HEX_LEN hex digits between "{" or "," and "," or
	 * "}": a match must fill one whole. */
	for (p = list; (p = strstr(p, tag)) != NULL; p++)
		if ((p[-1] == '{' || p[-1] == ',') &&
		    (p[n] == '}' || p[n] == ','))
			return 1;
	return 0;
}
