/* booking_form.c: the admin's booking form: what a POST holds, the API input it stands for, the margin it adds up to */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "booking_form.h"
#include "limits.h"
#include "money.h"
#include "valid.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Single-line fields, trimmed when read; then the multiline ones. */
static const char *const line_keys[] = {
	"version", "slug", "guest_name", "guest_email", "guest_phone",
	"time_zone", "starts_at", "ends_at", "vessel", "meeting_point",
	"party_size", "upload_window", "upload_opens_at", "upload_closes_at",
};
static const char *const text_keys[] = { "guest_notes", "crew_notes" };
static const char *const money_keys[] = {
	"revenue_cents", "port_fee_cents", "captain_fee_cents",
};
static const char *const crew_keys[] = {
	"crew_id", "role", "hours", "hourly_rate_cents",
};
static const char *const slot_keys[] = {
	"id", "role", "count", "hourly_rate_cents", "hours",
};

static const struct {
	const char	*key;
	const char	*label;
} labels[] = {
	{ "slug", "Guest page address" },
	{ "guest_name", "Guest name" },
	{ "guest_email", "Guest email" },
	{ "guest_phone", "Guest phone" },
	{ "time_zone", "Time zone" },
	{ "starts_at", "Departs" },
	{ "ends_at", "Returns" },
	{ "vessel", "Vessel" },
	{ "meeting_point", "Meeting point" },
	{ "party_size", "Party size" },
	{ "checklist", "Checklist" },
	{ "guest_notes", "Notes for the guest" },
	{ "crew_notes", "Notes for the crew" },
	{ "upload_opens_at", "Uploads open" },
	{ "upload_closes_at", "Uploads close" },
	{ "revenue_cents", "Revenue" },
	{ "port_fee_cents", "Port fee" },
	{ "captain_fee_cents", "Captain fee" },
	{ "crew", "Crew" },
	{ "open_slots", "Open places" },
	{ "status", "Status" },
}, row_labels[] = {
	{ "crew_id", "Crew member" },
	{ "role", "Role" },
	{ "hours", "Hours" },
	{ "hourly_rate_cents", "Rate" },
	{ "captain", "Captain" },
	{ "id", "Place" },
	{ "count", "People" },
};

/* API messages the form words its own way (matched on a substring). */
static const struct {
	const char	*has;
	const char	*say;
} rewords[] = {
	{ "ends_at must be after starts_at", "The charter must return after "
	  "it departs." },
	{ "upload_closes_at must be after", "Uploads must close after they "
	  "open." },
	{ "repeats crew member", "This crew member is on the booking twice." },
	{ "Only one crew member can be captain", "Only one crew member can "
	  "be captain." },
	{ "repeats open slot", "This open place is listed twice." },
	{ "ISO 8601", "Enter a date and a time." },
	{ "A charter can last at most", "A charter can last at most 7 days." },
};

/* A copy of s without spaces and tabs around it, as a JSON string. */
static json_t *
trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return json_stringn(s, n);
}

/* Text as typed, CR LF (what browsers send) made LF. */
static json_t *
text_lf(const char *s)
{
	json_t	*v;
	char	*t;
	size_t	 i, n = 0;

	if ((t = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++)
		if (!(s[i] == '\r' && s[i + 1] == '\n'))
			t[n++] = s[i];
	v = json_stringn(t, n);
	free(t);
	return v;
}

static int
is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

static const char *
str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/*
 * "crew[12].role" for list "crew": 1 with the index and the field's name
 * (one of keys); 0 for any other key.
 */
static int
row_key(const char *key, const char *list, const char *const *keys,
    size_t nkeys, long *idx, const char **field)
{
	size_t	 n = strlen(list), i;
	char	*end;
	long	 v;

	if (strncmp(key, list, n) != 0 || key[n] != '[' ||
	    key[n + 1] < '0' || key[n + 1] > '9')
		return 0;
	v = strtol(key + n + 1, &end, 10);
	if (v < 0 || v >= BOOKING_FORM_MAX_INDEX || strncmp(end, "].", 2) != 0)
		return 0;
	for (i = 0; i < nkeys; i++)
		if (strcmp(end + 2, keys[i]) == 0) {
			*idx = v;
			*field = keys[i];
			return 1;
		}
	return 0;
}

/*
 * The rows of list in index order. A row whose key field (a crew row's
 * crew member, an open place's role) is empty is left out, counted in
 * *blank: that is how a form without script removes a row. The row whose
 * index is captain (crew) gets captain true, the others false. Appends
 * them to the array out.
 */
static int
read_rows(const struct kvlist *form, const char *list,
    const char *const *keys, size_t nkeys, const char *key, long captain,
    json_t *out, int *blank)
{
	json_t		*rows[BOOKING_FORM_MAX_INDEX] = { NULL };
	const char	*field;
	size_t		 i;
	long		 idx;
	int		 rc = -1;

	for (i = 0; i < form->n; i++) {
		if (!row_key(form->v[i].key, list, keys, nkeys, &idx, &field))
			continue;
		if (rows[idx] == NULL && (rows[idx] = json_object()) == NULL)
			goto out;
		if (json_object_get(rows[idx], field) == NULL &&
		    json_object_set_new(rows[idx], field,
		    trimmed(form->v[i].val)) == -1)
			goto out;
	}
	for (idx = 0; idx < BOOKING_FORM_MAX_INDEX; idx++) {
		if (rows[idx] == NULL)
			continue;
		if (json_string_length(json_object_get(rows[idx], key)) == 0) {
			(*blank)++;
			continue;
		}
		for (i = 0; i < nkeys; i++)
			if (json_object_get(rows[idx], keys[i]) == NULL)
				json_object_set_new(rows[idx], keys[i],
				    json_string(""));
		if (strcmp(list, "crew") == 0)
			json_object_set_new(rows[idx], "captain",
			    json_boolean(idx == captain));
		if (json_array_append(out, rows[idx]) == -1)
			goto out;
	}
	rc = 0;
out:
	for (idx = 0; idx < BOOKING_FORM_MAX_INDEX; idx++)
		json_decref(rows[idx]);
	return rc;
}

static int
blank_rows(json_t *model, int checklist, int crew, int slots,
    const char *add)
{
	if (add != NULL && strcmp(add, "checklist") == 0)
		checklist += 2;
	if (add != NULL && strcmp(add, "crew") == 0)
		crew++;
	if (add != NULL && strcmp(add, "open_slots") == 0)
		slots++;
	/* Enough to add what a list may hold, never more. */
	if (checklist > LIMIT_CHECKLIST_ITEMS)
		checklist = LIMIT_CHECKLIST_ITEMS;
	if (crew > LIMIT_CREW_PER_BOOKING)
		crew = LIMIT_CREW_PER_BOOKING;
	if (slots > LIMIT_SLOTS_PER_BOOKING)
		slots = LIMIT_SLOTS_PER_BOOKING;
	return json_object_set_new(model, "blank", json_pack("{s:i, s:i, s:i}",
	    "checklist", checklist < BOOKING_FORM_BLANK_CHECKLIST ?
	    BOOKING_FORM_BLANK_CHECKLIST : checklist,
	    "crew", crew < BOOKING_FORM_BLANK_CREW ? BOOKING_FORM_BLANK_CREW :
	    crew, "open_slots", slots < BOOKING_FORM_BLANK_SLOTS ?
	    BOOKING_FORM_BLANK_SLOTS : slots));
}

json_t *
booking_form_read(const struct kvlist *form, int money, const char *add)
{
	json_t		*m, *list;
	const char	*v;
	size_t		 i;
	long		 captain = -1;
	int		 bl_check = 0, bl_crew = 0, bl_slots = 0;
	char		*end;

	if ((m = json_object()) == NULL)
		return NULL;
	for (i = 0; i < NELEM(line_keys); i++) {
		v = kv_get(form, line_keys[i]);
		json_object_set_new(m, line_keys[i], trimmed(v ? v : ""));
	}
	for (i = 0; i < NELEM(text_keys); i++) {
		v = kv_get(form, text_keys[i]);
		json_object_set_new(m, text_keys[i], text_lf(v ? v : ""));
	}
	for (i = 0; money && i < NELEM(money_keys); i++) {
		v = kv_get(form, money_keys[i]);
		json_object_set_new(m, money_keys[i], trimmed(v ? v : ""));
	}
	json_object_set_new(m, "checklist", list = json_array());
	for (i = 0; i < form->n; i++) {
		if (strcmp(form->v[i].key, "checklist") != 0)
			continue;
		if (is_blank(form->v[i].val))
			bl_check++;
		else
			json_array_append_new(list, trimmed(form->v[i].val));
	}
	if ((v = kv_get(form, "captain")) != NULL && *v >= '0' && *v <= '9') {
		captain = strtol(v, &end, 10);
		if (*end != '\0')
			captain = -1;
	}
	json_object_set_new(m, "crew", list = json_array());
	if (read_rows(form, "crew", crew_keys, NELEM(crew_keys), "crew_id",
	    captain, list, &bl_crew) == -1)
		goto fail;
	json_object_set_new(m, "open_slots", list = json_array());
	if (read_rows(form, "open_slots", slot_keys, NELEM(slot_keys), "role",
	    -1, list, &bl_slots) == -1)
		goto fail;
	if (blank_rows(m, bl_check, bl_crew, bl_slots, add) == -1)
		goto fail;
	return m;
fail:
	json_decref(m);
	return NULL;
}

/* "4", "4.5", "4.25" for hundredths; "" for none. */
static json_t *
hours_text(const json_t *x100)
{
	char		 t[32];
	long long	 h;

	if (!json_is_integer(x100))
		return json_string("");
	h = json_integer_value(x100);
	if (h % 100 == 0)
		snprintf(t, sizeof(t), "%lld", h / 100);
	else if (h % 10 == 0)
		snprintf(t, sizeof(t), "%lld.%lld", h / 100, h % 100 / 10);
	else
		snprintf(t, sizeof(t), "%lld.%02lld", h / 100, h % 100);
	return json_string(t);
}

static json_t *
dollars_text(const json_t *cents)
{
	char t[MONEY_TEXT_MAX];

	if (!json_is_integer(cents))
		return json_string("");
	money_input(json_integer_value(cents), t, sizeof(t));
	return json_string(t);
}

static json_t *
int_text(const json_t *v)
{
	char t[32];

	if (!json_is_integer(v))
		return json_string("");
	snprintf(t, sizeof(t), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return json_string(t);
}

static json_t *
crew_rows(const json_t *crew)
{
	json_t		*out = json_array();
	const json_t	*r;
	size_t		 i;

	json_array_foreach(crew, i, r)
		json_array_append_new(out, json_pack("{s:o, s:s, s:o, s:o, s:b, "
		    "s:s, s:s, s:s*}",
		    "crew_id", int_text(json_object_get(r, "crew_id")),
		    "role", str(r, "role"),
		    "hours", hours_text(json_object_get(r, "hours_x100")),
		    "hourly_rate_cents", dollars_text(json_object_get(r,
		    "hourly_rate_cents")),
		    "captain", json_is_true(json_object_get(r, "captain")),
		    "status", str(r, "status"), "name", str(r, "name"),
		    "responded_label", json_string_value(json_object_get(r,
		    "responded_label"))));
	return out;
}

static json_t *
slot_rows(const json_t *slots)
{
	json_t		*out = json_array();
	const json_t	*r;
	size_t		 i;

	json_array_foreach(slots, i, r)
		json_array_append_new(out, json_pack("{s:o, s:s, s:o, s:o, s:o, "
		    "s:I}", "id", int_text(json_object_get(r, "slot_id")),
		    "role", str(r, "role"),
		    "count", int_text(json_object_get(r, "count")),
		    "hourly_rate_cents", dollars_text(json_object_get(r,
		    "hourly_rate_cents")),
		    "hours", hours_text(json_object_get(r, "hours_x100")),
		    "filled", json_integer_value(json_object_get(r, "filled"))));
	return out;
}

json_t *
booking_form_model(const json_t *b, const json_t *money)
{
	json_t	*m;
	size_t	 i;

	m = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
	    "s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:o}",
	    "version", int_text(json_object_get(b, "version")),
	    "slug", str(b, "slug"), "guest_name", str(b, "guest_name"),
	    "guest_email", str(b, "guest_email"),
	    "guest_phone", str(b, "guest_phone"),
	    "time_zone", str(b, "time_zone"),
	    "starts_at", str(b, "starts_local"),
	    "ends_at", str(b, "ends_local"), "vessel", str(b, "vessel"),
	    "meeting_point", str(b, "meeting_point"),
	    "party_size", int_text(json_object_get(b, "party_size")),
	    "guest_notes", str(b, "guest_notes"),
	    "crew_notes", str(b, "crew_notes"),
	    "upload_window", json_is_true(json_object_get(b, "upload_custom")) ?
	    "custom" : "default",
	    "upload_opens_at", str(b, "upload_opens_local"),
	    "upload_closes_at", str(b, "upload_closes_local"),
	    "crew", crew_rows(json_object_get(b, "crew")),
	    "open_slots", slot_rows(json_object_get(b, "open_slots")));
	if (m == NULL)
		return NULL;
	json_object_set_new(m, "checklist", json_is_array(json_object_get(b,
	    "checklist")) ? json_deep_copy(json_object_get(b, "checklist")) :
	    json_array());
	for (i = 0; money != NULL && i < NELEM(money_keys); i++)
		json_object_set_new(m, money_keys[i],
		    dollars_text(json_object_get(money, money_keys[i])));
	if (blank_rows(m, 0, 0, 0, NULL) == -1) {
		json_decref(m);
		return NULL;
	}
	return m;
}

json_t *
booking_form_blank(const char *tz, int money)
{
	struct kvlist	 none = { NULL, 0 };
	json_t		*m;

	if ((m = booking_form_read(&none, money, NULL)) == NULL)
		return NULL;
	json_object_set_new(m, "time_zone", json_string(tz));
	json_object_set_new(m, "upload_window", json_string("default"));
	return m;
}

/* Records the first error of a path. */
static void
fail(json_t *errors, const char *path, const char *message)
{
	if (json_object_get(errors, path) == NULL)
		json_object_set_new(errors, path, json_string(message));
}

/* Whole number 0..max of at most 18 digits; 0 or -1. */
static int
read_int(const char *s, long long max, long long *out)
{
	long long	 v = 0;
	size_t		 n = 0;

	for (; *s >= '0' && *s <= '9' && n < 18; s++, n++)
		v = v * 10 + (*s - '0');
	if (n == 0 || *s != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Hours as typed ("4", "4.5", "4.25") as a JSON number; NULL when not. */
static json_t *
read_hours(const char *s)
{
	long long	 whole, frac = 0;
	const char	*dot = strchr(s, '.');
	char		 w[20];
	size_t		 n;

	n = dot ? (size_t)(dot - s) : strlen(s);
	if (n == 0 || n >= sizeof(w))
		return NULL;
	memcpy(w, s, n);
	w[n] = '\0';
	if (read_int(w, LIMIT_HOURS_X100 / 100, &whole) == -1)
		return NULL;
	if (dot == NULL)
		return json_integer(whole);
	n = strlen(dot + 1);
	if (n < 1 || n > 2 || read_int(dot + 1, 99, &frac) == -1)
		return NULL;
	if (n == 1)
		frac *= 10;
	return json_real((double)(whole * 100 + frac) / 100.0);
}

/* The text of field key, or null when empty. */
static json_t *
text_or_null(const json_t *m, const char *key)
{
	const char *s = str(m, key);

	return *s != '\0' ? json_string(s) : json_null();
}

/* A local time field: its text when it reads, else null (and an error). */
static json_t *
local_or_null(const json_t *m, const char *key, json_t *errors)
{
	const char *s = str(m, key);

	if (*s == '\0')
		return json_null();
	if (!booking_form_local_time(s)) {
		fail(errors, key, "Enter a date and a time.");
		return json_null();
	}
	return json_string(s);
}

static void
money_field(json_t *in, const json_t *m, const char *key, json_t *errors)
{
	long long	 cents = 0;
	const char	*s = str(m, key);

	if (*s != '\0' && money_parse(s, &cents) == -1) {
		fail(errors, key, "Enter an amount in dollars, like 1850 or "
		    "1,850.00.");
		return;
	}
	json_object_set_new(in, key, json_integer(cents));
}

/* Row i of list's hours into o, when given (empty: the whole charter). */
static void
input_hours(const json_t *r, json_t *o, const char *list, size_t i,
    json_t *errors)
{
	const char	*s = str(r, "hours");
	json_t		*h;
	char		 path[64];

	if (*s == '\0')
		return;
	if ((h = read_hours(s)) == NULL) {
		snprintf(path, sizeof(path), "%s[%zu].hours", list, i);
		fail(errors, path, "Enter hours like 4 or 4.5, or leave it "
		    "empty for the whole charter.");
		return;
	}
	json_object_set_new(o, "hours", h);
}

/* Row i of list's hourly rate, in dollars, into o as cents. */
static void
input_rate(const json_t *r, json_t *o, const char *list, size_t i,
    json_t *errors)
{
	char		 path[64];
	long long	 v;

	if (money_parse(str(r, "hourly_rate_cents"), &v) == -1) {
		snprintf(path, sizeof(path), "%s[%zu].hourly_rate_cents",
		    list, i);
		fail(errors, path, "Enter a rate in dollars an hour, like 35 "
		    "or 35.50.");
		return;
	}
	json_object_set_new(o, "hourly_rate_cents", json_integer(v));
}

static json_t *
crew_input(const json_t *rows, json_t *errors)
{
	json_t		*out = json_array(), *o;
	const json_t	*r;
	char		 path[64];
	long long	 v;
	size_t		 i;

	json_array_foreach(rows, i, r) {
		o = json_object();
		snprintf(path, sizeof(path), "crew[%zu].crew_id", i);
		if (!valid_id(str(r, "crew_id"), &v))
			fail(errors, path, "Choose a crew member.");
		else
			json_object_set_new(o, "crew_id", json_integer(v));
		json_object_set_new(o, "role", json_string(str(r, "role")));
		input_hours(r, o, "crew", i, errors);
		/* Empty: the roster's rate. */
		if (*str(r, "hourly_rate_cents") != '\0')
			input_rate(r, o, "crew", i, errors);
		json_object_set_new(o, "captain",
		    json_boolean(json_is_true(json_object_get(r, "captain"))));
		json_array_append_new(out, o);
	}
	return out;
}

static json_t *
slot_input(const json_t *rows, json_t *errors)
{
	json_t		*out = json_array(), *o;
	const json_t	*r;
	char		 path[64];
	long long	 v;
	size_t		 i;

	json_array_foreach(rows, i, r) {
		o = json_object();
		if (valid_id(str(r, "id"), &v))
			json_object_set_new(o, "id", json_integer(v));
		json_object_set_new(o, "role", json_string(str(r, "role")));
		snprintf(path, sizeof(path), "open_slots[%zu].count", i);
		if (read_int(str(r, "count"), 1000, &v) == -1)
			fail(errors, path, "Enter how many people, like 2.");
		else
			json_object_set_new(o, "count", json_integer(v));
		input_rate(r, o, "open_slots", i, errors);
		input_hours(r, o, "open_slots", i, errors);
		json_array_append_new(out, o);
	}
	return out;
}

json_t *
booking_form_input(const json_t *m, int money, json_t *errors)
{
	json_t		*in;
	const char	*s;
	long long	 n;
	size_t		 i;
	int		 custom = strcmp(str(m, "upload_window"), "custom") == 0;

	if ((in = json_object()) == NULL)
		return NULL;
	/* An empty slug is made from the name (new) or kept (edit). */
	if (*(s = str(m, "slug")) != '\0')
		json_object_set_new(in, "slug", json_string(s));
	json_object_set_new(in, "guest_name", json_string(str(m, "guest_name")));
	json_object_set_new(in, "guest_email", text_or_null(m, "guest_email"));
	json_object_set_new(in, "guest_phone", text_or_null(m, "guest_phone"));
	json_object_set_new(in, "time_zone", text_or_null(m, "time_zone"));
	json_object_set_new(in, "starts_at", local_or_null(m, "starts_at",
	    errors));
	json_object_set_new(in, "ends_at", local_or_null(m, "ends_at", errors));
	json_object_set_new(in, "vessel", json_string(str(m, "vessel")));
	json_object_set_new(in, "meeting_point",
	    json_string(str(m, "meeting_point")));
	if (*(s = str(m, "party_size")) == '\0')
		json_object_set_new(in, "party_size", json_null());
	else if (read_int(s, 100000, &n) == -1)
		fail(errors, "party_size", "Enter the number of guests, like 6.");
	else
		json_object_set_new(in, "party_size", json_integer(n));
	json_object_set_new(in, "checklist",
	    json_deep_copy(json_object_get(m, "checklist")));
	json_object_set_new(in, "guest_notes", json_string(str(m, "guest_notes")));
	json_object_set_new(in, "crew_notes", json_string(str(m, "crew_notes")));
	json_object_set_new(in, "upload_opens_at", custom ?
	    local_or_null(m, "upload_opens_at", errors) : json_null());
	json_object_set_new(in, "upload_closes_at", custom ?
	    local_or_null(m, "upload_closes_at", errors) : json_null());
	for (i = 0; money && i < NELEM(money_keys); i++)
		money_field(in, m, money_keys[i], errors);
	json_object_set_new(in, "crew", crew_input(json_object_get(m, "crew"),
	    errors));
	json_object_set_new(in, "open_slots",
	    slot_input(json_object_get(m, "open_slots"), errors));
	return in;
}

int
booking_form_local_time(const char *s)
{
	char	 iso[32];
	size_t	 n = strlen(s), i;

	/* YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, digits where digits go. */
	if (n != 16 && n != 19)
		return 0;
	for (i = 0; i < n; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : i == 10 ? s[i] != 'T' :
		    (i == 13 || i == 16) ? s[i] != ':' :
		    (s[i] < '0' || s[i] > '9'))
			return 0;
	snprintf(iso, sizeof(iso), "%sZ", s);
	return valid_iso8601(iso, NULL);
}

int
booking_form_date(const char *s)
{
	char	 iso[32];
	size_t	 i;

	if (strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	snprintf(iso, sizeof(iso), "%sT00:00:00Z", s);
	return valid_iso8601(iso, NULL);
}

const char *
booking_form_label(const char *path)
{
	const char	*dot;
	size_t		 i;

	if (strncmp(path, "checklist[", 10) == 0)
		return "Item";
	if ((strncmp(path, "crew[", 5) == 0 ||
	    strncmp(path, "open_slots[", 11) == 0) &&
	    (dot = strstr(path, "].")) != NULL)
		for (i = 0; i < NELEM(row_labels); i++)
			if (strcmp(dot + 2, row_labels[i].key) == 0)
				return row_labels[i].label;
	for (i = 0; i < NELEM(labels); i++)
		if (strcmp(path, labels[i].key) == 0)
			return labels[i].label;
	return "";
}

void
booking_form_message(const char *path, const char *message, char *out,
    size_t len)
{
	size_t		 i, n = strlen(path);
	const char	*label = booking_form_label(path);

	for (i = 0; i < NELEM(rewords); i++)
		if (strstr(message, rewords[i].has) != NULL) {
			snprintf(out, len, "%s", rewords[i].say);
			return;
		}
	if (n > 0 && *label != '\0' && strncmp(message, path, n) == 0)
		snprintf(out, len, "%s%s", label, message + n);
	else
		snprintf(out, len, "%s", message);
}

/* The roster's rate of crew member id, -1 when unknown. */
static long long
roster_rate(const json_t *roster, long long id)
{
	const json_t	*c;
	size_t		 i;

	json_array_foreach(roster, i, c)
		if (json_integer_value(json_object_get(c, "id")) == id)
			return json_integer_value(json_object_get(c,
			    "hourly_rate_cents"));
	return -1;
}

/* Hours of a row in hundredths: as typed, else the charter's; -1 unread. */
static long long
row_hours(const json_t *r, long long charter_x100)
{
	const char	*s = str(r, "hours");
	json_t		*h;
	long long	 x100;

	if (*s == '\0')
		return charter_x100;
	if ((h = read_hours(s)) == NULL)
		return -1;
	x100 = (long long)(json_number_value(h) * 100.0 + 0.5);
	json_decref(h);
	return x100;
}

/* rate x hours, rounded to the cent as staff_booking() does. */
static long long
cost(long long rate, long long hours_x100)
{
	return (rate * hours_x100 + 50) / 100;
}

void
booking_form_margin(const json_t *m, const json_t *roster,
    long long charter_secs, int warn_pct, struct booking_margin *out)
{
	const json_t	*r;
	long long	 charter_x100 = (charter_secs * 100 + 1800) / 3600;
	long long	 rate, hours, id, count;
	size_t		 i;

	memset(out, 0, sizeof(*out));
	if (money_parse(*str(m, "revenue_cents") ? str(m, "revenue_cents") :
	    "0", &out->revenue) == -1 || money_parse(*str(m, "port_fee_cents") ?
	    str(m, "port_fee_cents") : "0", &out->port) == -1 ||
	    money_parse(*str(m, "captain_fee_cents") ?
	    str(m, "captain_fee_cents") : "0", &out->captain) == -1)
		out->unread = 1;
	json_array_foreach(json_object_get(m, "crew"), i, r) {
		if (strcmp(str(r, "status"), "declined") == 0 ||
		    strcmp(str(r, "status"), "withdrawn") == 0)
			continue;
		if (*str(r, "hourly_rate_cents") != '\0') {
			if (money_parse(str(r, "hourly_rate_cents"), &rate) == -1)
				rate = -1;
		} else
			rate = valid_id(str(r, "crew_id"), &id) ?
			    roster_rate(roster, id) : -1;
		if (rate < 0 || (hours = row_hours(r, charter_x100)) < 0) {
			out->unread = 1;
			continue;
		}
		out->crew += cost(rate, hours);
	}
	json_array_foreach(json_object_get(m, "open_slots"), i, r) {
		if (money_parse(str(r, "hourly_rate_cents"), &rate) == -1 ||
		    read_int(str(r, "count"), 1000, &count) == -1 ||
		    (hours = row_hours(r, charter_x100)) < 0) {
			out->unread = 1;
			continue;
		}
		count -= json_integer_value(json_object_get(r, "filled"));
		if (count > 0)
			out->crew += count * cost(rate, hours);
	}
	out->net = out->revenue - out->crew - out->port - out->captain;
	if ((out->has_pct = out->revenue > 0))
		out->pct_x10 = (out->net * 1000 + (out->net < 0 ? -out->revenue /
		    2 : out->revenue / 2)) / out->revenue;
	out->warn = !out->has_pct || out->net * 100 < (long long)warn_pct *
	    out->revenue;
}
