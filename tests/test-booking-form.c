/* test-booking-form.c: the booking form's fields read, turned into the API's input, and added up to a margin */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "booking_form.h"
#include "booking_input.h"
#include "kv.h"
#include "tap.h"

static json_t *
read_form(const char *query, int money, const char *add)
{
	struct kvlist	 l;
	json_t		*m;

	if (kv_parse_query(query, strlen(query), &l, 1024) != KV_OK)
		return NULL;
	m = booking_form_read(&l, money, add);
	kv_free(&l);
	return m;
}

/* The string at path ("crew.1.role": object keys and array indexes). */
static const char *
s(const json_t *v, const char *path)
{
	char		 buf[128], *tok, *save;
	const json_t	*cur = v;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok != NULL && cur != NULL;
	    tok = strtok_r(NULL, ".", &save))
		cur = json_is_array(cur) ? json_array_get(cur,
		    (size_t)strtol(tok, NULL, 10)) : json_object_get(cur, tok);
	return json_is_string(cur) ? json_string_value(cur) : NULL;
}

static void
test_read(void)
{
	json_t *m = read_form("guest_name=+Ada+&guest_notes=a%0D%0Ab"
	    "&checklist=Hat&checklist=+&checklist=Sunscreen"
	    "&crew%5B7%5D.crew_id=5&crew%5B7%5D.role=Mate"
	    "&crew%5B2%5D.crew_id=3&crew%5B2%5D.role=Deckhand"
	    "&crew%5B4%5D.crew_id=&crew%5B4%5D.role=Cook&crew%5B4%5D.hours=2"
	    "&captain=7&crew%5Bx%5D.role=bad&crew%5B1000%5D.role=far"
	    "&open_slots%5B0%5D.id=9&open_slots%5B0%5D.role=&open_slots%5B0%5D.count=2"
	    "&open_slots%5B1%5D.role=Cook&open_slots%5B1%5D.count=2"
	    "&revenue_cents=1%2C850", 1, "crew");

	ok(m != NULL, "a form reads");
	is_str(s(m, "guest_name"), "Ada", "single-line fields are trimmed");
	is_str(s(m, "guest_notes"), "a\nb", "CR LF in notes becomes LF");
	is_int(json_array_size(json_object_get(m, "checklist")), 2,
	    "a blank checklist line is left out");
	is_str(s(m, "checklist.1"), "Sunscreen", "items keep their order");
	is_int(json_array_size(json_object_get(m, "crew")), 2,
	    "crew rows: one without a crew member and malformed names are left out");
	is_str(s(m, "crew.0.crew_id"), "3", "rows come in index order (2 before 7)");
	is_str(s(m, "crew.1.role"), "Mate", "with their fields");
	is_str(s(m, "crew.0.hours"), "", "a field not sent is empty");
	ok(json_is_true(json_object_get(json_array_get(json_object_get(m,
	    "crew"), 1), "captain")), "captain=7 makes row 7 captain");
	ok(json_is_false(json_object_get(json_array_get(json_object_get(m,
	    "crew"), 0), "captain")), "and no other");
	is_int(json_array_size(json_object_get(m, "open_slots")), 1,
	    "an open place whose role is cleared is dropped");
	is_str(s(m, "open_slots.0.role"), "Cook", "the other stays");
	is_str(s(m, "revenue_cents"), "1,850", "money as typed, for the owner");
	is_int(json_integer_value(json_object_get(json_object_get(m, "blank"),
	    "crew")), 2, "the blank crew row posted, plus one asked for");
	json_decref(m);

	m = read_form("guest_name=A&revenue_cents=5", 0, NULL);
	ok(json_object_get(m, "revenue_cents") == NULL,
	    "without money the form has no money field, whatever was posted");
	is_int(json_integer_value(json_object_get(json_object_get(m, "blank"),
	    "checklist")), BOOKING_FORM_BLANK_CHECKLIST,
	    "a form shows a few blank checklist lines");
	json_decref(m);
}

/* The input with its local times made ISO 8601, as the database would. */
static void
isoize(json_t *in)
{
	static const char *const keys[] = { "starts_at", "ends_at",
	    "upload_opens_at", "upload_closes_at" };
	char	 iso[40];
	size_t	 i;

	for (i = 0; i < 4; i++)
		if (json_is_string(json_object_get(in, keys[i]))) {
			snprintf(iso, sizeof(iso), "%s:00-08:00",
			    json_string_value(json_object_get(in, keys[i])));
			json_object_set_new(in, keys[i], json_string(iso));
		}
}

static void
test_input(void)
{
	struct field_error	 ferr;
	json_t			*m, *in, *errors = json_object();

	m = read_form("guest_name=Ada&vessel=Jada&starts_at=2026-06-01T09:30"
	    "&ends_at=2026-06-01T13:30&party_size=6&guest_email="
	    "&upload_window=default&upload_opens_at=2026-06-01T01:00"
	    "&crew%5B0%5D.crew_id=3&crew%5B0%5D.role=Mate"
	    "&crew%5B0%5D.hours=4.5&crew%5B0%5D.hourly_rate_cents=35"
	    "&captain=0&open_slots%5B0%5D.id=9&open_slots%5B0%5D.role=Cook"
	    "&open_slots%5B0%5D.count=2&open_slots%5B0%5D.hourly_rate_cents=25.50"
	    "&revenue_cents=1%2C850.00&port_fee_cents=&captain_fee_cents=300",
	    1, NULL);
	in = booking_form_input(m, 1, errors);
	is_int(json_object_size(errors), 0, "a good form converts without errors");
	ok(json_object_get(in, "slug") == NULL, "an empty address is left out");
	ok(json_is_null(json_object_get(in, "guest_email")),
	    "an empty optional field is null (it clears)");
	is_int(json_integer_value(json_object_get(in, "party_size")), 6,
	    "party size is a number");
	is_int(json_integer_value(json_object_get(in, "revenue_cents")), 185000,
	    "dollars are cents");
	is_int(json_integer_value(json_object_get(in, "port_fee_cents")), 0,
	    "an empty amount is 0");
	ok(json_is_null(json_object_get(in, "upload_opens_at")),
	    "the default upload window sends no times, whatever the inputs hold");
	ok(json_number_value(json_object_get(json_array_get(json_object_get(in,
	    "crew"), 0), "hours")) == 4.5, "hours are a number");
	is_int(json_integer_value(json_object_get(json_array_get(
	    json_object_get(in, "crew"), 0), "hourly_rate_cents")), 3500,
	    "a rate in dollars is cents");
	ok(json_is_true(json_object_get(json_array_get(json_object_get(in,
	    "crew"), 0), "captain")), "the captain is marked");
	is_int(json_integer_value(json_object_get(json_array_get(
	    json_object_get(in, "open_slots"), 0), "id")), 9,
	    "an open place keeps its id");
	isoize(in);
	ok(booking_input_check(in, 0, &ferr) == 0,
	    "the input passes the API's own checks (%s)", ferr.message);
	json_decref(in);
	in = booking_form_input(m, 0, errors);
	ok(json_object_get(in, "revenue_cents") == NULL,
	    "without money the input has none");
	isoize(in);
	ok(booking_input_check_as(in, 0, 0, &ferr) == 0,
	    "and passes the checks without money (%s)", ferr.message);
	json_object_set_new(in, "revenue_cents", json_integer(1));
	ok(booking_input_check_as(in, 0, 0, &ferr) == -1 &&
	    strcmp(ferr.field, "revenue_cents") == 0 &&
	    strcmp(ferr.code, "unknown_field") == 0,
	    "a money field is unknown to the checks without money");
	ok(booking_input_check(in, 1, &ferr) == 0, "and fine with money");
	json_decref(in);
	json_decref(m);

	m = read_form("guest_name=&vessel=J&starts_at=2026-02-30T09:00"
	    "&ends_at=soon&party_size=six&upload_window=custom"
	    "&upload_opens_at=2026-06-01T25:00"
	    "&crew%5B0%5D.crew_id=3&crew%5B0%5D.role=Mate&crew%5B0%5D.hours=4.555"
	    "&crew%5B0%5D.hourly_rate_cents=-3"
	    "&open_slots%5B0%5D.role=Cook&open_slots%5B0%5D.count=x"
	    "&revenue_cents=12%2C34", 1, NULL);
	json_object_clear(errors);
	json_decref(booking_form_input(m, 1, errors));
	static const char *const want[] = {
		"starts_at", "ends_at", "party_size", "upload_opens_at",
		"revenue_cents", "crew[0].hours",
		"crew[0].hourly_rate_cents", "open_slots[0].count",
		"open_slots[0].hourly_rate_cents",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ok(json_object_get(errors, want[i]) != NULL,
		    "what does not read is an error on %s", want[i]);
	is_int(json_object_size(errors), sizeof(want) / sizeof(want[0]),
	    "and nothing else (guest_name is the API checks' to refuse)");
	json_decref(m);
	json_decref(errors);
}

static void
test_times_and_words(void)
{
	static const char *const good[] = { "2026-06-01T09:30",
	    "2026-06-01T09:30:15", "2028-02-29T00:00" };
	static const char *const bad[] = { "", "2026-06-01", "2026-06-01 09:30",
	    "2026-06-01T9:30", "2026-06-01T09:30Z", "2026-06-01T09:30-07:00",
	    "2027-02-29T10:00", "2026-13-01T10:00", "2026-06-01T24:00",
	    "2026-06-01T09:60", "x026-06-01T09:30" };
	char	 out[200];
	size_t	 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(booking_form_local_time(good[i]), "local time '%s'", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!booking_form_local_time(bad[i]), "not a local time: '%s'",
		    bad[i]);
	ok(booking_form_date("2026-06-01") && !booking_form_date("2026-6-1") &&
	    !booking_form_date("2026-06-31") && !booking_form_date(""),
	    "dates");
	is_str(booking_form_label("crew[3].hourly_rate_cents"), "Rate",
	    "a row field's label");
	is_str(booking_form_label("guest_name"), "Guest name", "a field's label");
	booking_form_message("crew[1].role", "crew[1].role must not be empty.",
	    out, sizeof(out));
	is_str(out, "Role must not be empty.", "a message names the field in words");
	booking_form_message("ends_at", "ends_at must be after starts_at.", out,
	    sizeof(out));
	is_str(out, "The charter must return after it departs.",
	    "a rule between fields is said in words");
}

static void
test_margin(void)
{
	struct booking_margin	 mg;
	json_t			*roster, *m;

	roster = json_loads("[{\"id\": 3, \"hourly_rate_cents\": 6000},"
	    "{\"id\": 5, \"hourly_rate_cents\": 9999}]", 0, NULL);
	m = json_loads("{\"revenue_cents\": \"1,850.00\", \"port_fee_cents\": "
	    "\"120\", \"captain_fee_cents\": \"300.00\", \"crew\": ["
	    "{\"crew_id\": \"5\", \"hourly_rate_cents\": \"35\", \"hours\": \"3.5\"},"
	    "{\"crew_id\": \"3\", \"hourly_rate_cents\": \"\", \"hours\": \"\"},"
	    "{\"crew_id\": \"5\", \"hourly_rate_cents\": \"50\", \"hours\": \"\","
	    " \"status\": \"declined\"}],"
	    "\"open_slots\": [{\"count\": \"2\", \"hourly_rate_cents\": \"25\","
	    " \"hours\": \"\", \"filled\": 1}]}", 0, NULL);
	/* 4.5 h charter: 35 x 3.5 = 122.50; roster 60 x 4.5 = 270; declined
	 * none; one open place 25 x 4.5 = 112.50. */
	booking_form_margin(m, roster, 4 * 3600 + 1800, 20, &mg);
	is_int(mg.crew, 50500, "crew cost: rates x hours, roster rate and "
	    "charter length when empty, declined out, open places not taken");
	is_int(mg.net, 185000 - 50500 - 12000 - 30000, "net");
	is_int(mg.pct_x10, 500, "margin 50.0%%");
	ok(!mg.warn && !mg.unread, "no warning above 20%%");
	booking_form_margin(m, roster, 4 * 3600 + 1800, 60, &mg);
	ok(mg.warn, "a warning below 60%%");
	json_object_set_new(m, "revenue_cents", json_string("500"));
	booking_form_margin(m, roster, 4 * 3600 + 1800, 20, &mg);
	/* 500 - 505 - 120 - 300 = -425: -85.0% of 500. */
	ok(mg.net == -42500 && mg.pct_x10 == -850 && mg.warn,
	    "a loss: negative margin, warned (%lld)", mg.pct_x10);
	json_object_set_new(m, "revenue_cents", json_string(""));
	booking_form_margin(m, roster, 4 * 3600 + 1800, 20, &mg);
	ok(!mg.has_pct && mg.warn, "no revenue: no percentage, warned");
	json_decref(m);
	json_decref(roster);
}

static void
test_model(void)
{
	json_t *b, *money, *m;

	b = json_loads("{\"id\": 7, \"version\": 3, \"slug\": \"ada-x\","
	    "\"guest_name\": \"Ada\", \"guest_email\": null, \"party_size\": null,"
	    "\"time_zone\": \"America/Los_Angeles\", \"starts_local\": "
	    "\"2026-06-01T09:30\", \"ends_local\": \"2026-06-01T13:30\","
	    "\"checklist\": [\"Hat\"], \"upload_custom\": true,"
	    "\"upload_opens_local\": \"2026-06-01T07:30\","
	    "\"crew\": [{\"crew_id\": 3, \"role\": \"Mate\", \"captain\": true,"
	    " \"hourly_rate_cents\": 3550, \"hours_x100\": 425,"
	    " \"status\": \"confirmed\"}],"
	    "\"open_slots\": [{\"slot_id\": 9, \"role\": \"Cook\", \"count\": 2,"
	    " \"hourly_rate_cents\": 2500, \"hours_x100\": null, \"filled\": 1}]}",
	    0, NULL);
	money = json_loads("{\"revenue_cents\": 185000, \"port_fee_cents\": 0,"
	    "\"captain_fee_cents\": 30000}", 0, NULL);
	m = booking_form_model(b, money);
	is_str(s(m, "version"), "3", "the version");
	is_str(s(m, "guest_email"), "", "null is empty");
	is_str(s(m, "party_size"), "", "an unknown party size is empty");
	is_str(s(m, "starts_at"), "2026-06-01T09:30", "times for datetime-local");
	is_str(s(m, "upload_window"), "custom", "a custom window");
	is_str(s(m, "crew.0.hours"), "4.25", "hours in words");
	is_str(s(m, "crew.0.hourly_rate_cents"), "35.50", "rates in dollars");
	is_str(s(m, "crew.0.status"), "confirmed", "crew answers kept");
	is_str(s(m, "open_slots.0.id"), "9", "an open place's id");
	is_str(s(m, "open_slots.0.hours"), "", "whole charter is empty");
	is_str(s(m, "revenue_cents"), "1850.00", "money for the owner");
	json_decref(m);
	m = booking_form_model(b, NULL);
	ok(json_object_get(m, "revenue_cents") == NULL, "and none without");
	json_decref(m);
	json_decref(b);
	json_decref(money);
}

int
main(void)
{
	test_read();
	test_input();
	test_times_and_words();
	test_margin();
	test_model();
	return tap_done();
}
