/* test-fields.c: table-driven validation of JSON request objects */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "fields.h"
#include "limits.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const colours[] = { "red", "green", NULL };

static const struct field sub[] = {
	{ "id",		FT_INT,		1, 1, 1000, 0, NULL, NULL, 0 },
	{ "label",	FT_STRING,	0, 1, 5, 0, NULL, NULL, 0 },
};

static const struct field tbl[] = {
	{ "name",	FT_STRING,	1, 1, 10, 0, NULL, NULL, 0 },
	{ "notes",	FT_TEXT,	0, 0, 20, 0, NULL, NULL, 0 },
	{ "email",	FT_EMAIL,	0, 0, 0, 0, NULL, NULL, 0 },
	{ "phone",	FT_PHONE,	0, 0, 0, 0, NULL, NULL, 0 },
	{ "slug",	FT_SLUG,	0, 0, 0, 0, NULL, NULL, 0 },
	{ "at",		FT_TIME,	0, 0, 0, 0, NULL, NULL, 0 },
	{ "tz",		FT_TZ,		0, 0, 0, 0, NULL, NULL, 0 },
	{ "cents",	FT_CENTS,	0, 0, 0, 0, NULL, NULL, 0 },
	{ "n",		FT_INT,		0, -5, 5, 0, NULL, NULL, 0 },
	{ "tags",	FT_STRLIST,	0, 0, 3, 4, NULL, NULL, 0 },
	{ "items",	FT_OBJLIST,	0, 0, 2, 0, NULL, sub, NELEM(sub) },
	{ "colour",	FT_ENUM,	0, 0, 0, 0, colours, NULL, 0 },
	{ "flag",	FT_BOOL,	0, 0, 0, 0, NULL, NULL, 0 },
	{ "hours",	FT_HOURS,	0, 0, 0, 0, NULL, NULL, 0 },
};

static const char *const valids[] = {
	"{\"name\":\"x\"}",
	"{\"name\":\"0123456789\"}",
	"{\"name\":\"caf\\u00e9\"}",
	"{\"name\":\"x\",\"notes\":\"a\\nb\\tc\"}",
	"{\"name\":\"x\",\"notes\":\"\"}",
	"{\"name\":\"x\",\"notes\":null,\"email\":null,\"items\":null}",
	"{\"name\":\"x\",\"email\":\"a@b.co\",\"phone\":\"+1 555 0100\"}",
	"{\"name\":\"x\",\"slug\":\"abc\",\"tz\":\"UTC\"}",
	"{\"name\":\"x\",\"at\":\"2025-06-01T09:30:00-07:00\"}",
	"{\"name\":\"x\",\"cents\":0}",
	"{\"name\":\"x\",\"cents\":100000000000}",
	"{\"name\":\"x\",\"n\":-5}",
	"{\"name\":\"x\",\"n\":5}",
	"{\"name\":\"x\",\"tags\":[]}",
	"{\"name\":\"x\",\"tags\":[\"a\",\"bb\",\"abcd\"]}",
	"{\"name\":\"x\",\"items\":[{\"id\":1},{\"id\":2,\"label\":\"ok\"}]}",
	"{\"name\":\"x\",\"colour\":\"green\"}",
	"{\"name\":\"x\",\"flag\":false}",
	"{\"name\":\"x\",\"hours\":0.01}",
	"{\"name\":\"x\",\"hours\":168}",
	"{\"name\":\"x\",\"hours\":2.5}",
};

struct invalid {
	const char	*json;
	const char	*field;
	const char	*code;
};

static const struct invalid invalids[] = {
	{ "[]", "", "wrong_type" },
	{ "\"str\"", "", "wrong_type" },
	{ "{}", "name", "missing" },
	{ "{\"name\":null}", "name", "missing" },
	{ "{\"name\":\"\"}", "name", "invalid" },
	{ "{\"name\":\"   \"}", "name", "invalid" },
	{ "{\"name\":\"01234567890\"}", "name", "too_long" },
	{ "{\"name\":5}", "name", "wrong_type" },
	{ "{\"name\":\"a\\nb\"}", "name", "invalid" },
	{ "{\"name\":\"a\\u0007\"}", "name", "invalid" },
	{ "{\"name\":\"a\\u0085\"}", "name", "invalid" },
	{ "{\"name\":\"x\",\"zzz\":1}", "zzz", "unknown_field" },
	{ "{\"name\":\"x\",\"<script>\":1}", "?script?", "unknown_field" },
	{ "{\"name\":\"x\",\"a b\":1}", "a?b", "unknown_field" },
	{ "{\"name\":\"x\",\"notes\":\"123456789012345678901\"}", "notes",
	    "too_long" },
	{ "{\"name\":\"x\",\"notes\":\"\\u001b[2J\"}", "notes", "invalid" },
	{ "{\"name\":\"x\",\"email\":\"nope\"}", "email", "invalid" },
	{ "{\"name\":\"x\",\"email\":\"\"}", "email", "invalid" },
	{ "{\"name\":\"x\",\"email\":[]}", "email", "wrong_type" },
	{ "{\"name\":\"x\",\"phone\":\"call me\"}", "phone", "invalid" },
	{ "{\"name\":\"x\",\"slug\":\"../x\"}", "slug", "invalid" },
	{ "{\"name\":\"x\",\"at\":\"2025-06-01T09:30:00\"}", "at", "invalid" },
	{ "{\"name\":\"x\",\"at\":1748795400}", "at", "wrong_type" },
	{ "{\"name\":\"x\",\"tz\":\"../../etc/passwd\"}", "tz", "invalid" },
	{ "{\"name\":\"x\",\"cents\":-1}", "cents", "out_of_range" },
	{ "{\"name\":\"x\",\"cents\":100000000001}", "cents", "out_of_range" },
	{ "{\"name\":\"x\",\"cents\":1.5}", "cents", "wrong_type" },
	{ "{\"name\":\"x\",\"cents\":\"100\"}", "cents", "wrong_type" },
	{ "{\"name\":\"x\",\"n\":6}", "n", "out_of_range" },
	{ "{\"name\":\"x\",\"n\":-6}", "n", "out_of_range" },
	{ "{\"name\":\"x\",\"n\":true}", "n", "wrong_type" },
	{ "{\"name\":\"x\",\"tags\":\"a\"}", "tags", "wrong_type" },
	{ "{\"name\":\"x\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", "tags",
	    "too_long" },
	{ "{\"name\":\"x\",\"tags\":[\"a\",\"abcde\"]}", "tags[1]",
	    "too_long" },
	{ "{\"name\":\"x\",\"tags\":[\"a\",\"\"]}", "tags[1]", "invalid" },
	{ "{\"name\":\"x\",\"tags\":[\"a\",null]}", "tags[1]", "wrong_type" },
	{ "{\"name\":\"x\",\"items\":{}}", "items", "wrong_type" },
	{ "{\"name\":\"x\",\"items\":[{\"id\":1},{}]}", "items[1].id",
	    "missing" },
	{ "{\"name\":\"x\",\"items\":[{\"id\":1},{\"id\":0}]}", "items[1].id",
	    "out_of_range" },
	{ "{\"name\":\"x\",\"items\":[{\"id\":1,\"label\":\"toolong\"}]}",
	    "items[0].label", "too_long" },
	{ "{\"name\":\"x\",\"items\":[{\"id\":1,\"bad\":2}]}", "items[0].bad",
	    "unknown_field" },
	{ "{\"name\":\"x\",\"items\":[5]}", "items[0]", "wrong_type" },
	{ "{\"name\":\"x\",\"items\":[{\"id\":1},{\"id\":2},{\"id\":3}]}",
	    "items", "too_long" },
	{ "{\"name\":\"x\",\"colour\":\"blue\"}", "colour", "invalid" },
	{ "{\"name\":\"x\",\"colour\":\"RED\"}", "colour", "invalid" },
	{ "{\"name\":\"x\",\"flag\":1}", "flag", "wrong_type" },
	{ "{\"name\":\"x\",\"flag\":\"true\"}", "flag", "wrong_type" },
	{ "{\"name\":\"x\",\"hours\":0}", "hours", "out_of_range" },
	{ "{\"name\":\"x\",\"hours\":-1}", "hours", "out_of_range" },
	{ "{\"name\":\"x\",\"hours\":0.001}", "hours", "out_of_range" },
	{ "{\"name\":\"x\",\"hours\":168.01}", "hours", "out_of_range" },
	{ "{\"name\":\"x\",\"hours\":1e300}", "hours", "out_of_range" },
	{ "{\"name\":\"x\",\"hours\":\"2\"}", "hours", "wrong_type" },
};

static json_t *
load(const char *s)
{
	json_error_t	 je;

	return json_loads(s, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
}

int
main(void)
{
	struct field_error	 err;
	json_t			*j;
	char			 big[600];
	size_t			 i;
	long long		 h;

	for (i = 0; i < NELEM(valids); i++) {
		if ((j = load(valids[i])) == NULL) {
			ok(0, "valid #%zu parses", i);
			continue;
		}
		is_int(fields_check(j, tbl, NELEM(tbl), 0, &err), 0,
		    "valid #%zu: %s", i, valids[i]);
		if (err.code != NULL)
			printf("#   %s %s: %s\n", err.field, err.code,
			    err.message);
		json_decref(j);
	}
	for (i = 0; i < NELEM(invalids); i++) {
		if ((j = load(invalids[i].json)) == NULL) {
			ok(0, "invalid #%zu parses", i);
			continue;
		}
		is_int(fields_check(j, tbl, NELEM(tbl), 0, &err), -1,
		    "invalid #%zu fails", i);
		is_str(err.field, invalids[i].field, "invalid #%zu field", i);
		is_str(err.code, invalids[i].code, "invalid #%zu code", i);
		ok(err.message[0] != '\0' && (err.field[0] == '\0' ||
		    strstr(err.message, err.field) != NULL ||
		    strcmp(err.code, "missing") == 0),
		    "invalid #%zu message names the field: %s", i,
		    err.message);
		json_decref(j);
	}

	/* Partial (PATCH): nothing required, but not empty. */
	j = load("{}");
	is_int(fields_check(j, tbl, NELEM(tbl), 1, &err), -1,
	    "partial: empty object refused");
	is_str(err.code, "missing", "partial: empty object is missing");
	is_str(err.field, "", "partial: empty object names no field");
	json_decref(j);
	j = load("{\"notes\":\"only notes\"}");
	is_int(fields_check(j, tbl, NELEM(tbl), 1, &err), 0,
	    "partial: required name may be absent");
	json_decref(j);
	j = load("{\"name\":null}");
	is_int(fields_check(j, tbl, NELEM(tbl), 1, &err), -1,
	    "partial: required field cannot be cleared");
	is_str(err.code, "missing", "partial: null required is missing");
	json_decref(j);
	j = load("{\"email\":null}");
	is_int(fields_check(j, tbl, NELEM(tbl), 1, &err), 0,
	    "partial: optional field cleared with null");
	json_decref(j);
	j = load("{\"n\":99}");
	is_int(fields_check(j, tbl, NELEM(tbl), 1, &err), -1,
	    "partial: present fields still checked");
	is_str(err.field, "n", "partial: names n");
	json_decref(j);

	/* An unknown key is echoed sanitised and cut short. */
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	j = json_pack("{s:s, s:i}", "name", "x", big, 1);
	is_int(fields_check(j, tbl, NELEM(tbl), 0, &err), -1,
	    "long unknown key refused");
	is_str(err.code, "unknown_field", "long unknown key code");
	ok(strlen(err.field) <= LIMIT_FIELD_NAME + 3,
	    "long unknown key echoed at most %d chars", LIMIT_FIELD_NAME + 3);
	ok(strstr(err.field, "...") != NULL, "long unknown key marked cut");
	json_decref(j);
	j = json_pack("{s:s, s:i}", "name", "x", "\"><img src=x>\xc3\xa9", 1);
	fields_check(j, tbl, NELEM(tbl), 0, &err);
	is_str(err.field, "???img?src?x???", "hostile key is neutralised");
	json_decref(j);

	/* Embedded NUL (only reachable with JSON_ALLOW_NUL) is refused. */
	j = json_pack("{s:s#}", "name", "a\0b", 3);
	is_int(fields_check(j, tbl, NELEM(tbl), 0, &err), -1,
	    "NUL inside a string refused");
	is_str(err.code, "invalid", "NUL inside a string is invalid");
	json_decref(j);

	/* NULL object. */
	is_int(fields_check(NULL, tbl, NELEM(tbl), 0, &err), -1,
	    "NULL object refused");
	is_str(err.code, "wrong_type", "NULL object is wrong_type");

	/* Hundredths. */
	j = json_real(2.5);
	is_int(fields_hundredths(j, &h), 0, "hundredths of 2.5");
	is_int(h, 250, "2.5 hours is 250");
	json_decref(j);
	j = json_real(0.29);
	fields_hundredths(j, &h);
	is_int(h, 29, "0.29 rounds to 29, not 28");
	json_decref(j);
	j = json_integer(8);
	fields_hundredths(j, &h);
	is_int(h, 800, "integer 8 is 800");
	json_decref(j);
	j = json_string("8");
	is_int(fields_hundredths(j, &h), -1, "a string is not hours");
	json_decref(j);

	/* Depth, from the text. */
	{
		static const struct { const char *s; int depth; } d[] = {
			{ "{\"a\":[{\"b\":[1]}]}", 4 },
			{ "5", 0 },
			{ "{}", 1 },
			{ "[[[[[[[[[[]]]]]]]]]]", 10 },
			{ "{\"a\":\"[[[[{{{{\"}", 1 },
			{ "{\"a\":\"\\\"[[[\"}", 1 },
			{ "[1,[2],[3,[4]]]", 3 },
		};
		size_t k;

		for (k = 0; k < sizeof(d) / sizeof(d[0]); k++)
			is_int(fields_json_depth(d[k].s, strlen(d[k].s)),
			    d[k].depth, "%s nests %d deep", d[k].s, d[k].depth);
	}

	return tap_done();
}
