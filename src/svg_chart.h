/* svg_chart.h: a bar chart of money as inline SVG: axes, ticks, labels, bars below zero for losses, an accessible name */
#ifndef CHARTERD_SVG_CHART_H
#define CHARTERD_SVG_CHART_H

#include <stddef.h>

#include "buf.h"

/* One bar: a month's net, say. Strings are ours (not escaped by the caller:
 * svg_chart_bars escapes every one). */
struct chart_bar {
	const char	*label;		/* under the bar: "Mar" */
	const char	*group;		/* under the labels where it changes:
					   "2025"; NULL: none */
	const char	*tooltip;	/* the bar's own <title>: "March 2025:
					   $4,210.00"; NULL: none */
	long long	 value;		/* cents; negative: below the zero line */
};

/*
 * A chart and the box it is drawn in. The chart scales to its container
 * (viewBox), so width, height and font are in the same units: pick them
 * for the size it will be shown at (a phone's 360, a desktop's 960), and
 * the text comes out the size font says.
 */
struct chart {
	const char		*id;		/* unique in the page, [a-z][a-z0-9-]*;
						   the title's and desc's ids */
	const char		*title;		/* the accessible name */
	const char		*desc;		/* the accessible description */
	const char		*klass;		/* extra class on <svg>, or NULL */
	const char		*empty;		/* shown when there are no bars */
	const struct chart_bar	*bars;
	size_t			 n;		/* at most LIMIT_CHART_BARS */
	int			 width, height;	/* 200..4000 */
	int			 font;		/* 8..48 */
};

/*
 * Appends the chart as one <svg role="img" aria-labelledby="<id>-title
 * <id>-desc"> element: a <title> and <desc>, horizontal grid lines at
 * round amounts with their labels ("$2.5k", "−$500": U+2212 for minus),
 * a y axis, one bar per entry rising from the zero line (class
 * "chart-bar chart-bar-pos") or hanging below it ("chart-bar
 * chart-bar-neg"), each with its value above or below it when there is
 * room, the labels under the bars (every k-th when they would collide) and
 * group labels where the group changes. Colours come from the page's
 * stylesheet by class (chart-grid, chart-zero, chart-axis, chart-tick,
 * chart-label, chart-group, chart-value): no style attribute, no <style>,
 * so a Content-Security-Policy without 'unsafe-inline' shows it as
 * meant. Every string is XML-escaped, control characters dropped.
 * Pure: the same chart gives the same bytes.
 * Returns 0, or -1 (nothing appended) for a bad id, size or font, more
 * than LIMIT_CHART_BARS bars, a value beyond LIMIT_CHART_CENTS either
 * way, or a failed append.
 */
int	svg_chart_bars(struct buf *out, const struct chart *);

/*
 * An amount as short as an axis wants it, in whole dollars: "$0", "$830",
 * "$4.2k", "$12k", "$1.5M", "−$2k" (U+2212). Exposed for tests.
 */
void	svg_chart_money(long long cents, char *out, size_t len);

#endif
