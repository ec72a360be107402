/* test-tmpl.c: table-driven tests of the template engine (TAP) */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "limits.h"
#include "log.h"
#include "tmpl.h"
#include "tap.h"

/* Partials every render row can use. */
static const struct {
	const char	*name;
	const char	*src;
} partials[] = {
	{ "item.html", "<li>{{name}}</li>" },
	{ "line.txt", "[{{.}}]\n" },
	{ "title.html", "{{title}}" },
	{ "self.html", "x{{> self.html}}" },
	{ "tree.html", "{{name}}{{#kids}}({{> tree.html}}){{/kids}}" },
	{ "missing.html", "{{> nowhere.html}}" },
};

/* Render rows: template, JSON context (NULL: no context), output. */
static const struct {
	const char	*tmpl;
	const char	*json;
	const char	*want;
} goods[] = {
	/* variables */
	{ "Hello {{name}}!", "{\"name\":\"World\"}", "Hello World!" },
	{ "{{ name }}|{{\tname\t}}", "{\"name\":\"a\"}", "a|a" },
	{ "plain text, no tags", "{}", "plain text, no tags" },
	{ "", "{}", "" },
	{ "{{x}}", NULL, "" },
	{ "a } b { c }} d {", "{}", "a } b { c }} d {" },
	{ "{ {x}} {x}", "{\"x\":1}", "{ {x}} {x}" },
	/* escaping, each character and raw forms */
	{ "{{s}}", "{\"s\":\"<\"}", "&lt;" },
	{ "{{s}}", "{\"s\":\">\"}", "&gt;" },
	{ "{{s}}", "{\"s\":\"&\"}", "&amp;" },
	{ "{{s}}", "{\"s\":\"\\\"\"}", "&quot;" },
	{ "{{s}}", "{\"s\":\"'\"}", "&#39;" },
	{ "{{s}}", "{\"s\":\"<a href=\\\"x\\\">&'</a>\"}",
	    "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;" },
	{ "{{{s}}}", "{\"s\":\"<b>&\\\"'</b>\"}", "<b>&\"'</b>" },
	{ "{{& s}}", "{\"s\":\"<b>&\\\"'</b>\"}", "<b>&\"'</b>" },
	{ "{{&s}}|{{{ s }}}", "{\"s\":\"<\"}", "<|<" },
	{ "{{s}}", "{\"s\":\"&amp;\"}", "&amp;amp;" },
	/* scalars */
	{ "{{n}}", "{\"n\":42}", "42" },
	{ "{{n}}", "{\"n\":-7}", "-7" },
	{ "{{n}}", "{\"n\":0}", "0" },
	{ "{{n}}", "{\"n\":9007199254740993}", "9007199254740993" },
	{ "{{r}}", "{\"r\":1.5}", "1.5" },
	{ "{{r}}", "{\"r\":0.1}", "0.1" },
	{ "{{r}}", "{\"r\":1e20}", "1e+20" },
	{ "[{{t}}][{{f}}][{{z}}][{{m}}]",
	    "{\"t\":true,\"f\":false,\"z\":null}", "[true][][][]" },
	{ "[{{o}}][{{a}}]", "{\"o\":{\"k\":1},\"a\":[1]}", "[][]" },
	/* dotted names */
	{ "{{a.b.c}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}", "deep" },
	{ "[{{a.b.c}}]", "{\"a\":{}}", "[]" },
	{ "[{{a.b.c}}]", "{\"a\":null}", "[]" },
	{ "[{{a.b.c}}]", "{\"a\":{\"b\":5}}", "[]" },
	{ "[{{a.b.c}}]", "{}", "[]" },
	{ "{{{a.b}}}", "{\"a\":{\"b\":\"<i>\"}}", "<i>" },
	{ "{{a-b.c_d}}", "{\"a-b\":{\"c_d\":\"ok\"}}", "ok" },
	/* context stack */
	{ "{{#person}}{{name}}, {{title}}{{/person}}",
	    "{\"title\":\"Skipper\",\"person\":{\"name\":\"Ann\"}}",
	    "Ann, Skipper" },
	{ "{{#x}}{{a.b}}{{/x}}", "{\"a\":{\"b\":\"outer\"},\"x\":{}}",
	    "outer" },
	{ "{{#a}}[{{b.c}}]{{/a}}",
	    "{\"a\":{\"b\":{}},\"b\":{\"c\":\"outer\"}}", "[]" },
	{ "{{#a}}{{#b}}{{#c}}{{n}}{{/c}}{{/b}}{{/a}}",
	    "{\"n\":1,\"a\":{\"n\":2,\"b\":{\"c\":{}}}}", "2" },
	{ "{{.}}", "\"root\"", "root" },
	{ "{{#l}}{{.}},{{/l}}", "{\"l\":[\"a\",\"b\",3]}", "a,b,3," },
	{ "{{#l}}{{.}}{{/l}}", "{\"l\":[\"<\",\"&\"]}", "&lt;&amp;" },
	{ "{{#l}}{{{.}}}{{/l}}", "{\"l\":[\"<\",\"&\"]}", "<&" },
	/* sections */
	{ "{{#l}}<{{n}}>{{/l}}", "{\"l\":[{\"n\":1},{\"n\":2},{\"n\":3}]}",
	    "<1><2><3>" },
	{ "{{#o}}{{k}}{{/o}}", "{\"o\":{\"k\":\"v\"}}", "v" },
	{ "{{#o}}x{{/o}}", "{\"o\":{}}", "x" },
	{ "{{#b}}yes{{/b}}", "{\"b\":true}", "yes" },
	{ "{{#s}}{{s}}{{/s}}", "{\"s\":\"str\"}", "str" },
	{ "{{#n}}[{{n}}]{{/n}}", "{\"n\":0}", "[0]" },
	/* a truthy scalar renders once, context unchanged: "." is the root */
	{ "{{#n}}[{{.}}]{{/n}}", "{\"n\":7}", "[]" },
	{ "{{#b}}[{{.}}]{{/b}}", "{\"b\":true}", "[]" },
	{ "a{{#m}}X{{/m}}b", "{}", "ab" },
	{ "a{{#m}}X{{/m}}b", "{\"m\":null}", "ab" },
	{ "a{{#m}}X{{/m}}b", "{\"m\":false}", "ab" },
	{ "a{{#m}}X{{/m}}b", "{\"m\":[]}", "ab" },
	{ "a{{#m}}X{{/m}}b", "{\"m\":\"\"}", "ab" },
	{ "{{#a.b}}in{{/a.b}}", "{\"a\":{\"b\":true}}", "in" },
	/* inverted */
	{ "a{{^m}}X{{/m}}b", "{}", "aXb" },
	{ "a{{^m}}X{{/m}}b", "{\"m\":null}", "aXb" },
	{ "a{{^m}}X{{/m}}b", "{\"m\":false}", "aXb" },
	{ "a{{^m}}X{{/m}}b", "{\"m\":[]}", "aXb" },
	{ "a{{^m}}X{{/m}}b", "{\"m\":\"\"}", "aXb" },
	{ "a{{^m}}X{{/m}}b", "{\"m\":true}", "ab" },
	{ "a{{^m}}X{{/m}}b", "{\"m\":[1]}", "ab" },
	{ "a{{^m}}X{{/m}}b", "{\"m\":{}}", "ab" },
	{ "a{{^m}}X{{/m}}b", "{\"m\":0}", "ab" },
	{ "{{#l}}{{.}}{{/l}}{{^l}}none{{/l}}", "{\"l\":[]}", "none" },
	/* nesting */
	{ "{{#a}}{{#b}}{{c}}{{/b}}{{/a}}",
	    "{\"a\":{\"b\":{\"c\":\"x\"}}}", "x" },
	{ "{{#rows}}[{{#cells}}{{.}}{{/cells}}]{{/rows}}",
	    "{\"rows\":[{\"cells\":[1,2]},{\"cells\":[]},{\"cells\":[3]}]}",
	    "[12][][3]" },
	{ "{{#a}}{{#a}}x{{/a}}{{/a}}", "{\"a\":true}", "x" },
	{ "{{#a}}{{^b}}nb{{/b}}{{/a}}", "{\"a\":[{\"b\":1},{}]}", "nb" },
	/* comments */
	{ "a{{! comment }}b", "{}", "ab" },
	{ "a{{!comment with {braces} }}b", "{}", "ab" },
	{ "a{{! spans\nseveral\nlines }}b", "{}", "ab" },
	{ "a{{! {{x}} }}b", "{\"x\":1}", "a }}b" },
	/* partials */
	{ "<ul>{{#items}}{{> item.html}}{{/items}}</ul>",
	    "{\"items\":[{\"name\":\"a\"},{\"name\":\"<b>\"}]}",
	    "<ul><li>a</li><li>&lt;b&gt;</li></ul>" },
	{ "{{#x}}{{>title.html}}{{/x}}", "{\"title\":\"T\",\"x\":{}}", "T" },
	{ "{{> tree.html}}",
	    "{\"name\":\"r\",\"kids\":[{\"name\":\"a\",\"kids\":[]},"
	    "{\"name\":\"b\",\"kids\":[{\"name\":\"c\",\"kids\":[]}]}]}",
	    "r(a)(b(c))" },
	/* standalone lines */
	{ "{{#a}}\nX\n{{/a}}\n", "{\"a\":true}", "X\n" },
	{ "  {{#a}}\n  X\n  {{/a}}  \n", "{\"a\":true}", "  X\n" },
	{ "{{#a}}\r\nX\r\n{{/a}}\r\n", "{\"a\":true}", "X\r\n" },
	{ "\t{{^a}}\nX\n\t{{/a}}\n", "{}", "X\n" },
	{ "X\n{{! tail }}", "{}", "X\n" },
	{ "A\n{{! x\ny }}\nB", "{}", "A\nB" },
	{ "A\n  {{> line.txt}}\nB", "\"p\"", "A\n[p]\nB" },
	{ "<ul>\n{{#items}}\n  <li>{{.}}</li>\n{{/items}}\n</ul>\n",
	    "{\"items\":[\"a\",\"b\"]}", "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n" },
	{ "a {{#a}}\nb{{/a}}", "{\"a\":true}", "a \nb" },
	{ "{{#a}}{{/a}}\n", "{\"a\":true}", "\n" },
	{ "{{#a}} x\n{{/a}}", "{\"a\":true}", " x\n" },
	{ "{{x}}\n", "{\"x\":\"\"}", "\n" },
	{ "  {{x}}  \n", "{}", "    \n" },
	{ "|\r\n{{#a}}\r\n{{/a}}\r\n|", "{\"a\":[]}", "|\r\n|" },
	{ "x\n{{#a}}\r|{{/a}}", "{\"a\":1}", "x\n\r|" },
	/* unicode passes through untouched */
	{ "héllo {{n}} ✓", "{\"n\":\"日本語 <>\"}", "héllo 日本語 &lt;&gt; ✓" },
	{ "{{{n}}}", "{\"n\":\"\xf0\x9f\x9a\xa2 ⛵\"}", "\xf0\x9f\x9a\xa2 ⛵" },
	{ "ⓐ{{#a}}ⓑ{{/a}}", "{\"a\":1}", "ⓐⓑ" },
};

/* Rows that must not parse, with a substring of the error. */
static const struct {
	const char	*tmpl;
	const char	*err;
} bads[] = {
	{ "{{", "line 1: unclosed tag" },
	{ "abc {{", "line 1: unclosed tag" },
	{ "a\nb\n{{", "line 3: unclosed tag" },
	{ "{{name", "line 1: unclosed tag" },
	{ "{{name}", "line 1: unclosed tag" },
	{ "{{#", "line 1: unclosed tag" },
	{ "{{{", "line 1: unclosed tag" },
	{ "x\n{{a {{b}}", "line 2: unclosed tag" },
	{ "{{!", "line 1: unclosed comment" },
	{ "\n{{! never closed\n\n", "line 2: unclosed comment" },
	{ "{{#a}}", "line 1: unclosed section {{#a}}" },
	{ "\n\n{{#a}}\n", "line 3: unclosed section" },
	{ "{{#a}}{{#b}}{{/b}}", "unclosed section {{#a}}" },
	{ "{{#a}}\n{{#b}}\n{{/a}}", "line 3: {{/a}} does not close {{#b}} "
	    "opened on line 2" },
	{ "{{^a}}{{/b}}", "does not close" },
	{ "{{/a}}", "line 1: {{/a}} without open section" },
	{ "{{#a}}{{/a}}{{/a}}", "without open section" },
	{ "{{! a\nb\nc }}{{/x}}", "line 3: {{/x}} without open section" },
	{ "{{}}", "line 1: empty name" },
	{ "{{ }}", "empty name" },
	{ "{{#}}{{/}}", "empty name" },
	{ "{{^ }}", "empty name" },
	{ "{{/}}", "empty name" },
	{ "{{>}}", "empty name" },
	{ "{{{}}}", "empty name" },
	{ "{{&}}", "empty name" },
	{ "{{a b}}", "invalid character ' ' in name" },
	{ "{{a<b}}", "invalid character '<'" },
	{ "{{a/b}}", "invalid character '/'" },
	{ "{{a\x01}}", "invalid character 0x01" },
	{ "{{a\xc3\xa9}}", "invalid character 0xc3" },
	{ "{{a..b}}", "empty segment" },
	{ "{{.a}}", "empty segment" },
	{ "{{a.}}", "empty segment" },
	{ "{{#a b}}{{/a b}}", "invalid character" },
	{ "{{> a b}}", "invalid character ' '" },
	{ "{{> ../etc/passwd}}", "invalid partial name '../etc/passwd'" },
	{ "{{> a/b/c.html}}", "invalid partial name" },
	{ "{{> /etc/passwd}}", "invalid partial name" },
	{ "{{> email/.x.txt}}", "invalid partial name" },
	{ "{{> email/}}", "invalid partial name" },
	{ "{{> .}}", "invalid partial name" },
	{ "{{> a\\b}}", "invalid character '\\'" },
	{ "{{{a}}", "line 1: triple mustache without }}}" },
	{ "{{{a}} }", "triple mustache without }}}" },
	{ "x\n\n{{{a}}", "line 3: triple mustache" },
	{ "{{=<% %>=}}", "line 1: set delimiters" },
	{ "{{ =<% %>= }}", "invalid character '='" },
};

/* Adds a literal template; the caller checks the outcome. */
#define ADD(set, name, lit) \
	tmpl_set_add((set), (name), (lit), sizeof(lit) - 1, err, sizeof(err))

static struct tmpl_set *
new_set(void)
{
	struct tmpl_set	*set;
	char		 err[256];
	size_t		 i;

	if ((set = tmpl_set_new()) == NULL)
		return NULL;
	for (i = 0; i < sizeof(partials) / sizeof(partials[0]); i++)
		if (tmpl_set_add(set, partials[i].name, partials[i].src,
		    strlen(partials[i].src), err, sizeof(err)) == -1) {
			printf("# partial %s: %s\n", partials[i].name, err);
			tmpl_set_free(set);
			return NULL;
		}
	return set;
}

/* Renders src as "t" with the JSON ctx; returns the rc, output in out. */
static int
render_str(const char *src, const char *json, struct buf *out)
{
	struct tmpl_set	*set;
	json_t		*ctx = NULL;
	json_error_t	 jerr;
	char		 err[256];
	int		 rc = -1;

	buf_reset(out);
	if ((set = new_set()) == NULL)
		return -1;
	if (json != NULL && (ctx = json_loads(json, JSON_DECODE_ANY,
	    &jerr)) == NULL) {
		printf("# bad test JSON %s: %s\n", json, jerr.text);
		goto out;
	}
	if (tmpl_set_add(set, "t", src, strlen(src), err, sizeof(err)) == -1) {
		printf("# parse: %s\n", err);
		goto out;
	}
	rc = tmpl_render(set, "t", ctx, out);
out:
	json_decref(ctx);
	tmpl_set_free(set);
	return rc;
}

static void
test_goods(void)
{
	struct buf	 out = { 0 };
	size_t		 i;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		is_int(render_str(goods[i].tmpl, goods[i].json, &out), 0,
		    "render row %zu", i);
		is_str(buf_str(&out), goods[i].want, "output row %zu", i);
	}
	buf_free(&out);
}

static void
test_bads(void)
{
	struct tmpl	*t;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		err[0] = '\0';
		t = tmpl_parse(bads[i].tmpl, strlen(bads[i].tmpl),
		    TMPL_ESC_HTML, err, sizeof(err));
		ok(t == NULL, "bad row %zu rejected", i);
		ok(strstr(err, bads[i].err) != NULL,
		    "bad row %zu error '%s' has '%s'", i, err, bads[i].err);
		tmpl_free(t);
	}
}

/* n nested sections; returns a malloc'd template. */
static char *
nested(size_t n)
{
	struct buf	 b = { 0 };
	size_t		 i;

	for (i = 0; i < n; i++)
		buf_puts(&b, "{{#a}}");
	buf_puts(&b, "{{x}}");
	for (i = 0; i < n; i++)
		buf_puts(&b, "{{/a}}");
	return b.data;
}

static void
test_depth(void)
{
	struct tmpl	*t;
	struct buf	 out = { 0 };
	char		 err[256], *src;
	int		 rc;

	src = nested(LIMIT_TMPL_DEPTH);
	t = tmpl_parse(src, strlen(src), TMPL_ESC_HTML, err, sizeof(err));
	ok(t != NULL, "nesting of exactly LIMIT_TMPL_DEPTH parses");
	tmpl_free(t);
	rc = render_str(src, "{\"a\":true,\"x\":\"deep\"}", &out);
	ok(rc == 0 && strcmp(buf_str(&out), "deep") == 0,
	    "nesting of LIMIT_TMPL_DEPTH renders");
	free(src);

	src = nested(LIMIT_TMPL_DEPTH + 1);
	t = tmpl_parse(src, strlen(src), TMPL_ESC_HTML, err, sizeof(err));
	ok(t == NULL && strstr(err, "nested deeper than") != NULL,
	    "LIMIT_TMPL_DEPTH + 1 rejected: %s", err);
	free(src);

	src = nested(1000);
	t = tmpl_parse(src, strlen(src), TMPL_ESC_HTML, err, sizeof(err));
	ok(t == NULL && strstr(err, "line 1: sections nested deeper") != NULL,
	    "1000-deep nesting rejected: %s", err);
	free(src);

	/* Only the opening half: still the depth error, not a crash. */
	src = nested(1000);
	src[1000 * 6] = '\0';
	t = tmpl_parse(src, strlen(src), TMPL_ESC_HTML, err, sizeof(err));
	ok(t == NULL, "1000 unclosed sections rejected: %s", err);
	free(src);
	buf_free(&out);
}

/* Parser must not read past len: the source is not NUL-terminated. */
static void
test_bounds(void)
{
	struct tmpl	*t;
	char		*p, err[256];
	static const char *cuts[] = { "{{", "{{{a}}", "{{a}", "{{!x}", "a{" };
	size_t		 i, n;

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		n = strlen(cuts[i]);
		p = malloc(n);	/* exact size: ASan catches overreads */
		memcpy(p, cuts[i], n);
		t = tmpl_parse(p, n, TMPL_ESC_HTML, err, sizeof(err));
		ok(i == 4 ? t != NULL : t == NULL,
		    "unterminated '%s' handled", cuts[i]);
		tmpl_free(t);
		free(p);
	}
	/* len shorter than the string: "{{a}}" cut to "{{a}" */
	t = tmpl_parse("{{a}}", 4, TMPL_ESC_HTML, err, sizeof(err));
	ok(t == NULL && strstr(err, "unclosed tag") != NULL,
	    "len is honoured");
	tmpl_free(t);

	/* An error buffer of one byte, and none at all. */
	t = tmpl_parse("{{", 2, TMPL_ESC_HTML, err, 1);
	ok(t == NULL && err[0] == '\0', "errlen 1 gives empty string");
	t = tmpl_parse("{{", 2, TMPL_ESC_HTML, NULL, 0);
	ok(t == NULL, "NULL err accepted");

	p = calloc(1, LIMIT_TMPL_SIZE + 1);
	memset(p, 'x', LIMIT_TMPL_SIZE + 1);
	t = tmpl_parse(p, LIMIT_TMPL_SIZE + 1, TMPL_ESC_HTML, err,
	    sizeof(err));
	ok(t == NULL && strstr(err, "larger than") != NULL,
	    "template over LIMIT_TMPL_SIZE rejected");
	t = tmpl_parse(p, LIMIT_TMPL_SIZE, TMPL_ESC_HTML, err, sizeof(err));
	ok(t != NULL, "template of LIMIT_TMPL_SIZE accepted");
	tmpl_free(t);
	free(p);
}

/* Builds {"name":"n0","kids":[{"name":"n1",...,"kids":[]}]} n deep. */
static json_t *
chain(int n)
{
	json_t	*root = NULL, *cur;
	char	 name[16];
	int	 i;

	for (i = n - 1; i >= 0; i--) {
		snprintf(name, sizeof(name), "n%d", i);
		cur = json_pack("{s:s, s:o}", "name", name, "kids",
		    root ? json_pack("[o]", root) : json_array());
		root = cur;
	}
	return root;
}

static void
test_render_errors(void)
{
	struct tmpl_set	*set;
	struct buf	 out = { 0 };
	json_t		*ctx;
	char		 err[256];
	int		 rc;

	set = new_set();
	ok(set != NULL, "set with partials");
	ADD(set, "self", "{{> self.html}}");
	ADD(set, "tree", "{{> tree.html}}");
	ADD(set, "missing", "{{> missing.html}}");
	ADD(set, "nest", "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
	    "{{#a}}{{#a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}");
	ADD(set, "big", "{{#a}}0123456789{{/a}}");
	ok(tmpl_set_has(set, "nest") && tmpl_set_has(set, "big"),
	    "helper templates added");

	buf_puts(&out, "keep");
	is_int(tmpl_render(set, "no-such", NULL, &out), -1,
	    "unknown template is -1");
	is_int(tmpl_render(set, "missing", NULL, &out), -1,
	    "unknown partial is -1");
	is_int(tmpl_render(set, "self", NULL, &out), -1,
	    "partial recursion past the limit is -1");
	is_str(buf_str(&out), "keep", "failed renders leave out unchanged");

	/* tree: the template plus one partial per level of the chain */
	ctx = chain(LIMIT_TMPL_PARTIALS);
	buf_reset(&out);
	rc = tmpl_render(set, "tree", ctx, &out);
	is_int(rc, 0, "partials nested LIMIT_TMPL_PARTIALS deep render");
	ok(strncmp(buf_str(&out), "n0(n1(n2(", 9) == 0 &&
	    strstr(buf_str(&out), "n15") != NULL, "tree output %s",
	    buf_str(&out));
	json_decref(ctx);
	ctx = chain(LIMIT_TMPL_PARTIALS + 1);
	buf_reset(&out);
	is_int(tmpl_render(set, "tree", ctx, &out), -1,
	    "partials nested LIMIT_TMPL_PARTIALS + 1 deep fail");
	is_int(out.len, 0, "nothing left behind");
	json_decref(ctx);

	/* 10^8 iterations of an empty body: the step budget stops it. */
	ctx = json_pack("{s:[iiiiiiiiii]}", "a", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
	is_int(tmpl_render(set, "nest", ctx, &out), -1,
	    "runaway section nesting hits the step budget");
	json_decref(ctx);

	/* out->max is honoured */
	ctx = json_pack("{s:[iiiiiiiiii]}", "a", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
	buf_reset(&out);
	out.max = 50;
	is_int(tmpl_render(set, "big", ctx, &out), -1, "out->max exceeded");
	is_int(out.len, 0, "out restored after max");
	out.max = 100;
	is_int(tmpl_render(set, "big", ctx, &out), 0, "out->max exactly");
	is_int(out.len, 100, "100 bytes");
	out.max = 0;
	json_decref(ctx);

	/* renders append */
	buf_free(&out);
	ctx = json_pack("{s:s}", "title", "x");
	buf_puts(&out, "pre:");
	tmpl_render(set, "title.html", ctx, &out);
	is_str(buf_str(&out), "pre:x", "render appends to out");
	json_decref(ctx);

	/* embedded NUL survives */
	ctx = json_loads("{\"s\":\"a\\u0000<\"}", JSON_ALLOW_NUL, NULL);
	ADD(set, "nul", "[{{s}}]");
	buf_reset(&out);
	is_int(tmpl_render(set, "nul", ctx, &out), 0, "NUL string renders");
	ok(out.len == 8 && memcmp(out.data, "[a\0&lt;]", 8) == 0,
	    "NUL string escaped byte for byte");
	json_decref(ctx);

	is_int(ADD(set, "self", "x"), -1,
	    "duplicate name rejected");
	ok(strstr(err, "duplicate") != NULL, "duplicate error: %s", err);
	is_int(ADD(set, "broken", "{{#a}}"), -1,
	    "tmpl_set_add reports parse errors");
	ok(strstr(err, "line 1: unclosed section") != NULL, "error: %s", err);
	ok(!tmpl_set_has(set, "broken"), "broken template not added");
	is_int(tmpl_set_check(set, err, sizeof(err)), -1,
	    "tmpl_set_check finds the unknown partial");
	ok(strstr(err, "missing.html: line 1: unknown partial") != NULL,
	    "check error: %s", err);

	buf_free(&out);
	tmpl_set_free(set);
}

/*
 * Context rows: a template named for its context (t.html, t.txt, t.hdr)
 * rendered with tmpl_render, after "keep:" already in out.  want NULL:
 * the render must fail and leave out exactly "keep:".
 */
static const struct {
	enum tmpl_escape esc;
	const char	*tmpl;
	const char	*json;
	const char	*want;
} ctx_rows[] = {
	/* HTML: the five characters, as before */
	{ TMPL_ESC_HTML, "{{s}}", "{\"s\":\"O'Brien & Sons\"}",
	    "O&#39;Brien &amp; Sons" },
	{ TMPL_ESC_HTML, "{{s}}", "{\"s\":\"<a href=\\\"x\\\">'</a>\"}",
	    "&lt;a href=&quot;x&quot;&gt;&#39;&lt;/a&gt;" },
	{ TMPL_ESC_HTML, "{{{s}}}|{{& s}}", "{\"s\":\"<b>&\"}", "<b>&|<b>&" },
	{ TMPL_ESC_HTML, "{{s}}", "{\"s\":\"a\\r\\n\\u0001\"}", "a\r\n\x01" },
	/* text: the same characters untouched */
	{ TMPL_ESC_TEXT, "Dear {{s}},", "{\"s\":\"O'Brien & Sons\"}",
	    "Dear O'Brien & Sons," },
	{ TMPL_ESC_TEXT, "{{s}}", "{\"s\":\"<a href=\\\"x\\\">'&amp;</a>\"}",
	    "<a href=\"x\">'&amp;</a>" },
	{ TMPL_ESC_TEXT, "{{n}} {{r}} {{t}}", "{\"n\":-7,\"r\":1.5,\"t\":true}",
	    "-7 1.5 true" },
	{ TMPL_ESC_TEXT, "{{#l}}- {{.}}\n{{/l}}", "{\"l\":[\"a & b\",\"<c>\"]}",
	    "- a & b\n- <c>\n" },
	/* text: \n and \t kept, every other control character dropped */
	{ TMPL_ESC_TEXT, "{{s}}", "{\"s\":\"line one\\nline two\\tend\"}",
	    "line one\nline two\tend" },
	{ TMPL_ESC_TEXT, "{{s}}", "{\"s\":\"a\\r\\nb\\rc\"}", "a\nbc" },
	{ TMPL_ESC_TEXT, "[{{s}}]", "{\"s\":\"a\\u0000b\"}", "[ab]" },
	{ TMPL_ESC_TEXT, "[{{s}}]", "{\"s\":\"\\u001b[31mred\"}", "[[31mred]" },
	{ TMPL_ESC_TEXT, "[{{s}}]", "{\"s\":\"\\u0001\\u0008\\u000b\\u000c"
	    "\\u001f\\u007f\"}", "[]" },
	{ TMPL_ESC_TEXT, "[{{s}}]", "{\"s\":\"a\\u0080b\\u0085c\\u009fd\"}",
	    "[abcd]" },
	/* text: not controls, so kept: NBSP, U+2028, non-ASCII */
	{ TMPL_ESC_TEXT, "[{{s}}]", "{\"s\":\"a\\u00a0b\\u2028c ⛵ é\"}",
	    "[a\xc2\xa0" "b\xe2\x80\xa8" "c ⛵ é]" },
	/* text: the template's own text is trusted, \r and all */
	{ TMPL_ESC_TEXT, "a\r\n{{s}}\x01", "{\"s\":\"x\"}", "a\r\nx\x01" },
	/* header: one line, as is */
	{ TMPL_ESC_HEADER, "Crew wanted: {{s}}", "{\"s\":\"O'Brien & Sons\"}",
	    "Crew wanted: O'Brien & Sons" },
	{ TMPL_ESC_HEADER, "{{s}}", "{\"s\":\"<b>\\\"é ⛵\\\"</b>\"}",
	    "<b>\"é ⛵\"</b>" },
	{ TMPL_ESC_HEADER, "{{a.b}} {{n}}", "{\"a\":{\"b\":\"x\"},\"n\":3}",
	    "x 3" },
	{ TMPL_ESC_HEADER, "Subject {{s}}\n", "{\"s\":\"x\"}", "Subject x" },
	{ TMPL_ESC_HEADER, "Subject {{s}}\r\n", "{\"s\":\"x\"}", "Subject x" },
	{ TMPL_ESC_HEADER, "{{! the invitation }}\nHi {{s}}\n",
	    "{\"s\":\"x\"}", "Hi x" },
	{ TMPL_ESC_HEADER, "{{#l}}{{.}},{{/l}}", "{\"l\":[\"a\",\"b\"]}",
	    "a,b," },
	/* header: any control character or line break fails the render */
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"x\\r\\nBcc: all@example.com\"}",
	    NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"x\\r\"}", NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"x\\n\"}", NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"\\nx\"}", NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"x\\ty\"}", NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"x\\u0000y\"}", NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"\\u0001\"}", NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"\\u001b[2J\"}", NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"x\\u007f\"}", NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"x\\u0085y\"}", NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"x\\u2028y\"}", NULL },
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"x\\u2029y\"}", NULL },
	{ TMPL_ESC_HEADER, "{{#l}}{{.}},{{/l}}", "{\"l\":[\"a\",\"b\\n\"]}",
	    NULL },
	{ TMPL_ESC_HEADER, "{{#o}}{{s}}{{/o}}", "{\"o\":{\"s\":\"\\r\"}}",
	    NULL },
	/* header: broken UTF-8 around a tag joins into a C1 control */
	{ TMPL_ESC_HEADER, "a\xc2{{s}}\x85" "b", "{\"s\":\"\"}", NULL },
	{ TMPL_ESC_HEADER, "a\xc2{{! c }}\x85" "b", "{}", NULL },
	/* text: the template's text is trusted as is, even that */
	{ TMPL_ESC_TEXT, "a\xc2{{s}}\x85" "b", "{\"s\":\"\"}",
	    "a\xc2\x85" "b" },
	/* header: the refusal is for the value, so a clean one passes */
	{ TMPL_ESC_HEADER, "Hi {{s}}", "{\"s\":\"x\\u00a0y\"}",
	    "Hi x\xc2\xa0y" },
};

/* Parse rows per context: the template must not parse; err has this. */
static const struct {
	enum tmpl_escape esc;
	const char	*tmpl;
	const char	*err;
} ctx_bads[] = {
	{ TMPL_ESC_HEADER, "{{{s}}}", "line 1: raw output {{{s}}} in a header "
	    "template (HTML only)" },
	{ TMPL_ESC_HEADER, "a {{& s}}", "raw output {{{s}}} in a header" },
	{ TMPL_ESC_HEADER, "{{#l}}\n{{{.}}}\n{{/l}}", "line 2: raw output" },
	{ TMPL_ESC_TEXT, "{{{s}}}", "raw output {{{s}}} in a text template" },
	{ TMPL_ESC_TEXT, "x\n{{&s}}", "line 2: raw output {{{s}}} in a text" },
	{ TMPL_ESC_HEADER, "Subject\nBcc: x", "line 1: control character 0x0a "
	    "in the text of a header template" },
	{ TMPL_ESC_HEADER, "{{s}}\n\n", "line 1: control character 0x0a" },
	{ TMPL_ESC_HEADER, "a\rb", "control character 0x0d" },
	{ TMPL_ESC_HEADER, "a\tb", "control character 0x09" },
	{ TMPL_ESC_HEADER, "{{! one\ntwo }}a\x7f", "line 2: control character "
	    "0x7f" },
	{ TMPL_ESC_HEADER, "a\xe2\x80\xa8" "b", "control character 0xe2" },
	{ TMPL_ESC_HEADER, "{{#a}}\nx\ny\n{{/a}}\n", "line 2: control "
	    "character 0x0a" },
};

/* File names and the context they stand for (-1: not a template). */
static const struct {
	const char	*name;
	int		 esc;
} ctx_names[] = {
	{ "guest.html", TMPL_ESC_HTML },
	{ "invite.txt", TMPL_ESC_TEXT },
	{ "subject.hdr", TMPL_ESC_HEADER },
	{ "email/invite.txt", TMPL_ESC_TEXT },
	{ "email/subject.hdr", TMPL_ESC_HEADER },
	{ "x.txt.html", TMPL_ESC_HTML },
	{ ".html", -1 },
	{ ".txt", -1 },
	{ "html", -1 },
	{ "a.htm", -1 },
	{ "a.HTML", -1 },
	{ "a.txt.bak", -1 },
	{ "a.hdr~", -1 },
	{ "", -1 },
};

static const char *const ctx_ext[TMPL_ESC__MAX] = {
	[TMPL_ESC_HTML] = "t.html",
	[TMPL_ESC_TEXT] = "t.txt",
	[TMPL_ESC_HEADER] = "t.hdr",
};

static void
test_ctx_rows(void)
{
	struct tmpl_set	*set;
	struct buf	 out = { 0 };
	json_t		*ctx;
	enum tmpl_escape esc;
	char		 err[256];
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(ctx_rows) / sizeof(ctx_rows[0]); i++) {
		set = tmpl_set_new();
		ctx = json_loads(ctx_rows[i].json, JSON_ALLOW_NUL, NULL);
		if (set == NULL || ctx == NULL || tmpl_set_add(set,
		    ctx_ext[ctx_rows[i].esc], ctx_rows[i].tmpl,
		    strlen(ctx_rows[i].tmpl), err, sizeof(err)) == -1) {
			ok(0, "context row %zu set up: %s", i, err);
			goto next;
		}
		ok(tmpl_set_escape_of(set, ctx_ext[ctx_rows[i].esc], &esc) == 0
		    && esc == ctx_rows[i].esc, "context row %zu: %s is %d",
		    i, ctx_ext[ctx_rows[i].esc], (int)ctx_rows[i].esc);
		buf_reset(&out);
		buf_puts(&out, "keep:");
		rc = tmpl_render(set, ctx_ext[ctx_rows[i].esc], ctx, &out);
		if (ctx_rows[i].want == NULL) {
			is_int(rc, -1, "context row %zu refused", i);
			ok(out.len == 5 && strcmp(out.data, "keep:") == 0,
			    "context row %zu: out untouched (%zu bytes)", i,
			    out.len);
		} else {
			is_int(rc, 0, "context row %zu renders", i);
			ok(out.len == 5 + strlen(ctx_rows[i].want) &&
			    strcmp(out.data + 5, ctx_rows[i].want) == 0,
			    "context row %zu output", i);
			if (strcmp(buf_str(&out) + 5, ctx_rows[i].want) != 0)
				printf("#   got:  '%s'\n#   want: '%s'\n",
				    buf_str(&out) + 5, ctx_rows[i].want);
		}
next:
		json_decref(ctx);
		tmpl_set_free(set);
	}
	buf_free(&out);
}

static void
test_ctx_bads(void)
{
	struct tmpl	*t;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(ctx_bads) / sizeof(ctx_bads[0]); i++) {
		err[0] = '\0';
		t = tmpl_parse(ctx_bads[i].tmpl, strlen(ctx_bads[i].tmpl),
		    ctx_bads[i].esc, err, sizeof(err));
		ok(t == NULL, "context bad row %zu rejected", i);
		ok(strstr(err, ctx_bads[i].err) != NULL,
		    "context bad row %zu error '%s' has '%s'", i, err,
		    ctx_bads[i].err);
		tmpl_free(t);
		/* The same source parses as HTML: the context is the cause. */
		t = tmpl_parse(ctx_bads[i].tmpl, strlen(ctx_bads[i].tmpl),
		    TMPL_ESC_HTML, err, sizeof(err));
		ok(t != NULL && tmpl_escape_of(t) == TMPL_ESC_HTML,
		    "context bad row %zu parses as HTML", i);
		tmpl_free(t);
	}
	t = tmpl_parse("x", 1, TMPL_ESC__MAX, err, sizeof(err));
	ok(t == NULL && strstr(err, "no such escaping context") != NULL,
	    "unknown context refused: %s", err);
	t = tmpl_parse("x", 1, TMPL_ESC_HEADER, err, sizeof(err));
	ok(t != NULL && tmpl_escape_of(t) == TMPL_ESC_HEADER,
	    "tmpl_escape_of tells the parsed context");
	tmpl_free(t);
}

static void
test_ctx_names(void)
{
	enum tmpl_escape esc;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(ctx_names) / sizeof(ctx_names[0]); i++) {
		esc = TMPL_ESC__MAX;
		rc = tmpl_escape_from_name(ctx_names[i].name, &esc);
		ok(ctx_names[i].esc == -1 ? rc == -1 :
		    rc == 0 && (int)esc == ctx_names[i].esc,
		    "name '%s' stands for %d", ctx_names[i].name,
		    ctx_names[i].esc);
	}
	ok(tmpl_escape_from_name(NULL, &esc) == -1, "NULL name");
}

/*
 * tmpl_render_as: the caller names where the bytes go; partials follow;
 * raw output and header refusals hold whatever the template's own context.
 */
static void
test_render_as(void)
{
	static const char *const want[TMPL_ESC__MAX] = {
		[TMPL_ESC_HTML] =
		    "<p>O&#39;Brien &amp; &lt;b&gt;Sons&lt;/b&gt;</p>",
		[TMPL_ESC_TEXT] = "<p>O'Brien & <b>Sons</b></p>",
		[TMPL_ESC_HEADER] = "<p>O'Brien & <b>Sons</b></p>",
	};
	struct tmpl_set	*set;
	struct buf	 out = { 0 };
	json_t		*ctx, *bad;
	enum tmpl_escape esc;
	char		 err[256];
	int		 e;

	set = tmpl_set_new();
	ctx = json_pack("{s:s}", "s", "O'Brien & <b>Sons</b>");
	bad = json_pack("{s:s}", "s", "x\r\nBcc: all@example.com");
	ok(ADD(set, "p.html", "<p>{{> in.html}}</p>") == 0 &&
	    ADD(set, "in.html", "{{s}}") == 0 &&
	    ADD(set, "raw.html", "{{{s}}}") == 0 &&
	    ADD(set, "lines.txt", "Hi\n{{s}}") == 0 &&
	    ADD(set, "t.txt", "{{s}}") == 0 &&
	    ADD(set, "s.hdr", "Re: {{s}}") == 0 &&
	    ADD(set, "split.html", "\xc2{{x}}\x85") == 0,
	    "render_as set: %s", err);

	for (e = 0; e < TMPL_ESC__MAX; e++) {
		buf_reset(&out);
		is_int(tmpl_render_as(set, "p.html", (enum tmpl_escape)e, ctx,
		    &out), 0, "p.html renders as %d", e);
		is_str(buf_str(&out), want[e], "p.html as %d, partial too", e);
	}
	buf_reset(&out);
	tmpl_render(set, "p.html", ctx, &out);
	is_str(buf_str(&out), want[TMPL_ESC_HTML],
	    "tmpl_render uses the template's own context");

	for (e = TMPL_ESC_TEXT; e < TMPL_ESC__MAX; e++) {
		buf_reset(&out);
		buf_puts(&out, "keep");
		is_int(tmpl_render_as(set, "raw.html", (enum tmpl_escape)e,
		    ctx, &out), -1, "raw output refused in a %d render", e);
		is_str(buf_str(&out), "keep", "nothing emitted");
	}
	buf_reset(&out);
	is_int(tmpl_render_as(set, "raw.html", TMPL_ESC_HTML, ctx, &out), 0,
	    "raw output in an HTML render");

	buf_reset(&out);
	buf_puts(&out, "keep");
	is_int(tmpl_render_header(set, "lines.txt", ctx, &out), -1,
	    "header render of a text template with a newline in its text");
	is_int(tmpl_render_header(set, "t.txt", bad, &out), -1,
	    "header render refuses CR LF in a text template's value");
	is_int(tmpl_render_header(set, "s.hdr", bad, &out), -1,
	    "tmpl_render_header refuses CR LF");
	is_int(tmpl_render_header(set, "p.html", bad, &out), -1,
	    "header render refuses CR LF from a partial");
	is_int(tmpl_render_header(set, "split.html", ctx, &out), -1,
	    "header render of broken UTF-8 text making a C1 control");
	ok(out.len == 4 && strcmp(out.data, "keep") == 0,
	    "refused header renders leave out untouched");
	buf_reset(&out);
	is_int(tmpl_render_header(set, "s.hdr", ctx, &out), 0,
	    "tmpl_render_header renders a clean value");
	is_str(buf_str(&out), "Re: O'Brien & <b>Sons</b>", "header output");
	buf_reset(&out);
	is_int(tmpl_render_as(set, "t.txt", TMPL_ESC_TEXT, bad, &out), 0,
	    "text render of the same value");
	is_str(buf_str(&out), "x\nBcc: all@example.com", "text drops the CR");

	is_int(tmpl_render_as(set, "t.txt", TMPL_ESC__MAX, ctx, &out), -1,
	    "unknown context refused at render");
	is_int(tmpl_render_as(set, "nope.txt", TMPL_ESC_TEXT, ctx, &out), -1,
	    "unknown template");
	ok(tmpl_set_escape_of(set, "nope.txt", &esc) == -1,
	    "no context for an unknown template");

	/* Names without a known suffix are HTML: escaping is the default. */
	ok(ADD(set, "plain", "{{s}}") == 0 &&
	    tmpl_set_escape_of(set, "plain", &esc) == 0 &&
	    esc == TMPL_ESC_HTML, "a name without suffix is HTML");
	is_int(ADD(set, "bad.hdr", "{{{s}}}"), -1, "raw refused in .hdr add");
	ok(strstr(err, "raw output") != NULL, "add error: %s", err);
	is_int(ADD(set, "bad.txt", "{{& s}}"), -1, "raw refused in .txt add");
	is_int(tmpl_set_check(set, err, sizeof(err)), 0, "set checks");

	/* A partial must be of its includer's context. */
	ok(ADD(set, "mail.txt", "Hi\n{{> in.html}}\n") == 0,
	    "text template including an HTML partial parses");
	is_int(tmpl_set_check(set, err, sizeof(err)), -1,
	    "tmpl_set_check refuses a cross-context partial");
	is_str(err, "mail.txt: line 2: partial {{> in.html}} is HTML, not text",
	    "cross-context error");

	json_decref(ctx);
	json_decref(bad);
	buf_free(&out);
	tmpl_set_free(set);
}

static int
write_file(const char *dir, const char *name, const char *s, size_t n)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fwrite(s, 1, n, f);
	return fclose(f);
}

/* Writes a literal into dir/name. */
#define PUT(dir, name, lit) write_file((dir), (name), (lit), sizeof(lit) - 1)

static int
sym(const char *dir, const char *name, const char *target)
{
	char	 path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return symlink(target, path);
}

static void
rm(const char *dir, const char *name)
{
	char	 path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -r dir, never following a link (FTW_PHYS). */
static void
rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Names the loaded tree must hold, with their context, and must not hold. */
static const struct {
	const char	*name;
	int		 esc;	/* -1: must not be loaded */
} load_names[] = {
	{ "page.html", TMPL_ESC_HTML },
	{ "part.html", TMPL_ESC_HTML },
	{ "mail.txt", TMPL_ESC_TEXT },
	{ "email/invite.txt", TMPL_ESC_TEXT },
	{ "email/_sign.txt", TMPL_ESC_TEXT },
	{ "email/subject.hdr", TMPL_ESC_HEADER },
	{ "alias.html", TMPL_ESC_HTML },	/* link inside the folder */
	{ "email/link.txt", TMPL_ESC_TEXT },	/* link to ../mail.txt */
	{ "notes.md", -1 },
	{ ".hidden.html", -1 },
	{ "sub.html", -1 },			/* a folder */
	{ "email", -1 },
	{ "email/", -1 },
	{ "invite.txt", -1 },
	{ "email/.draft.txt", -1 },
	{ "email/readme.md", -1 },
	{ "email/old/x.txt", -1 },		/* two levels deep */
	{ "old/x.txt", -1 },
	{ "x.txt", -1 },
	{ ".git/x.html", -1 },			/* hidden folder */
	{ "x.html", -1 },
	{ "linked/invite.txt", -1 },		/* symlinked folder */
	{ "outlink/secret.txt", -1 },
	{ "outside.md", -1 },
};

/* One broken tree each: the file added, the error expected, then removed. */
static const struct {
	const char	*name;
	const char	*src;	/* NULL: a symlink to target */
	const char	*target;
	const char	*err;
} load_bads[] = {
	{ "bad.html", "ok\n{{#x}}\n", NULL,
	    "bad.html: line 2: unclosed section" },
	{ "email/bad.hdr", "Hi {{{x}}}\n", NULL,
	    "email/bad.hdr: line 1: raw output {{{x}}} in a header template" },
	{ "email/two.hdr", "Hi\nthere\n", NULL,
	    "email/two.hdr: line 1: control character 0x0a" },
	{ "email/mix.txt", "{{> part.html}}", NULL,
	    "email/mix.txt: line 1: partial {{> part.html}} is HTML, not text" },
	{ "orphan.html", "{{> gone.html}}", NULL,
	    "orphan.html: line 1: unknown partial" },
	{ "evil.txt", NULL, "@OUT@/secret.txt",
	    "evil.txt: symlink leads outside" },
	{ "email/evil.txt", NULL, "../../@OUTNAME@/secret.txt",
	    "email/evil.txt: symlink leads outside" },
	{ "email/root.html", NULL, "/",
	    "email/root.html: symlink leads outside" },
	{ "gone.txt", NULL, "nowhere.txt", "gone.txt: No such file" },
	{ "folder.html", NULL, "email", "folder.html: not a regular file" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.txt",
	  "x", NULL, "name longer than 128 bytes" },
	{ "email/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.txt",
	  "x", NULL, "name longer than 128 bytes" },
};

/* Replaces @OUT@ (outside folder) and @OUTNAME@ (its base name). */
static void
expand(const char *in, const char *out_dir, char *buf, size_t len)
{
	const char	*base = strrchr(out_dir, '/') + 1;

	if (strncmp(in, "@OUT@", 5) == 0)
		snprintf(buf, len, "%s%s", out_dir, in + 5);
	else if (strncmp(in, "../../@OUTNAME@", 15) == 0)
		snprintf(buf, len, "../../%s%s", base, in + 15);
	else
		snprintf(buf, len, "%s", in);
}

static void
test_load_tree(const char *dir, const char *out_dir)
{
	struct tmpl_set	*set;
	struct buf	 out = { 0 };
	json_t		*ctx;
	enum tmpl_escape esc;
	char		 err[512], link[600], name[200];
	size_t		 i;

	set = tmpl_set_load(dir, err, sizeof(err));
	ok(set != NULL, "load tree: %s", set ? "ok" : err);
	for (i = 0; i < sizeof(load_names) / sizeof(load_names[0]); i++) {
		if (load_names[i].esc == -1) {
			ok(!tmpl_set_has(set, load_names[i].name),
			    "'%s' not loaded", load_names[i].name);
			continue;
		}
		ok(tmpl_set_escape_of(set, load_names[i].name, &esc) == 0 &&
		    (int)esc == load_names[i].esc, "'%s' loaded as %d",
		    load_names[i].name, load_names[i].esc);
	}

	ctx = json_pack("{s:s, s:s}", "who", "<Ann & O'Brien>", "site", "Q");
	is_int(tmpl_render(set, "page.html", ctx, &out), 0, "render page");
	is_str(buf_str(&out), "<p>\n&lt;Ann &amp; O&#39;Brien&gt;!\n</p>\n",
	    "HTML page escapes, standalone partial");
	buf_reset(&out);
	tmpl_render(set, "mail.txt", ctx, &out);
	is_str(buf_str(&out), "Dear <Ann & O'Brien>", "txt template: text");
	buf_reset(&out);
	tmpl_render(set, "email/invite.txt", ctx, &out);
	is_str(buf_str(&out), "Hello <Ann & O'Brien>,\n-- \nQ\n",
	    "email/invite.txt with its email/_sign.txt partial");
	buf_reset(&out);
	tmpl_render(set, "email/subject.hdr", ctx, &out);
	is_str(buf_str(&out), "Crew wanted: <Ann & O'Brien>",
	    "email/subject.hdr: one line, comment and final newline gone");
	json_decref(ctx);
	ctx = json_pack("{s:s}", "who", "Ann\r\nBcc: all@example.com");
	buf_reset(&out);
	is_int(tmpl_render(set, "email/subject.hdr", ctx, &out), -1,
	    "loaded header template refuses CR LF");
	is_int(out.len, 0, "nothing emitted");
	json_decref(ctx);
	tmpl_set_free(set);

	/* A name of exactly LIMIT_TMPL_NAME bytes loads. */
	memset(name, 'a', LIMIT_TMPL_NAME - 4);
	memcpy(name + LIMIT_TMPL_NAME - 4, ".txt", 5);
	write_file(dir, name, "x", 1);
	set = tmpl_set_load(dir, err, sizeof(err));
	ok(set != NULL && tmpl_set_has(set, name),
	    "a name of LIMIT_TMPL_NAME bytes loads: %s", set ? "ok" : err);
	tmpl_set_free(set);
	rm(dir, name);

	for (i = 0; i < sizeof(load_bads) / sizeof(load_bads[0]); i++) {
		if (load_bads[i].src != NULL)
			write_file(dir, load_bads[i].name, load_bads[i].src,
			    strlen(load_bads[i].src));
		else {
			expand(load_bads[i].target, out_dir, link,
			    sizeof(link));
			sym(dir, load_bads[i].name, link);
		}
		err[0] = '\0';
		set = tmpl_set_load(dir, err, sizeof(err));
		ok(set == NULL && strstr(err, load_bads[i].err) != NULL,
		    "load bad row %zu: '%s' has '%s'", i, err,
		    load_bads[i].err);
		tmpl_set_free(set);
		rm(dir, load_bads[i].name);
	}
	buf_free(&out);
}

static void
test_load(void)
{
	struct tmpl_set	*set;
	char		 dir[] = "/tmp/test-tmpl.XXXXXX";
	char		 out_dir[] = "/tmp/test-tmpl-out.XXXXXX";
	char		 err[512], path[600], via[600], *big;

	if (mkdtemp(dir) == NULL || mkdtemp(out_dir) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	PUT(dir, "page.html", "<p>\n  {{> part.html}}\n</p>\n");
	PUT(dir, "part.html", "{{who}}!\n");
	PUT(dir, "mail.txt", "Dear {{who}}");
	PUT(dir, "notes.md", "{{");
	PUT(dir, ".hidden.html", "{{");
	snprintf(path, sizeof(path), "%s/sub.html", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/email", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/email/old", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.git", dir);
	mkdir(path, 0700);
	PUT(dir, "email/invite.txt", "Hello {{who}},\n{{> email/_sign.txt}}");
	PUT(dir, "email/_sign.txt", "-- \n{{site}}\n");
	PUT(dir, "email/subject.hdr",
	    "{{! subject of the invitation }}\nCrew wanted: {{who}}\n");
	PUT(dir, "email/.draft.txt", "{{");
	PUT(dir, "email/readme.md", "{{");
	PUT(dir, "email/old/x.txt", "{{");
	PUT(dir, ".git/x.html", "{{");
	PUT(out_dir, "secret.txt", "secret {{x}}");
	sym(dir, "alias.html", "page.html");
	sym(dir, "email/link.txt", "../mail.txt");
	sym(dir, "linked", "email");
	sym(dir, "outlink", out_dir);
	snprintf(path, sizeof(path), "%s/secret.txt", out_dir);
	sym(dir, "outside.md", path);

	test_load_tree(dir, out_dir);

	/* The folder named through a symlink: links inside still resolve. */
	snprintf(via, sizeof(via), "%s-via", dir);
	symlink(dir, via);
	set = tmpl_set_load(via, err, sizeof(err));
	ok(set != NULL && tmpl_set_has(set, "alias.html") &&
	    tmpl_set_has(set, "email/link.txt"),
	    "folder named through a symlink: %s", set ? "ok" : err);
	tmpl_set_free(set);
	unlink(via);

	big = malloc(LIMIT_TMPL_SIZE + 1);
	memset(big, 'x', LIMIT_TMPL_SIZE + 1);
	write_file(dir, "email/big.txt", big, LIMIT_TMPL_SIZE + 1);
	free(big);
	set = tmpl_set_load(dir, err, sizeof(err));
	ok(set == NULL && strstr(err, "email/big.txt: larger than"),
	    "oversized file rejected: %s", err);
	rm(dir, "email/big.txt");

	set = tmpl_set_load("/nonexistent/charterd-templates", err,
	    sizeof(err));
	ok(set == NULL && strstr(err, "/nonexistent") != NULL,
	    "missing directory: %s", err);

	rm_tree(dir);
	rm_tree(out_dir);
}

int
main(void)
{
	log_init("test-tmpl", LOG_LVL_ERR);
	test_goods();
	test_bads();
	test_depth();
	test_bounds();
	test_render_errors();
	test_ctx_names();
	test_ctx_rows();
	test_ctx_bads();
	test_render_as();
	test_load();
	return tap_done();
}
