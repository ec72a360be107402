/* settle_form.c: the trip settlement form (the captain's and the admin's): what a POST holds, the input settlement_write() takes, and what both pages render */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "money.h"
#include "settle_form.h"
#include "valid.h"

#define HOURS_PREFIX	"hours_"
#define HOURS_MAX_X100	4800	/* 48 hours: settlement_hours' CHECK */

/* The scalar fields, their labels in the error summary, in form order. */
static const struct {
	const char *name, *label;
} scalars[] = {
	{ "returned_at", "Back at the dock" }, { "port_fee", "Port fee" },
	{ "fuel", "Fuel" }, { "receipt", "Receipt photo" }, { "note", "Note" },
};
#define NSCALARS	(sizeof(scalars) / sizeof(scalars[0]))

static void
say(json_t *errors, const char *field, const char *message)
{
	if (json_object_get(errors, field) == NULL)
		json_object_set_new(errors, field, json_string(message));
}

static const char *
member(const json_t *obj, const char *name)
{
	const char *v = json_string_value(json_object_get(obj, name));

	return v != NULL ? v : "";
}

int
settle_form_hours(const char *s, long long *x100)
{
	long long	 whole = 0, frac = 0;
	int		 digits = 0, places = 0;

	while (*s == ' ')
		s++;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > 2)
			return -1;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.' || *s == ',') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (++places > 2)
				return -1;
			frac = frac * 10 + (*s - '0');
		}
		if (places == 0)
			return -1;
		if (places == 1)
			frac *= 10;
	}
	while (*s == ' ')
		s++;
	if (*s != '\0' || digits + places == 0)
		return -1;
	*x100 = whole * 100 + frac;
	return *x100 <= HOURS_MAX_X100 ? 0 : -1;
}

/* n digits at s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
settle_form_local_time(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	 y, mo, d, h, mi, sec = 0;
	size_t	 len = strlen(s);

	if ((len != 16 && len != 19) || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || (len == 19 && s[16] != ':'))
		return 0;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	if (len == 19)
		sec = digits(s + 17, 2);
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return 0;
	/* 29 February only in a leap year. */
	return !(mo == 2 && d == 29 && (y % 4 != 0 ||
	    (y % 100 == 0 && y % 400 != 0)));
}

json_t *
settle_form_read(const struct kvlist *form)
{
	static const char *const names[] = { "version", "returned_at",
	    "port_fee", "fuel", "note", "receipt_id" };
	json_t		*m = json_object(), *hours = json_object();
	const char	*v;
	long long	 id;
	size_t		 i;

	if (m == NULL || hours == NULL) {
		json_decref(m);
		json_decref(hours);
		return NULL;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		v = kv_get(form, names[i]);
		json_object_set_new(m, names[i], json_string(v ? v : ""));
	}
	v = kv_get(form, "locked");
	json_object_set_new(m, "locked", json_boolean(v != NULL &&
	    strcmp(v, "1") == 0));
	/* The first value of a field counts, as kv_get's does. */
	for (i = 0; i < form->n; i++) {
		v = form->v[i].key;
		if (strncmp(v, HOURS_PREFIX, strlen(HOURS_PREFIX)) != 0 ||
		    !valid_id(v + strlen(HOURS_PREFIX), &id) ||
		    json_object_get(hours, v + strlen(HOURS_PREFIX)) != NULL ||
		    json_object_size(hours) >= LIMIT_CREW_PER_BOOKING)
			continue;
		json_object_set_new(hours, v + strlen(HOURS_PREFIX),
		    json_string(form->v[i].val));
	}
	json_object_set_new(m, "hours", hours);
	return m;
}

json_t *
settle_form_stored(const json_t *form)
{
	const json_t	*s = json_object_get(form, "settlement");
	const json_t	*b = json_object_get(form, "booking"), *row;
	json_t		*m, *hours = json_object();
	char		 id[24], version[24];
	size_t		 i;

	json_array_foreach(json_object_get(form, "crew"), i, row) {
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(
		    json_object_get(row, "assignment_id")));
		json_object_set_new(hours, id, json_string(member(row,
		    "hours")));
	}
	snprintf(version, sizeof(version), "%lld", (long long)
	    json_integer_value(json_object_get(s, "version")));
	if (json_is_object(s))
		m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o}",
		    "version", version,
		    "returned_at", member(s, "returned_local"),
		    "port_fee", member(s, "port_fee_input"),
		    "fuel", member(s, "fuel_input"), "note", member(s, "note"),
		    "receipt_id", "",
		    "locked", json_is_true(json_object_get(s, "locked")),
		    "hours", hours);
	else
		m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o}",
		    "version", "0", "returned_at", member(b, "ends_local"),
		    "port_fee", "", "fuel", "", "note", "", "receipt_id", "",
		    "locked", 0, "hours", hours);
	return m;
}

/* Reads an amount field into input as cents; empty is 0 when optional. */
static void
amount(json_t *in, const json_t *model, const char *field, const char *key,
    int optional, json_t *errors)
{
	const char	*v = member(model, field);
	long long	 cents;

	if (strspn(v, " \t") == strlen(v) && optional) {
		json_object_set_new(in, key, json_integer(0));
		return;
	}
	if (strspn(v, " \t") == strlen(v)) {
		say(errors, field, "Enter what was paid, in dollars (0 if "
		    "nothing).");
		return;
	}
	if (money_parse(v, &cents) == -1) {
		say(errors, field, "Enter dollars and cents, like 120.00.");
		return;
	}
	json_object_set_new(in, key, json_integer(cents));
}

/* The hours of each crew member, as [{assignment_id, hours_x100}]. */
static json_t *
hours_input(const json_t *model, json_t *errors)
{
	json_t		*list = json_array(), *v;
	const char	*key;
	char		 field[48];
	long long	 id, x100;

	if (list == NULL)
		return NULL;
	json_object_foreach((json_t *)json_object_get(model, "hours"), key, v) {
		if (!valid_id(key, &id))
			continue;
		if (settle_form_hours(json_string_value(v), &x100) == -1) {
			snprintf(field, sizeof(field), HOURS_PREFIX "%s", key);
			say(errors, field, "Enter hours between 0 and 48, like "
			    "4.5.");
			continue;
		}
		json_array_append_new(list, json_pack("{s:I, s:I}",
		    "assignment_id", (json_int_t)id, "hours_x100",
		    (json_int_t)x100));
	}
	return list;
}

json_t *
settle_form_input(const json_t *model, int may_lock, json_t *errors)
{
	const char	*returned = member(model, "returned_at");
	const char	*note = member(model, "note");
	const char	*receipt = member(model, "receipt_id");
	const char	*version = member(model, "version");
	long long	 v = 0;
	json_t		*in = json_object(), *hours;

	if (in == NULL || (hours = hours_input(model, errors)) == NULL) {
		json_decref(in);
		return NULL;
	}
	json_object_set_new(in, "hours", hours);
	if (*version != '\0' && strcmp(version, "0") != 0 &&
	    !valid_id(version, &v))
		v = -1;
	json_object_set_new(in, "version", json_integer(v));
	if (!settle_form_local_time(returned))
		say(errors, "returned_at", "Enter the date and time the boat "
		    "was back at the dock.");
	else
		json_object_set_new(in, "returned_local", json_string(returned));
	amount(in, model, "port_fee", "port_fee_cents", 0, errors);
	amount(in, model, "fuel", "fuel_cents", 1, errors);
	if (!valid_text(note, LIMIT_TEXT_LEN, 1))
		say(errors, "note", "The note can be at most 4000 characters "
		    "of text.");
	else
		json_object_set_new(in, "note", json_string(note));
	if (*receipt != '\0' && !valid_photo_id(receipt))
		say(errors, "receipt", "The receipt photo did not upload; "
		    "choose it again.");
	json_object_set_new(in, "receipt_id", *receipt != '\0' &&
	    valid_photo_id(receipt) ? json_string(receipt) : json_null());
	if (may_lock)
		json_object_set_new(in, "locked", json_boolean(json_is_true(
		    json_object_get(model, "locked"))));
	return in;
}

/* The crew rows with their hours as the model has them. */
static json_t *
rows(const json_t *form, const json_t *model, const json_t *errors)
{
	json_t		*out = json_array(), *r;
	const json_t	*row;
	const char	*value, *msg;
	char		 id[24], field[48];
	long long	 x100, planned;
	size_t		 i;

	json_array_foreach(json_object_get(form, "crew"), i, row) {
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(
		    json_object_get(row, "assignment_id")));
		snprintf(field, sizeof(field), HOURS_PREFIX "%s", id);
		value = json_string_value(json_object_get(json_object_get(model,
		    "hours"), id));
		if (value == NULL)
			value = member(row, "hours");
		msg = json_string_value(json_object_get(errors, field));
		if ((r = json_deep_copy(row)) == NULL)
			continue;
		json_object_set_new(r, "field", json_string(field));
		json_object_set_new(r, "value", json_string(value));
		json_object_set_new(r, "changed", json_boolean(
		    settle_form_hours(value, &x100) == 0 &&
		    settle_form_hours(member(row, "planned"), &planned) == 0 &&
		    x100 != planned));
		if (msg != NULL)
			json_object_set_new(r, "error", json_string(msg));
		json_array_append_new(out, r);
	}
	return out;
}

json_t *
settle_form_context(const json_t *form, const json_t *model,
    const json_t *errors)
{
	json_t		*ctx, *f = json_object(), *list = json_array(), *rs;
	const json_t	*row;
	const char	*msg;
	size_t		 i;

	ctx = json_object();
	if (ctx == NULL || f == NULL || list == NULL) {
		json_decref(ctx);
		json_decref(f);
		json_decref(list);
		return NULL;
	}
	for (i = 0; i < NSCALARS; i++) {
		msg = json_string_value(json_object_get(errors,
		    scalars[i].name));
		json_object_set_new(f, scalars[i].name, json_pack("{s:s}",
		    "value", member(model, scalars[i].name)));
		if (msg == NULL)
			continue;
		json_object_set_new(json_object_get(f, scalars[i].name),
		    "error", json_string(msg));
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "id",
		    scalars[i].name, "label", scalars[i].label, "message", msg));
	}
	rs = rows(form, model, errors);
	json_array_foreach(rs, i, row) {
		if ((msg = member(row, "error"))[0] == '\0')
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "id",
		    member(row, "field"), "label", member(row, "name"),
		    "message", msg));
	}
	if ((msg = json_string_value(json_object_get(errors, "hours"))) !=
	    NULL) {
		json_object_set_new(ctx, "hours_error", json_string(msg));
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "id",
		    "hours", "label", "Hours", "message", msg));
	}
	json_object_set_new(ctx, "f", f);
	json_object_set_new(ctx, "rows", rs);
	json_object_set_new(ctx, "version", json_string(member(model,
	    "version")));
	json_object_set_new(ctx, "receipt_id", json_string(member(model,
	    "receipt_id")));
	json_object_set_new(ctx, "locked", json_boolean(json_is_true(
	    json_object_get(model, "locked"))));
	json_object_set_new(ctx, "has_errors", json_boolean(
	    json_array_size(list) > 0));
	json_object_set_new(ctx, "one_error", json_boolean(
	    json_array_size(list) == 1));
	json_object_set_new(ctx, "errors", list);
	return ctx;
}
