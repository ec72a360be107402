/* test-crew-form.c: the roster form to the API's crew input, with its errors in words */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "crew_form.h"
#include "kv.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Reads a urlencoded form into the API input; errors as "field,field". */
static json_t *
run(const char *body, char *fields, size_t len)
{
	struct kvlist	 form;
	json_t		*model, *errors = json_object(), *in;
	const char	*k;
	json_t		*v;

	kv_parse_query(body, strlen(body), &form, 64);
	model = crew_form_read(&form);
	in = crew_form_input(model, errors);
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
	static const struct { const char *body, *errors; } cases[] = {
		{ "name=Maria+Lopez&email=maria%40example.com&phone=&"
		  "roles=Deckhand%2C+Captain&rate=31.25", "" },
		{ "name=&email=maria%40example.com&rate=31", "name" },
		{ "name=+++&email=maria%40example.com&rate=31", "name" },
		{ "name=M&email=&rate=31", "email" },
		{ "name=M&email=not-an-email&rate=31", "email" },
		{ "name=M&email=m%40x.com&phone=abc&rate=31", "phone" },
		{ "name=M&email=m%40x.com&rate=", "rate" },
		{ "name=M&email=m%40x.com&rate=-5", "rate" },
		{ "name=M&email=m%40x.com&rate=12.345", "rate" },
		{ "name=M&email=m%40x.com&rate=%241%2C000.50", "" },
		{ "name=Line%0Abreak&email=m%40x.com&rate=1", "name" },
		{ "name=&email=&rate=x", "rate,name,email" },
		{ "name=M&email=m%40x.com&rate=1&roles=a,b,c,d,e,f,g,h,i,j,k",
		  "roles" },
	};
	char		 fields[128];
	json_t		*in, *roles;
	size_t		 i;

	for (i = 0; i < NELEM(cases); i++) {
		in = run(cases[i].body, fields, sizeof(fields));
		is_str(fields, cases[i].errors, "%s: errors [%s]", cases[i].body,
		    cases[i].errors);
		json_decref(in);
	}
	in = run("name=+Maria+Lopez+&email=+maria%40example.com&phone=&"
	    "roles=Deckhand%2C+captain%2C%2CDECKHAND+&rate=%2431.25", fields,
	    sizeof(fields));
	is_str(json_string_value(json_object_get(in, "name")), "Maria Lopez",
	    "name is trimmed");
	is_str(json_string_value(json_object_get(in, "email")),
	    "maria@example.com", "email is trimmed");
	ok(json_is_null(json_object_get(in, "phone")), "an empty phone is null");
	is_int(json_integer_value(json_object_get(in, "hourly_rate_cents")),
	    3125, "the rate in cents");
	roles = json_object_get(in, "roles");
	is_int(json_array_size(roles), 2, "roles split at commas, empty and "
	    "repeated ones dropped");
	is_str(json_string_value(json_array_get(roles, 1)), "captain",
	    "roles kept as typed, trimmed");
	json_decref(in);
	return tap_done();
}
