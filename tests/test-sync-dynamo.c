/* test-sync-dynamo.c: the DynamoDB target's items from a crew projection, and how answers are classified (no network) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "dynamo.h"
#include "dynamo_json.h"
#include "log.h"
#include "sync_dynamo.h"
#include "tap.h"

/* A crew projection as crew_projection() builds it (sql/002_views.sql). */
static const char projection_text[] =
    "{\"booking_id\":42,\"slug\":\"jane-smith-ab12cd34\","
    "\"status\":\"confirmed\",\"version\":4,\"guest_name\":\"Jane \\\"J\\\" "
    "Sm\\u00eeth\",\"vessel\":\"Jada\",\"meeting_point\":null,"
    "\"party_size\":6,\"time_zone\":\"America/Los_Angeles\","
    "\"starts_at\":\"2026-12-12T10:00:00-08:00\","
    "\"ends_at\":\"2026-12-12T14:00:00-08:00\",\"notes\":\"\","
    "\"crew\":[{\"crew_id\":7,\"name\":\"Ana\",\"role\":\"captain\","
    "\"captain\":true,\"status\":\"confirmed\",\"hourly_rate_cents\":6000,"
    "\"hours\":4.25},{\"crew_id\":9,\"name\":\"Ben\",\"role\":\"deckhand\","
    "\"captain\":false,\"status\":\"pending\",\"hourly_rate_cents\":3500,"
    "\"hours\":4.5}],"
    "\"open_slots\":[{\"slot_id\":3,\"role\":\"deckhand\",\"count\":1,"
    "\"filled\":0,\"hourly_rate_cents\":3500,\"hours\":4.00}]}";

static const char *
s_of(const json_t *item, const char *name)
{
	const char *s = dynamo_json_attr_str(item, name);

	return s ? s : "(none)";
}

static long long
n_of(const json_t *item, const char *name)
{
	long long n = -1;

	dynamo_json_attr_int(item, name, &n);
	return n;
}

/* Attribute names of item, sorted, space-separated, into out. */
static void
names(const json_t *item, char *out, size_t len)
{
	json_t		*keys = json_array(), *k;
	const char	*name;
	json_t		*v;
	size_t		 i, n = 0;

	json_object_foreach((json_t *)item, name, v)
		json_array_append_new(keys, json_string(name));
	/* insertion sort: a handful of names */
	for (i = 1; i < json_array_size(keys); i++) {
		size_t j = i;

		while (j > 0 && strcmp(json_string_value(json_array_get(keys,
		    j - 1)), json_string_value(json_array_get(keys, j))) > 0) {
			k = json_incref(json_array_get(keys, j));
			json_array_set(keys, j, json_array_get(keys, j - 1));
			json_array_set_new(keys, j - 1, k);
			j--;
		}
	}
	out[0] = '\0';
	json_array_foreach(keys, i, k)
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s",
		    i ? " " : "", json_string_value(k));
	json_decref(keys);
}

/* ok() when ids (a JSON array or NULL) is want (JSON text, or NULL). */
static void
same_ids(json_t *ids, const char *want, size_t i)
{
	json_t	*w = want ? json_loads(want, 0, NULL) : NULL;

	ok(want ? ids != NULL && json_equal(ids, w) : ids == NULL,
	    "ref #%zu %s", i, want ? want : "not understood");
	json_decref(w);
}

static void
test_event_item(json_t *p)
{
	json_t	*item, *back, *crew;
	char	 got[512];

	item = sync_dynamo_event_item(p, 42, 5, 0);
	ok(item != NULL, "event item built");
	is_str(s_of(item, "pk"), "booking#42", "pk is booking#<id>");
	is_str(s_of(item, "sk"), "event", "sk is event");
	is_int(n_of(item, "version"), 5, "version is the row's, as N");
	is_int(n_of(item, "booking_id"), 42, "booking_id as N");
	is_str(s_of(item, "status"), "confirmed", "status from the projection");
	is_str(s_of(item, "guest_name"), "Jane \"J\" Sm\xc3\xaeth",
	    "strings kept as they are");
	ok(json_is_true(json_object_get(json_object_get(item,
	    "meeting_point"), "NULL")), "null as NULL");
	names(item, got, sizeof(got));
	is_str(got, "booking_id crew ends_at guest_name meeting_point notes "
	    "open_slots party_size pk sk slug starts_at status time_zone "
	    "version vessel", "the projection's members and the keys, "
	    "nothing else");
	back = dynamo_json_plain(json_object_get(item, "crew"));
	crew = json_object_get(p, "crew");
	ok(back != NULL && json_equal(back, crew), "the crew list reads back "
	    "as the projection's");
	json_decref(back);
	json_decref(item);

	item = sync_dynamo_event_item(p, 42, 6, 1);
	is_str(s_of(item, "status"), "cancelled", "a cancel stores status "
	    "cancelled");
	is_int(n_of(item, "version"), 6, "at the cancel's version");
	json_decref(item);
}

static void
test_crew_items(json_t *p)
{
	static const struct {
		size_t		 index;
		int		 cancelled;
		const char	*sk, *name, *role, *status, *booking_status;
		int		 captain;
	} t[] = {
		{ 0, 0, "crew#7", "Ana", "captain", "confirmed", "confirmed", 1 },
		{ 1, 0, "crew#9", "Ben", "deckhand", "pending", "confirmed", 0 },
		{ 1, 1, "crew#9", "Ben", "deckhand", "pending", "cancelled", 0 },
	};
	json_t	*crew = json_object_get(p, "crew"), *item, *bad;
	char	 got[512];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		item = sync_dynamo_crew_item(p, json_array_get(crew,
		    t[i].index), 42, 5, t[i].cancelled);
		ok(item != NULL, "crew item #%zu built", i);
		is_str(s_of(item, "pk"), "booking#42", "#%zu pk", i);
		is_str(s_of(item, "sk"), t[i].sk, "#%zu sk is crew#<crew_id>",
		    i);
		is_str(s_of(item, "name"), t[i].name, "#%zu name", i);
		is_str(s_of(item, "role"), t[i].role, "#%zu role", i);
		is_str(s_of(item, "status"), t[i].status, "#%zu response "
		    "status", i);
		is_str(s_of(item, "booking_status"), t[i].booking_status,
		    "#%zu booking status", i);
		ok(json_is_true(json_object_get(json_object_get(item,
		    "captain"), "BOOL")) == t[i].captain, "#%zu captain as BOOL",
		    i);
		is_int(n_of(item, "version"), 5, "#%zu version", i);
		is_int(n_of(item, "crew_id"), t[i].index ? 9 : 7, "#%zu crew_id",
		    i);
		is_str(s_of(item, "starts_at"), "2026-12-12T10:00:00-08:00",
		    "#%zu carries the charter's start", i);
		names(item, got, sizeof(got));
		is_str(got, "booking_id booking_status captain crew_id ends_at "
		    "hourly_rate_cents hours name pk role sk starts_at status "
		    "time_zone version vessel", "#%zu: nothing but the crew "
		    "entry, its booking's context and the keys", i);
		json_decref(item);
	}
	bad = json_pack("{s:s}", "name", "no id");
	ok(sync_dynamo_crew_item(p, bad, 42, 5, 0) == NULL, "a crew entry "
	    "without crew_id is refused");
	json_decref(bad);
	bad = json_string("x");
	ok(sync_dynamo_event_item(bad, 42, 5, 0) == NULL, "a projection that "
	    "is not an object is refused");
	json_decref(bad);
}

static void
test_refs(json_t *p)
{
	static const struct {
		const char	*ref;
		const char	*want;		/* NULL: not understood */
	} t[] = {
		{ "crew:7,9;", "[7,9]" },
		{ "crew:;", "[]" },
		{ "crew:12;", "[12]" },
		{ "crew:7,9", NULL },		/* cut short */
		{ "crew:7,", NULL },
		{ "crew:7,;", NULL },
		{ "crew:", NULL },
		{ "crew:0;", NULL },
		{ "crew:-1;", NULL },
		{ "crew:7;x", NULL },
		{ "crew:7;;", NULL },
		{ "crew:a;", NULL },
		{ "crew:99999999999999999999;", NULL },
		{ "scc:7;", NULL },
		{ "", NULL },
	};
	struct buf	 b = { 0 };
	json_t		*ids, *bad;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ids = sync_dynamo_ref_parse(t[i].ref);
		same_ids(ids, t[i].want, i);
		json_decref(ids);
	}
	ok(sync_dynamo_ref_parse(NULL) == NULL, "a NULL ref is not "
	    "understood");
	ok(sync_dynamo_ref_format(p, &b) == 0, "ref of the projection");
	is_str(buf_str(&b), "crew:7,9;", "lists its crew ids");
	ids = sync_dynamo_ref_parse(buf_str(&b));
	same_ids(ids, "[7,9]", 99);
	json_decref(ids);
	buf_reset(&b);
	bad = json_pack("{s:[]}", "crew");
	ok(sync_dynamo_ref_format(bad, &b) == 0 && strcmp(buf_str(&b),
	    "crew:;") == 0, "no crew: crew:;");
	json_decref(bad);
	buf_reset(&b);
	bad = json_pack("{s:[{s:s}]}", "crew", "name", "no id");
	ok(sync_dynamo_ref_format(bad, &b) == -1, "a crew entry without id "
	    "is refused");
	json_decref(bad);
	buf_free(&b);
}

static void
test_classify(void)
{
	static const struct {
		long		 status;
		const char	*type;
		enum dynamo_outcome want;
	} t[] = {
		{ 200, "", DYNAMO_OK },
		{ 400, "ConditionalCheckFailedException", DYNAMO_CONDITION },
		{ 400, "ThrottlingException", DYNAMO_RETRY },
		{ 400, "ProvisionedThroughputExceededException", DYNAMO_RETRY },
		{ 400, "RequestLimitExceeded", DYNAMO_RETRY },
		{ 400, "LimitExceededException", DYNAMO_RETRY },
		{ 400, "ValidationException", DYNAMO_FAIL },
		{ 400, "ResourceNotFoundException", DYNAMO_FAIL },
		{ 400, "UnrecognizedClientException", DYNAMO_FAIL },
		{ 400, "", DYNAMO_FAIL },
		{ 403, "InvalidSignatureException", DYNAMO_FAIL },
		{ 403, "ConditionalCheckFailedException", DYNAMO_FAIL },
		{ 413, "", DYNAMO_FAIL },
		{ 408, "", DYNAMO_RETRY },
		{ 429, "", DYNAMO_RETRY },
		{ 500, "InternalServerError", DYNAMO_RETRY },
		{ 503, "ServiceUnavailable", DYNAMO_RETRY },
		{ 302, "", DYNAMO_RETRY },
		{ 0, "", DYNAMO_RETRY },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(dynamo_classify(t[i].status, t[i].type), t[i].want,
		    "%ld %s", t[i].status, t[i].type);
}

static void
test_urls(void)
{
	static const struct {
		const char	*endpoint, *region, *want;	/* NULL: refused */
	} t[] = {
		{ NULL, "us-west-2", "https://dynamodb.us-west-2.amazonaws.com/" },
		{ NULL, "", NULL },
		{ NULL, "us west", NULL },
		{ NULL, "us-west-2/x", NULL },
		{ "http://127.0.0.1:8000", "x", "http://127.0.0.1:8000/" },
		{ "http://127.0.0.1:8000/", "x", "http://127.0.0.1:8000/" },
		{ "https://ddb.example.com", "x", "https://ddb.example.com/" },
		{ "http://[::1]:8000", "x", "http://[::1]:8000/" },
		{ "http://h/path", "x", NULL },
		{ "http://h//", "x", NULL },
		{ "http://user@h", "x", NULL },
		{ "http://h?x", "x", NULL },
		{ "http://h:0", "x", NULL },
		{ "http://", "x", NULL },
		{ "ftp://h", "x", NULL },
		{ "h:8000", "x", NULL },
	};
	char	 url[DYNAMO_URL_MAX];
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = dynamo_url(t[i].endpoint, t[i].region, url, sizeof(url));
		if (t[i].want == NULL)
			is_int(rc, -1, "url #%zu refused", i);
		else
			is_str(rc == 0 ? url : "(refused)", t[i].want,
			    "url #%zu", i);
	}
}

int
main(void)
{
	json_t	*p;

	log_init("test-sync-dynamo", LOG_LVL_ERR);
	p = json_loads(projection_text, 0, NULL);
	ok(p != NULL, "the projection parses");
	test_event_item(p);
	test_crew_items(p);
	test_refs(p);
	json_decref(p);
	test_classify();
	test_urls();
	return tap_done();
}
