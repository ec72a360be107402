/* tmpl.h: a small Mustache subset rendered from jansson values */
#ifndef CHARTERD_TMPL_H
#define CHARTERD_TMPL_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"

/*
 * Supported: {{name}} (HTML-escaped), {{{name}}} and {{& name}} (raw),
 * dotted names, {{.}}, sections {{#x}}..{{/x}}, inverted {{^x}}..{{/x}},
 * comments {{! .. }}, partials {{> name}} and standalone-line trimming.
 * Not supported (parse error): set delimiters {{=..=}}.  No lambdas.
 *
 * Templates are parsed once (start-up) into a flat node array; rendering
 * does no parsing and no allocation besides growing the output buffer.
 */

struct tmpl;		/* one parsed template */
struct tmpl_set;	/* templates by name; partials resolve inside the set */

/*
 * Parses len bytes of src (need not be NUL-terminated).  Returns the
 * template, or NULL with "line N: what is wrong" in err (errlen bytes,
 * always NUL-terminated when errlen > 0).
 */
struct tmpl	*tmpl_parse(const char *src, size_t len, char *err, size_t errlen);
void		 tmpl_free(struct tmpl *);

/*
 * Loads every regular file named *.html or *.txt directly in dir (hidden
 * files skipped), each under its file name ("guest.html"), then checks
 * that every {{> partial}} names a loaded template.  Returns NULL with
 * "file: line N: ..." in err on a parse error, a file over LIMIT_TMPL_SIZE,
 * an unresolved partial or an I/O error.
 */
struct tmpl_set	*tmpl_set_load(const char *dir, char *err, size_t errlen);

/* Returns an empty set, or NULL on allocation failure. */
struct tmpl_set	*tmpl_set_new(void);

/*
 * Parses src and adds it to the set under name.  Returns 0, or -1 with err
 * filled on a parse error, a duplicate name or allocation failure.
 */
int		 tmpl_set_add(struct tmpl_set *, const char *name,
		    const char *src, size_t len, char *err, size_t errlen);

/*
 * Returns 0 when every partial referenced by the set's templates is in the
 * set, else -1 with "file: line N: unknown partial ..." in err.
 */
int		 tmpl_set_check(const struct tmpl_set *, char *err, size_t errlen);

/* Returns 1 when the set holds a template called name, else 0. */
int		 tmpl_set_has(const struct tmpl_set *, const char *name);

void		 tmpl_set_free(struct tmpl_set *);

/*
 * Renders template name with ctx (may be NULL: empty context), appending
 * to out.  Returns 0, or -1 on an unknown template, an unknown partial,
 * partials nested past LIMIT_TMPL_PARTIALS, the context stack or the step
 * budget (LIMIT_TMPL_STEPS) exhausted, or a failed append (allocation or
 * out->max).  On -1, out is restored to its length before the call.
 */
int		 tmpl_render(const struct tmpl_set *, const char *name,
		    const json_t *ctx, struct buf *out);

#endif
