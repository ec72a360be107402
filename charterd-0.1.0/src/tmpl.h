/* tmpl.h: a small Mustache subset rendered from jansson values */
#ifndef CHARTERD_TMPL_H
#define CHARTERD_TMPL_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"

/*
 * Supported: {{name}} (escaped for the template's context), {{{name}}} and
 * {{& name}} (raw, HTML templates only), dotted names, {{.}}, sections
 * {{#x}}..{{/x}}, inverted {{^x}}..{{/x}}, comments {{! .. }}, partials
 * {{> name}} by template name ("_foot.html", "email/_sign.txt") and
 * standalone-line trimming.  Not supported (parse error): set delimiters
 * {{=..=}}.  No lambdas.
 *
 * Templates are parsed once (start-up) into a flat node array; rendering
 * does no parsing and no allocation besides growing the output buffer.
 */

/*
 * Where a render's bytes go, which decides what {{name}} does to a value.
 * A template's own context comes from its file name (tmpl_escape_from_name).
 */
enum tmpl_escape {
	TMPL_ESC_HTML,		/* *.html: & < > " ' as entities */
	TMPL_ESC_TEXT,		/* *.txt: as is, minus control characters
				   other than \t and \n (buf_text) */
	TMPL_ESC_HEADER,	/* *.hdr: one header value; a control
				   character anywhere fails the render */
	TMPL_ESC__MAX
};

struct tmpl;		/* one parsed template */
struct tmpl_set;	/* templates by name; partials resolve inside the set */

/*
 * Sets *esc to the context a file name stands for: *.html HTML, *.txt
 * text, *.hdr header.  Returns 0, or -1 for any other name.
 */
int		 tmpl_escape_from_name(const char *name, enum tmpl_escape *esc);

/*
 * Parses len bytes of src (need not be NUL-terminated) as a template of
 * context esc.  Text and header templates refuse raw tags; a header
 * template drops one final newline and refuses any other control
 * character in its text.  Returns the template, or NULL with "line N:
 * what is wrong" in err (errlen bytes, always NUL-terminated when
 * errlen > 0).
 */
struct tmpl	*tmpl_parse(const char *src, size_t len, enum tmpl_escape esc,
		    char *err, size_t errlen);
void		 tmpl_free(struct tmpl *);

/* Returns the context t was parsed for. */
enum tmpl_escape tmpl_escape_of(const struct tmpl *t);

/*
 * Loads dir: every *.html, *.txt and *.hdr file in it under its file name
 * ("guest.html"), and those of its subfolders, one level deep, under
 * their relative path ("email/invite.txt").  Hidden entries, other names,
 * deeper folders and symlinked folders are skipped; a template that is a
 * symlink must resolve inside dir.  Then checks every {{> partial}}.
 * Returns NULL with "file: ..." in err on a parse error, a file over
 * LIMIT_TMPL_SIZE, a name over LIMIT_TMPL_NAME, a symlink leading out of
 * dir or to anything but a file, a failed tmpl_set_check or an I/O error.
 */
struct tmpl_set	*tmpl_set_load(const char *dir, char *err, size_t errlen);

/* Returns an empty set, or NULL on allocation failure. */
struct tmpl_set	*tmpl_set_new(void);

/*
 * Parses src in the context its name stands for (HTML for a name without
 * a known suffix: escaping is the default) and adds it to the set under
 * name.  Returns 0, or -1 with err filled on a parse error, a duplicate
 * name or allocation failure.
 */
int		 tmpl_set_add(struct tmpl_set *, const char *name,
		    const char *src, size_t len, char *err, size_t errlen);

/*
 * Returns 0 when every partial referenced by the set's templates is in the
 * set and of the same context as the template that includes it, else -1
 * with "file: line N: unknown partial ..." or "...: partial {{> x.html}}
 * is HTML, not text" in err.
 */
int		 tmpl_set_check(const struct tmpl_set *, char *err, size_t errlen);

/* Returns 1 when the set holds a template called name, else 0. */
int		 tmpl_set_has(const struct tmpl_set *, const char *name);

/* Sets *esc to the context of template name; 0, or -1 if there is none. */
int		 tmpl_set_escape_of(const struct tmpl_set *, const char *name,
		    enum tmpl_escape *esc);

void		 tmpl_set_free(struct tmpl_set *);

/*
 * Renders template name with ctx (may be NULL: empty context) in the
 * template's own context, appending to out.  Returns 0, or -1 on an
 * unknown template, an unknown partial, partials nested past
 * LIMIT_TMPL_PARTIALS, the context stack or the step budget
 * (LIMIT_TMPL_STEPS) exhausted, a value a header may not carry, or a
 * failed append (allocation or out->max).  On -1, out is restored to its
 * length before the call: nothing is emitted.
 */
int		 tmpl_render(const struct tmpl_set *, const char *name,
		    const json_t *ctx, struct buf *out);

/*
 * As tmpl_render, in context esc, which names where out's bytes go.
 * Partials render in esc too.  Outside HTML a raw tag fails the render;
 * in a header every byte, literal or value, must pass buf_header_bad.
 */
int		 tmpl_render_as(const struct tmpl_set *, const char *name,
		    enum tmpl_escape esc, const json_t *ctx, struct buf *out);

/*
 * As tmpl_render_as(..., TMPL_ESC_HEADER, ...): one header value (Subject,
 * a To name).  -1 means the value must not be sent.
 */
int		 tmpl_render_header(const struct tmpl_set *, const char *name,
		    const json_t *ctx, struct buf *out);

#endif
