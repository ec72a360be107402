/* admin_bookings.c: GET /admin/bookings: the bookings list, searched, filtered and paged */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "booking_form.h"
#include "db_admin.h"
#include "db_errors.h"
#include "handlers.h"
#include "kv.h"
#include "sigv4.h"
#include "valid.h"

#define LIST_PAGE	50

/* One filter parameter as a query string pair, if set. */
static void
param(struct buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	buf_printf(b, "%s%s=", b->len ? "&" : "?", name);
	sigv4_uri_encode(b, value, strlen(value), 1);
}

/* The list's address with the filters of q and a cursor. */
static json_t *
page_url(const struct admin_list_query *q, const char *from,
    const char *cursor, long long id)
{
	struct buf	 b = { 0 };
	char		 idstr[24];
	json_t		*url;

	param(&b, "q", q->q);
	param(&b, "from", from);
	param(&b, "to", q->to);
	param(&b, "status", q->status);
	param(&b, "open", q->open_only ? "1" : NULL);
	snprintf(idstr, sizeof(idstr), "%lld", id);
	param(&b, cursor, idstr);
	url = json_pack("s++", "/admin/bookings", buf_str(&b), "");
	buf_free(&b);
	return url;
}

/* A parameter's value, NULL when absent or empty. */
static const char *
arg(const struct request *req, const char *name)
{
	const char *v = kv_get(&req->args, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/*
 * Reads the filters; a malformed one is dropped and said in problems.
 * Without "from" the list starts today; "from=" (empty) means no start.
 */
static void
read_query(const struct request *req, struct admin_list_query *q,
    json_t *problems)
{
	long long id;

	memset(q, 0, sizeof(*q));
	q->tz = req->app->cfg->default_time_zone;
	q->limit = LIST_PAGE;
	if ((q->q = arg(req, "q")) != NULL &&
	    !valid_text(q->q, LIMIT_NAME_LEN, 0)) {
		q->q = NULL;
		json_array_append_new(problems, json_string("The search was "
		    "too long or held characters it cannot; it is left out."));
	}
	q->from = kv_get(&req->args, "from") == NULL ? "today" : arg(req,
	    "from");
	if (q->from != NULL && strcmp(q->from, "today") != 0 &&
	    !booking_form_date(q->from)) {
		q->from = NULL;
		json_array_append_new(problems, json_string("\"From\" is not a "
		    "date like 2026-06-01; it is left out."));
	}
	if ((q->to = arg(req, "to")) != NULL && !booking_form_date(q->to)) {
		q->to = NULL;
		json_array_append_new(problems, json_string("\"To\" is not a "
		    "date like 2026-06-30; it is left out."));
	}
	q->status = arg(req, "status");
	if (q->status != NULL && strcmp(q->status, "confirmed") != 0 &&
	    strcmp(q->status, "cancelled") != 0)
		q->status = NULL;
	q->open_only = arg(req, "open") != NULL;
	if (arg(req, "after") != NULL && valid_id(arg(req, "after"), &id))
		q->after = id;
	else if (arg(req, "before") != NULL && valid_id(arg(req, "before"), &id))
		q->before = id;
}

/* Links to the pages before and after this one. */
static void
pager(json_t *ctx, const struct admin_list_query *q, const char *from,
    const json_t *rows, int more)
{
	long long first, last;
	size_t n = json_array_size(rows);

	if (n == 0)
		return;
	first = json_integer_value(json_object_get(json_array_get(rows, 0),
	    "id"));
	last = json_integer_value(json_object_get(json_array_get(rows, n - 1),
	    "id"));
	if (q->after != 0 || (q->before != 0 && more))
		json_object_set_new(ctx, "prev", page_url(q, from, "before",
		    first));
	if (q->before != 0 || more)
		json_object_set_new(ctx, "next", page_url(q, from, "after",
		    last));
}

/*
 * GET /admin/bookings[?q=&from=&to=&status=&open=1&after=|before=]: 50
 * bookings by departure, from today unless asked otherwise: search in
 * guest name, address (slug) and vessel, any case; dates in the
 * operator's zone, inclusive; cancelled or not; not fully crewed.
 */
void
admin_bookings_list(struct request *req)
{
	struct admin_list_query	 q;
	json_t			*problems = json_array(), *page = NULL, *ctx;
	const char		*from;
	int			 rc;

	read_query(req, &q, problems);
	if ((rc = db_admin_list(req->db, &q, &page)) != DB_OK) {
		json_decref(problems);
		db_error_response(req, req->db);
		return;
	}
	/* The date the form shows for "from": today's, or as given. */
	from = q.from != NULL && strcmp(q.from, "today") == 0 ?
	    json_string_value(json_object_get(page, "today")) : q.from;
	ctx = json_pack("{s:O, s:o, s:{s:s, s:s, s:s, s:b, s:b, s:b, s:b}}",
	    "rows", json_object_get(page, "rows"), "problems", problems,
	    "filter", "q", q.q ? q.q : "", "from", from ? from : "",
	    "to", q.to ? q.to : "", "all", q.status == NULL,
	    "confirmed", q.status && strcmp(q.status, "confirmed") == 0,
	    "cancelled", q.status && strcmp(q.status, "cancelled") == 0,
	    "open", q.open_only);
	json_object_set_new(ctx, "has_rows", json_boolean(json_array_size(
	    json_object_get(page, "rows")) > 0));
	pager(ctx, &q, from ? from : "", json_object_get(page, "rows"),
	    json_is_true(json_object_get(page, "more")));
	json_decref(page);
	admin_page(req, 200, "admin/bookings.html", "Bookings", "bookings", ctx);
}
