/* svg_chart.c: a bar chart of money as inline SVG: axes, ticks, labels, bars below zero for losses, an accessible name */
#include <stdio.h>
#include <string.h>

#include "limits.h"
#include "svg_chart.h"
#include "utf8.h"

#define MINUS		"\xE2\x88\x92"	/* U+2212, the minus sign */
#define TICKS_MAX	5		/* grid intervals at most */
#define CHAR_EM		0.6		/* a label's character, in ems (wide
					   enough for digits and "$") */
#define ID_MAX		64

/* Where everything goes, worked out once from the chart. */
struct frame {
	double		 x0, x1, y0, y1;	/* the plot area */
	long long	 lo, hi, step;		/* the scale, in cents */
	double		 slot, bar_w;		/* per bar */
	int		 every;			/* a label under every k-th bar */
	int		 values;		/* values over the bars */
	double		 label_y, group_y;	/* baselines under the plot */
};

/* Floor and ceiling of a / b for b > 0, negative a included. */
static long long
floor_div(long long a, long long b)
{
	return a / b - (a % b != 0 && a < 0);
}

static long long
ceil_div(long long a, long long b)
{
	return a / b + (a % b != 0 && a > 0);
}

void
svg_chart_money(long long cents, char *out, size_t len)
{
	unsigned long long	 abs, d, t;
	const char		*sign;

	/* Negated as unsigned: LLONG_MIN has no positive twin. */
	abs = cents < 0 ? 0ULL - (unsigned long long)cents :
	    (unsigned long long)cents;
	d = abs / 100 + (abs % 100 >= 50);
	sign = cents < 0 && d > 0 ? MINUS : "";
	if (d < 1000)
		snprintf(out, len, "%s$%llu", sign, d);
	else if (d < 9950) {
		t = (d + 50) / 100;
		if (t % 10 == 0)
			snprintf(out, len, "%s$%lluk", sign, t / 10);
		else
			snprintf(out, len, "%s$%llu.%lluk", sign, t / 10, t % 10);
	} else if (d < 999500)
		snprintf(out, len, "%s$%lluk", sign, (d + 500) / 1000);
	else if (d < 9950000) {
		t = (d + 50000) / 100000;
		if (t % 10 == 0)
			snprintf(out, len, "%s$%lluM", sign, t / 10);
		else
			snprintf(out, len, "%s$%llu.%lluM", sign, t / 10, t % 10);
	} else
		snprintf(out, len, "%s$%lluM", sign, (d + 500000) / 1000000);
}

/* Width of a label in the chart's units, near enough to keep labels apart. */
static double
text_width(const char *s, int font)
{
	return (double)utf8_chars(s, strlen(s)) * CHAR_EM * font;
}

/* The smallest round step (1, 2 or 5 times a power of ten, whole dollars)
 * that spans lo..hi in at most TICKS_MAX steps. */
static long long
nice_step(long long lo, long long hi)
{
	static const long long	 mult[] = { 1, 2, 5 };
	long long		 mag, step = 0;
	size_t			 i;

	/* Values are within LIMIT_CHART_CENTS, so a step is found by then. */
	for (mag = 100; mag <= LIMIT_CHART_CENTS; mag *= 10)
		for (i = 0; i < sizeof(mult) / sizeof(mult[0]); i++) {
			step = mult[i] * mag;
			if (ceil_div(hi, step) - floor_div(lo, step) <= TICKS_MAX)
				return step;
		}
	return step;
}

/*
 * The scale: round amounts from below the lowest value to above the
 * highest, zero always inside, so bars rise from and hang below a real
 * zero line.
 */
static void
frame_scale(const struct chart *c, struct frame *f)
{
	long long	 lo = 0, hi = 0;
	size_t		 i;

	for (i = 0; i < c->n; i++) {
		if (c->bars[i].value < lo)
			lo = c->bars[i].value;
		if (c->bars[i].value > hi)
			hi = c->bars[i].value;
	}
	if (lo == hi)
		hi = 10000;	/* nothing but zeros: $0 to $100 */
	f->step = nice_step(lo, hi);
	f->lo = floor_div(lo, f->step) * f->step;
	f->hi = ceil_div(hi, f->step) * f->step;
}

static double
ypos(const struct frame *f, long long v)
{
	return f->y1 - (double)(v - f->lo) / (double)(f->hi - f->lo) *
	    (f->y1 - f->y0);
}

/* Margins from what has to fit in them, then the plot area and the bars. */
static void
frame_layout(const struct chart *c, struct frame *f)
{
	char		 label[32];
	double		 widest = 0, w, value_w = 0;
	long long	 v;
	size_t		 i;
	int		 neg = 0, groups = 0;

	for (v = f->lo; v <= f->hi; v += f->step) {
		svg_chart_money(v, label, sizeof(label));
		if ((w = text_width(label, c->font)) > widest)
			widest = w;
	}
	f->x0 = widest + c->font;
	f->x1 = c->width - c->font / 2.0;
	f->slot = c->n > 0 ? (f->x1 - f->x0) / (double)c->n : f->x1 - f->x0;
	f->bar_w = f->slot * 0.7 < c->font * 4.0 ? f->slot * 0.7 : c->font * 4.0;

	/* Values over the bars when every one fits over its own. */
	widest = 0;
	for (i = 0; i < c->n; i++) {
		svg_chart_money(c->bars[i].value, label, sizeof(label));
		if ((w = text_width(label, c->font)) > value_w)
			value_w = w;
		if (c->bars[i].label != NULL &&
		    (w = text_width(c->bars[i].label, c->font)) > widest)
			widest = w;
		neg |= c->bars[i].value < 0;
		groups |= c->bars[i].group != NULL;
	}
	f->values = c->n > 0 && value_w <= f->slot - 4;
	f->every = 1;
	while (f->every < (int)c->n && f->slot * f->every < widest + c->font)
		f->every++;

	/* Top: room for a value over the highest bar. Bottom: a value under
	 * the lowest one, then the labels, then the groups. */
	f->y0 = c->font * 1.5;
	f->y1 = c->height - (c->font + 8.0) - (groups ? c->font + 4.0 : 0) -
	    (f->values && neg ? c->font + 4.0 : 0);
	f->label_y = f->y1 + (f->values && neg ? c->font + 4.0 : 0) +
	    c->font + 4.0;
	f->group_y = f->label_y + c->font + 4.0;
}

/* Text for XML: escaped, control characters (which XML 1.0 forbids even
 * as references) dropped. */
static int
xml_text(struct buf *b, const char *s)
{
	size_t i, start = 0, n = strlen(s);

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
			continue;
		if (buf_html(b, s + start, i - start) == -1)
			return -1;
		start = i + 1;
	}
	return buf_html(b, s + start, n - start);
}

static int
text_el(struct buf *b, const char *klass, double x, double y,
    const char *anchor, const char *s)
{
	if (buf_printf(b, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
	    "text-anchor=\"%s\">", klass, x, y, anchor) == -1 ||
	    xml_text(b, s) == -1)
		return -1;
	return buf_puts(b, "</text>");
}

static int
draw_grid(struct buf *b, const struct chart *c, const struct frame *f)
{
	char		 label[32];
	long long	 v;
	double		 y;

	if (buf_puts(b, "<g class=\"chart-grid\">") == -1)
		return -1;
	for (v = f->lo; v <= f->hi; v += f->step) {
		y = ypos(f, v);
		svg_chart_money(v, label, sizeof(label));
		if ((v != 0 && buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" "
		    "y1=\"%.1f\" y2=\"%.1f\"/>", f->x0, f->x1, y, y) == -1) ||
		    text_el(b, "chart-tick", f->x0 - c->font / 2.0,
		    y + c->font * 0.35, "end", label) == -1)
			return -1;
	}
	return buf_puts(b, "</g>");
}

static int
draw_bars(struct buf *b, const struct chart *c, const struct frame *f)
{
	const struct chart_bar	*bar;
	double			 x, top, bottom, zero = ypos(f, 0);
	size_t			 i;

	for (i = 0; i < c->n; i++) {
		bar = &c->bars[i];
		if (bar->value == 0)
			continue;
		x = f->x0 + f->slot * (double)i + (f->slot - f->bar_w) / 2;
		top = bar->value > 0 ? ypos(f, bar->value) : zero;
		bottom = bar->value > 0 ? zero : ypos(f, bar->value);
		/* A tiny amount still shows which side of zero it is on. */
		if (bottom - top < 1) {
			if (bar->value > 0)
				top = bottom - 1;
			else
				bottom = top + 1;
		}
		if (buf_printf(b, "<rect class=\"chart-bar chart-bar-%s\" "
		    "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
		    bar->value > 0 ? "pos" : "neg", x, top, f->bar_w,
		    bottom - top) == -1)
			return -1;
		if (bar->tooltip != NULL && (buf_puts(b, "<title>") == -1 ||
		    xml_text(b, bar->tooltip) == -1 ||
		    buf_puts(b, "</title>") == -1))
			return -1;
		if (buf_puts(b, "</rect>") == -1)
			return -1;
	}
	/* The zero line over the bars' ends, and the y axis. */
	return buf_printf(b, "<line class=\"chart-zero\" x1=\"%.1f\" "
	    "x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/><line class=\"chart-axis\" "
	    "x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", f->x0, f->x1,
	    zero, zero, f->x0, f->x0, f->y0, f->y1);
}

static int
draw_labels(struct buf *b, const struct chart *c, const struct frame *f)
{
	const struct chart_bar	*bar;
	const char		*group = NULL;
	char			 label[32];
	double			 mid, x, y, group_end = -1e9;
	size_t			 i;

	for (i = 0; i < c->n; i++) {
		bar = &c->bars[i];
		mid = f->x0 + f->slot * ((double)i + 0.5);
		if (f->values) {
			svg_chart_money(bar->value, label, sizeof(label));
			y = bar->value < 0 ? ypos(f, bar->value) + c->font :
			    ypos(f, bar->value) - 4;
			if (text_el(b, bar->value < 0 ? "chart-value "
			    "chart-value-neg" : "chart-value", mid, y,
			    "middle", label) == -1)
				return -1;
		}
		if (bar->label != NULL && i % (size_t)f->every == 0 &&
		    text_el(b, "chart-label", mid, f->label_y, "middle",
		    bar->label) == -1)
			return -1;
		/* A group's name where it starts, unless the last one's is
		 * still in the way. */
		if (bar->group != NULL && (group == NULL ||
		    strcmp(group, bar->group) != 0)) {
			group = bar->group;
			x = f->x0 + f->slot * (double)i + (f->slot - f->bar_w) / 2;
			if (x < group_end + c->font / 2.0)
				continue;
			if (text_el(b, "chart-group", x, f->group_y, "start",
			    bar->group) == -1)
				return -1;
			group_end = x + text_width(bar->group, c->font);
		}
	}
	return 0;
}

/* An id ([a-z][a-z0-9-]*) or, with spaces, a class list: written as is. */
static int
name_ok(const char *s, int spaces)
{
	size_t n;

	if (s == NULL || s[0] < 'a' || s[0] > 'z' || (n = strlen(s)) > ID_MAX)
		return 0;
	return strspn(s, spaces ? "abcdefghijklmnopqrstuvwxyz0123456789- " :
	    "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static int
chart_ok(const struct chart *c)
{
	size_t i;

	if (!name_ok(c->id, 0) || (c->klass != NULL && !name_ok(c->klass, 1)) ||
	    c->title == NULL || c->desc == NULL ||
	    c->width < 200 || c->width > 4000 || c->height < 100 ||
	    c->height > 4000 || c->font < 8 || c->font > 48 ||
	    c->n > LIMIT_CHART_BARS || (c->n > 0 && c->bars == NULL))
		return 0;
	for (i = 0; i < c->n; i++)
		if (c->bars[i].value > LIMIT_CHART_CENTS ||
		    c->bars[i].value < -LIMIT_CHART_CENTS)
			return 0;
	return 1;
}

int
svg_chart_bars(struct buf *b, const struct chart *c)
{
	struct frame	 f;
	size_t		 start = b->len;

	if (!chart_ok(c))
		return -1;
	memset(&f, 0, sizeof(f));
	frame_scale(c, &f);
	frame_layout(c, &f);
	if (buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"chart%s%s\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	    "height=\"%d\" font-size=\"%d\" role=\"img\" "
	    "aria-labelledby=\"%s-title %s-desc\"><title id=\"%s-title\">",
	    c->klass ? " " : "", c->klass ? c->klass : "", c->width,
	    c->height, c->width, c->height, c->font, c->id, c->id, c->id) == -1 ||
	    xml_text(b, c->title) == -1 ||
	    buf_printf(b, "</title><desc id=\"%s-desc\">", c->id) == -1 ||
	    xml_text(b, c->desc) == -1 || buf_puts(b, "</desc>") == -1 ||
	    draw_grid(b, c, &f) == -1 || draw_bars(b, c, &f) == -1 ||
	    draw_labels(b, c, &f) == -1)
		goto fail;
	if (c->n == 0 && c->empty != NULL &&
	    text_el(b, "chart-empty", (f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2,
	    "middle", c->empty) == -1)
		goto fail;
	if (buf_puts(b, "</svg>") == -1)
		goto fail;
	return 0;
fail:
	/* Nothing half-drawn: the caller's buffer as it was. */
	b->len = start;
	if (b->data != NULL)
		b->data[start] = '\0';
	return -1;
}
