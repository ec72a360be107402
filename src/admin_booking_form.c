/* admin_booking_form.c: the booking form page's context: fields with their errors, rows, the roster, the margin, what changed */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_booking_form.h"
#include "app.h"
#include "booking_form.h"
#include "buf.h"
#include "money.h"
#include "valid.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The form's single fields in the order it shows them. */
static const char *const scalars[] = {
	"guest_name", "guest_email", "guest_phone", "party_size",
	"time_zone", "starts_at", "ends_at", "vessel", "meeting_point",
	"guest_notes", "crew_notes", "upload_opens_at", "upload_closes_at",
	"revenue_cents", "port_fee_cents", "captain_fee_cents", "slug",
};
static const char *const crew_fields[] = {
	"crew_id", "role", "hours", "hourly_rate_cents", "captain",
};
static const char *const slot_fields[] = {
	"id", "role", "count", "hourly_rate_cents", "hours",
};
/* Fields a change can name, in the form's order, for "what changed". */
static const char *const change_order[] = {
	"status", "guest_name", "guest_email", "guest_phone", "party_size",
	"time_zone", "starts_at", "ends_at", "vessel", "meeting_point",
	"checklist", "guest_notes", "crew_notes", "crew", "open_slots",
	"upload_opens_at", "upload_closes_at", "revenue_cents",
	"port_fee_cents", "captain_fee_cents", "slug",
};

/* Zones the form suggests; any zone PostgreSQL knows is accepted. */
static const char *const zones[] = {
	"America/Los_Angeles", "America/Tijuana", "America/Denver",
	"America/Phoenix", "America/Chicago", "America/New_York",
	"America/Anchorage", "Pacific/Honolulu", "America/Mazatlan",
	"America/Cancun", "America/Puerto_Rico", "America/St_Thomas",
	"Europe/London", "Europe/Lisbon", "Europe/Paris", "Europe/Rome",
	"Europe/Athens", "Australia/Sydney", "Pacific/Auckland", "UTC",
};

static const char *
str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

void
admin_booking_field_id(const char *path, char *out, size_t len)
{
	size_t i, n = 0;

	if (strcmp(path, "crew") == 0 || strcmp(path, "open_slots") == 0 ||
	    strcmp(path, "checklist") == 0) {
		snprintf(out, len, "%s-section", path);
		return;
	}
	for (i = 0; path[i] != '\0' && n + 1 < len; i++) {
		if (path[i] == '[' || path[i] == '.')
			out[n++] = '-';
		else if (path[i] != ']')
			out[n++] = path[i];
	}
	out[n] = '\0';
}

/* An error as the form says it, or NULL. */
static json_t *
error_text(const json_t *errors, const char *path)
{
	const char	*m = json_string_value(json_object_get(errors, path));
	char		 out[300];

	if (m == NULL)
		return NULL;
	booking_form_message(path, m, out, sizeof(out));
	return json_string(out);
}

/* {value, error} of one field. */
static json_t *
field(const char *value, const json_t *errors, const char *path)
{
	json_t *f = json_pack("{s:s}", "value", value);
	json_t *e = error_text(errors, path);

	if (e != NULL)
		json_object_set_new(f, "error", e);
	return f;
}

/* The roster's member id, or NULL. */
static const json_t *
member(const json_t *roster, long long id)
{
	const json_t	*c;
	size_t		 i;

	json_array_foreach(roster, i, c)
		if (json_integer_value(json_object_get(c, "id")) == id)
			return c;
	return NULL;
}

/* A crew select's options: the active roster and whoever is chosen. */
static json_t *
crew_options(const json_t *roster, long long chosen)
{
	json_t		*out = json_array();
	const json_t	*c, *roles;
	struct buf	 label = { 0 };
	char		 rate[MONEY_TEXT_MAX], input[MONEY_TEXT_MAX];
	long long	 id, cents;
	size_t		 i, j;
	int		 active;

	json_array_foreach(roster, i, c) {
		id = json_integer_value(json_object_get(c, "id"));
		active = json_is_true(json_object_get(c, "active"));
		if (!active && id != chosen)
			continue;
		cents = json_integer_value(json_object_get(c,
		    "hourly_rate_cents"));
		money_label(cents, rate, sizeof(rate));
		money_input(cents, input, sizeof(input));
		roles = json_object_get(c, "roles");
		buf_reset(&label);
		buf_printf(&label, "%s", str(c, "name"));
		for (j = 0; j < json_array_size(roles); j++)
			buf_printf(&label, "%s%s", j ? ", " : " — ",
			    json_string_value(json_array_get(roles, j)));
		buf_printf(&label, " · %s/h%s", rate, active ? "" :
		    " (inactive)");
		json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:s, "
		    "s:b}", "id", (json_int_t)id, "label", buf_str(&label),
		    "rate", input, "role", json_array_size(roles) > 0 ?
		    json_string_value(json_array_get(roles, 0)) : "",
		    "selected", id == chosen));
	}
	buf_free(&label);
	return out;
}

static const char *
status_class(const char *status)
{
	if (strcmp(status, "confirmed") == 0)
		return "badge-success";
	if (strcmp(status, "declined") == 0)
		return "badge-danger";
	return "badge-warning";
}

/* One crew row's context; r NULL for a blank row. i is its index text. */
static json_t *
crew_row(const json_t *r, const char *i, int n, const json_t *errors,
    const json_t *roster)
{
	json_t		*row, *err = json_object();
	char		 path[64];
	long long	 chosen = 0;
	size_t		 k;
	json_t		*e;

	for (k = 0; r != NULL && k < NELEM(crew_fields); k++) {
		snprintf(path, sizeof(path), "crew[%s].%s", i, crew_fields[k]);
		if ((e = error_text(errors, path)) != NULL)
			json_object_set_new(err, crew_fields[k], e);
	}
	if (r != NULL && !valid_id(str(r, "crew_id"), &chosen))
		chosen = 0;
	row = json_pack("{s:s, s:i, s:o, s:s, s:s, s:s, s:b, s:o, s:b}",
	    "i", i, "n", n, "options", crew_options(roster, chosen),
	    "role", str(r, "role"), "hours", str(r, "hours"),
	    "rate", str(r, "hourly_rate_cents"),
	    "captain", json_is_true(json_object_get(r, "captain")),
	    "err", err, "new", n == 0);
	if (r != NULL && *str(r, "status") != '\0') {
		json_object_set_new(row, "status", json_string(str(r, "status")));
		json_object_set_new(row, "status_class",
		    json_string(status_class(str(r, "status"))));
		if (*str(r, "responded_label") != '\0')
			json_object_set_new(row, "responded_label",
			    json_string(str(r, "responded_label")));
	}
	return row;
}

static json_t *
slot_row(const json_t *r, const char *i, int n, const json_t *errors)
{
	json_t	*err = json_object(), *e;
	char	 path[64];
	size_t	 k;

	for (k = 0; r != NULL && k < NELEM(slot_fields); k++) {
		snprintf(path, sizeof(path), "open_slots[%s].%s", i,
		    slot_fields[k]);
		if ((e = error_text(errors, path)) != NULL)
			json_object_set_new(err, slot_fields[k], e);
	}
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:b}",
	    "i", i, "n", n, "id", str(r, "id"), "role", str(r, "role"),
	    "count", str(r, "count"), "rate", str(r, "hourly_rate_cents"),
	    "hours", str(r, "hours"),
	    "filled", json_integer_value(json_object_get(r, "filled")),
	    "err", err, "new", n == 0);
}

/* The rows of a list, then its blank rows, then "next" (the index the
 * next row a script adds takes). */
static void
rows(json_t *ctx, const json_t *m, const char *list, const json_t *errors,
    const json_t *roster)
{
	const json_t	*r;
	json_t		*out = json_array(), *e;
	char		 i[24], path[64];
	size_t		 k, n, blank;

	blank = (size_t)json_integer_value(json_object_get(json_object_get(m,
	    "blank"), list));
	n = json_array_size(json_object_get(m, list));
	for (k = 0; k < n + blank; k++) {
		r = k < n ? json_array_get(json_object_get(m, list), k) : NULL;
		snprintf(i, sizeof(i), "%zu", k);
		if (strcmp(list, "checklist") == 0) {
			snprintf(path, sizeof(path), "checklist[%zu]", k);
			e = json_pack("{s:s, s:i, s:s}", "i", i, "n", (int)k + 1,
			    "value", r ? json_string_value(r) : "");
			if (r != NULL && json_object_get(errors, path) != NULL)
				json_object_set_new(e, "error",
				    error_text(errors, path));
		} else if (strcmp(list, "crew") == 0)
			e = crew_row(r, i, (int)k + 1, errors, roster);
		else
			e = slot_row(r, i, (int)k + 1, errors);
		json_array_append_new(out, e);
	}
	json_object_set_new(ctx, list, out);
	snprintf(path, sizeof(path), "%s_next", list);
	json_object_set_new(ctx, path, json_integer((json_int_t)(n + blank)));
	snprintf(path, sizeof(path), "%s_error", list);
	if ((e = error_text(errors, list)) != NULL)
		json_object_set_new(ctx, path, e);
}

/* A summary line's label: the row for a row's field, else the field. */
static void
summary_label(const char *path, char *out, size_t len)
{
	if (strncmp(path, "crew[", 5) == 0)
		snprintf(out, len, "Crew row %ld", strtol(path + 5, NULL, 10) + 1);
	else if (strncmp(path, "open_slots[", 11) == 0)
		snprintf(out, len, "Open place %ld", strtol(path + 11, NULL,
		    10) + 1);
	else if (strncmp(path, "checklist[", 10) == 0)
		snprintf(out, len, "Checklist item %ld", strtol(path + 10, NULL,
		    10) + 1);
	else
		snprintf(out, len, "%s", booking_form_label(path));
}

/* Every error with the id of the input to jump to: the form's single
 * fields first (in the order they were found), then the lists'. */
static json_t *
summary(const json_t *errors)
{
	json_t		*out = json_array();
	const char	*path;
	json_t		*v;
	char		 id[80], text[300], label[160];
	int		 pass, single;

	for (pass = 0; pass < 2; pass++)
		json_object_foreach((json_t *)errors, path, v) {
			single = strchr(path, '[') == NULL &&
			    strcmp(path, "crew") != 0 &&
			    strcmp(path, "open_slots") != 0 &&
			    strcmp(path, "checklist") != 0;
			if (single != (pass == 0))
				continue;
			booking_form_message(path, json_string_value(v), text,
			    sizeof(text));
			admin_booking_field_id(path, id, sizeof(id));
			summary_label(path, label, sizeof(label));
			json_array_append_new(out, json_pack("{s:s, s:s, s:s}",
			    "id", id, "label", label, "message", text));
		}
	return out;
}

static json_t *
margin(const struct request *req, const struct booking_page *pg)
{
	struct booking_margin	 mg;
	char			 net[MONEY_TEXT_MAX], rev[MONEY_TEXT_MAX],
				 crew[MONEY_TEXT_MAX], port[MONEY_TEXT_MAX],
				 cap[MONEY_TEXT_MAX], pct[32];
	int			 warn_pct = (int)req->app->cfg->margin_warn_pct;

	booking_form_margin(pg->model, pg->roster, pg->charter_secs < 0 ? 0 :
	    pg->charter_secs, warn_pct, &mg);
	money_label(mg.net, net, sizeof(net));
	money_label(mg.revenue, rev, sizeof(rev));
	money_label(mg.crew, crew, sizeof(crew));
	money_label(mg.port, port, sizeof(port));
	money_label(mg.captain, cap, sizeof(cap));
	if (mg.has_pct)
		snprintf(pct, sizeof(pct), "%s%lld.%lld%%", mg.pct_x10 < 0 ?
		    "\xe2\x88\x92" : "", (mg.pct_x10 < 0 ? -mg.pct_x10 :
		    mg.pct_x10) / 10, (mg.pct_x10 < 0 ? -mg.pct_x10 :
		    mg.pct_x10) % 10);
	else
		snprintf(pct, sizeof(pct), "no revenue yet");
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:i}",
	    "net", net, "pct", pct, "revenue", rev, "crew", crew, "port",
	    port, "captain", cap, "warn", mg.warn, "unread", mg.unread,
	    "loss", mg.net < 0, "warn_pct", warn_pct);
}

/* History entries with what the page says: the action and field names in
 * words, and whether an entry lists changes. */
static json_t *
history(const json_t *entries)
{
	static const struct { const char *action, *label; } actions[] = {
		{ "booking.create", "Created" },
		{ "booking.update", "Changed" },
		{ "booking.cancel", "Cancelled" },
		{ "crew.confirm", "Crew confirmed" },
		{ "crew.decline", "Crew declined" },
		{ "crew.invite", "Invitation sent" },
		{ "settlement.create", "Trip settled" },
		{ "settlement.update", "Settlement changed" },
	};
	json_t		*out = json_deep_copy(entries), *e, *c;
	const char	*action, *label;
	size_t		 i, j, k;

	json_array_foreach(out, i, e) {
		action = str(e, "action");
		for (k = 0; k < NELEM(actions); k++)
			if (strcmp(action, actions[k].action) == 0)
				break;
		json_object_set_new(e, "action_label", json_string(k <
		    NELEM(actions) ? actions[k].label : action));
		json_array_foreach(json_object_get(e, "changes"), j, c) {
			label = booking_form_label(str(c, "field"));
			json_object_set_new(c, "label", json_string(*label ?
			    label : str(c, "field")));
		}
		json_object_set_new(e, "has_changes", json_boolean(
		    json_array_size(json_object_get(e, "changes")) > 0));
	}
	return out;
}

static json_t *
zone_list(void)
{
	json_t	*out = json_array();
	size_t	 i;

	for (i = 0; i < NELEM(zones); i++)
		json_array_append_new(out, json_string(zones[i]));
	return out;
}

json_t *
admin_booking_context(const struct request *req, const struct booking_page *pg)
{
	const json_t	*m = pg->model;
	json_t		*ctx, *f, *errors = (json_t *)pg->errors, *empty = NULL;
	size_t		 k;
	char		 url[1024];

	if (errors == NULL)
		errors = empty = json_object();
	ctx = json_object();
	f = json_object();
	for (k = 0; k < NELEM(scalars); k++)
		json_object_set_new(f, scalars[k], field(str(m, scalars[k]),
		    errors, scalars[k]));
	json_object_set_new(ctx, "f", f);
	json_object_set_new(ctx, "version", json_string(str(m, "version")));
	json_object_set_new(ctx, "creating", json_boolean(pg->booking == NULL));
	json_object_set_new(ctx, "upload_custom",
	    json_boolean(strcmp(str(m, "upload_window"), "custom") == 0));
	rows(ctx, m, "checklist", errors, pg->roster);
	rows(ctx, m, "crew", errors, pg->roster);
	rows(ctx, m, "open_slots", errors, pg->roster);
	json_object_set_new(ctx, "captain_none", json_true());
	for (k = 0; k < json_array_size(json_object_get(m, "crew")); k++)
		if (json_is_true(json_object_get(json_array_get(
		    json_object_get(m, "crew"), k), "captain")))
			json_object_set_new(ctx, "captain_none", json_false());
	/* The rows a script adds, as the form would render them. */
	json_object_set_new(ctx, "tpl_crew", crew_row(NULL, "__i__", 0, errors,
	    pg->roster));
	json_object_set_new(ctx, "tpl_slot", slot_row(NULL, "__i__", 0, errors));
	json_object_set_new(ctx, "errors", summary(errors));
	json_object_set_new(ctx, "has_errors",
	    json_boolean(json_object_size(errors) > 0));
	json_object_set_new(ctx, "one_error",
	    json_boolean(json_object_size(errors) == 1));
	json_object_set_new(ctx, "zones", zone_list());
	if (req->user.owner)
		json_object_set_new(ctx, "margin", margin(req, pg));
	if (pg->booking != NULL) {
		json_object_set_new(ctx, "booking", json_deep_copy(pg->booking));
		snprintf(url, sizeof(url), "%s/g/%s", req->app->cfg->public_url,
		    str(pg->booking, "slug"));
		json_object_set_new(json_object_get(ctx, "booking"), "guest_url",
		    json_string(url));
		snprintf(url, sizeof(url), "/admin/bookings/%lld",
		    (long long)json_integer_value(json_object_get(pg->booking,
		    "id")));
		json_object_set_new(ctx, "action", json_string(url));
	} else
		json_object_set_new(ctx, "action", json_string("/admin/bookings"));
	if (pg->history != NULL)
		json_object_set_new(ctx, "history", history(pg->history));
	if (pg->stale != NULL)
		json_object_set_new(ctx, "stale", json_pack("{s:O, s:i, s:s, "
		    "s:b}", "changes", pg->stale, "from", pg->stale_from,
		    "to", str(m, "version"), "none",
		    json_array_size(pg->stale) == 0));
	if (pg->notice != NULL)
		json_object_set_new(ctx, "notice", json_string(pg->notice));
	json_decref(empty);
	return ctx;
}

/* A crew row as a change lists it: "Ana Lopez (Deckhand, captain, $30.00/h, 4 h)". */
static void
crew_text(struct buf *b, const json_t *r, const json_t *roster)
{
	const json_t	*c;
	long long	 id = 0;
	const char	*rate = str(r, "hourly_rate_cents");

	c = valid_id(str(r, "crew_id"), &id) ? member(roster, id) : NULL;
	buf_printf(b, "%s (%s", c ? str(c, "name") : "?", str(r, "role"));
	if (json_is_true(json_object_get(r, "captain")))
		buf_puts(b, ", captain");
	if (*rate != '\0')
		buf_printf(b, ", $%s/h", rate);
	if (*str(r, "hours") != '\0')
		buf_printf(b, ", %s h", str(r, "hours"));
	buf_puts(b, ")");
}

/* A field of a model as text, for "theirs" and "yours". */
static void
field_text(struct buf *b, const json_t *m, const char *key,
    const json_t *roster)
{
	const json_t	*list = json_object_get(m, key), *r;
	size_t		 i;

	if (strcmp(key, "checklist") == 0) {
		json_array_foreach(list, i, r)
			buf_printf(b, "%s%s", i ? "; " : "", json_string_value(r));
	} else if (strcmp(key, "crew") == 0) {
		json_array_foreach(list, i, r) {
			buf_puts(b, i ? "; " : "");
			crew_text(b, r, roster);
		}
	} else if (strcmp(key, "open_slots") == 0) {
		json_array_foreach(list, i, r)
			buf_printf(b, "%s%s × %s at $%s/h%s%s%s", i ? "; " : "",
			    str(r, "count"), str(r, "role"),
			    str(r, "hourly_rate_cents"),
			    *str(r, "hours") ? ", " : "", str(r, "hours"),
			    *str(r, "hours") ? " h" : "");
	} else if (strncmp(key, "upload_", 7) == 0 &&
	    strcmp(str(m, "upload_window"), "custom") != 0) {
		buf_puts(b, "default");
	} else if (strstr(key, "_cents") != NULL) {
		buf_printf(b, "$%s", *str(m, key) ? str(m, key) : "0.00");
	} else
		buf_puts(b, str(m, key));
}

json_t *
admin_booking_changes(const json_t *keys, const json_t *theirs,
    const json_t *yours, const json_t *roster)
{
	json_t		*out = json_array();
	struct buf	 t = { 0 }, y = { 0 };
	const json_t	*k;
	size_t		 i, j;

	for (i = 0; i < NELEM(change_order); i++) {
		json_array_foreach(keys, j, k)
			if (strcmp(json_string_value(k), change_order[i]) == 0)
				break;
		if (j == json_array_size(keys))
			continue;
		buf_reset(&t);
		buf_reset(&y);
		if (strcmp(change_order[i], "status") == 0) {
			buf_puts(&t, str(theirs, "status"));
			buf_puts(&y, str(theirs, "status"));
		} else {
			field_text(&t, theirs, change_order[i], roster);
			field_text(&y, yours, change_order[i], roster);
		}
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:b}",
		    "label", booking_form_label(change_order[i]),
		    "theirs", buf_str(&t), "yours", buf_str(&y),
		    "same", strcmp(buf_str(&t), buf_str(&y)) == 0));
	}
	buf_free(&t);
	buf_free(&y);
	return out;
}
