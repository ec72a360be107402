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

/* Per context: the file name suffix selecting it, its name in messages. */
static const struct {
	const char	*suffix;
	const char	*name;
} escapes[TMPL_ESC__MAX] = {
	[TMPL_ESC_HTML] = { ".html", "HTML" },
	[TMPL_ESC_TEXT] = { ".txt", "text" },
	[TMPL_ESC_HEADER] = { ".hdr", "header" },
};

enum node_type {
	NODE_TEXT,	/* off, len: bytes of pool */
	NODE_VAR,	/* seg, nseg: value escaped for the render's context */
	NODE_RAW,	/* seg, nseg: value as is (HTML renders only) */
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
	enum tmpl_escape esc;	/* from the file name; the default render's */
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
	enum tmpl_escape esc;
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
	enum tmpl_escape	 esc;	/* where out's bytes go */
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

/* Line number of src[pos] counted from the start: for error paths only. */
static unsigned
line_of(const struct parser *p, size_t pos)
{
	const char	*nl;
	size_t		 at = 0;
	unsigned	 line = 1;

	while (at < pos && (nl = memchr(p->src + at, '\n', pos - at)) != NULL) {
		line++;
		at = (size_t)(nl - p->src) + 1;
	}
	return line;
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
 * A partial name is a loaded template's name: a file name of
 * [A-Za-z0-9_.-], or one folder and a file name ("email/_sign.txt").
 * Neither part is empty or starts with a dot, so no "..", no hidden file.
 */
static int
check_partial(struct parser *p, const char *s, size_t n, unsigned line)
{
	const char	*slash;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (s[i] != '.' && s[i] != '/' && !is_namech(s[i]))
			return bad_char(p, line, s[i]);
	slash = memchr(s, '/', n);
	if (s[0] == '.' || s[n - 1] == '/' || (slash != NULL &&
	    (slash == s || slash[1] == '.' ||
	    memchr(slash + 1, '/', n - (size_t)(slash - s) - 1) != NULL)))
		return perr(p, line, "invalid partial name '%.*s'",
		    (int)(n > TMPL_ERR_NAME ? TMPL_ERR_NAME : n), s);
	return 0;
}

/*
 * Checks a trimmed tag name: "." alone, or dot-separated non-empty
 * segments of [A-Za-z0-9_-]; partial names as check_partial.
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
	if (partial)
		return check_partial(p, s, n, line);
	if (n == 1 && s[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (i == 0 || i == n - 1 || s[i - 1] == '.')
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

/*
 * Adds a text node for src[from, to).  A header template's text is one
 * line: a control character in it is a parse error, not a render error.
 */
static int
emit_text(struct parser *p, size_t from, size_t to, unsigned line)
{
	struct node	*n;
	size_t		 bad;

	if (from >= to)
		return 0;
	if (p->esc == TMPL_ESC_HEADER &&
	    (bad = buf_header_bad(p->src + from, to - from)) < to - from)
		return perr(p, line_of(p, from + bad), "control character "
		    "0x%02x in the text of a header template",
		    (unsigned char)p->src[from + bad]);
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
		if (type == TAG_RAW && p->esc != TMPL_ESC_HTML)
			return perr(p, line, "raw output {{{%.*s}}} in a %s "
			    "template (HTML only)", (int)(nlen > TMPL_ERR_NAME ?
			    TMPL_ERR_NAME : nlen), name, escapes[p->esc].name);
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

/* *.html, *.txt, *.hdr: 0 and the context in *esc; -1 for other names. */
int
tmpl_escape_from_name(const char *name, enum tmpl_escape *esc)
{
	size_t	 i, n, m;

	if (name == NULL)
		return -1;
	n = strlen(name);
	for (i = 0; i < TMPL_ESC__MAX; i++) {
		m = strlen(escapes[i].suffix);
		if (n > m && strcmp(name + n - m, escapes[i].suffix) == 0) {
			*esc = (enum tmpl_escape)i;
			return 0;
		}
	}
	return -1;
}

/*
 * Parses a template for context esc.  Returns it, or NULL with "line N:
 * ..." in err on a syntax error, a raw tag outside HTML, a control
 * character in a header template's text, a source over LIMIT_TMPL_SIZE or
 * allocation failure.
 */
struct tmpl *
tmpl_parse(const char *src, size_t len, enum tmpl_escape esc, char *err,
    size_t errlen)
{
	struct parser	 p;
	struct tmpl	*t;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((unsigned)esc >= TMPL_ESC__MAX) {
		seterr(err, errlen, "line 1: no such escaping context %d",
		    (int)esc);
		return NULL;
	}
	if (len > LIMIT_TMPL_SIZE) {
		seterr(err, errlen, "line 1: template larger than %d bytes",
		    LIMIT_TMPL_SIZE);
		return NULL;
	}
	if (src == NULL)
		src = "";
	/* Editors end a file with a newline; a header value has none. */
	if (esc == TMPL_ESC_HEADER && len > 0 && src[len - 1] == '\n')
		len -= len > 1 && src[len - 2] == '\r' ? 2 : 1;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		seterr(err, errlen, "line 1: out of memory");
		return NULL;
	}
	t->esc = esc;
	memset(&p, 0, sizeof(p));
	p.esc = esc;
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

/* The context t was parsed for. */
enum tmpl_escape
tmpl_escape_of(const struct tmpl *t)
{
	return t->esc;
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

/* "a.b.c" of a variable node, for messages ("." for the current item). */
static void
node_name(const struct tmpl *t, const struct node *n, char *name, size_t len)
{
	size_t	 i, at = 0;
	int	 w;

	name[0] = '\0';
	if (n->nseg == 0)
		snprintf(name, len, ".");
	for (i = 0; i < n->nseg && at < len; i++) {
		w = snprintf(name + at, len - at, "%s%s", i ? "." : "",
		    t->pool + t->segs[n->seg + i]);
		if (w < 0)
			break;
		at += (size_t)w;
	}
}

/*
 * A value a header may not carry (buf_header_bad) fails the render here,
 * so the log can name the variable; not the value, which may be a guest's
 * name.  render_tmpl checks the whole output once more.  Returns 1, logged,
 * when s is refused.
 */
static int
header_refuses(const struct tmpl *t, const struct node *n, const char *s,
    size_t len)
{
	char	 name[TMPL_ERR_NAME + 1];
	size_t	 bad;

	if ((bad = buf_header_bad(s, len)) == len)
		return 0;
	node_name(t, n, name, sizeof(name));
	log_warnx("line %u: {{%s}} holds byte 0x%02x at %zu, a control "
	    "character or line break that a header may not carry", n->line,
	    name, (unsigned char)s[bad], bad);
	return 1;
}

/*
 * Appends a variable's value: a string escaped for esc (HTML entities,
 * text without control characters, header as is: header_refuses has seen
 * it) or as is when raw; a number or true as its digits; anything else
 * as nothing.
 */
static int
put_value(struct buf *out, enum tmpl_escape esc, const json_t *v, int raw)
{
	const char	*s;
	size_t		 len;

	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		len = json_string_length(v);
		if (raw || esc == TMPL_ESC_HEADER)
			return buf_append(out, s, len);
		return esc == TMPL_ESC_TEXT ? buf_text(out, s, len) :
		    buf_html(out, s, len);
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
		case NODE_RAW:
		case NODE_VAR:
			/* A raw tag parses only in HTML; this render may not be. */
			if (n->type == NODE_RAW && r->esc != TMPL_ESC_HTML) {
				log_warnx("line %u: raw output in a %s render",
				    n->line, escapes[r->esc].name);
				return -1;
			}
			v = lookup(r, t, n);
			if (r->esc == TMPL_ESC_HEADER && json_is_string(v) &&
			    header_refuses(t, n, json_string_value(v),
			    json_string_length(v)))
				return -1;
			if (put_value(r->out, r->esc, v,
			    n->type == NODE_RAW) == -1)
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
 * Renders t in esc, appending to out; on -1 out is as it was.  A header
 * render is checked whole at the end: the template's own text (an .html
 * or .txt one rendered as a header, or bytes of broken UTF-8 on both sides
 * of a tag, "\xc2{{x}}\x85") may hold what no single value does.
 */
static int
render_tmpl(const struct tmpl_set *set, const struct tmpl *t,
    enum tmpl_escape esc, const json_t *ctx, struct buf *out)
{
	struct render	 r;
	size_t		 len0 = out->len, bad;

	r.set = set;
	r.esc = esc;
	r.out = out;
	r.depth = 0;
	r.partials = 0;
	r.steps = 0;
	if (ctx != NULL)
		r.stack[r.depth++] = ctx;
	if (render_range(&r, t, 0, t->nnodes) == -1)
		goto fail;
	if (esc == TMPL_ESC_HEADER && out->len > len0 &&
	    (bad = buf_header_bad(out->data + len0, out->len - len0)) <
	    out->len - len0) {
		log_warnx("header output holds byte 0x%02x at %zu, a control "
		    "character or line break", (unsigned char)out->data[len0 +
		    bad], bad);
		goto fail;
	}
	return 0;
fail:
	out->len = len0;
	if (out->data != NULL)
		out->data[len0] = '\0';
	return -1;
}

static const struct tmpl *
find_logged(const struct tmpl_set *set, const char *name)
{
	const struct tmpl	*t;

	if (set == NULL || name == NULL || (t = set_find(set, name)) == NULL) {
		log_warnx("unknown template %s", name ? name : "(null)");
		return NULL;
	}
	return t;
}

/*
 * Renders template name of set with ctx in its own context, appending to
 * out.  Returns 0, or -1 (out restored) on an unknown template or partial,
 * too deep partials, the step budget, a header refusal or an append
 * failure.
 */
int
tmpl_render(const struct tmpl_set *set, const char *name, const json_t *ctx,
    struct buf *out)
{
	const struct tmpl	*t;

	if ((t = find_logged(set, name)) == NULL)
		return -1;
	return render_tmpl(set, t, t->esc, ctx, out);
}

/* As tmpl_render, in context esc instead of the template's own. */
int
tmpl_render_as(const struct tmpl_set *set, const char *name,
    enum tmpl_escape esc, const json_t *ctx, struct buf *out)
{
	const struct tmpl	*t;

	if ((unsigned)esc >= TMPL_ESC__MAX) {
		log_warnx("no such escaping context %d", (int)esc);
		return -1;
	}
	if ((t = find_logged(set, name)) == NULL)
		return -1;
	return render_tmpl(set, t, esc, ctx, out);
}

/* One header value: -1 means do not send. */
int
tmpl_render_header(const struct tmpl_set *set, const char *name,
    const json_t *ctx, struct buf *out)
{
	return tmpl_render_as(set, name, TMPL_ESC_HEADER, ctx, out);
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

/* The context of template name in *esc: 0, or -1 when there is none. */
int
tmpl_set_escape_of(const struct tmpl_set *set, const char *name,
    enum tmpl_escape *esc)
{
	const struct tmpl	*t;

	if (set == NULL || name == NULL || (t = set_find(set, name)) == NULL)
		return -1;
	*esc = t->esc;
	return 0;
}

/*
 * Parses src in the context of its name (HTML when the name has no known
 * suffix) and adds it under name.  Returns 0, or -1 with err filled on a
 * parse error ("line N: ..."), a duplicate name or allocation failure.
 */
int
tmpl_set_add(struct tmpl_set *set, const char *name, const char *src,
    size_t len, char *err, size_t errlen)
{
	struct tmpl_ent	*v;
	struct tmpl	*t = NULL;
	enum tmpl_escape esc;
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
	if (tmpl_escape_from_name(name, &esc) == -1)
		esc = TMPL_ESC_HTML;
	if ((t = tmpl_parse(src, len, esc, err, errlen)) == NULL)
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
 * Checks that every {{> partial}} in the set names a template of the set,
 * of the includer's context: an .html footer in a text mail would put
 * markup in it.  (A render escapes partials for its own context anyway.)
 * Returns 0, or -1 with "name: line N: ..." in err.
 */
int
tmpl_set_check(const struct tmpl_set *set, char *err, size_t errlen)
{
	const struct tmpl	*t, *pt;
	const struct node	*n;
	size_t			 i, k;

	for (i = 0; i < set->n; i++) {
		t = set->v[i].t;
		for (k = 0; k < t->nnodes; k++) {
			n = &t->nodes[k];
			if (n->type != NODE_PARTIAL)
				continue;
			if ((pt = set_find(set, t->pool + n->off)) == NULL) {
				seterr(err, errlen, "%s: line %u: unknown "
				    "partial {{> %s}}", set->v[i].name,
				    n->line, t->pool + n->off);
				return -1;
			}
			if (pt->esc != t->esc) {
				seterr(err, errlen, "%s: line %u: partial "
				    "{{> %s}} is %s, not %s", set->v[i].name,
				    n->line, t->pool + n->off,
				    escapes[pt->esc].name,
				    escapes[t->esc].name);
				return -1;
			}
		}
	}
	return 0;
}

/* --- loading ------------------------------------------------------------ */

struct loader {
	struct tmpl_set	*set;
	const char	*dir;	/* as given, for messages */
	char		*root;	/* realpath of dir: symlinks must stay below */
	char		*data;	/* LIMIT_TMPL_SIZE + 1 bytes */
	char		*err;
	size_t		 errlen;
};

static int	load_dir(struct loader *, int, const char *);

/*
 * Reads fd (named rel) into l->data: a regular file (a symlink may lead
 * to a folder) of at most LIMIT_TMPL_SIZE bytes.
 */
static int
read_fd(struct loader *l, int fd, const char *rel, size_t *len)
{
	struct stat	 st;
	ssize_t		 r;
	size_t		 got = 0;

	if (fstat(fd, &st) == -1) {
		seterr(l->err, l->errlen, "%s: %s", rel, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(l->err, l->errlen, "%s: not a regular file", rel);
		return -1;
	}
	if (st.st_size > LIMIT_TMPL_SIZE) {
		seterr(l->err, l->errlen, "%s: larger than %d bytes", rel,
		    LIMIT_TMPL_SIZE);
		return -1;
	}
	/* Read one byte past the limit to catch a file that grew. */
	for (;;) {
		r = read(fd, l->data + got, LIMIT_TMPL_SIZE + 1 - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			seterr(l->err, l->errlen, "%s: %s", rel,
			    strerror(errno));
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > LIMIT_TMPL_SIZE) {
			seterr(l->err, l->errlen, "%s: larger than %d bytes",
			    rel, LIMIT_TMPL_SIZE);
			return -1;
		}
	}
	*len = got;
	return 0;
}

/*
 * Opens symlink rel (below the root) after resolving it: it must land
 * below the root, so a link cannot pull /etc/passwd in as a template.
 * Returns the fd, or -1 with err set.  The template folder belongs to the
 * operator; this guards against a stray link, not a race.
 */
static int
open_link(struct loader *l, const char *rel)
{
	struct buf	 path = { 0 };
	char		*real = NULL;
	size_t		 n = strlen(l->root);
	int		 fd = -1;

	if (buf_printf(&path, "%s/%s", l->root, rel) == -1) {
		seterr(l->err, l->errlen, "%s: out of memory", rel);
		goto out;
	}
	if ((real = realpath(path.data, NULL)) == NULL) {
		seterr(l->err, l->errlen, "%s: %s", rel, strerror(errno));
		goto out;
	}
	if (strncmp(real, l->root, n) != 0 ||
	    (real[n] != '/' && strcmp(l->root, "/") != 0)) {
		seterr(l->err, l->errlen, "%s: symlink leads outside %s",
		    rel, l->dir);
		goto out;
	}
	if ((fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    O_NOFOLLOW)) == -1)
		seterr(l->err, l->errlen, "%s: %s", rel, strerror(errno));
out:
	free(real);
	buf_free(&path);
	return fd;
}

/*
 * Loads entry name of folder dfd, whose names start with prefix ("" at
 * the top, "email/" below): a template file, or at the top a real folder.
 * Anything else is skipped.  Returns 0, or -1 with err set.
 */
static int
load_entry(struct loader *l, int dfd, const char *prefix, const char *name)
{
	struct stat	 st;
	enum tmpl_escape esc;
	char		 rel[LIMIT_TMPL_NAME + 2], perr_[256];
	size_t		 len;
	int		 fd = -1, rc = -1, n;

	/* The name it loads under; with a '/' added, a folder's prefix. */
	n = snprintf(rel, sizeof(rel), "%s%s/", prefix, name);
	if (n < 0 || (size_t)n >= sizeof(rel)) {
		seterr(l->err, l->errlen, "%s%.*s...: name longer than %d bytes",
		    prefix, TMPL_ERR_NAME, name, LIMIT_TMPL_NAME);
		return -1;
	}
	rel[n - 1] = '\0';
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		seterr(l->err, l->errlen, "%s: %s", rel, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		/* One level deep: a folder in a folder is skipped. */
		if (prefix[0] != '\0')
			return 0;
		if ((fd = openat(dfd, name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1) {
			seterr(l->err, l->errlen, "%s: %s", rel,
			    strerror(errno));
			return -1;
		}
		rel[n - 1] = '/';
		return load_dir(l, fd, rel);
	}
	if (tmpl_escape_from_name(name, &esc) == -1)
		return 0;
	if (S_ISLNK(st.st_mode))
		fd = open_link(l, rel);
	else if (S_ISREG(st.st_mode))
		fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
		    O_NOFOLLOW);
	else
		return 0;	/* a fifo, socket or device */
	if (fd == -1) {
		if (!S_ISLNK(st.st_mode))
			seterr(l->err, l->errlen, "%s: %s", rel,
			    strerror(errno));
		return -1;
	}
	if (read_fd(l, fd, rel, &len) == -1)
		goto out;
	if (tmpl_set_add(l->set, rel, l->data, len, perr_,
	    sizeof(perr_)) == -1) {
		seterr(l->err, l->errlen, "%s: %s", rel, perr_);
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/*
 * Loads the entries of folder fd (which it closes) whose names start with
 * prefix.  Hidden entries are skipped.  Returns 0, or -1 with err set.
 */
static int
load_dir(struct loader *l, int fd, const char *prefix)
{
	struct dirent	*de;
	DIR		*d;
	int		 rc = -1;

	if ((d = fdopendir(fd)) == NULL) {
		seterr(l->err, l->errlen, "%s/%s: %s", l->dir, prefix,
		    strerror(errno));
		close(fd);
		return -1;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				seterr(l->err, l->errlen, "%s/%s: %s", l->dir,
				    prefix, strerror(errno));
				goto out;
			}
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		if (load_entry(l, dirfd(d), prefix, de->d_name) == -1)
			goto out;
	}
	rc = 0;
out:
	closedir(d);
	return rc;
}

/*
 * Loads every template of dir and of its subfolders, one level deep (see
 * tmpl.h), then runs tmpl_set_check.  Returns the set, or NULL with
 * "file: ..." in err.
 */
struct tmpl_set *
tmpl_set_load(const char *dir, char *err, size_t errlen)
{
	struct loader	 l;
	int		 fd, ok = 0;

	memset(&l, 0, sizeof(l));
	l.dir = dir;
	l.err = err;
	l.errlen = errlen;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (l.root = realpath(dir, NULL)) == NULL) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if ((l.set = tmpl_set_new()) == NULL ||
	    (l.data = malloc(LIMIT_TMPL_SIZE + 1)) == NULL) {
		seterr(err, errlen, "out of memory");
		goto out;
	}
	if (load_dir(&l, fd, "") == -1) {
		fd = -1;	/* load_dir closed it */
		goto out;
	}
	fd = -1;
	if (tmpl_set_check(l.set, err, errlen) == -1)
		goto out;
	ok = 1;
out:
	if (fd != -1)
		close(fd);
	free(l.data);
	free(l.root);
	if (!ok) {
		tmpl_set_free(l.set);
		return NULL;
	}
	return l.set;
}
