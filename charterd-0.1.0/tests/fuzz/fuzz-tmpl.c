/* fuzz-tmpl.c: libFuzzer target for the template parser and renderer, in every escaping context */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "tmpl.h"

/*
 * Input: one byte choosing the template's context (byte % TMPL_ESC__MAX:
 * '0' HTML, '1' text, '2' header), the template source, then optionally
 * "\n---\n" and a JSON context.  Without a context a fixed one is used so
 * sections have something to walk and every context has something to
 * escape, strip or refuse.  The template is added as "t.<ext>" and again
 * as "p.<ext>", so it can reach itself as a partial.  It is then rendered
 * in its own context and in each of the others (tmpl_render_as).
 */
#define SEP		"\n---\n"
#define DEFAULT_CTX	"{\"a\":[1,{\"b\":\"<&>\"},[true]],\"b\":{\"c\":2.5}," \
			"\"s\":\"x'\\\"\",\"t\":true,\"f\":false,\"n\":null," \
			"\"e\":[],\"o\":{\"a\":false}," \
			"\"c\":\"a\\r\\nb\\t\\u0000\\u001b\\u007f\\u0085\"," \
			"\"u\":\"\\u2028\\u00a0\"}"

static const char *const ext[TMPL_ESC__MAX] = {
	[TMPL_ESC_HTML] = ".html",
	[TMPL_ESC_TEXT] = ".txt",
	[TMPL_ESC_HEADER] = ".hdr",
};

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* 1 when src holds a raw tag: the only way markup reaches HTML output. */
static int
has_raw(const char *src, size_t len)
{
	return memmem(src, len, "{{{", 3) != NULL ||
	    memmem(src, len, "{{&", 3) != NULL;
}

/* 1 when s has a byte past ASCII. */
static int
has_high(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/* 1 when buf_text would drop a byte of s: a control character in it. */
static int
has_ctl(const char *s, size_t len)
{
	struct buf	 b = { 0 };
	int		 rc;

	if (len == 0)
		return 0;
	rc = buf_text(&b, s, len) == 0 && b.len != len;
	buf_free(&b);
	return rc;
}

/*
 * What each context promises of a successful render of src, whatever the
 * values: a header is one clean line, whatever the template's bytes; text
 * adds no control character to an ASCII template without one (the
 * template's own text is trusted as is: broken UTF-8 on both sides of a
 * tag, "\xc2{{x}}\x85", makes a C1 control); HTML adds none of < > " '
 * unless a raw tag does.
 */
static void
check_output(enum tmpl_escape esc, const char *src, size_t srclen,
    const struct buf *out)
{
	static const char	 html[] = "<>\"'";
	size_t			 i;

	if (out->len == 0)
		return;
	switch (esc) {
	case TMPL_ESC_HEADER:
		if (buf_header_bad(out->data, out->len) != out->len)
			abort();
		break;
	case TMPL_ESC_TEXT:
		if (!has_high(src, srclen) && !has_ctl(src, srclen) &&
		    has_ctl(out->data, out->len))
			abort();
		break;
	default:
		if (has_raw(src, srclen))
			break;
		for (i = 0; i < sizeof(html) - 1; i++)
			if (memchr(src, html[i], srclen) == NULL &&
			    memchr(out->data, html[i], out->len) != NULL)
				abort();
		break;
	}
}

/* Renders name in esc twice: a failure leaves nothing, bytes repeat. */
static int
render_twice(const struct tmpl_set *set, const char *name,
    enum tmpl_escape esc, const json_t *ctx, struct buf *out)
{
	struct buf	 again = { 0 };
	int		 rc;

	buf_reset(out);
	out->max = again.max = 1 << 20;
	rc = tmpl_render_as(set, name, esc, ctx, out);
	if (rc == -1 && out->len != 0)
		abort();
	if (tmpl_render_as(set, name, esc, ctx, &again) != rc ||
	    out->len != again.len ||
	    (out->len && memcmp(out->data, again.data, out->len) != 0))
		abort();
	buf_free(&again);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 init;
	struct tmpl_set	*set = NULL;
	struct tmpl	*t;
	struct buf	 out = { 0 }, own = { 0 };
	enum tmpl_escape esc, e;
	json_t		*ctx = NULL;
	const char	*src, *sep;
	char		 err[256], tname[8], pname[8];
	size_t		 srclen;

	if (!init) {
		log_init("fuzz-tmpl", LOG_LVL_ERR);
		init = 1;
	}
	if (size == 0)
		return 0;
	esc = (enum tmpl_escape)(data[0] % TMPL_ESC__MAX);
	src = (const char *)data + 1;
	srclen = --size;
	if ((sep = memmem(src, size, SEP, sizeof(SEP) - 1)) != NULL) {
		srclen = (size_t)(sep - src);
		ctx = json_loadb(sep + sizeof(SEP) - 1,
		    size - srclen - (sizeof(SEP) - 1),
		    JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	} else
		ctx = json_loads(DEFAULT_CTX, JSON_ALLOW_NUL, NULL);

	if ((t = tmpl_parse(src, srclen, esc, err, sizeof(err))) == NULL) {
		/* Every failure carries a line number. */
		if (strncmp(err, "line ", 5) != 0)
			abort();
		goto out;
	}
	if (tmpl_escape_of(t) != esc)
		abort();
	tmpl_free(t);

	snprintf(tname, sizeof(tname), "t%s", ext[esc]);
	snprintf(pname, sizeof(pname), "p%s", ext[esc]);
	if ((set = tmpl_set_new()) == NULL ||
	    tmpl_set_add(set, tname, src, srclen, err, sizeof(err)) == -1 ||
	    tmpl_set_add(set, pname, src, srclen, err, sizeof(err)) == -1)
		goto out;
	(void)tmpl_set_check(set, err, sizeof(err));

	/* tmpl_render is tmpl_render_as in the template's own context. */
	own.max = 1 << 20;
	if (tmpl_render(set, tname, ctx, &own) !=
	    render_twice(set, tname, esc, ctx, &out) || own.len != out.len ||
	    (own.len && memcmp(own.data, out.data, own.len) != 0))
		abort();
	for (e = 0; e < TMPL_ESC__MAX; e++)
		if (render_twice(set, tname, e, ctx, &out) == 0)
			check_output(e, src, srclen, &out);
out:
	buf_free(&out);
	buf_free(&own);
	tmpl_set_free(set);
	json_decref(ctx);
	return 0;
}
