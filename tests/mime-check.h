/* mime-check.h: a strict reader of the messages mime.c builds, for test-mime, test-mail and fuzz-mime */
#ifndef CHARTERD_MIME_CHECK_H
#define CHARTERD_MIME_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "utf8.h"

/*
 * Checks the shape every message must have: lines end in CRLF and there
 * is no other CR or LF; the header section (up to the first empty line)
 * is printable ASCII, SP and HT, with lines of at most 998 bytes, and
 * continuation lines start with white space and hold more than it; body
 * lines are at most 998 bytes and 7-bit. Returns NULL, or what is wrong.
 * *longest gets the longest header line.
 */
static const char *
mc_shape(const char *m, size_t len, size_t *longest)
{
	size_t	 i, start = 0, n;
	int	 in_header = 1, blank;

	*longest = 0;
	if (len < 2 || m[len - 2] != '\r' || m[len - 1] != '\n')
		return "does not end in CRLF";
	for (i = 0; i < len; i++) {
		if (m[i] == '\r' && (i + 1 >= len || m[i + 1] != '\n'))
			return "bare CR";
		if (m[i] == '\n' && (i == 0 || m[i - 1] != '\r'))
			return "bare LF";
		if (m[i] != '\n')
			continue;
		n = i - 1 - start;		/* without the CRLF */
		blank = n == 0;
		if (n > 998)
			return "line over 998 bytes";
		if (in_header) {
			if (n > *longest)
				*longest = n;
			if ((m[start] == ' ' || m[start] == '\t')) {
				size_t k;
				for (k = start; k < start + n && (m[k] == ' ' ||
				    m[k] == '\t'); k++)
					;
				if (k == start + n)
					return "header continuation of white space only";
				if (start == 0)
					return "first line is a continuation";
			}
			for (size_t k = start; k < start + n; k++)
				if ((unsigned char)m[k] > 0x7e ||
				    ((unsigned char)m[k] < 0x20 && m[k] != '\t'))
					return "header byte outside printable ASCII";
		} else {
			for (size_t k = start; k < start + n; k++)
				if ((unsigned char)m[k] > 0x7e)
					return "8-bit byte in the body";
		}
		if (blank)
			in_header = 0;
		start = i + 1;
	}
	return in_header ? "no end of headers" : NULL;
}

/* The unfolded value of header name (first one), malloc'd, or NULL. */
static char *
mc_header(const char *m, const char *name)
{
	size_t		 nlen = strlen(name);
	const char	*p = m, *v, *e;
	char		*out;
	size_t		 n = 0;

	for (;;) {
		if (p[0] == '\r' && p[1] == '\n')
			return NULL;		/* end of headers */
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':')
			break;
		if ((p = strstr(p, "\r\n")) == NULL)
			return NULL;
		p += 2;
	}
	v = p + nlen + 1;
	for (e = v; !(e[0] == '\r' && e[1] == '\n' && e[2] != ' ' &&
	    e[2] != '\t'); e++)
		;
	out = malloc((size_t)(e - v) + 1);
	for (; v < e; v++) {
		if (v[0] == '\r' && v[1] == '\n') {
			v++;
			continue;
		}
		out[n++] = *v;
	}
	out[n] = '\0';
	/* the value starts after the one space following the colon */
	if (out[0] == ' ')
		memmove(out, out + 1, n);
	return out;
}

static int
mc_b64val(char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* Decodes base64 [s, s+n) onto out; -1 when malformed. */
static int
mc_b64(const char *s, size_t n, struct buf *out)
{
	size_t	 i;
	int	 a, b, c, d;

	if (n % 4 != 0)
		return -1;
	for (i = 0; i < n; i += 4) {
		a = mc_b64val(s[i]);
		b = mc_b64val(s[i + 1]);
		c = s[i + 2] == '=' ? -2 : mc_b64val(s[i + 2]);
		d = s[i + 3] == '=' ? -2 : mc_b64val(s[i + 3]);
		if (a < 0 || b < 0 || c == -1 || d == -1 || (c == -2 && d != -2))
			return -1;
		buf_putc(out, (char)(a << 2 | b >> 4));
		if (c >= 0)
			buf_putc(out, (char)((b & 15) << 4 | c >> 2));
		if (d >= 0)
			buf_putc(out, (char)((c & 3) << 6 | d));
	}
	return 0;
}

/*
 * Decodes an unfolded header value the way a mail reader does (RFC 2047
 * 6.2): encoded-words "=?UTF-8?B?..?=" decoded, the white space between
 * two of them dropped. Each encoded-word must decode to valid UTF-8 on
 * its own (whole characters), else -1. *words counts them.
 */
static int
mc_decode_words(const char *v, struct buf *out, int *words)
{
	const char	*p = v, *q, *e;
	int		 prev_ew = 0;
	struct buf	 ws = { 0 }, w = { 0 };
	int		 rc = -1;

	*words = 0;
	while (*p != '\0') {
		buf_reset(&ws);
		while (*p == ' ' || *p == '\t')
			buf_putc(&ws, *p++);
		if (*p == '\0') {
			if (!prev_ew || *words == 0)
				buf_append(out, ws.data ? ws.data : "", ws.len);
			break;
		}
		for (q = p; *q != '\0' && *q != ' ' && *q != '\t'; q++)
			;
		if (q - p >= 12 && strncmp(p, "=?UTF-8?B?", 10) == 0 &&
		    q[-2] == '?' && q[-1] == '=') {
			buf_reset(&w);
			if (mc_b64(p + 10, (size_t)(q - p) - 12, &w) == -1 ||
			    !utf8_valid(buf_str(&w), w.len))
				goto out;
			if (!prev_ew)
				buf_append(out, buf_str(&ws), ws.len);
			buf_append(out, buf_str(&w), w.len);
			(*words)++;
			prev_ew = 1;
		} else {
			buf_append(out, buf_str(&ws), ws.len);
			for (e = p; e < q; e++)
				buf_putc(out, *e);
			prev_ew = 0;
		}
		p = q;
	}
	rc = 0;
out:
	buf_free(&ws);
	buf_free(&w);
	return rc;
}

/* An upper-case hex digit's value, else -1 (mime.c writes upper case). */
static int
mc_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes quoted-printable [s, s+n), CRLF line ends kept; -1 when
 * malformed or a line is over 76. */
static int
mc_qp(const char *s, size_t n, struct buf *out)
{
	size_t	 i, col = 0;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			if (col > 76)
				return -1;
			buf_append(out, "\r\n", 2);
			i++;
			col = 0;
			continue;
		}
		col++;
		if (s[i] != '=') {
			buf_putc(out, s[i]);
			continue;
		}
		if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
			if (col > 76)
				return -1;
			i += 2;
			col = 0;
			continue;
		}
		if (i + 2 >= n)
			return -1;
		hi = mc_hex(s[i + 1]);
		lo = mc_hex(s[i + 2]);
		if (hi < 0 || lo < 0)
			return -1;
		buf_putc(out, (char)(hi << 4 | lo));
		i += 2;
		col += 2;
	}
	return col > 76 ? -1 : 0;
}

/*
 * The decoded body of the part whose Content-Type starts with type
 * ("text/plain"), in a multipart message or a single-part one. -1 when
 * there is none or it does not decode.
 */
static int
mc_part(const char *m, const char *type, struct buf *out)
{
	char		 want[64];
	const char	*p, *b, *e, *boundary;
	char		*ct, delim[80];
	int		 rc = -1;

	ct = mc_header(m, "Content-Type");
	if (ct == NULL)
		return -1;
	if (strncmp(ct, type, strlen(type)) == 0) {
		b = strstr(m, "\r\n\r\n");
		rc = b != NULL ? mc_qp(b + 4, strlen(b + 4), out) : -1;
		free(ct);
		return rc;
	}
	if ((boundary = strstr(ct, "boundary=\"")) == NULL)
		goto out;
	boundary += 10;
	snprintf(delim, sizeof(delim), "\r\n--%.*s", (int)strcspn(boundary,
	    "\""), boundary);
	snprintf(want, sizeof(want), "Content-Type: %s;", type);
	for (p = strstr(m, delim); p != NULL; p = strstr(p + 1, delim)) {
		if (strncmp(p + strlen(delim), "\r\n", 2) != 0)
			continue;
		if (strncmp(p + strlen(delim) + 2, want, strlen(want)) != 0)
			continue;
		if ((b = strstr(p + strlen(delim), "\r\n\r\n")) == NULL ||
		    (e = strstr(b + 4, delim)) == NULL)
			goto out;
		rc = mc_qp(b + 4, (size_t)(e - b - 4), out);
		goto out;
	}
out:
	free(ct);
	return rc;
}

#endif
