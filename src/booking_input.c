/* booking_input.c: field tables and cross-field rules for bookings and crew */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "booking_input.h"
#include "fields.h"
#include "limits.h"
#include "valid.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Designated initialisers: an unnamed member is 0 / NULL.  Ranges for
 * FT_CENTS and FT_HOURS default when min == max == 0 (fields.h): cents
 * 0..LIMIT_CENTS, hours 0 < h <= 168 in hundredths.
 */
#define REQ		.required = 1
#define OPT		.required = 0
#define NAME		.min = 1, .max = LIMIT_NAME_LEN
#define TEXT		.max = LIMIT_TEXT_LEN

const struct field booking_crew_fields[] = {
	{ "crew_id",		FT_INT,		REQ, .min = 1,
	    .max = INT64_MAX },
	{ "role",		FT_STRING,	REQ, NAME },
	{ "hourly_rate_cents",	FT_CENTS,	OPT },
	{ "hours",		FT_HOURS,	OPT },
	{ "captain",		FT_BOOL,	OPT },
};
const size_t booking_crew_nfields = NELEM(booking_crew_fields);

const struct field booking_slot_fields[] = {
	{ "id",			FT_INT,		OPT, .min = 1,
	    .max = INT64_MAX },
	{ "role",		FT_STRING,	REQ, NAME },
	{ "count",		FT_INT,		REQ, .min = 1,
	    .max = LIMIT_SLOT_COUNT },
	{ "hourly_rate_cents",	FT_CENTS,	REQ },
	{ "hours",		FT_HOURS,	OPT },
};
const size_t booking_slot_nfields = NELEM(booking_slot_fields);

const struct field booking_fields[] = {
	{ "slug",		FT_SLUG,	OPT },
	{ "guest_name",		FT_STRING,	REQ, NAME },
	{ "guest_email",	FT_EMAIL,	OPT },
	{ "guest_phone",	FT_PHONE,	OPT },
	{ "starts_at",		FT_TIME,	REQ },
	{ "ends_at",		FT_TIME,	REQ },
	{ "time_zone",		FT_TZ,		OPT },
	{ "vessel",		FT_STRING,	REQ, NAME },
	{ "meeting_point",	FT_TEXT,	TEXT },
	{ "party_size",		FT_INT,		.min = 1,
	    .max = LIMIT_PARTY_SIZE },
	{ "checklist",		FT_STRLIST,	.max = LIMIT_CHECKLIST_ITEMS,
	    .item_max = LIMIT_CHECKLIST_ITEM },
	{ "guest_notes",	FT_TEXT,	TEXT },
	{ "crew_notes",		FT_TEXT,	TEXT },
	{ "revenue_cents",	FT_CENTS,	REQ },
	{ "port_fee_cents",	FT_CENTS,	REQ },
	{ "captain_fee_cents",	FT_CENTS,	REQ },
	{ "upload_opens_at",	FT_TIME,	OPT },
	{ "upload_closes_at",	FT_TIME,	OPT },
	{ "crew",		FT_OBJLIST,	.max = LIMIT_CREW_PER_BOOKING,
	    .sub = booking_crew_fields, .nsub = NELEM(booking_crew_fields) },
	{ "open_slots",		FT_OBJLIST,	.max = LIMIT_SLOTS_PER_BOOKING,
	    .sub = booking_slot_fields, .nsub = NELEM(booking_slot_fields) },
};
const size_t booking_nfields = NELEM(booking_fields);

const struct field crew_fields[] = {
	{ "name",		FT_STRING,	REQ, NAME },
	{ "email",		FT_EMAIL,	REQ },
	{ "phone",		FT_PHONE,	OPT },
	{ "roles",		FT_STRLIST,	.max = LIMIT_ROLES,
	    .item_max = LIMIT_NAME_LEN },
	{ "hourly_rate_cents",	FT_CENTS,	REQ },
};
const size_t crew_nfields = NELEM(crew_fields);

/*
 * The epoch of time field name when present, not null (and, the table
 * having passed, valid).  Returns 1 when found, 0 when not.
 */
static int
get_time(const json_t *obj, const char *name, long long *t)
{
	const json_t	*v;

	v = json_object_get(obj, name);
	if (!json_is_string(v))
		return 0;
	return valid_iso8601(json_string_value(v), t);
}

static int
check_times(const json_t *obj, struct field_error *err)
{
	long long	 a, b;

	if (get_time(obj, "starts_at", &a) && get_time(obj, "ends_at", &b)) {
		if (b <= a)
			return fields_fail(err, "ends_at", FIELD_EINVALID,
			    "ends_at must be after starts_at.");
		if (b - a > LIMIT_CHARTER_SECS)
			return fields_fail(err, "ends_at", FIELD_ERANGE,
			    "A charter can last at most %d days.",
			    LIMIT_CHARTER_SECS / 86400);
	}
	if (get_time(obj, "upload_opens_at", &a) &&
	    get_time(obj, "upload_closes_at", &b) && b <= a)
		return fields_fail(err, "upload_closes_at", FIELD_EINVALID,
		    "upload_closes_at must be after upload_opens_at.");
	return 0;
}

/* An open slot's id at most once: two rows cannot both be that slot. */
static int
check_slots(const json_t *obj, struct field_error *err)
{
	const json_t	*slots, *row, *id;
	char		 path[sizeof(err->field)];
	size_t		 i, j;

	slots = json_object_get(obj, "open_slots");
	if (!json_is_array(slots))
		return 0;
	json_array_foreach(slots, i, row) {
		if (!json_is_integer(id = json_object_get(row, "id")))
			continue;
		for (j = 0; j < i; j++)
			if (json_integer_value(json_object_get(json_array_get(
			    slots, j), "id")) == json_integer_value(id)) {
				snprintf(path, sizeof(path), "open_slots[%zu].id",
				    i);
				return fields_fail(err, path, FIELD_EINVALID,
				    "%s repeats open slot %lld, already in "
				    "open_slots[%zu].", path,
				    (long long)json_integer_value(id), j);
			}
	}
	return 0;
}

/* crew[] is at most LIMIT_CREW_PER_BOOKING rows, so O(n^2) is fine. */
static int
check_crew(const json_t *obj, struct field_error *err)
{
	const json_t	*crew, *row, *other, *cap;
	char		 path[sizeof(err->field)];
	size_t		 i, j, captain = 0, ncaptains = 0;
	json_int_t	 id;

	crew = json_object_get(obj, "crew");
	if (!json_is_array(crew))
		return 0;
	json_array_foreach(crew, i, row) {
		id = json_integer_value(json_object_get(row, "crew_id"));
		for (j = 0; j < i; j++) {
			other = json_array_get(crew, j);
			if (json_integer_value(json_object_get(other,
			    "crew_id")) != id)
				continue;
			snprintf(path, sizeof(path), "crew[%zu].crew_id", i);
			return fields_fail(err, path, FIELD_EINVALID,
			    "%s repeats crew member %lld, already in "
			    "crew[%zu].", path, (long long)id, j);
		}
		cap = json_object_get(row, "captain");
		if (!json_is_true(cap))
			continue;
		if (ncaptains++ > 0) {
			snprintf(path, sizeof(path), "crew[%zu].captain", i);
			return fields_fail(err, path, FIELD_EINVALID,
			    "Only one crew member can be captain; crew[%zu] "
			    "already is.", captain);
		}
		captain = i;
	}
	return 0;
}

/* The booking fields but the money ones: what staff may send. */
static struct field	nomoney_fields[NELEM(booking_fields)];
static size_t		nomoney_nfields;

static int
is_money(const char *name)
{
	return strcmp(name, "revenue_cents") == 0 ||
	    strcmp(name, "port_fee_cents") == 0 ||
	    strcmp(name, "captain_fee_cents") == 0;
}

int
booking_input_check_as(const json_t *obj, int partial, int money,
    struct field_error *err)
{
	const struct field	*tbl = booking_fields;
	size_t			 i, n = booking_nfields;

	if (!money) {
		if (nomoney_nfields == 0)
			for (i = 0; i < booking_nfields; i++)
				if (!is_money(booking_fields[i].name))
					nomoney_fields[nomoney_nfields++] =
					    booking_fields[i];
		tbl = nomoney_fields;
		n = nomoney_nfields;
	}
	if (fields_check(obj, tbl, n, partial, err) == -1)
		return -1;
	if (check_times(obj, err) == -1)
		return -1;
	if (check_slots(obj, err) == -1)
		return -1;
	return check_crew(obj, err);
}

int
booking_input_check(const json_t *obj, int partial, struct field_error *err)
{
	return booking_input_check_as(obj, partial, 1, err);
}

int
crew_input_check(const json_t *obj, struct field_error *err)
{
	return fields_check(obj, crew_fields, crew_nfields, 0, err);
}
