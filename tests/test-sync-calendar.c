/* test-sync-calendar.c: the calendar's entry built from the crew projection: who, when, where, no money and no rates */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sync_rest.h"
#include "tap.h"

static const char projection[] =
    "{\"booking_id\":42,\"slug\":\"ada-x7k2\",\"status\":\"confirmed\","
    "\"version\":3,\"guest_name\":\"Ada Lovelace\",\"vessel\":\"Jada\","
    "\"meeting_point\":\"Dock 5, Shelter Island\",\"party_size\":6,"
    "\"time_zone\":\"America/Los_Angeles\","
    "\"starts_at\":\"2026-12-12T10:00:00-08:00\","
    "\"ends_at\":\"2026-12-12T14:00:00-08:00\","
    "\"notes\":\"Bring the spinnaker\","
    "\"crew\":[{\"crew_id\":7,\"name\":\"Sam Rivera\",\"role\":\"captain\","
    "\"captain\":true,\"status\":\"confirmed\",\"hourly_rate_cents\":6500,"
    "\"hours\":4.0},"
    "{\"crew_id\":9,\"name\":\"Lee Chen\",\"role\":\"deckhand\","
    "\"captain\":false,\"status\":\"declined\",\"hourly_rate_cents\":3000,"
    "\"hours\":4.0},"
    "{\"crew_id\":11,\"name\":\"Kim Park\",\"role\":\"steward\","
    "\"captain\":false,\"status\":\"pending\",\"hourly_rate_cents\":2800,"
    "\"hours\":4.0}],"
    "\"open_slots\":[{\"slot_id\":3,\"role\":\"steward\",\"count\":2,"
    "\"filled\":1,\"hourly_rate_cents\":2800,\"hours\":3.5}],"
    "\"revenue_cents\":8734519,\"port_fee_cents\":271828,"
    "\"captain_fee_cents\":314159,\"guest_email\":\"ada@example.com\"}";

static const char want_entry[] =
    "{\"crew\":[{\"captain\":true,\"name\":\"Sam Rivera\",\"role\":"
    "\"captain\"},{\"captain\":false,\"name\":\"Kim Park\",\"role\":"
    "\"steward\"}],\"ends_at\":\"2026-12-12T14:00:00-08:00\","
    "\"external_ref\":{\"booking_id\":42,\"system\":\"charterd\","
    "\"version\":3},\"location\":\"Dock 5, Shelter Island\","
    "\"notes\":\"Bring the spinnaker\",\"party_size\":6,"
    "\"starts_at\":\"2026-12-12T10:00:00-08:00\","
    "\"status\":\"confirmed\",\"time_zone\":\"America/Los_Angeles\","
    "\"title\":\"Charter: Jada \xe2\x80\x94 Ada Lovelace\","
    "\"vessel\":\"Jada\"}";

static char *
dump(const json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

static void
test_entry(void)
{
	json_t	*p = json_loads(projection, 0, NULL), *e;
	char	*s;

	ok(p != NULL, "the fixture parses");
	e = sync_calendar_entry(p, 0);
	s = dump(e);
	is_str(s, want_entry, "the entry: title, times with their zone, "
	    "vessel, location, crew on board, notes");
	ok(s && !strstr(s, "cents") && !strstr(s, "rate") &&
	    !strstr(s, "6500") && !strstr(s, "2800") && !strstr(s, "8734519") &&
	    !strstr(s, "271828") && !strstr(s, "314159") &&
	    !strstr(s, "hours") && !strstr(s, "ada@") && !strstr(s, "ada-x7k2"),
	    "no money, no rate, no hours to multiply, no contact, no slug");
	ok(s && !strstr(s, "Lee Chen"), "who declined is not listed");
	free(s);
	json_decref(e);

	e = sync_calendar_entry(p, 1);
	is_str(json_string_value(json_object_get(e, "status")), "cancelled",
	    "a cancel says cancelled");
	json_decref(e);
	json_object_set_new(p, "meeting_point", json_null());
	json_object_set_new(p, "status", json_string("cancelled"));
	e = sync_calendar_entry(p, 0);
	ok(json_is_null(json_object_get(e, "location")) &&
	    strcmp(json_string_value(json_object_get(e, "status")),
	    "cancelled") == 0, "no meeting point: location null; a cancelled "
	    "booking is cancelled");
	json_decref(e);
	json_decref(p);
	is_str(dump(sync_calendar_entry(NULL, 0)), NULL, "no projection, "
	    "no entry");
}

int
main(void)
{
	test_entry();
	return tap_done();
}
