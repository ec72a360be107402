/* test-settle-form.c: the trip settlement form to settlement_write()'s input, with its errors, and what the pages render */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "kv.h"
#include "settle_form.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *stored_form =
    "{\"booking\":{\"ends_local\":\"2026-06-01T21:00\"},"
    "\"crew\":[{\"assignment_id\":7,\"name\":\"Sam Ortiz\",\"role\":\"captain\","
    "\"captain\":true,\"planned\":\"4\",\"hours\":\"4\"},"
    "{\"assignment_id\":9,\"name\":\"Lee Park\",\"role\":\"steward\","
    "\"captain\":false,\"planned\":\"5.5\",\"hours\":\"6\"}],"
    "\"settlement\":null}";

static json_t *
run(const char *body, int may_lock, char *fields, size_t len)
{
	struct kvlist	 form;
	json_t		*model, *errors = json_object(), *in;
	const char	*k;
	json_t		*v;

	kv_parse_query(body, strlen(body), &form, 64);
	model = settle_form_read(&form);
	in = settle_form_input(model, may_lock, errors);
	fields[0] = '\0';
	json_object_foreach(errors, k, v)
		snprintf(fields + strlen(fields), len - strlen(fields), "%s%s",
		    fields[0] ? "," : "", k);
	json_decref(model);
	json_decref(errors);
	kv_free(&form);
	return in;
}

int
main(void)
{
	static const struct { const char *in; long long x100; } hours[] = {
		{ "4", 400 }, { "4.5", 450 }, { "4,5", 450 }, { "4.25", 425 },
		{ "0", 0 }, { "48", 4800 }, { " 7 ", 700 }, { ".5", 50 },
	};
	static const char *const bad_hours[] = {
		"", "-1", "48.01", "100", "4.567", "4h", "4:30", "1e2", ".",
	};
	static const char *const times[] = {
		"2026-06-01T21:00", "2026-06-01T21:00:30", "2024-02-29T00:00",
	};
	static const char *const bad_times[] = {
		"", "2026-06-01", "2026-06-01 21:00", "2026-13-01T21:00",
		"2026-02-29T10:00", "2026-06-31T10:00", "2026-06-01T24:00",
		"2026-06-01T21:00Z", "2026-06-01T21:00-07:00", "26-06-01T21:00",
	};
	static const struct { const char *body, *errors; } forms[] = {
		{ "version=0&returned_at=2026-06-01T21:40&port_fee=120&fuel=&"
		  "note=ok&hours_7=4.5&hours_9=6", "" },
		{ "returned_at=&port_fee=120", "returned_at" },
		{ "returned_at=2026-06-01T21:40&port_fee=", "port_fee" },
		{ "returned_at=2026-06-01T21:40&port_fee=12.345", "port_fee" },
		{ "returned_at=2026-06-01T21:40&port_fee=1&fuel=x", "fuel" },
		{ "returned_at=2026-06-01T21:40&port_fee=1&hours_7=99",
		  "hours_7" },
		{ "returned_at=2026-06-01T21:40&port_fee=1&note=a%01b", "note" },
		{ "returned_at=2026-06-01T21:40&port_fee=1&receipt_id=x",
		  "receipt" },
	};
	struct kvlist	 kv;
	char		 fields[128];
	long long	 x;
	json_t		*in, *form, *model, *ctx, *row;
	size_t		 i;

	for (i = 0; i < NELEM(hours); i++) {
		x = -1;
		ok(settle_form_hours(hours[i].in, &x) == 0 && x == hours[i].x100,
		    "hours '%s' are %lld hundredths", hours[i].in, hours[i].x100);
	}
	for (i = 0; i < NELEM(bad_hours); i++)
		ok(settle_form_hours(bad_hours[i], &x) == -1,
		    "hours '%s' are refused", bad_hours[i]);
	for (i = 0; i < NELEM(times); i++)
		ok(settle_form_local_time(times[i]), "'%s' is a local time",
		    times[i]);
	for (i = 0; i < NELEM(bad_times); i++)
		ok(!settle_form_local_time(bad_times[i]), "'%s' is not",
		    bad_times[i]);
	for (i = 0; i < NELEM(forms); i++) {
		in = run(forms[i].body, 0, fields, sizeof(fields));
		is_str(fields, forms[i].errors, "%s: errors [%s]", forms[i].body,
		    forms[i].errors);
		json_decref(in);
	}

	in = run("version=3&returned_at=2026-06-01T21:40&port_fee=%24120.50&"
	    "fuel=&note=%3Cb%3E&hours_7=4.5&hours_9=6&hours_9=1&hours_x=2&"
	    "locked=1&receipt_id=0123456789abcdef0123456789abcdef", 0, fields,
	    sizeof(fields));
	is_int(json_integer_value(json_object_get(in, "version")), 3, "version");
	is_int(json_integer_value(json_object_get(in, "port_fee_cents")),
	    12050, "port fee in cents");
	is_int(json_integer_value(json_object_get(in, "fuel_cents")), 0,
	    "no fuel is 0");
	is_str(json_string_value(json_object_get(in, "note")), "<b>",
	    "the note as typed (escaping is the template's)");
	is_int(json_array_size(json_object_get(in, "hours")), 2,
	    "one row per assignment, the first value counts, bad ids dropped");
	is_int(json_integer_value(json_object_get(json_array_get(
	    json_object_get(in, "hours"), 1), "hours_x100")), 600,
	    "hours_9 is its first value");
	ok(json_object_get(in, "locked") == NULL, "the captain cannot lock");
	is_str(json_string_value(json_object_get(in, "receipt_id")),
	    "0123456789abcdef0123456789abcdef", "the receipt id");
	json_decref(in);
	in = run("returned_at=2026-06-01T21:40&port_fee=0&locked=1", 1, fields,
	    sizeof(fields));
	ok(json_is_true(json_object_get(in, "locked")), "staff lock");
	ok(json_is_null(json_object_get(in, "receipt_id")), "no receipt: null");
	json_decref(in);

	form = json_loads(stored_form, 0, NULL);
	model = settle_form_stored(form);
	is_str(json_string_value(json_object_get(model, "returned_at")),
	    "2026-06-01T21:00", "not settled yet: the planned return");
	is_str(json_string_value(json_object_get(json_object_get(model,
	    "hours"), "9")), "6", "and the hours the form says");
	is_str(json_string_value(json_object_get(model, "version")), "0",
	    "version 0");
	kv_parse_query("hours_7=x&hours_9=5.5", 21, &kv, 8);
	json_decref(model);
	model = settle_form_read(&kv);
	json_object_set_new(model, "returned_at", json_string("2026-06-01T22:00"));
	json_object_set_new(model, "port_fee", json_string("1"));
	json_decref(settle_form_input(model, 0, in = json_object()));
	ctx = settle_form_context(form, model, in);
	row = json_array_get(json_object_get(ctx, "rows"), 0);
	is_str(json_string_value(json_object_get(row, "value")), "x",
	    "a row keeps what was typed");
	ok(json_object_get(row, "error") != NULL, "with its error");
	row = json_array_get(json_object_get(ctx, "rows"), 1);
	ok(!json_is_true(json_object_get(row, "changed")),
	    "5.5 of 5.5 planned is unchanged");
	is_int(json_array_size(json_object_get(ctx, "errors")), 1,
	    "the summary lists the one error");
	ok(json_is_true(json_object_get(ctx, "has_errors")), "has_errors");
	json_decref(ctx);
	json_decref(in);
	json_decref(model);
	json_decref(form);
	kv_free(&kv);
	return tap_done();
}
