/* test-sync-rest.c: what the SCC and calendar targets share: status to outcome, the refusal kept in last_error, the id an answer hands back (no network) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "limits.h"
#include "sync_rest.h"
#include "tap.h"

static void
test_outcomes(void)
{
	static const struct {
		long			 status;
		enum outbox_outcome	 want;
	} t[] = {
		{ 200, OUTBOX_OK }, { 201, OUTBOX_OK }, { 204, OUTBOX_OK },
		{ 299, OUTBOX_OK },
		{ 0, OUTBOX_RETRY }, { 408, OUTBOX_RETRY }, { 425, OUTBOX_RETRY },
		{ 429, OUTBOX_RETRY }, { 500, OUTBOX_RETRY },
		{ 502, OUTBOX_RETRY }, { 503, OUTBOX_RETRY },
		{ 504, OUTBOX_RETRY }, { 599, OUTBOX_RETRY },
		{ 100, OUTBOX_FAIL }, { 301, OUTBOX_FAIL }, { 304, OUTBOX_FAIL },
		{ 400, OUTBOX_FAIL }, { 401, OUTBOX_FAIL }, { 403, OUTBOX_FAIL },
		{ 404, OUTBOX_FAIL }, { 409, OUTBOX_FAIL }, { 410, OUTBOX_FAIL },
		{ 413, OUTBOX_FAIL }, { 422, OUTBOX_FAIL }, { 600, OUTBOX_FAIL },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(sync_http_outcome(t[i].status), t[i].want,
		    "status %ld", t[i].status);
}

static void
test_messages(void)
{
	static const struct {
		const char	*body;
		const char	*secret;
		const char	*want;
	} t[] = {
		{ "{\"message\":\"vessel is required\"}", NULL,
		    "vessel is required" },
		{ "{\"error\":\"bad_request\"}", NULL, "bad_request" },
		{ "{\"error\":\"bad\",\"message\":\"why\"}", NULL, "why" },
		{ "{\"message\":42,\"error\":\"e\"}", NULL, "e" },
		{ "{\"detail\":\"x\"}", NULL, "" },
		{ "plain text answer", NULL, "plain text answer" },
		{ "line one\r\nline two\t!", NULL, "line one  line two !" },
		{ "{\"message\":\"a\\nb\\u0001c\"}", NULL, "a b c" },
		{ "{\"message\":\"key s3cr3t-k3y was refused\"}", "s3cr3t-k3y",
		    "key [redacted] was refused" },
		{ "s3cr3ts3cr3t", "s3cr3t", "[redacted][redacted]" },
		{ "no secret here", "", "no secret here" },
		{ "caf\xc3\xa9", NULL, "caf\xc3\xa9" },
		{ "bad \xff\xfe bytes \xc3\xa9", NULL, "bad ?? bytes ??" },
		{ "", NULL, "" },
	};
	char	 out[LIMIT_SYNC_MESSAGE_LEN + 1], small[8];
	char	 longer[LIMIT_SYNC_MESSAGE_LEN * 2], secretful[600];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sync_rest_message(t[i].body, strlen(t[i].body), t[i].secret,
		    out, sizeof(out));
		is_str(out, t[i].want, "message #%zu", i);
	}
	/* cut to the limit, never inside a character */
	memset(longer, 'a', sizeof(longer));
	memcpy(longer + LIMIT_SYNC_MESSAGE_LEN - 1, "\xc3\xa9", 2);
	sync_rest_message(longer, sizeof(longer), NULL, out, sizeof(out));
	is_int(strlen(out), LIMIT_SYNC_MESSAGE_LEN - 1,
	    "a long message is cut before the character the limit splits");
	sync_rest_message("abcdefghij", 10, NULL, small, sizeof(small));
	is_str(small, "abcdefg", "and to the room there is");
	/* the secret is taken out before the cut: no half of it is left */
	memset(secretful, 'x', sizeof(secretful));
	memcpy(secretful + LIMIT_SYNC_MESSAGE_LEN - 5, "TOPSECRETKEY", 12);
	sync_rest_message(secretful, sizeof(secretful), "TOPSECRETKEY", out,
	    sizeof(out));
	ok(strstr(out, "TOPS") == NULL && strstr(out, "[red") != NULL,
	    "a secret across the cut leaves no part of it");
}

static void
test_answer_ids(void)
{
	static const struct {
		const char	*body;
		const char	*want;	/* NULL: refused */
	} t[] = {
		{ "{\"id\":\"evt_123\"}", "evt_123" },
		{ "{\"id\":\"a.b~c-D_9\",\"x\":1}", "a.b~c-D_9" },
		{ "{\"id\":4711}", "4711" },
		{ "{\"id\":0}", "0" },
		{ "{\"id\":-1}", NULL },
		{ "{\"id\":\"\"}", NULL },
		{ "{\"id\":\"../admin\"}", NULL },
		{ "{\"id\":\"a/b\"}", NULL },
		{ "{\"id\":\"a b\"}", NULL },
		{ "{\"id\":\"a%2Fb\"}", NULL },
		{ "{\"id\":\"pending:x\"}", NULL },
		{ "{\"id\":\"caf\\u00e9\"}", NULL },
		{ "{\"id\":1.5}", NULL },
		{ "{\"id\":null}", NULL },
		{ "{\"event\":{\"id\":\"x\"}}", NULL },
		{ "[\"x\"]", NULL },
		{ "not json", NULL },
		{ "", NULL },
	};
	char	 id[LIMIT_SYNC_REF_LEN + 1], body[LIMIT_SYNC_REF_LEN + 32];
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		id[0] = '\0';
		rc = sync_rest_answer_id(t[i].body, strlen(t[i].body), id,
		    sizeof(id));
		if (t[i].want == NULL)
			is_int(rc, -1, "answer #%zu has no usable id", i);
		else
			is_str(rc == 0 ? id : "(refused)", t[i].want,
			    "answer #%zu", i);
	}
	snprintf(body, sizeof(body), "{\"id\":\"%0*d\"}", LIMIT_SYNC_REF_LEN,
	    7);
	is_int(sync_rest_answer_id(body, strlen(body), id, sizeof(id)), 0,
	    "an id of LIMIT_SYNC_REF_LEN characters is kept");
	snprintf(body, sizeof(body), "{\"id\":\"%0*d\"}",
	    LIMIT_SYNC_REF_LEN + 1, 7);
	is_int(sync_rest_answer_id(body, strlen(body), id, sizeof(id)), -1,
	    "a longer one is refused, not cut");
	ok(!sync_rest_id_ok(NULL) && !sync_rest_id_ok("") &&
	    sync_rest_id_ok("cal-1"), "sync_rest_id_ok");
}

static void
test_title_and_ref(void)
{
	static const struct {
		const char	*projection;
		const char	*want;
	} t[] = {
		{ "{\"vessel\":\"Jada\",\"guest_name\":\"Ada Lovelace\"}",
		    "Charter: Jada \xe2\x80\x94 Ada Lovelace" },
		{ "{\"vessel\":\"Jada\",\"guest_name\":\"\"}", "Charter: Jada" },
		{ "{\"vessel\":\"Jada\"}", "Charter: Jada" },
	};
	struct buf	 b = { 0 };
	json_t		*p, *ref;
	char		*s;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = json_loads(t[i].projection, 0, NULL);
		buf_reset(&b);
		is_int(sync_rest_title(p, &b), 0, "title #%zu built", i);
		is_str(buf_str(&b), t[i].want, "title #%zu", i);
		json_decref(p);
	}
	buf_free(&b);
	p = json_loads("{\"booking_id\":7,\"version\":3,\"revenue_cents\":9,"
	    "\"slug\":\"s\"}", 0, NULL);
	ref = sync_rest_external_ref(p);
	s = json_dumps(ref, JSON_COMPACT | JSON_SORT_KEYS);
	is_str(s, "{\"booking_id\":7,\"system\":\"charterd\",\"version\":3}",
	    "external_ref names the booking and its version, nothing else");
	free(s);
	json_decref(ref);
	json_decref(p);
}

int
main(void)
{
	test_outcomes();
	test_messages();
	test_answer_ids();
	test_title_and_ref();
	return tap_done();
}
