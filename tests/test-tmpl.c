/* test-tmpl.c: table-driven tests of the template engine (TAP) */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
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
	{ "{{> ../etc/passwd}}", "invalid character '/'" },
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
		t = tmpl_parse(bads[i].tmpl, strlen(bads[i].tmpl), err,
		    sizeof(err));
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
	t = tmpl_parse(src, strlen(src), err, sizeof(err));
	ok(t != NULL, "nesting of exactly LIMIT_TMPL_DEPTH parses");
	tmpl_free(t);
	rc = render_str(src, "{\"a\":true,\"x\":\"deep\"}", &out);
	ok(rc == 0 && strcmp(buf_str(&out), "deep") == 0,
	    "nesting of LIMIT_TMPL_DEPTH renders");
	free(src);

	src = nested(LIMIT_TMPL_DEPTH + 1);
	t = tmpl_parse(src, strlen(src), err, sizeof(err));
	ok(t == NULL && strstr(err, "nested deeper than") != NULL,
	    "LIMIT_TMPL_DEPTH + 1 rejected: %s", err);
	free(src);

	src = nested(1000);
	t = tmpl_parse(src, strlen(src), err, sizeof(err));
	ok(t == NULL && strstr(err, "line 1: sections nested deeper") != NULL,
	    "1000-deep nesting rejected: %s", err);
	free(src);

	/* Only the opening half: still the depth error, not a crash. */
	src = nested(1000);
	src[1000 * 6] = '\0';
	t = tmpl_parse(src, strlen(src), err, sizeof(err));
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
		t = tmpl_parse(p, n, err, sizeof(err));
		ok(i == 4 ? t != NULL : t == NULL,
		    "unterminated '%s' handled", cuts[i]);
		tmpl_free(t);
		free(p);
	}
	/* len shorter than the string: "{{a}}" cut to "{{a}" */
	t = tmpl_parse("{{a}}", 4, err, sizeof(err));
	ok(t == NULL && strstr(err, "unclosed tag") != NULL,
	    "len is honoured");
	tmpl_free(t);

	/* An error buffer of one byte, and none at all. */
	t = tmpl_parse("{{", 2, err, 1);
	ok(t == NULL && err[0] == '\0', "errlen 1 gives empty string");
	t = tmpl_parse("{{", 2, NULL, 0);
	ok(t == NULL, "NULL err accepted");

	p = calloc(1, LIMIT_TMPL_SIZE + 1);
	memset(p, 'x', LIMIT_TMPL_SIZE + 1);
	t = tmpl_parse(p, LIMIT_TMPL_SIZE + 1, err, sizeof(err));
	ok(t == NULL && strstr(err, "larger than") != NULL,
	    "template over LIMIT_TMPL_SIZE rejected");
	t = tmpl_parse(p, LIMIT_TMPL_SIZE, err, sizeof(err));
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

static void
rm_dir(const char *dir, const char **names, size_t n)
{
	char	 path[512];
	size_t	 i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (unlink(path) == -1)
			rmdir(path);
	}
	rmdir(dir);
}

static void
test_load(void)
{
	static const char *names[] = { "page.html", "part.html", "mail.txt",
	    "notes.md", ".hidden.html", "sub.html", "bad.html", "big.txt",
	    "orphan.html" };
	struct tmpl_set	*set;
	struct buf	 out = { 0 };
	json_t		*ctx;
	char		 dir[] = "/tmp/test-tmpl.XXXXXX", err[512], path[600];
	char		*big;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	write_file(dir, "page.html", "<p>\n  {{> part.html}}\n</p>\n", 27);
	write_file(dir, "part.html", "{{who}}!\n", 9);
	write_file(dir, "mail.txt", "Dear {{who}}", 12);
	write_file(dir, "notes.md", "{{", 2);
	write_file(dir, ".hidden.html", "{{", 2);
	snprintf(path, sizeof(path), "%s/sub.html", dir);
	mkdir(path, 0700);

	set = tmpl_set_load(dir, err, sizeof(err));
	ok(set != NULL, "load directory: %s", set ? "ok" : err);
	ok(tmpl_set_has(set, "page.html") && tmpl_set_has(set, "part.html") &&
	    tmpl_set_has(set, "mail.txt"), "html and txt loaded by file name");
	ok(!tmpl_set_has(set, "notes.md") && !tmpl_set_has(set, ".hidden.html")
	    && !tmpl_set_has(set, "sub.html"),
	    "other suffixes, hidden files and directories skipped");
	ctx = json_pack("{s:s}", "who", "<Ann>");
	is_int(tmpl_render(set, "page.html", ctx, &out), 0, "render loaded");
	is_str(buf_str(&out), "<p>\n&lt;Ann&gt;!\n</p>\n",
	    "loaded page with standalone partial");
	buf_reset(&out);
	tmpl_render(set, "mail.txt", ctx, &out);
	is_str(buf_str(&out), "Dear &lt;Ann&gt;", "txt template renders");
	json_decref(ctx);
	tmpl_set_free(set);

	write_file(dir, "bad.html", "ok\n{{#x}}\n", 10);
	set = tmpl_set_load(dir, err, sizeof(err));
	ok(set == NULL && strstr(err, "bad.html: line 2: unclosed section"),
	    "parse error names file and line: %s", err);
	snprintf(path, sizeof(path), "%s/bad.html", dir);
	unlink(path);

	big = malloc(LIMIT_TMPL_SIZE + 1);
	memset(big, 'x', LIMIT_TMPL_SIZE + 1);
	write_file(dir, "big.txt", big, LIMIT_TMPL_SIZE + 1);
	free(big);
	set = tmpl_set_load(dir, err, sizeof(err));
	ok(set == NULL && strstr(err, "big.txt: larger than"),
	    "oversized file rejected: %s", err);
	snprintf(path, sizeof(path), "%s/big.txt", dir);
	unlink(path);

	write_file(dir, "orphan.html", "{{> gone.html}}", 15);
	set = tmpl_set_load(dir, err, sizeof(err));
	ok(set == NULL && strstr(err, "orphan.html: line 1: unknown partial"),
	    "unresolved partial rejected at load: %s", err);

	set = tmpl_set_load("/nonexistent/charterd-templates", err,
	    sizeof(err));
	ok(set == NULL && strstr(err, "/nonexistent") != NULL,
	    "missing directory: %s", err);

	rm_dir(dir, names, sizeof(names) / sizeof(names[0]));
	buf_free(&out);
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
	test_load();
	return tap_done();
}
