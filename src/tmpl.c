/* tmpl.c: a small Mustache subset rendered from jansson values */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "limits.h"
#include "log.h"
#include "tmpl.h"

/* Root, plus LIMIT_TMPL_DEPTH sections in each template of a partial chain. */
#define TMPL_CTX_MAX	(1 + LIMIT_TMPL_DEPTH * (LIMIT_TMPL_PARTIALS + 1))

/* Longest name quoted back in an error message. */
#define TMPL_ERR_NAME	64

enum node_type {
	NODE_TEXT,	/* off, len: bytes of pool */
	NODE_VAR,	/* seg, nseg: HTML-escaped value */
	NODE_RAW,	/* seg, nseg: value as is */
	NODE_SECTION,	/* seg, nseg, end */
	NODE_INVERTED,	/* seg, nseg, end */
	NODE_PARTIAL,	/* off: NUL-terminated name in pool */
};

struct node {
	enum node_type	 type;
	unsigned	 line;	/* of the tag, for tmpl_set_check */
	size_t		 off;
	size_t		 len;
	size_t		 seg;	/* first index in segs[] */
	size_t		 nseg;	/* name segments; 0 means "." */
	size_t		 end;	/* index of the node after the body */
};

struct tmpl {
	char		*pool;	/* source copy, then NUL-terminated names */
	size_t		*segs;	/* offsets of name segments in pool */
	struct node	*nodes;
	size_t		 nnodes;
};

struct tmpl_ent {
	char		*name;
	struct tmpl	*t;
};

struct tmpl_set {
	struct tmpl_ent	*v;	/* sorted by name */
	size_t		 n;
	size_t		 cap;
};

/* Tag kinds seen by the parser; CLOSE and COMMENT produce no node. */
enum tag_type {
	TAG_VAR, TAG_RAW, TAG_SECTION, TAG_INVERTED, TAG_CLOSE,
	TAG_COMMENT, TAG_PARTIAL
};

struct open_sec {
	size_t		 node;
	size_t		 name;	/* offset of the raw name in src */
	size_t		 namelen;
	unsigned	 line;
};

struct parser {
	const char	*src;
	size_t		 len;
	size_t		 counted;	/* newlines counted in src[0, counted) */
	unsigned	 line;		/* line number at counted */
	struct tmpl	*t;
	struct buf	 pool;
	size_t		 nodecap;
	size_t		 nsegs;
	size_t		 segcap;
	struct open_sec	 open[LIMIT_TMPL_DEPTH];
	size_t		 nopen;
	char		*err;
	size_t		 errlen;
};

struct render {
	const struct tmpl_set	*set;
	struct buf		*out;
	const json_t		*stack[TMPL_CTX_MAX];
	size_t			 depth;
	size_t			 partials;
	unsigned long		 steps;
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
perr(struct parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "line N: msg" into the parser's err; always returns -1. */
static int
perr(struct parser *p, unsigned line, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	seterr(p->err, p->errlen, "line %u: %s", line, msg);
	return -1;
}

/* Line number of src[pos]; pos never goes backwards between calls. */
static unsigned
line_at(struct parser *p, size_t pos)
{
	const char	*nl;

	while (p->counted < pos &&
	    (nl = memchr(p->src + p->counted, '\n', pos - p->counted)) != NULL) {
		p->line++;
		p->counted = (size_t)(nl - p->src) + 1;
	}
	if (p->counted < pos)
		p->counted = pos;
	return p->line;
}

/* Offset of the first "}}" in src[from, len), or (size_t)-1. */
static size_t
find_close(const struct parser *p, size_t from)
{
	const char	*q;

	if (from >= p->len)
		return (size_t)-1;
	q = memmem(p->src + from, p->len - from, "}}", 2);
	return q == NULL ? (size_t)-1 : (size_t)(q - p->src);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_namech(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static struct node *
add_node(struct parser *p, enum node_type type, unsigned line)
{
	struct tmpl	*t = p->t;
	struct node	*n;
	size_t		 ncap;

	if (t->nnodes == p->nodecap) {
		ncap = p->nodecap ? p->nodecap * 2 : 16;
		if ((n = reallocarray(t->nodes, ncap, sizeof(*n))) == NULL) {
			perr(p, line, "out of memory");
			return NULL;
		}
		t->nodes = n;
		p->nodecap = ncap;
	}
	n = &t->nodes[t->nnodes++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->line = line;
	return n;
}

static int
add_seg(struct parser *p, const char *s, size_t n, unsigned line)
{
	size_t	*v, ncap;

	if (p->nsegs == p->segcap) {
		ncap = p->segcap ? p->segcap * 2 : 16;
		if ((v = reallocarray(p->t->segs, ncap, sizeof(*v))) == NULL)
			return perr(p, line, "out of memory");
		p->t->segs = v;
		p->segcap = ncap;
	}
	p->t->segs[p->nsegs++] = p->pool.len;
	if (buf_append(&p->pool, s, n) == -1 ||
	    buf_putc(&p->pool, '\0') == -1)
		return perr(p, line, "out of memory");
	return 0;
}

static int
bad_char(struct parser *p, unsigned line, char c)
{
	unsigned char	 uc = (unsigned char)c;

	if (uc >= 0x20 && uc < 0x7f)
		return perr(p, line, "invalid character '%c' in name", c);
	return perr(p, line, "invalid character 0x%02x in name", uc);
}

/*
 * Checks a trimmed tag name: "." alone, or dot-separated non-empty
 * segments of [A-Za-z0-9_-].  Partial names are file names: any run of
 * [A-Za-z0-9_.-].
 */
static int
check_name(struct parser *p, const char *s, size_t n, int partial,
    unsigned line)
{
	size_t	 i;

	if (n == 0)
		return perr(p, line, "empty name");
	if (memmem(s, n, "{{", 2) != NULL)
		return perr(p, line, "unclosed tag");
	if (n == 1 && s[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (!partial && (i == 0 || i == n - 1 || s[i - 1] == '.'))
				return perr(p, line, "empty segment in name "
				    "'%.*s'", (int)(n > TMPL_ERR_NAME ?
				    TMPL_ERR_NAME : n), s);
			continue;
		}
		if (!is_namech(s[i]))
			return bad_char(p, line, s[i]);
	}
	return 0;
}

/* Splits a checked name into pool segments and records them in n. */
static int
set_name(struct parser *p, struct node *n, const char *s, size_t len,
    unsigned line)
{
	size_t	 i, start;

	n->seg = p->nsegs;
	n->nseg = 0;
	if (len == 1 && s[0] == '.')
		return 0;
	for (start = i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (add_seg(p, s + start, i - start, line) == -1)
			return -1;
		n->nseg++;
		start = i + 1;
	}
	return 0;
}

/*
 * A section, inverted, close, comment or partial tag alone on its line
 * (only blanks around it) takes the whole line with it.  Returns 1 and
 * sets *ls (start of the blanks before) and *le (past the newline).
 */
static int
standalone(const struct parser *p, size_t tag, size_t end, size_t *ls,
    size_t *le)
{
	size_t	 s = tag, e = end;

	while (s > 0 && (p->src[s - 1] == ' ' || p->src[s - 1] == '\t'))
		s--;
	if (s > 0 && p->src[s - 1] != '\n')
		return 0;
	while (e < p->len && (p->src[e] == ' ' || p->src[e] == '\t'))
		e++;
	if (e < p->len) {
		if (p->src[e] == '\n')
			e++;
		else if (p->src[e] == '\r' && e + 1 < p->len &&
		    p->src[e + 1] == '\n')
			e += 2;
		else
			return 0;
	}
	*ls = s;
	*le = e;
	return 1;
}

static int
emit_text(struct parser *p, size_t from, size_t to, unsigned line)
{
	struct node	*n;

	if (from >= to)
		return 0;
	if ((n = add_node(p, NODE_TEXT, line)) == NULL)
		return -1;
	n->off = from;
	n->len = to - from;
	return 0;
}

static int
do_tag(struct parser *p, enum tag_type type, const char *name, size_t nlen,
    size_t nameoff, unsigned line)
{
	struct open_sec	*o;
	struct node	*n;

	switch (type) {
	case TAG_COMMENT:
		return 0;
	case TAG_CLOSE:
		if (check_name(p, name, nlen, 0, line) == -1)
			return -1;
		if (p->nopen == 0)
			return perr(p, line, "{{/%.*s}} without open section",
			    (int)(nlen > TMPL_ERR_NAME ? TMPL_ERR_NAME : nlen),
			    name);
		o = &p->open[p->nopen - 1];
		if (o->namelen != nlen ||
		    memcmp(p->src + o->name, name, nlen) != 0)
			return perr(p, line, "{{/%.*s}} does not close "
			    "{{#%.*s}} opened on line %u",
			    (int)(nlen > TMPL_ERR_NAME ? TMPL_ERR_NAME : nlen),
			    name, (int)(o->namelen > TMPL_ERR_NAME ?
			    TMPL_ERR_NAME : o->namelen), p->src + o->name,
			    o->line);
		p->t->nodes[o->node].end = p->t->nnodes;
		p->nopen--;
		return 0;
	case TAG_PARTIAL:
		if (check_name(p, name, nlen, 1, line) == -1)
			return -1;
		if ((n = add_node(p, NODE_PARTIAL, line)) == NULL)
			return -1;
		n->off = p->pool.len;
		if (buf_append(&p->pool, name, nlen) == -1 ||
		    buf_putc(&p->pool, '\0') == -1)
			return perr(p, line, "out of memory");
		return 0;
	case TAG_SECTION:
	case TAG_INVERTED:
		if (check_name(p, name, nlen, 0, line) == -1)
			return -1;
		if (p->nopen == LIMIT_TMPL_DEPTH)
			return perr(p, line, "sections nested deeper than %d",
			    LIMIT_TMPL_DEPTH);
		if ((n = add_node(p, type == TAG_SECTION ? NODE_SECTION :
		    NODE_INVERTED, line)) == NULL)
			return -1;
		if (set_name(p, n, name, nlen, line) == -1)
			return -1;
		o = &p->open[p->nopen++];
		o->node = p->t->nnodes - 1;
		o->name = nameoff;
		o->namelen = nlen;
		o->line = line;
		return 0;
	case TAG_VAR:
	case TAG_RAW:
		if (check_name(p, name, nlen, 0, line) == -1)
			return -1;
		if ((n = add_node(p, type == TAG_VAR ? NODE_VAR : NODE_RAW,
		    line)) == NULL)
			return -1;
		return set_name(p, n, name, nlen, line);
	}
	return perr(p, line, "internal error");
}

/* The parse loop: text, tag, text, ...  Returns 0 or -1 with err set. */
static int
parse(struct parser *p)
{
	const char	*q, *name;
	enum tag_type	 type;
	size_t		 pos = 0, text = 0, tag, c, e, end, ls, le, nlen;
	unsigned	 line;

	for (;;) {
		q = pos < p->len ?
		    memmem(p->src + pos, p->len - pos, "{{", 2) : NULL;
		if (q == NULL)
			break;
		tag = (size_t)(q - p->src);
		line = line_at(p, tag);
		c = tag + 2;
		if (c >= p->len)
			return perr(p, line, "unclosed tag");
		switch (p->src[c]) {
		case '{':
			type = TAG_RAW;
			c++;
			if ((e = find_close(p, c)) == (size_t)-1)
				return perr(p, line, "unclosed tag");
			if (e + 2 >= p->len || p->src[e + 2] != '}')
				return perr(p, line,
				    "triple mustache without }}}");
			end = e + 3;
			break;
		case '=':
			return perr(p, line,
			    "set delimiters {{= are not supported");
		case '!':
		case '&':
		case '#':
		case '^':
		case '/':
		case '>':
			type = p->src[c] == '!' ? TAG_COMMENT :
			    p->src[c] == '&' ? TAG_RAW :
			    p->src[c] == '#' ? TAG_SECTION :
			    p->src[c] == '^' ? TAG_INVERTED :
			    p->src[c] == '/' ? TAG_CLOSE : TAG_PARTIAL;
			c++;
			if ((e = find_close(p, c)) == (size_t)-1)
				return perr(p, line, type == TAG_COMMENT ?
				    "unclosed comment" : "unclosed tag");
			end = e + 2;
			break;
		default:
			type = TAG_VAR;
			if ((e = find_close(p, c)) == (size_t)-1)
				return perr(p, line, "unclosed tag");
			end = e + 2;
			break;
		}

		/* Trim blanks around the name: {{ # name }} is fine. */
		while (c < e && is_space(p->src[c]))
			c++;
		while (e > c && is_space(p->src[e - 1]))
			e--;
		name = p->src + c;
		nlen = e - c;

		ls = tag;
		le = end;
		if (type != TAG_VAR && type != TAG_RAW)
			standalone(p, tag, end, &ls, &le);
		if (emit_text(p, text, ls, line) == -1 ||
		    do_tag(p, type, name, nlen, c, line) == -1)
			return -1;
		pos = text = le;
	}
	if (emit_text(p, text, p->len, line_at(p, text)) == -1)
		return -1;
	if (p->nopen > 0) {
		struct open_sec *o = &p->open[p->nopen - 1];

		return perr(p, o->line, "unclosed section {{#%.*s}}",
		    (int)(o->namelen > TMPL_ERR_NAME ? TMPL_ERR_NAME :
		    o->namelen), p->src + o->name);
	}
	return 0;
}

/*
 * Parses a template.  Returns it, or NULL with "line N: ..." in err on a
 * syntax error, a source over LIMIT_TMPL_SIZE or allocation failure.
 */
struct tmpl *
tmpl_parse(const char *src, size_t len, char *err, size_t errlen)
{
	struct parser	 p;
	struct tmpl	*t;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > LIMIT_TMPL_SIZE) {
		seterr(err, errlen, "line 1: template larger than %d bytes",
		    LIMIT_TMPL_SIZE);
		return NULL;
	}
	if (src == NULL)
		src = "";
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		seterr(err, errlen, "line 1: out of memory");
		return NULL;
	}
	memset(&p, 0, sizeof(p));
	p.src = src;
	p.len = len;
	p.line = 1;
	p.t = t;
	p.err = err;
	p.errlen = errlen;

	/* Text nodes point into the copy; names follow it. */
	if (buf_append(&p.pool, src, len) == -1 ||
	    buf_putc(&p.pool, '\0') == -1) {
		seterr(err, errlen, "line 1: out of memory");
		goto fail;
	}
	if (parse(&p) == -1)
		goto fail;
	t->pool = p.pool.data;
	return t;
fail:
	buf_free(&p.pool);
	tmpl_free(t);
	return NULL;
}

void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->pool);
	free(t->segs);
	free(t->nodes);
	free(t);
}

/* --- rendering ---------------------------------------------------------- */

static int
truthy(const json_t *v)
{
	if (v == NULL || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	return 1;
}

/*
 * Mustache lookup: the first segment is searched from the innermost
 * context outwards; the rest descend from what it found.
 */
static const json_t *
lookup(const struct render *r, const struct tmpl *t, const struct node *n)
{
	const json_t	*v = NULL;
	const char	*key;
	size_t		 i;

	if (n->nseg == 0)
		return r->depth ? r->stack[r->depth - 1] : NULL;
	key = t->pool + t->segs[n->seg];
	for (i = r->depth; i-- > 0; )
		if (json_is_object(r->stack[i]) &&
		    (v = json_object_get(r->stack[i], key)) != NULL)
			break;
	for (i = 1; v != NULL && i < n->nseg; i++) {
		if (!json_is_object(v))
			return NULL;
		v = json_object_get(v, t->pool + t->segs[n->seg + i]);
	}
	return v;
}

static int
put_value(struct buf *out, const json_t *v, int escape)
{
	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return escape ?
		    buf_html(out, json_string_value(v), json_string_length(v)) :
		    buf_append(out, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return buf_printf(out, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	case JSON_REAL:
		return buf_printf(out, "%g", json_real_value(v));
	case JSON_TRUE:
		return buf_puts(out, "true");
	default:
		return 0;
	}
}

static const struct tmpl *
set_find(const struct tmpl_set *set, const char *name)
{
	size_t	 lo = 0, hi = set->n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(name, set->v[mid].name)) == 0)
			return set->v[mid].t;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
render_range(struct render *, const struct tmpl *, size_t, size_t);

/* Renders a section body once with v pushed (v NULL: nothing pushed). */
static int
render_body(struct render *r, const struct tmpl *t, const struct node *n,
    const json_t *v)
{
	int	 rc;

	if (++r->steps > LIMIT_TMPL_STEPS) {
		log_warnx("over %d render steps", LIMIT_TMPL_STEPS);
		return -1;
	}
	if (v == NULL)
		return render_range(r, t, (size_t)(n - t->nodes) + 1, n->end);
	if (r->depth == TMPL_CTX_MAX) {
		log_warnx("context stack full");
		return -1;
	}
	r->stack[r->depth++] = v;
	rc = render_range(r, t, (size_t)(n - t->nodes) + 1, n->end);
	r->depth--;
	return rc;
}

static int
render_range(struct render *r, const struct tmpl *t, size_t from, size_t to)
{
	const struct node	*n;
	const struct tmpl	*pt;
	const json_t		*v;
	size_t			 i, k;
	int			 rc;

	for (i = from; i < to; i++) {
		n = &t->nodes[i];
		if (++r->steps > LIMIT_TMPL_STEPS) {
			log_warnx("over %d render steps", LIMIT_TMPL_STEPS);
			return -1;
		}
		switch (n->type) {
		case NODE_TEXT:
			if (buf_append(r->out, t->pool + n->off, n->len) == -1)
				goto nomem;
			break;
		case NODE_VAR:
		case NODE_RAW:
			if (put_value(r->out, lookup(r, t, n),
			    n->type == NODE_VAR) == -1)
				goto nomem;
			break;
		case NODE_SECTION:
			v = lookup(r, t, n);
			if (json_is_array(v)) {
				for (k = 0; k < json_array_size(v); k++)
					if (render_body(r, t, n,
					    json_array_get(v, k)) == -1)
						return -1;
			} else if (json_is_object(v)) {
				if (render_body(r, t, n, v) == -1)
					return -1;
			} else if (truthy(v)) {
				if (render_body(r, t, n, NULL) == -1)
					return -1;
			}
			i = n->end - 1;
			break;
		case NODE_INVERTED:
			if (!truthy(lookup(r, t, n)) &&
			    render_body(r, t, n, NULL) == -1)
				return -1;
			i = n->end - 1;
			break;
		case NODE_PARTIAL:
			if ((pt = set_find(r->set, t->pool + n->off)) == NULL) {
				log_warnx("unknown partial %s",
				    t->pool + n->off);
				return -1;
			}
			if (r->partials == LIMIT_TMPL_PARTIALS) {
				log_warnx("partials nested deeper than %d",
				    LIMIT_TMPL_PARTIALS);
				return -1;
			}
			r->partials++;
			rc = render_range(r, pt, 0, pt->nnodes);
			r->partials--;
			if (rc == -1)
				return -1;
			break;
		}
	}
	return 0;
nomem:
	log_warnx("output append failed (memory or size limit)");
	return -1;
}

/*
 * Renders template name of set with ctx, appending to out.  Returns 0, or
 * -1 (out restored) on an unknown template or partial, too deep partials,
 * the step budget or an append failure.
 */
int
tmpl_render(const struct tmpl_set *set, const char *name, const json_t *ctx,
    struct buf *out)
{
	struct render	 r;
	const struct tmpl *t;
	size_t		 len0 = out->len;

	if (set == NULL || name == NULL || (t = set_find(set, name)) == NULL) {
		log_warnx("unknown template %s", name ? name : "(null)");
		return -1;
	}
	r.set = set;
	r.out = out;
	r.depth = 0;
	r.partials = 0;
	r.steps = 0;
	if (ctx != NULL)
		r.stack[r.depth++] = ctx;
	if (render_range(&r, t, 0, t->nnodes) == -1) {
		out->len = len0;
		if (out->data != NULL)
			out->data[len0] = '\0';
		return -1;
	}
	return 0;
}

/* --- sets --------------------------------------------------------------- */

struct tmpl_set *
tmpl_set_new(void)
{
	return calloc(1, sizeof(struct tmpl_set));
}

void
tmpl_set_free(struct tmpl_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		free(set->v[i].name);
		tmpl_free(set->v[i].t);
	}
	free(set->v);
	free(set);
}

int
tmpl_set_has(const struct tmpl_set *set, const char *name)
{
	return set != NULL && name != NULL && set_find(set, name) != NULL;
}

/*
 * Parses src and adds it under name.  Returns 0, or -1 with err filled on
 * a parse error ("line N: ..."), a duplicate name or allocation failure.
 */
int
tmpl_set_add(struct tmpl_set *set, const char *name, const char *src,
    size_t len, char *err, size_t errlen)
{
	struct tmpl_ent	*v;
	struct tmpl	*t = NULL;
	char		*dup = NULL;
	size_t		 lo = 0, hi, mid, ncap;
	int		 c;

	if (set == NULL || name == NULL) {
		seterr(err, errlen, "no set or no name");
		return -1;
	}
	hi = set->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(name, set->v[mid].name)) == 0) {
			seterr(err, errlen, "duplicate template %s", name);
			return -1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if ((t = tmpl_parse(src, len, err, errlen)) == NULL)
		return -1;
	if ((dup = strdup(name)) == NULL)
		goto nomem;
	if (set->n == set->cap) {
		ncap = set->cap ? set->cap * 2 : 16;
		if ((v = reallocarray(set->v, ncap, sizeof(*v))) == NULL)
			goto nomem;
		set->v = v;
		set->cap = ncap;
	}
	memmove(&set->v[lo + 1], &set->v[lo], (set->n - lo) * sizeof(*set->v));
	set->v[lo].name = dup;
	set->v[lo].t = t;
	set->n++;
	return 0;
nomem:
	seterr(err, errlen, "out of memory");
	free(dup);
	tmpl_free(t);
	return -1;
}

/*
 * Checks that every {{> partial}} in the set names a template of the set.
 * Returns 0, or -1 with "name: line N: unknown partial ..." in err.
 */
int
tmpl_set_check(const struct tmpl_set *set, char *err, size_t errlen)
{
	const struct tmpl	*t;
	const struct node	*n;
	size_t			 i, k;

	for (i = 0; i < set->n; i++) {
		t = set->v[i].t;
		for (k = 0; k < t->nnodes; k++) {
			n = &t->nodes[k];
			if (n->type != NODE_PARTIAL ||
			    set_find(set, t->pool + n->off) != NULL)
				continue;
			seterr(err, errlen, "%s: line %u: unknown partial "
			    "{{> %s}}", set->v[i].name, n->line,
			    t->pool + n->off);
			return -1;
		}
	}
	return 0;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Reads a regular file of at most LIMIT_TMPL_SIZE bytes into data. */
static int
read_file(int dfd, const char *name, char *data, size_t *len, int *skip,
    char *err, size_t errlen)
{
	struct stat	 st;
	ssize_t		 r;
	size_t		 got = 0;
	int		 fd, rc = -1;

	*skip = 0;
	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		seterr(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		seterr(err, errlen, "%s: %s", name, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		*skip = 1;
		rc = 0;
		goto out;
	}
	if (st.st_size > LIMIT_TMPL_SIZE) {
		seterr(err, errlen, "%s: larger than %d bytes", name,
		    LIMIT_TMPL_SIZE);
		goto out;
	}
	/* Read one byte past the limit to catch a file that grew. */
	for (;;) {
		r = read(fd, data + got, LIMIT_TMPL_SIZE + 1 - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			seterr(err, errlen, "%s: %s", name, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > LIMIT_TMPL_SIZE) {
			seterr(err, errlen, "%s: larger than %d bytes", name,
			    LIMIT_TMPL_SIZE);
			goto out;
		}
	}
	*len = got;
	rc = 0;
out:
	close(fd);
	return rc;
}

/*
 * Loads every regular *.html and *.txt file of dir (not recursive, hidden
 * files skipped) under its file name, then runs tmpl_set_check.  Returns
 * the set, or NULL with "file: ..." in err.
 */
struct tmpl_set *
tmpl_set_load(const char *dir, char *err, size_t errlen)
{
	struct tmpl_set	*set = NULL;
	struct dirent	*de;
	DIR		*d = NULL;
	char		*data = NULL, perr_[256];
	size_t		 len = 0;
	int		 dfd, skip, ok = 0;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	if ((d = fdopendir(dfd)) == NULL) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		close(dfd);
		return NULL;
	}
	if ((set = tmpl_set_new()) == NULL ||
	    (data = malloc(LIMIT_TMPL_SIZE + 1)) == NULL) {
		seterr(err, errlen, "out of memory");
		goto out;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				seterr(err, errlen, "%s: %s", dir,
				    strerror(errno));
				goto out;
			}
			break;
		}
		if (de->d_name[0] == '.' || (!has_suffix(de->d_name, ".html") &&
		    !has_suffix(de->d_name, ".txt")))
			continue;
		if (read_file(dfd, de->d_name, data, &len, &skip,
		    err, errlen) == -1)
			goto out;
		if (skip)
			continue;
		if (tmpl_set_add(set, de->d_name, data, len, perr_,
		    sizeof(perr_)) == -1) {
			seterr(err, errlen, "%s: %s", de->d_name, perr_);
			goto out;
		}
	}
	if (tmpl_set_check(set, err, errlen) == -1)
		goto out;
	ok = 1;
out:
	free(data);
	closedir(d);
	if (!ok) {
		tmpl_set_free(set);
		return NULL;
	}
	return set;
}
