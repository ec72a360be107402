/* test-svg-chart.c: the net-by-month chart: short money labels, round ticks, bars above and below a real zero line, accessible name, escaping, refusals */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "svg_chart.h"
#include "tap.h"

#define MINUS "\xE2\x88\x92"

static const struct {
	long long	 cents;
	const char	*want;
} money[] = {
	{ 0, "$0" }, { 49, "$0" }, { -49, "$0" }, { 50, "$1" },
	{ 83000, "$830" }, { -83000, MINUS "$830" }, { 99949, "$999" },
	{ 99999, "$1k" }, { 200000, "$2k" }, { 250000, "$2.5k" },
	{ 421000, "$4.2k" }, { -421000, MINUS "$4.2k" }, { 994900, "$9.9k" },
	{ 995000, "$10k" }, { 1234500, "$12k" }, { 99949900, "$999k" },
	{ 99950000, "$1M" }, { 150000000, "$1.5M" }, { 1200000000, "$12M" },
	{ -LIMIT_CHART_CENTS, MINUS "$10000000M" },
};

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The number in attribute name="..." of the n-th element starting with tag
 * (from 0); -1e9 when there is none. */
static double
attr_of(const char *svg, const char *tag, int nth, const char *name)
{
	const char	*p = svg, *end;
	char		 key[32];

	while ((p = strstr(p, tag)) != NULL && nth-- > 0)
		p += strlen(tag);
	if (p == NULL || (end = strchr(p, '>')) == NULL)
		return -1e9;
	snprintf(key, sizeof(key), " %s=\"", name);
	if ((p = strstr(p, key)) == NULL || p > end)
		return -1e9;
	return strtod(p + strlen(key), NULL);
}

static int
near(double a, double b)
{
	return a - b < 0.11 && b - a < 0.11;
}

int
main(void)
{
	static const struct chart_bar q1[] = {
		{ "Jan", "2025", "January 2025: $4,210.00", 421000 },
		{ "Feb", "2025", "February 2025: -$830.00", -83000 },
		{ "Mar", "2025", "March 2025: $1,500.00", 150000 },
	};
	struct chart_bar	 many[60], bad[1];
	struct chart		 c = {
		.id = "net-chart", .title = "Net by month",
		.desc = "Three months; February lost money.", .klass = "chart-narrow",
		.empty = "No charters", .bars = q1, .n = 3, .width = 360,
		.height = 240, .font = 12,
	};
	struct buf		 b = { 0 }, again = { 0 };
	char			 out[64], name[16];
	const char		*s;
	double			 zero, ratio;
	size_t			 i;
	int			 narrow;

	for (i = 0; i < sizeof(money) / sizeof(money[0]); i++) {
		svg_chart_money(money[i].cents, out, sizeof(out));
		is_str(out, money[i].want, "%lld cents reads %s", money[i].cents,
		    money[i].want);
	}

	/* Three months, one at a loss. */
	ok(svg_chart_bars(&b, &c) == 0, "a chart of three months is drawn");
	s = buf_str(&b);
	ok(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart "
	    "chart-narrow\" viewBox=\"0 0 360 240\"", 75) == 0,
	    "one <svg> with its class and viewBox");
	ok(strstr(s, "role=\"img\" aria-labelledby=\"net-chart-title "
	    "net-chart-desc\"") != NULL, "role img, named by its title and desc");
	ok(strstr(s, "<title id=\"net-chart-title\">Net by month</title>"
	    "<desc id=\"net-chart-desc\">Three months; February lost money."
	    "</desc>") != NULL, "title and desc come first, with those ids");
	is_int(count(s, "class=\"chart-bar chart-bar-pos\""), 2, "two bars above zero");
	is_int(count(s, "class=\"chart-bar chart-bar-neg\""), 1, "one below");
	zero = attr_of(s, "<line class=\"chart-zero\"", 0, "y1");
	ok(zero > 0 && zero < 240, "there is a zero line (y %.1f)", zero);
	ok(near(attr_of(s, "<rect", 0, "y") + attr_of(s, "<rect", 0, "height"),
	    zero), "January's bar stands on the zero line");
	ok(near(attr_of(s, "<rect", 1, "y"), zero) &&
	    attr_of(s, "<rect", 1, "height") > 1,
	    "February's hangs from it, below");
	ok(attr_of(s, "<rect", 0, "height") > attr_of(s, "<rect", 2, "height") &&
	    attr_of(s, "<rect", 2, "height") > attr_of(s, "<rect", 1, "height"),
	    "heights follow the values ($4.2k > $1.5k > $830)");
	ratio = attr_of(s, "<rect", 1, "height") / attr_of(s, "<rect", 0,
	    "height");
	ok(ratio > 830.0 / 4210 * 0.98 && ratio < 830.0 / 4210 * 1.02,
	    "in proportion: the loss's bar is 830/4210 of January's (%.4f)",
	    ratio);
	/* -$830 .. $4,210 in $2k steps: -$2k, $0, $2k, $4k, $6k. */
	for (i = 0; i < 5; i++) {
		static const char *ticks[] = { MINUS "$2k", "$0", "$2k", "$4k",
		    "$6k" };

		snprintf(out, sizeof(out), "text-anchor=\"end\">%s</text>",
		    ticks[i]);
		ok(strstr(s, out) != NULL, "tick %s", ticks[i]);
	}
	is_int(count(s, "class=\"chart-tick\""), 5, "and no other tick");
	ok(attr_of(s, "<text class=\"chart-tick\"", 0, "y") >
	    attr_of(s, "<text class=\"chart-tick\"", 4, "y"),
	    "the lowest tick is at the bottom");
	ok(strstr(s, ">$4.2k</text>") && strstr(s, ">" MINUS "$830</text>") &&
	    strstr(s, ">$1.5k</text>"), "each bar's value is written by it");
	ok(attr_of(s, "<text class=\"chart-value chart-value-neg\"", 0, "y") >
	    zero, "the loss's value is under the zero line");
	is_int(count(s, "class=\"chart-label\""), 3, "three month labels");
	is_int(count(s, "class=\"chart-group\""), 1, "the year once");
	ok(strstr(s, "<title>February 2025: -$830.00</title></rect>") != NULL,
	    "a bar carries its own title");
	ok(strstr(s, "style") == NULL, "no style attribute or element (CSP)");
	is_int(count(s, "<text"), count(s, "</text>"), "every text is closed");
	ok(strcmp(s + b.len - 6, "</svg>") == 0, "and the svg");
	ok(svg_chart_bars(&again, &c) == 0 && strcmp(buf_str(&again), s) == 0,
	    "the same chart gives the same bytes");

	/* Escaping. */
	buf_reset(&b);
	c.title = "<script>alert(1)</script> & \"q\"";
	c.desc = "tab\there, bell\a, nul-free";
	bad[0] = (struct chart_bar){ "<b>", "'y'", "x\x01y", 100 };
	c.bars = bad;
	c.n = 1;
	ok(svg_chart_bars(&b, &c) == 0, "a chart with markup in every string");
	s = buf_str(&b);
	ok(strstr(s, "<script") == NULL && strstr(s, "<b>") == NULL,
	    "no markup gets through");
	ok(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
	    "&quot;q&quot;") != NULL, "the title is escaped");
	ok(strstr(s, "taghere") == NULL && strstr(s, "tabhere, bell, nul-free")
	    != NULL, "control characters are dropped");
	ok(strstr(s, ">&#39;y&#39;</text>") && strstr(s, "<title>xy</title>"),
	    "labels and titles too");

	/* Sixty months on a phone: labels thinned out, no values. */
	for (i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "M%02zu", i % 12 + 1);
		many[i] = (struct chart_bar){ strdup(name), i < 12 ? "2021" :
		    "2022", NULL, (long long)(i % 7) * 100000 - 200000 };
	}
	buf_reset(&b);
	c.title = "Five years";
	c.desc = "Sixty months.";
	c.bars = many;
	c.n = 60;
	ok(svg_chart_bars(&b, &c) == 0, "sixty months at 360 wide");
	s = buf_str(&b);
	narrow = count(s, "class=\"chart-label\"");
	is_int(count(s, "<rect"), 60 - 60 / 7 - 1, "a bar per month but the "
	    "empty ones");
	ok(count(s, "class=\"chart-label\"") < 20 &&
	    count(s, "class=\"chart-label\"") >= 5,
	    "some month labels, not all (%d)", count(s, "class=\"chart-label\""));
	is_int(count(s, "chart-value"), 0, "no values: they would not fit");
	is_int(count(s, "class=\"chart-group\""), 2, "both years named");
	buf_reset(&b);
	c.width = 960;
	c.height = 360;
	c.font = 14;
	ok(svg_chart_bars(&b, &c) == 0 && count(buf_str(&b),
	    "class=\"chart-label\"") > narrow, "more labels on a desktop's "
	    "width (%d, %d at 360)", count(buf_str(&b), "class=\"chart-label\""),
	    narrow);
	for (i = 0; i < 60; i++)
		free((char *)many[i].label);

	/* No bars. */
	buf_reset(&b);
	c.n = 0;
	c.bars = NULL;
	ok(svg_chart_bars(&b, &c) == 0, "an empty range still draws");
	ok(strstr(buf_str(&b), ">No charters</text>") != NULL &&
	    strstr(buf_str(&b), ">$0</text>") != NULL &&
	    count(buf_str(&b), "<rect") == 0, "axes and a word, no bars");

	/* Refusals leave the buffer alone. */
	c.bars = q1;
	c.n = 3;
	buf_reset(&b);
	buf_puts(&b, "before");
	c.id = "Net";
	is_int(svg_chart_bars(&b, &c), -1, "an id with a capital is refused");
	c.id = "net\"x";
	is_int(svg_chart_bars(&b, &c), -1, "an id with a quote is refused");
	c.id = "net";
	c.klass = "x\" onload=\"y";
	is_int(svg_chart_bars(&b, &c), -1, "a class that is not one is refused");
	c.klass = NULL;
	c.width = 50;
	is_int(svg_chart_bars(&b, &c), -1, "a tiny box is refused");
	c.width = 360;
	c.font = 2;
	is_int(svg_chart_bars(&b, &c), -1, "a tiny font is refused");
	c.font = 12;
	c.n = LIMIT_CHART_BARS + 1;
	is_int(svg_chart_bars(&b, &c), -1, "too many bars are refused");
	bad[0] = (struct chart_bar){ "x", NULL, NULL, LIMIT_CHART_CENTS + 1 };
	c.bars = bad;
	c.n = 1;
	is_int(svg_chart_bars(&b, &c), -1, "an absurd value is refused");
	bad[0].value = -LIMIT_CHART_CENTS;
	ok(svg_chart_bars(&b, &c) == 0, "the limit itself is drawn");
	buf_reset(&b);
	buf_puts(&b, "before");
	b.max = 100;
	c.bars = q1;
	c.n = 3;
	is_int(svg_chart_bars(&b, &c), -1, "a full buffer fails");
	is_str(buf_str(&b), "before", "and keeps what it held");

	buf_free(&b);
	buf_free(&again);
	return tap_done();
}
