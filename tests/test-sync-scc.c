/* test-sync-scc.c: SCC's event built from the crew projection: the seed's fields, an allow-list, never money */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sync_rest.h"
#include "tap.h"

/* A projection as crew_projection() makes it, plus what must never pass
 * even if the projection grew it one day. */
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
    "\"hours\":4.0,\"email\":\"sam@example.com\",\"phone\":\"+1 619\"},"
    "{\"crew_id\":9,\"name\":\"Lee Chen\",\"role\":\"deckhand\","
    "\"captain\":false,\"status\":\"declined\",\"hourly_rate_cents\":3000,"
    "\"hours\":4.0}],"
    "\"open_slots\":[{\"slot_id\":3,\"role\":\"steward\",\"count\":2,"
    "\"filled\":1,\"hourly_rate_cents\":2800,\"hours\":3.5}],"
    "\"revenue_cents\":8734519,\"port_fee_cents\":271828,"
    "\"captain_fee_cents\":314159,\"guest_email\":\"ada@example.com\","
    "\"guest_phone\":\"+1 555\",\"checklist\":[\"Sunscreen\"]}";

static const char want_event[] =
    "{\"crew\":[{\"captain\":true,\"external_id\":7,\"hourly_rate_cents\":6500,"
    "\"hours\":4.0,\"name\":\"Sam Rivera\",\"role\":\"captain\","
    "\"status\":\"confirmed\"},{\"captain\":false,\"external_id\":9,"
    "\"hourly_rate_cents\":3000,\"hours\":4.0,\"name\":\"Lee Chen\","
    "\"role\":\"deckhand\",\"status\":\"declined\"}],"
    "\"ends_at\":\"2026-12-12T14:00:00-08:00\","
    "\"external_ref\":{\"booking_id\":42,\"system\":\"charterd\","
    "\"version\":3},"
    "\"meeting_point\":\"Dock 5, Shelter Island\","
    "\"notes\":\"Bring the spinnaker\","
    "\"open_slots\":[{\"count\":2,\"external_id\":3,\"filled\":1,"
    "\"hourly_rate_cents\":2800,\"hours\":3.5,\"role\":\"steward\"}],"
    "\"party_size\":6,\"starts_at\":\"2026-12-12T10:00:00-08:00\","
    "\"status\":\"confirmed\",\"time_zone\":\"America/Los_Angeles\","
    "\"title\":\"Charter: Jada \xe2\x80\x94 Ada Lovelace\","
    "\"vessel\":\"Jada\"}";

static char *
dump(const json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

static json_t *
load(const char *s)
{
	json_t	*j = json_loads(s, 0, NULL);

	if (j == NULL)
		printf("# fixture does not parse\n");
	return j;
}

static void
test_event(void)
{
	json_t	*p = load(projection), *ev;
	char	*s;

	ev = sync_scc_event(p, 0);
	s = dump(ev);
	is_str(s, want_event, "the event: the seed's fields, all there, "
	    "nothing else");
	ok(s && !strstr(s, "8734519") && !strstr(s, "271828") &&
	    !strstr(s, "314159") && !strstr(s, "revenue") &&
	    !strstr(s, "fee") && !strstr(s, "ada@") && !strstr(s, "555") &&
	    !strstr(s, "ada-x7k2") && !strstr(s, "sam@"),
	    "no revenue, fee, guest contact, crew contact or slug");
	free(s);
	json_decref(ev);

	ev = sync_scc_event(p, 1);
	is_str(json_string_value(json_object_get(ev, "status")), "cancelled",
	    "a cancel says cancelled");
	json_decref(ev);
	json_object_set_new(p, "status", json_string("cancelled"));
	ev = sync_scc_event(p, 0);
	is_str(json_string_value(json_object_get(ev, "status")), "cancelled",
	    "so does a cancelled booking's upsert");
	json_decref(ev);
	json_decref(p);
}

static void
test_sparse(void)
{
	static const struct {
		const char	*projection;
		const char	*want;	/* NULL: refused */
	} t[] = {
		{ "{\"booking_id\":1,\"version\":1,\"vessel\":\"Jada\","
		    "\"meeting_point\":null,\"notes\":null,\"crew\":[],"
		    "\"open_slots\":[]}",
		    "{\"crew\":[],\"external_ref\":{\"booking_id\":1,"
		    "\"system\":\"charterd\",\"version\":1},"
		    "\"meeting_point\":null,\"notes\":null,\"open_slots\":[],"
		    "\"status\":\"confirmed\",\"title\":\"Charter: Jada\","
		    "\"vessel\":\"Jada\"}" },
		/* nested values where scalars belong are dropped */
		{ "{\"booking_id\":1,\"version\":1,\"vessel\":\"V\","
		    "\"notes\":{\"revenue_cents\":5},\"crew\":[{\"name\":"
		    "[\"x\"],\"role\":\"r\"},7]}",
		    "{\"crew\":[{\"role\":\"r\"}],\"external_ref\":"
		    "{\"booking_id\":1,\"system\":\"charterd\",\"version\":1},"
		    "\"open_slots\":[],\"status\":\"confirmed\",\"title\":"
		    "\"Charter: V\",\"vessel\":\"V\"}" },
		{ "[]", NULL },
		{ "\"x\"", NULL },
	};
	json_t	*p, *ev;
	char	*s;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = json_loads(t[i].projection, JSON_DECODE_ANY, NULL);
		ev = sync_scc_event(p, 0);
		s = dump(ev);
		is_str(s, t[i].want, "projection #%zu", i);
		free(s);
		json_decref(ev);
		json_decref(p);
	}
	is_str(dump(sync_scc_event(NULL, 0)), NULL, "no projection, no event");
}

int
main(void)
{
	test_event();
	test_sparse();
	return tap_done();
}
