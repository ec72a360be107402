/* fuzz-mime.c: libFuzzer target for the message builder: random names, subjects and bodies */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime.h"
#include "utf8.h"
#include "valid.h"

#include "../mime-check.h"

#define FIELDS	5	/* name, subject, text, html, address: NUL-separated */

static int
header_ok(const char *s)
{
	size_t len = strlen(s);

	return utf8_valid(s, len) && buf_header_bad(s, len) == len;
}

/* s with every CRLF made LF, as a reader compares line ends. */
static void
lf(const char *s, size_t n, struct buf *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			buf_putc(out, s[i]);
}

/* Runs of spaces made one, both ends trimmed: what mime.c promises. */
static void
squeezed(const char *s, struct buf *out)
{
	for (; *s == ' '; s++)
		;
	for (; *s != '\0'; s++)
		if (!(*s == ' ' && (s[1] == ' ' || s[1] == '\0')))
			buf_putc(out, *s);
}

static void
same_part(const char *msg, const char *type, const char *want, size_t n)
{
	struct buf	 got = { 0 }, a = { 0 }, b = { 0 };

	if (mc_part(msg, type, &got) == -1)
		__builtin_trap();
	lf(buf_str(&got), got.len, &a);
	lf(want, n, &b);
	/* A text-only message gains a final line end when it had none. */
	if (strcmp(type, "text/plain") == 0 && a.len == b.len + 1 &&
	    a.data[a.len - 1] == '\n' && (b.len == 0 || b.data[b.len - 1] != '\n'))
		a.len--;
	if (a.len != b.len || memcmp(buf_str(&a), buf_str(&b), a.len) != 0)
		__builtin_trap();
	buf_free(&got);
	buf_free(&a);
	buf_free(&b);
}

static void
same_header(const char *msg, const char *name, const char *want)
{
	struct buf	 d = { 0 };
	char		*v = mc_header(msg, name);
	int		 words;

	if (v == NULL || mc_decode_words(v, &d, &words) == -1)
		__builtin_trap();
	if (strcmp(buf_str(&d), want) != 0)
		__builtin_trap();
	free(v);
	buf_free(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			*f[FIELDS], *copy, *p, *end;
	struct mime_message	 m;
	struct buf		 out = { 0 }, want = { 0 };
	char			 err[256], name[MIME_NAME_MAX + 8];
	size_t			 i, longest;
	int			 good, fixed_addr, rc;

	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	end = copy + size;
	for (i = 0, p = copy; i < FIELDS; i++) {
		f[i] = p <= end ? p : end;
		p = p <= end ? p + strlen(p) + 1 : end;
	}
	fixed_addr = f[4][0] == '\0';
	memset(&m, 0, sizeof(m));
	m.from.name = "Harbor Light";
	m.from.addr = "crew@harborlight.example";
	m.to.name = f[0];
	m.to.addr = fixed_addr ? "guest@example.com" : f[4];
	m.subject = f[1];
	m.text = f[2];
	m.text_len = strlen(f[2]);
	m.html = f[3][0] != '\0' ? f[3] : NULL;
	m.html_len = strlen(f[3]);
	m.message_id = "outbox-1.00ff@harborlight.example";
	m.date = 1780156800;

	good = header_ok(f[0]) && strlen(f[0]) < MIME_NAME_MAX &&
	    header_ok(f[1]) && utf8_valid(f[2], strlen(f[2])) &&
	    utf8_valid(f[3], strlen(f[3])) && valid_email(m.to.addr);
	rc = mime_build(&m, &out, err, sizeof(err));
	if (rc == -2)
		goto out;	/* out of memory: not the builder's fault */
	if (rc == -1) {
		/* A refusal must have a reason, and leave nothing. */
		if (good || out.len != 0)
			__builtin_trap();
		goto out;
	}
	if (!good)
		__builtin_trap();
	/* No bare CR or LF, ASCII headers, lines within 998... */
	if (mc_shape(out.data, out.len, &longest) != NULL)
		__builtin_trap();
	/* ...and within 78 when no address is longer than a line. */
	if (fixed_addr && longest > MIME_FOLD)
		__builtin_trap();
	squeezed(f[1], &want);
	same_header(out.data, "Subject", buf_str(&want));
	buf_reset(&want);
	if (f[0][0] != '\0') {
		/* Quoted-string names are compared raw: mc_decode_words
		 * does not unquote; the rest decode to the name. */
		struct buf d = { 0 };
		char *v = mc_header(out.data, "To");
		int words;

		if (v == NULL || mc_decode_words(v, &d, &words) == -1)
			__builtin_trap();
		if (d.data[0] != '"') {
			snprintf(name, sizeof(name), "%s <", f[0]);
			if (strncmp(d.data, name, strlen(name)) != 0)
				__builtin_trap();
		}
		free(v);
		buf_free(&d);
	}
	same_part(out.data, "text/plain", f[2], strlen(f[2]));
	if (m.html != NULL)
		same_part(out.data, "text/html", f[3], strlen(f[3]));
out:
	buf_free(&out);
	buf_free(&want);
	free(copy);
	return 0;
}
