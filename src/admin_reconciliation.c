/* admin_reconciliation.c: /admin/reconciliation, the owner's money page (per charter, per month, the net-by-month chart) and its CSV */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "db_errors.h"
#include "db_reconciliation.h"
#include "handlers.h"
#include "money.h"
#include "recon_csv.h"
#include "recon_filter.h"
#include "sigv4.h"
#include "svg_chart.h"

#define MINUS		"\xE2\x88\x92"	/* U+2212, as money_label writes a loss */
#define LABEL_MAX	64

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};
static const char *const month_short[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec",
};

/* The two drawings of the chart: a phone's and a desktop's (the page's
 * stylesheet shows one). Sized so their text is the page's size. */
static const struct {
	const char	*id, *klass;
	int		 width, height, font;
} chart_sizes[] = {
	{ "net-chart-narrow", "chart-narrow", 360, 260, 13 },
	{ "net-chart-wide", "chart-wide", 960, 340, 14 },
};

/* "2025-03" into its month (1..12) and year; 0 when it is not one. */
static int
month_of(const char *ym, int *year, int *month)
{
	char *end;

	if (ym == NULL || strlen(ym) != 7 || ym[4] != '-')
		return 0;
	*year = (int)strtol(ym, &end, 10);
	if (end != ym + 4)
		return 0;
	*month = (int)strtol(ym + 5, &end, 10);
	return *end == '\0' && *month >= 1 && *month <= 12;
}

/*
 * For the template: <name>_label ("$1,234.50") beside every <name>_cents
 * that has a value, margin_label ("23.5%", "—" without revenue) and loss
 * (net below zero), any_settled for a sum's count of settled charters.
 */
static void
add_labels(json_t *o)
{
	json_t		*add = json_object(), *v;
	const char	*key;
	char		 name[LABEL_MAX], label[LABEL_MAX];
	size_t		 n;
	double		 pct;

	json_object_foreach(o, key, v) {
		n = strlen(key);
		if (n <= 6 || n >= sizeof(name) || strcmp(key + n - 6, "_cents")
		    != 0 || !json_is_integer(v))
			continue;
		snprintf(name, sizeof(name), "%.*s_label", (int)(n - 6), key);
		money_label(json_integer_value(v), label, sizeof(label));
		json_object_set_new(add, name, json_string(label));
	}
	if (json_is_number(v = json_object_get(o, "margin_pct"))) {
		pct = json_number_value(v);
		snprintf(label, sizeof(label), "%s%.1f%%", pct < 0 ? MINUS : "",
		    pct < 0 ? -pct : pct);
	} else
		snprintf(label, sizeof(label), "—");
	json_object_set_new(add, "margin_label", json_string(label));
	json_object_set_new(add, "loss", json_boolean(json_integer_value(
	    json_object_get(o, "net_cents")) < 0));
	/* A month's count of settled charters: a section wants a boolean
	 * (0 is a value, so it would show). */
	if (json_is_integer(v = json_object_get(o, "settled")))
		json_object_set_new(add, "any_settled", json_boolean(
		    json_integer_value(v) > 0));
	json_object_update(o, add);
	json_decref(add);
}

/* Labels on every row of every list, months named ("Mar 2025"). */
static void
label_rows(json_t *recon)
{
	static const char	*const lists[] = { "bookings", "months",
				    "cancelled" };
	json_t			*row;
	char			 label[LABEL_MAX];
	size_t			 i, k;
	int			 y, m;

	for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
		json_array_foreach(json_object_get(recon, lists[k]), i, row) {
			add_labels(row);
			if (!month_of(json_string_value(json_object_get(row,
			    "month")), &y, &m))
				continue;
			snprintf(label, sizeof(label), "%s %d", month_short[m - 1],
			    y);
			json_object_set_new(row, "month_label", json_string(label));
		}
	add_labels(json_object_get(recon, "totals"));
}

/* The chart's description: what a sighted owner reads off it. */
static void
chart_desc(const json_t *recon, struct buf *d)
{
	const json_t	*months = json_object_get(recon, "months"), *m;
	const json_t	*best = NULL, *worst = NULL;
	char		 a[LABEL_MAX], b[LABEL_MAX];
	size_t		 i, losses = 0;
	long long	 net;

	json_array_foreach(months, i, m) {
		net = json_integer_value(json_object_get(m, "net_cents"));
		losses += net < 0;
		if (best == NULL || net > json_integer_value(json_object_get(best,
		    "net_cents")))
			best = m;
		if (worst == NULL || net < json_integer_value(json_object_get(
		    worst, "net_cents")))
			worst = m;
	}
	money_label(json_integer_value(json_object_get(json_object_get(recon,
	    "totals"), "net_cents")), a, sizeof(a));
	buf_printf(d, "Net (revenue less crew cost, port fees and captain "
	    "fees) for each month from %s to %s; %s in all.",
	    json_string_value(json_object_get(json_array_get(months, 0),
	    "month_label")), json_string_value(json_object_get(
	    json_array_get(months, json_array_size(months) - 1),
	    "month_label")), a);
	if (best != NULL && best != worst) {
		money_label(json_integer_value(json_object_get(best, "net_cents")),
		    a, sizeof(a));
		money_label(json_integer_value(json_object_get(worst,
		    "net_cents")), b, sizeof(b));
		buf_printf(d, " Best month %s, %s; weakest %s, %s.",
		    json_string_value(json_object_get(best, "month_label")), a,
		    json_string_value(json_object_get(worst, "month_label")), b);
	}
	buf_printf(d, " %zu %s lost money.", losses, losses == 1 ?
	    "month" : "months");
}

/* A bar per month, its strings in the caller's arrays (as long as the
 * bars are used); -1 for a month that is not "YYYY-MM". */
struct month_bars {
	struct chart_bar	 bar[LIMIT_RECON_MONTHS];
	char			 tip[LIMIT_RECON_MONTHS][96];
	char			 year[LIMIT_RECON_MONTHS][8];
};

static int
month_bars(const json_t *months, struct month_bars *mb)
{
	const json_t	*m;
	char		 money[LABEL_MAX];
	long long	 net, n;
	size_t		 i;
	int		 y, mo;

	json_array_foreach(months, i, m) {
		if (i >= LIMIT_RECON_MONTHS || !month_of(json_string_value(
		    json_object_get(m, "month")), &y, &mo))
			return -1;
		net = json_integer_value(json_object_get(m, "net_cents"));
		n = json_integer_value(json_object_get(m, "bookings"));
		money_label(net, money, sizeof(money));
		snprintf(mb->tip[i], sizeof(mb->tip[i]), "%s %d: %s net, %lld "
		    "charter%s", month_names[mo - 1], y, money, n, n == 1 ?
		    "" : "s");
		snprintf(mb->year[i], sizeof(mb->year[i]), "%d", y);
		mb->bar[i] = (struct chart_bar){ .label = month_short[mo - 1],
		    .group = mb->year[i], .tooltip = mb->tip[i], .value = net };
	}
	return 0;
}

/* Both drawings of net by month into ctx: chart_narrow, chart_wide. */
static int
add_charts(json_t *ctx, const json_t *recon)
{
	const json_t		*months = json_object_get(recon, "months");
	struct month_bars	*mb;
	struct chart		 c;
	struct buf		 svg = { 0 }, desc = { 0 }, title = { 0 };
	size_t			 i, n = json_array_size(months);
	int			 rc = -1;

	/* A range is 1..LIMIT_RECON_MONTHS months, every one listed. */
	if (n == 0 || n > LIMIT_RECON_MONTHS ||
	    (mb = calloc(1, sizeof(*mb))) == NULL)
		return -1;
	if (month_bars(months, mb) == -1)
		goto out;
	chart_desc(recon, &desc);
	buf_printf(&title, "Net by month, %s to %s", json_string_value(
	    json_object_get(json_array_get(months, 0), "month_label")),
	    json_string_value(json_object_get(json_array_get(months, n - 1),
	    "month_label")));
	for (i = 0; i < sizeof(chart_sizes) / sizeof(chart_sizes[0]); i++) {
		c = (struct chart){ .id = chart_sizes[i].id,
		    .title = buf_str(&title), .desc = buf_str(&desc),
		    .klass = chart_sizes[i].klass, .empty = "No charters",
		    .bars = mb->bar, .n = n, .width = chart_sizes[i].width,
		    .height = chart_sizes[i].height, .font = chart_sizes[i].font };
		buf_reset(&svg);
		if (svg_chart_bars(&svg, &c) == -1)
			goto out;
		json_object_set_new(ctx, i == 0 ? "chart_narrow" : "chart_wide",
		    json_string(buf_str(&svg)));
	}
	json_object_set_new(ctx, "chart_desc", json_string(buf_str(&desc)));
	rc = 0;
out:
	free(mb);
	buf_free(&svg);
	buf_free(&desc);
	buf_free(&title);
	return rc;
}

/* "/admin/reconciliation<suffix>?from=..&to=..[&vessel=..]" */
static void
filter_href(struct buf *b, const char *suffix, const char *from,
    const char *to, const char *vessel)
{
	buf_printf(b, "/admin/reconciliation%s?from=%s&to=%s", suffix, from, to);
	if (vessel != NULL && *vessel != '\0') {
		buf_puts(b, "&vessel=");
		sigv4_uri_encode(b, vessel, strlen(vessel), 1);
	}
}

/* The form: what was asked (or its defaults), the vessels to pick from,
 * the ranges a tap away, an error next to its field. */
static json_t *
filter_ctx(const struct recon_filter *f, const struct field_error *err,
    json_t *vessels, const char *today)
{
	static const char	*const preset_names[RECON_PRESET__MAX] = {
		[RECON_LAST_12_MONTHS] = "Last 12 months",
		[RECON_LAST_QUARTER] = "Last quarter",
		[RECON_THIS_YEAR] = "This year",
		[RECON_LAST_YEAR] = "Last year",
	};
	json_t			*ctx, *list = json_array(), *v;
	struct buf		 href = { 0 };
	char			 from[RECON_DATE_LEN + 1], to[RECON_DATE_LEN + 1];
	size_t			 i;

	ctx = json_pack("{s:s, s:s, s:s}", "from", f->from, "to", f->to,
	    "vessel", f->vessel);
	if (err != NULL && err->code != NULL)
		json_object_set_new(ctx, "errors", json_pack("{s:s}",
		    err->field[0] != '\0' ? err->field : "from", err->message));
	json_array_foreach(vessels, i, v)
		json_array_append_new(list, json_pack("{s:O, s:b}", "name", v,
		    "selected", strcmp(json_string_value(v), f->vessel) == 0));
	json_object_set_new(ctx, "vessels", list);
	list = json_array();
	for (i = 0; i < RECON_PRESET__MAX; i++) {
		if (recon_preset((enum recon_preset)i, today, from, to) == -1)
			continue;
		buf_reset(&href);
		filter_href(&href, "", from, to, f->vessel);
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "label",
		    preset_names[i], "href", buf_str(&href), "current",
		    strcmp(from, f->from) == 0 && strcmp(to, f->to) == 0));
	}
	json_object_set_new(ctx, "presets", list);
	buf_free(&href);
	return ctx;
}

/* The figures for the page: labelled rows, the charts, the CSV link. */
static int
figures_ctx(json_t *ctx, json_t *recon, const struct recon_filter *f)
{
	struct buf href = { 0 };

	label_rows(recon);
	if (add_charts(ctx, recon) == -1)
		return -1;
	filter_href(&href, ".csv", f->from, f->to, f->vessel);
	json_object_set_new(ctx, "csv_href", json_string(buf_str(&href)));
	buf_free(&href);
	json_object_set(ctx, "figures", recon);
	json_object_set_new(ctx, "has_cancelled", json_boolean(
	    json_array_size(json_object_get(recon, "cancelled")) > 0));
	json_object_set_new(ctx, "has_bookings", json_boolean(
	    json_array_size(json_object_get(recon, "bookings")) > 0));
	return 0;
}

/* The CSV download of f's bookings. */
static void
send_csv(struct request *req, const struct recon_filter *f)
{
	json_t	*recon = NULL;
	char	 name[160], disp[200];

	if (db_reconciliation(req->db, f, &recon) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	buf_reset(&req->out);
	if (recon_csv(recon, &req->out) == -1) {
		json_decref(recon);
		resp_error(req, 500, "internal", "The file could not be made.");
		return;
	}
	json_decref(recon);
	req->status = 200;
	req->content_type = "text/csv; charset=utf-8; header=present";
	recon_csv_filename(f->from, f->to, f->vessel, name, sizeof(name));
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
	resp_header(req, "Content-Disposition", disp);
}

/* The page, with figures when the filter was read (err NULL), else the
 * form again with its error (400). */
static void
send_page(struct request *req, const struct recon_filter *f,
    const struct field_error *err, const char *today)
{
	json_t	*vessels = NULL, *recon = NULL, *ctx;
	int	 status = err != NULL ? 400 : 200;

	if (db_reconciliation_vessels(req->db, &vessels) != DB_OK ||
	    (err == NULL && db_reconciliation(req->db, f, &recon) != DB_OK)) {
		json_decref(vessels);
		db_error_response(req, req->db);
		return;
	}
	ctx = json_pack("{s:o}", "filter", filter_ctx(f, err, vessels, today));
	json_decref(vessels);
	if (recon != NULL && figures_ctx(ctx, recon, f) == -1) {
		json_decref(recon);
		json_decref(ctx);
		resp_error(req, 500, "internal", "The figures could not be "
		    "drawn.");
		return;
	}
	json_decref(recon);
	admin_page(req, status, "admin/reconciliation.html", "Money",
	    "reconciliation", ctx);
}

/*
 * GET /admin/reconciliation[?from=&to=&vessel=][&format=csv] (the owner's:
 * the route table refuses staff). 200 with the page, or the CSV with
 * format=csv (API.md's form of /admin/reconciliation.csv); 400 with the
 * form and its error for a bad date, a range over LIMIT_RECON_MONTHS
 * months or an unknown format.
 */
void
admin_reconciliation(struct request *req)
{
	struct recon_filter	 f;
	struct field_error	 err;
	const char		*format = kv_get(&req->args, "format");
	char			 today[RECON_DATE_LEN + 1];
	int			 rc;

	recon_today(req->now_us, today);
	rc = recon_filter_read(&req->args, RECON_PAGE, today, &f, &err);
	if (rc == 0 && format != NULL && strcmp(format, "csv") == 0) {
		send_csv(req, &f);
		return;
	}
	if (rc == 0 && format != NULL && *format != '\0' &&
	    strcmp(format, "html") != 0) {
		snprintf(err.field, sizeof(err.field), "format");
		err.code = FIELD_EINVALID;
		snprintf(err.message, sizeof(err.message), "format is csv or "
		    "html.");
		rc = -1;
	}
	send_page(req, &f, rc == 0 ? NULL : &err, today);
}

/*
 * GET /admin/reconciliation.csv?from=&to=&vessel= (owner only): the
 * bookings of the range as CSV (recon_csv.h), Content-Disposition:
 * attachment; 400 with the page's form for a bad filter.
 */
void
admin_reconciliation_csv(struct request *req)
{
	struct recon_filter	 f;
	struct field_error	 err;
	char			 today[RECON_DATE_LEN + 1];

	recon_today(req->now_us, today);
	if (recon_filter_read(&req->args, RECON_PAGE, today, &f, &err) == -1) {
		send_page(req, &f, &err, today);
		return;
	}
	send_csv(req, &f);
}
