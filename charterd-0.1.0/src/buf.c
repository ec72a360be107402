/* buf.c: growable byte buffer, always NUL-terminated */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static int
buf_grow(struct buf *b, size_t need)
{
	size_t	 ncap;
	char	*p;

	if (need > (size_t)-1 - b->len - 1)
		return -1;
	if (b->max && b->len + need > b->max)
		return -1;
	if (b->len + need + 1 <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + need + 1)
		ncap *= 2;
	if ((p = realloc(b->data, ncap)) == NULL)
		return -1;
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) == -1)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_html(struct buf *b, const char *s, size_t n)
{
	size_t	 i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (buf_append(b, s + start, i - start) == -1 ||
		    buf_puts(b, rep) == -1)
			return -1;
		start = i + 1;
	}
	return buf_append(b, s + start, n - start);
}

/*
 * Length of the control character starting at s[i] (n bytes in all): 1 for
 * C0 and DEL, 2 for C1 (UTF-8 C2 80-9F), else 0.  A stray byte of broken
 * UTF-8 is not a control character: jansson strings are valid UTF-8.
 */
static size_t
ctl_len(const char *s, size_t n, size_t i)
{
	unsigned char	 c = (unsigned char)s[i];

	if (c < 0x20 || c == 0x7f)
		return 1;
	if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
	    (unsigned char)s[i + 1] <= 0x9f)
		return 2;
	return 0;
}

int
buf_text(struct buf *b, const char *s, size_t n)
{
	size_t	 i = 0, start = 0, k;

	while (i < n) {
		k = s[i] == '\t' || s[i] == '\n' ? 0 : ctl_len(s, n, i);
		if (k == 0) {
			i++;
			continue;
		}
		if (buf_append(b, s + start, i - start) == -1)
			return -1;
		i += k;
		start = i;
	}
	return buf_append(b, s + start, n - start);
}

size_t
buf_header_bad(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (ctl_len(s, n, i) > 0)
			return i;
		/* U+2028, U+2029: E2 80 A8, E2 80 A9 */
		if ((unsigned char)s[i] == 0xe2 && i + 2 < n &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 ||
		    (unsigned char)s[i + 2] == 0xa9))
			return i;
	}
	return n;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

const char *
buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}
