/* fuzz-tmpl.c: libFuzzer target for the template parser and renderer */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "tmpl.h"

/*
 * Input: template source, then optionally "\n---\n" and a JSON context.
 * Without a context a fixed one is used so sections have something to
 * walk.  The template is added as "t" and again as "p.html", so it can
 * reach itself as a partial either way.
 */
#define SEP		"\n---\n"
#define DEFAULT_CTX	"{\"a\":[1,{\"b\":\"<&>\"},[true]],\"b\":{\"c\":2.5}," \
			"\"s\":\"x'\\\"\",\"t\":true,\"f\":false,\"n\":null," \
			"\"e\":[],\"o\":{\"a\":false}}"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 init;
	struct tmpl_set	*set = NULL;
	struct tmpl	*t;
	struct buf	 out = { 0 }, again = { 0 };
	json_t		*ctx = NULL;
	const char	*src = (const char *)data, *sep;
	size_t		 srclen = size;
	char		 err[256];
	int		 rc;

	if (!init) {
		log_init("fuzz-tmpl", LOG_LVL_ERR);
		init = 1;
	}
	if ((sep = memmem(src, size, SEP, sizeof(SEP) - 1)) != NULL) {
		srclen = (size_t)(sep - src);
		ctx = json_loadb(sep + sizeof(SEP) - 1,
		    size - srclen - (sizeof(SEP) - 1),
		    JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	} else
		ctx = json_loads(DEFAULT_CTX, 0, NULL);

	if ((t = tmpl_parse(src, srclen, err, sizeof(err))) == NULL) {
		/* Every failure carries a line number. */
		if (strncmp(err, "line ", 5) != 0)
			abort();
		goto out;
	}
	tmpl_free(t);

	if ((set = tmpl_set_new()) == NULL ||
	    tmpl_set_add(set, "t", src, srclen, err, sizeof(err)) == -1 ||
	    tmpl_set_add(set, "p.html", src, srclen, err, sizeof(err)) == -1)
		goto out;
	(void)tmpl_set_check(set, err, sizeof(err));

	out.max = again.max = 1 << 20;
	rc = tmpl_render(set, "t", ctx, &out);
	if (rc == -1 && out.len != 0)
		abort();
	/* Rendering is pure: the same inputs give the same bytes. */
	if (tmpl_render(set, "t", ctx, &again) != rc || out.len != again.len ||
	    (out.len && memcmp(out.data, again.data, out.len) != 0))
		abort();
out:
	buf_free(&out);
	buf_free(&again);
	tmpl_set_free(set);
	json_decref(ctx);
	return 0;
}
