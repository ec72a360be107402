/* test-booking-input.c: booking and crew field tables, cross-field rules */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "booking_input.h"
#include "limits.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *booking_base =
    "{\"slug\":\"sunset-cruise-0601\","
    "\"guest_name\":\"Ada Lovelace\","
    "\"guest_email\":\"ada@example.com\","
    "\"guest_phone\":\"+1 415 555 0100\","
    "\"starts_at\":\"2025-06-01T17:00:00-07:00\","
    "\"ends_at\":\"2025-06-01T21:00:00-07:00\","
    "\"time_zone\":\"America/Los_Angeles\","
    "\"vessel\":\"Sea Breeze\","
    "\"meeting_point\":\"Pier 39, dock B\\nLook for the blue flag\","
    "\"party_size\":12,"
    "\"checklist\":[\"Sunscreen\",\"Jacket\"],"
    "\"guest_notes\":\"Birthday\","
    "\"crew_notes\":\"Cake in the cooler\","
    "\"revenue_cents\":250000,"
    "\"port_fee_cents\":5000,"
    "\"captain_fee_cents\":40000,"
    "\"upload_opens_at\":\"2025-06-01T17:00:00-07:00\","
    "\"upload_closes_at\":\"2025-06-08T17:00:00-07:00\","
    "\"crew\":[{\"crew_id\":1,\"role\":\"Captain\",\"captain\":true,"
    "\"hours\":5},{\"crew_id\":2,\"role\":\"Deckhand\","
    "\"hourly_rate_cents\":3000,\"hours\":4.5}],"
    "\"open_slots\":[{\"role\":\"Server\",\"count\":2,"
    "\"hourly_rate_cents\":2500,\"hours\":4}]}";

static const char *booking_min =
    "{\"guest_name\":\"G\",\"starts_at\":\"2025-06-01T17:00:00Z\","
    "\"ends_at\":\"2025-06-01T18:00:00Z\",\"vessel\":\"V\","
    "\"revenue_cents\":0,\"port_fee_cents\":0,\"captain_fee_cents\":0}";

static const char *crew_base =
    "{\"name\":\"Grace Hopper\",\"email\":\"grace@example.com\","
    "\"phone\":\"555-0100\",\"roles\":[\"Captain\",\"Deckhand\"],"
    "\"hourly_rate_cents\":4500}";

/* Set key to value (JSON text; NULL deletes) in the base; expect this. */
struct mut {
	const char	*key;
	const char	*value;
	const char	*field;		/* NULL: expect valid */
	const char	*code;
};

static const struct mut booking_muts[] = {
	/* Valid variations. */
	{ "slug", NULL, NULL, NULL },
	{ "slug", "null", NULL, NULL },
	{ "guest_email", "null", NULL, NULL },
	{ "checklist", "[]", NULL, NULL },
	{ "crew", "[]", NULL, NULL },
	{ "crew", "null", NULL, NULL },
	{ "open_slots", NULL, NULL, NULL },
	{ "party_size", "1", NULL, NULL },
	{ "party_size", "200", NULL, NULL },
	{ "ends_at", "\"2025-06-08T17:00:00-07:00\"", NULL, NULL },
	{ "ends_at", "\"2025-06-02T00:00:01Z\"", NULL, NULL },
	{ "upload_closes_at", NULL, NULL, NULL },
	{ "revenue_cents", "0", NULL, NULL },
	{ "crew", "[{\"crew_id\":1,\"role\":\"Mate\",\"captain\":false},"
	    "{\"crew_id\":2,\"role\":\"Mate\",\"captain\":false}]",
	    NULL, NULL },
	/* Missing required. */
	{ "guest_name", NULL, "guest_name", "missing" },
	{ "starts_at", NULL, "starts_at", "missing" },
	{ "ends_at", NULL, "ends_at", "missing" },
	{ "vessel", NULL, "vessel", "missing" },
	{ "revenue_cents", NULL, "revenue_cents", "missing" },
	{ "port_fee_cents", NULL, "port_fee_cents", "missing" },
	{ "captain_fee_cents", NULL, "captain_fee_cents", "missing" },
	{ "guest_name", "null", "guest_name", "missing" },
	/* Per-field checks. */
	{ "slug", "\"../etc/passwd\"", "slug", "invalid" },
	{ "slug", "\"UPPER-case\"", "slug", "invalid" },
	{ "guest_name", "\"\"", "guest_name", "invalid" },
	{ "guest_name", "42", "guest_name", "wrong_type" },
	{ "guest_name", "\"Ada\\nLovelace\"", "guest_name", "invalid" },
	{ "guest_email", "\"not-an-email\"", "guest_email", "invalid" },
	{ "guest_phone", "\"555\"", "guest_phone", "invalid" },
	{ "starts_at", "\"2025-06-01T17:00:00\"", "starts_at", "invalid" },
	{ "starts_at", "\"2023-02-29T17:00:00Z\"", "starts_at", "invalid" },
	{ "ends_at", "\"tomorrow\"", "ends_at", "invalid" },
	{ "time_zone", "\"Mars/Olympus Mons\"", "time_zone", "invalid" },
	{ "vessel", "[\"Sea Breeze\"]", "vessel", "wrong_type" },
	{ "party_size", "0", "party_size", "out_of_range" },
	{ "party_size", "201", "party_size", "out_of_range" },
	{ "party_size", "\"12\"", "party_size", "wrong_type" },
	{ "checklist", "[\"ok\", 5]", "checklist[1]", "wrong_type" },
	{ "checklist", "\"Sunscreen\"", "checklist", "wrong_type" },
	{ "revenue_cents", "-1", "revenue_cents", "out_of_range" },
	{ "revenue_cents", "2500.50", "revenue_cents", "wrong_type" },
	{ "port_fee_cents", "100000000001", "port_fee_cents",
	    "out_of_range" },
	{ "captain_fee_cents", "\"400\"", "captain_fee_cents", "wrong_type" },
	{ "upload_opens_at", "\"soon\"", "upload_opens_at", "invalid" },
	{ "surprise", "1", "surprise", "unknown_field" },
	{ "guest_url", "\"https://evil\"", "guest_url", "unknown_field" },
	/* crew[] rows. */
	{ "crew", "{}", "crew", "wrong_type" },
	{ "crew", "[{\"role\":\"Mate\"}]", "crew[0].crew_id", "missing" },
	{ "crew", "[{\"crew_id\":0,\"role\":\"Mate\"}]", "crew[0].crew_id",
	    "out_of_range" },
	{ "crew", "[{\"crew_id\":\"7\",\"role\":\"Mate\"}]", "crew[0].crew_id",
	    "wrong_type" },
	{ "crew", "[{\"crew_id\":1}]", "crew[0].role", "missing" },
	{ "crew", "[{\"crew_id\":1,\"role\":\"\"}]", "crew[0].role",
	    "invalid" },
	{ "crew", "[{\"crew_id\":1,\"role\":\"M\",\"hours\":0}]",
	    "crew[0].hours", "out_of_range" },
	{ "crew", "[{\"crew_id\":1,\"role\":\"M\",\"hours\":168.5}]",
	    "crew[0].hours", "out_of_range" },
	{ "crew", "[{\"crew_id\":1,\"role\":\"M\",\"hours\":\"4\"}]",
	    "crew[0].hours", "wrong_type" },
	{ "crew", "[{\"crew_id\":1,\"role\":\"M\",\"captain\":\"yes\"}]",
	    "crew[0].captain", "wrong_type" },
	{ "crew", "[{\"crew_id\":1,\"role\":\"M\",\"hourly_rate_cents\":-5}]",
	    "crew[0].hourly_rate_cents", "out_of_range" },
	{ "crew", "[{\"crew_id\":1,\"role\":\"M\",\"status\":\"confirmed\"}]",
	    "crew[0].status", "unknown_field" },
	{ "crew", "[{\"crew_id\":1,\"role\":\"M\"},{\"crew_id\":2,"
	    "\"role\":\"M\"},{\"crew_id\":1,\"role\":\"N\"}]",
	    "crew[2].crew_id", "invalid" },
	{ "crew", "[{\"crew_id\":1,\"role\":\"M\",\"captain\":true},"
	    "{\"crew_id\":2,\"role\":\"M\",\"captain\":true}]",
	    "crew[1].captain", "invalid" },
	/* open_slots[] rows. */
	{ "open_slots", "[{\"role\":\"S\",\"count\":1}]",
	    "open_slots[0].hourly_rate_cents", "missing" },
	{ "open_slots", "[{\"role\":\"S\",\"count\":0,"
	    "\"hourly_rate_cents\":1}]", "open_slots[0].count",
	    "out_of_range" },
	{ "open_slots", "[{\"role\":\"S\",\"count\":21,"
	    "\"hourly_rate_cents\":1}]", "open_slots[0].count",
	    "out_of_range" },
	{ "open_slots", "[{\"count\":1,\"hourly_rate_cents\":1}]",
	    "open_slots[0].role", "missing" },
	{ "open_slots", "[{\"role\":\"S\",\"count\":1,"
	    "\"hourly_rate_cents\":1,\"hours\":-2}]", "open_slots[0].hours",
	    "out_of_range" },
	/* Cross-field rules. */
	{ "ends_at", "\"2025-06-01T17:00:00-07:00\"", "ends_at", "invalid" },
	{ "ends_at", "\"2025-06-01T16:00:00-07:00\"", "ends_at", "invalid" },
	/* Same instant written in another offset: still not after. */
	{ "ends_at", "\"2025-06-02T00:00:00Z\"", "ends_at", "invalid" },
	{ "ends_at", "\"2025-06-08T17:00:01-07:00\"", "ends_at",
	    "out_of_range" },
	{ "upload_closes_at", "\"2025-06-01T16:59:59-07:00\"",
	    "upload_closes_at", "invalid" },
	{ "upload_closes_at", "\"2025-06-02T00:00:00Z\"", "upload_closes_at",
	    "invalid" },
};

static const struct mut patch_cases[] = {
	{ "vessel", "\"Windward\"", NULL, NULL },
	{ "guest_email", "null", NULL, NULL },
	{ "crew", "[]", NULL, NULL },
	{ "ends_at", "\"2025-06-01T18:00:00Z\"", NULL, NULL },
	{ "vessel", "null", "vessel", "missing" },
	{ "vessel", "\"\"", "vessel", "invalid" },
	{ "party_size", "500", "party_size", "out_of_range" },
	{ "bogus", "1", "bogus", "unknown_field" },
	{ "crew", "[{\"crew_id\":3,\"role\":\"M\"},{\"crew_id\":3,"
	    "\"role\":\"M\"}]", "crew[1].crew_id", "invalid" },
};

static const struct mut crew_muts[] = {
	{ "phone", NULL, NULL, NULL },
	{ "roles", NULL, NULL, NULL },
	{ "roles", "[]", NULL, NULL },
	{ "phone", "null", NULL, NULL },
	{ "name", NULL, "name", "missing" },
	{ "email", NULL, "email", "missing" },
	{ "hourly_rate_cents", NULL, "hourly_rate_cents", "missing" },
	{ "email", "null", "email", "missing" },
	{ "name", "\"  \"", "name", "invalid" },
	{ "email", "\"grace at example\"", "email", "invalid" },
	{ "phone", "\"phone me\"", "phone", "invalid" },
	{ "roles", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\","
	    "\"j\",\"k\"]", "roles", "too_long" },
	{ "roles", "[\"\"]", "roles[0]", "invalid" },
	{ "hourly_rate_cents", "-100", "hourly_rate_cents", "out_of_range" },
	{ "hourly_rate_cents", "45.00", "hourly_rate_cents", "wrong_type" },
	{ "id", "5", "id", "unknown_field" },
};

static json_t *
load(const char *s)
{
	json_error_t	 je;
	json_t		*j;

	j = json_loads(s, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (j == NULL)
		printf("# JSON error: %s\n", je.text);
	return j;
}

/* Applies m to a copy of base (or to {} when base is NULL). */
static json_t *
mutate(const char *base, const struct mut *m)
{
	json_t	*j, *v;

	if ((j = base ? load(base) : json_object()) == NULL)
		return NULL;
	if (m->value == NULL) {
		json_object_del(j, m->key);
		return j;
	}
	if ((v = load(m->value)) == NULL) {
		json_decref(j);
		return NULL;
	}
	json_object_set_new(j, m->key, v);
	return j;
}

static void
expect(int rc, const struct field_error *err, const struct mut *m,
    const char *what, size_t i)
{
	if (m->field == NULL) {
		is_int(rc, 0, "%s #%zu valid (%s)", what, i, m->key);
		if (rc != 0)
			printf("#   %s %s: %s\n", err->field, err->code,
			    err->message);
		return;
	}
	is_int(rc, -1, "%s #%zu refused (%s)", what, i, m->key);
	is_str(err->field, m->field, "%s #%zu names %s", what, i, m->field);
	is_str(err->code, m->code, "%s #%zu code %s", what, i, m->code);
}

int
main(void)
{
	struct field_error	 err;
	json_t			*j, *crew, *row;
	size_t			 i;

	j = load(booking_base);
	is_int(booking_input_check(j, 0, &err), 0, "base booking is valid");
	is_int(booking_input_check(j, 1, &err), 0, "base booking as PATCH");
	json_decref(j);
	j = load(booking_min);
	is_int(booking_input_check(j, 0, &err), 0, "minimal booking valid");
	json_decref(j);

	for (i = 0; i < NELEM(booking_muts); i++) {
		if ((j = mutate(booking_base, &booking_muts[i])) == NULL) {
			ok(0, "booking #%zu builds", i);
			continue;
		}
		expect(booking_input_check(j, 0, &err), &err,
		    &booking_muts[i], "booking", i);
		json_decref(j);
	}

	/* PATCH: one field at a time on an empty object. */
	for (i = 0; i < NELEM(patch_cases); i++) {
		if ((j = mutate(NULL, &patch_cases[i])) == NULL) {
			ok(0, "patch #%zu builds", i);
			continue;
		}
		expect(booking_input_check(j, 1, &err), &err, &patch_cases[i],
		    "patch", i);
		json_decref(j);
	}
	j = json_object();
	is_int(booking_input_check(j, 1, &err), -1, "empty PATCH refused");
	is_str(err.code, "missing", "empty PATCH is missing");
	json_decref(j);
	j = load("{\"starts_at\":\"2025-06-01T10:00:00Z\","
	    "\"ends_at\":\"2025-06-01T09:00:00Z\"}");
	is_int(booking_input_check(j, 1, &err), -1,
	    "PATCH with both times reversed refused");
	is_str(err.field, "ends_at", "PATCH reversed names ends_at");
	json_decref(j);
	j = load("{\"upload_opens_at\":\"2025-06-02T10:00:00Z\","
	    "\"upload_closes_at\":null}");
	is_int(booking_input_check(j, 1, &err), 0,
	    "PATCH clearing upload_closes_at is fine");
	json_decref(j);
	j = load("[1,2]");
	is_int(booking_input_check(j, 0, &err), -1, "array body refused");
	is_str(err.code, "wrong_type", "array body is wrong_type");
	is_str(err.field, "", "array body names no field");
	json_decref(j);

	/* Limits from limits.h: crew rows, checklist items, long text. */
	j = load(booking_min);
	crew = json_array();
	for (i = 0; i <= LIMIT_CREW_PER_BOOKING; i++) {
		row = json_pack("{s:I, s:s}", "crew_id", (json_int_t)i + 1,
		    "role", "Deckhand");
		json_array_append_new(crew, row);
	}
	json_object_set_new(j, "crew", crew);
	is_int(booking_input_check(j, 0, &err), -1, "%d crew rows refused",
	    LIMIT_CREW_PER_BOOKING + 1);
	is_str(err.field, "crew", "too many crew names crew");
	is_str(err.code, "too_long", "too many crew is too_long");
	json_array_remove(crew, 0);
	is_int(booking_input_check(j, 0, &err), 0, "%d crew rows accepted",
	    LIMIT_CREW_PER_BOOKING);
	json_decref(j);

	j = load(booking_min);
	{
		char	 text[LIMIT_TEXT_LEN + 2];

		memset(text, 'n', LIMIT_TEXT_LEN);
		text[LIMIT_TEXT_LEN] = '\0';
		json_object_set_new(j, "guest_notes", json_string(text));
		is_int(booking_input_check(j, 0, &err), 0,
		    "guest_notes of %d chars accepted", LIMIT_TEXT_LEN);
		text[LIMIT_TEXT_LEN] = 'n';
		text[LIMIT_TEXT_LEN + 1] = '\0';
		json_object_set_new(j, "guest_notes", json_string(text));
		is_int(booking_input_check(j, 0, &err), -1,
		    "guest_notes of %d chars refused", LIMIT_TEXT_LEN + 1);
		is_str(err.code, "too_long", "long guest_notes is too_long");
	}
	json_decref(j);

	j = load(crew_base);
	is_int(crew_input_check(j, &err), 0, "base crew is valid");
	json_decref(j);
	for (i = 0; i < NELEM(crew_muts); i++) {
		if ((j = mutate(crew_base, &crew_muts[i])) == NULL) {
			ok(0, "crew #%zu builds", i);
			continue;
		}
		expect(crew_input_check(j, &err), &err, &crew_muts[i], "crew",
		    i);
		json_decref(j);
	}

	return tap_done();
}
