/* test-mail.c: each mail kind composed with the shipped templates: recipient, subject, links, parts, no money, refusals */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "mail.h"
#include "tap.h"
#include "tmpl.h"

#include "mime-check.h"

/* What mail_booking() returns, plus money fields it never has: if a
 * template printed them, the checks below would find them. */
static const char sample[] =
	"{\"id\": 41, \"slug\": \"zoe-k3f9qz2m\", \"status\": \"confirmed\","
	" \"cancelled\": false, \"guest_name\": \"Zoë Ñúñez\","
	" \"guest_email\": \"zoe@example.com\", \"vessel\": \"Jada\","
	" \"meeting_point\": \"Dock B, Harbor Island\", \"party_size\": 6,"
	" \"time_zone\": \"America/Los_Angeles\","
	" \"starts_at\": \"2026-05-30T09:00:00-07:00\","
	" \"ends_at\": \"2026-05-30T13:00:00-07:00\","
	" \"date_label\": \"Saturday, May 30, 2026\","
	" \"short_date_label\": \"Saturday, May 30\","
	" \"start_label\": \"9:00 AM\", \"end_label\": \"1:00 PM\","
	" \"tz_label\": \"PDT\", \"duration_label\": \"4 hours\","
	" \"checklist\": [\"Sunscreen\", \"Soft-soled shoes\"],"
	" \"guest_notes\": \"We will have snacks.\\n.\\nAsk for Sam.\","
	" \"upload_opens_label\": \"Sat, May 30, 7:00 AM PDT\","
	" \"cancelled_at_label\": \"Fri, May 1, 10:15 AM PDT\","
	" \"revenue_cents\": 1234567, \"port_fee_cents\": 76543,"
	" \"captain_fee_cents\": 3456789, \"version\": 3}";

/* Every rendering of the sample's money a mail must not hold. */
static const char *const money[] = {
	"1234567", "12345.67", "12,345.67", "76543", "765.43",
	"3456789", "34567.89", "34,567.89", NULL,
};

static struct mail_env
env_of(const struct tmpl_set *set)
{
	struct mail_env env;

	env.tmpl = set;
	env.public_url = "https://harborlight.example";
	env.site_name = "Harbor Light";
	env.contact_email = "office@harborlight.example";
	env.contact_phone = "+1 619 555 0142";
	env.mail_from = "Harbor Light <crew@harborlight.example>";
	return env;
}

static char *
header(const char *msg, const char *name)
{
	char		*v = mc_header(msg, name);
	struct buf	 d = { 0 };
	int		 words;

	if (v == NULL || mc_decode_words(v, &d, &words) == -1) {
		free(v);
		buf_free(&d);
		return NULL;
	}
	free(v);
	return d.data != NULL ? d.data : calloc(1, 1);
}

static int
matches(const char *s, const char *re)
{
	regex_t	 r;
	int	 m;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	m = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

/* Composes kind from data: the message (caller frees) or NULL. */
static char *
compose(const struct mail_env *env, const char *kind, const json_t *data,
    long long id, struct mail_out *out, int want_rc, char *why, size_t len)
{
	const struct mail_kind	*k = mail_kind_find(kind);
	char			*msg;
	int			 rc;

	why[0] = '\0';
	ok(k != NULL, "%s is a kind", kind);
	if (k == NULL)
		return NULL;
	rc = mail_compose(env, k, data, id, 1780156800, out, why, len);
	is_int(rc, want_rc, "%s: composed as expected (%s)", kind, why);
	if (rc != MAIL_OK)
		return NULL;
	msg = strdup(buf_str(&out->message));
	mail_out_free(out);
	return msg;
}

static void
no_money(const char *what, const char *s)
{
	size_t	 i;
	int	 found = 0;

	for (i = 0; money[i] != NULL; i++)
		if (strstr(s, money[i]) != NULL) {
			found = 1;
			printf("# %s holds %s\n", what, money[i]);
		}
	ok(!found, "%s: no revenue, port fee or captain fee in any form",
	    what);
}

static void
test_guest(const struct mail_env *env, const json_t *data)
{
	struct mail_out	 out;
	struct buf	 text = { 0 }, html = { 0 };
	char		 why[256], *msg, *v, id1[MIME_ID_MAX + 1];
	size_t		 longest;

	msg = compose(env, "mail.guest_confirmation", data, 41, &out, MAIL_OK,
	    why, sizeof(why));
	if (msg == NULL)
		return;
	is_str(out.from, "crew@harborlight.example", "envelope from");
	is_str(out.to, "zoe@example.com", "envelope to: the guest");
	ok(matches(out.message_id, "^outbox-41\\.[0-9a-f]{16}@"
	    "harborlight\\.example$"), "Message-ID outbox-<id>.<hash>@domain "
	    "(%s)", out.message_id);
	snprintf(id1, sizeof(id1), "%s", out.message_id);
	ok(mc_shape(msg, strlen(msg), &longest) == NULL && longest <= 78,
	    "well formed, headers within 78 (%zu)", longest);
	v = header(msg, "Subject");
	is_str(v, "Zoë Ñúñez, your charter on Saturday, May 30 is confirmed",
	    "subject from the .hdr template, decoded");
	free(v);
	v = header(msg, "To");
	is_str(v, "Zoë Ñúñez <zoe@example.com>", "To: the guest by name");
	free(v);
	v = header(msg, "From");
	is_str(v, "Harbor Light <crew@harborlight.example>", "From");
	free(v);
	v = header(msg, "Reply-To");
	is_str(v, "Harbor Light <office@harborlight.example>",
	    "Reply-To: the operator");
	free(v);
	v = mc_header(msg, "List-Unsubscribe");
	ok(v == NULL, "no List-Unsubscribe on a guest confirmation");
	free(v);
	ok(mc_part(msg, "text/plain", &text) == 0, "text part");
	ok(mc_part(msg, "text/html", &html) == 0, "HTML part");
	ok(strstr(buf_str(&text), "https://harborlight.example/g/zoe-k3f9qz2m")
	    != NULL, "text: the guest URL from CHARTER_PUBLIC_URL");
	ok(strstr(buf_str(&html), "href=\"https://harborlight.example/g/"
	    "zoe-k3f9qz2m\"") != NULL, "HTML: the guest URL as a link");
	ok(strstr(buf_str(&text), "Saturday, May 30, 2026") &&
	    strstr(buf_str(&text), "9:00 AM to 1:00 PM PDT") &&
	    strstr(buf_str(&text), "Jada") &&
	    strstr(buf_str(&text), "Dock B, Harbor Island") &&
	    strstr(buf_str(&text), "- Soft-soled shoes") &&
	    strstr(buf_str(&text), "America/Los_Angeles"),
	    "text: date, times in the boat's zone, vessel, meeting point, "
	    "checklist");
	ok(strstr(buf_str(&text), "\r\n.\r\nAsk for Sam.") != NULL,
	    "text: a line of one dot is kept (libcurl stuffs it)");
	ok(strstr(buf_str(&html), "Saturday, May 30, 2026") &&
	    strstr(buf_str(&html), "Soft-soled shoes") &&
	    strstr(buf_str(&html), "Zoë Ñúñez") &&
	    strstr(buf_str(&html), "<title>Zoë Ñúñez, your charter"),
	    "HTML: the same facts, UTF-8 intact");
	ok(strstr(buf_str(&text), "{{") == NULL &&
	    strstr(buf_str(&html), "{{") == NULL, "no template tag left");
	no_money("guest confirmation", msg);
	no_money("guest confirmation text", buf_str(&text));
	no_money("guest confirmation HTML", buf_str(&html));
	free(msg);

	/* Another attempt at the same row: the same Message-ID. */
	msg = compose(env, "mail.guest_confirmation", data, 41, &out, MAIL_OK,
	    why, sizeof(why));
	is_str(out.message_id, id1, "a retry of the row sends the same "
	    "Message-ID");
	free(msg);
	msg = compose(env, "mail.guest_confirmation", data, 42, &out, MAIL_OK,
	    why, sizeof(why));
	ok(strcmp(out.message_id, id1) != 0, "another row, another "
	    "Message-ID");
	free(msg);
	buf_free(&text);
	buf_free(&html);
}

static void
test_guest_escaping(const struct mail_env *env, const json_t *sample_data)
{
	struct mail_out	 out;
	struct buf	 text = { 0 }, html = { 0 };
	json_t		*data = json_deep_copy(sample_data);
	char		 why[256], *msg;

	json_object_set_new(data, "guest_name", json_string("<b>Ada</b> & "
	    "\"co\""));
	json_object_set_new(data, "checklist", json_pack("[s]",
	    "<script>x</script>"));
	msg = compose(env, "mail.guest_confirmation", data, 43, &out, MAIL_OK,
	    why, sizeof(why));
	ok(msg != NULL && mc_part(msg, "text/html", &html) == 0 &&
	    strstr(buf_str(&html), "&lt;b&gt;Ada&lt;/b&gt; &amp; &quot;co&quot;")
	    != NULL && strstr(buf_str(&html), "<b>Ada") == NULL &&
	    strstr(buf_str(&html), "&lt;script&gt;") != NULL &&
	    strstr(buf_str(&html), "<script>") == NULL,
	    "HTML part escapes the booking's values");
	ok(msg != NULL && mc_part(msg, "text/plain", &text) == 0 &&
	    strstr(buf_str(&text), "Hello <b>Ada</b> & \"co\",") != NULL,
	    "text part prints them as they are");
	free(msg);
	buf_free(&text);
	buf_free(&html);
	json_decref(data);
}

static void
test_refusals(const struct mail_env *env, const json_t *sample_data)
{
	struct mail_out	 out;
	struct mail_env	 bad = *env;
	json_t		*data;
	char		 why[256];

	data = json_deep_copy(sample_data);
	json_object_set_new(data, "guest_email", json_null());
	compose(env, "mail.guest_confirmation", data, 44, &out, MAIL_NOBODY,
	    why, sizeof(why));
	ok(strstr(why, "no guest email") != NULL, "no address: nothing to "
	    "send (%s)", why);
	json_decref(data);

	/* A name with a line break never reaches a header. */
	data = json_deep_copy(sample_data);
	json_object_set_new(data, "guest_name", json_string("Eve\r\nBcc: "
	    "victim@example.com"));
	compose(env, "mail.guest_confirmation", data, 45, &out, MAIL_REFUSED,
	    why, sizeof(why));
	ok(strstr(why, "subject") != NULL && strstr(why, "line break") != NULL,
	    "a guest name with CR LF: refused, the reason says why (%s)", why);
	compose(env, "mail.operator_cancelled", data, 46, &out, MAIL_REFUSED,
	    why, sizeof(why));
	ok(strstr(why, "line break") != NULL, "the operator's notice too "
	    "(%s)", why);
	json_decref(data);

	data = json_deep_copy(sample_data);
	json_object_set_new(data, "guest_email", json_string("zoe@example.com"
	    "\r\nBcc: victim@example.com"));
	compose(env, "mail.guest_confirmation", data, 47, &out, MAIL_REFUSED,
	    why, sizeof(why));
	ok(strstr(why, "recipient") != NULL, "an address with CR LF: refused "
	    "(%s)", why);
	json_decref(data);

	bad.public_url = "https://harborlight.example?x";
	compose(&bad, "mail.guest_confirmation", sample_data, 48, &out,
	    MAIL_REFUSED, why, sizeof(why));
	ok(strstr(why, "link") != NULL, "no link without a good public URL "
	    "(%s)", why);
	bad = *env;
	bad.mail_from = "nobody";
	compose(&bad, "mail.guest_confirmation", sample_data, 49, &out,
	    MAIL_REFUSED, why, sizeof(why));
	ok(strstr(why, "CHARTER_MAIL_FROM") != NULL, "a bad From: refused "
	    "(%s)", why);
	ok(mail_kind_find("mail.nothing") == NULL, "unknown kinds are not "
	    "found");
}

static void
test_operator(const struct mail_env *env, const json_t *sample_data)
{
	struct mail_out	 out;
	struct mail_env	 none = *env;
	struct buf	 text = { 0 }, html = { 0 };
	json_t		*data = json_deep_copy(sample_data);
	char		 why[256], *msg, *v;

	json_object_set_new(data, "status", json_string("cancelled"));
	json_object_set_new(data, "cancelled", json_true());
	msg = compose(env, "mail.operator_cancelled", data, 50, &out, MAIL_OK,
	    why, sizeof(why));
	if (msg == NULL) {
		json_decref(data);
		return;
	}
	is_str(out.to, "office@harborlight.example", "envelope to: "
	    "CHARTER_CONTACT_EMAIL");
	v = header(msg, "Subject");
	is_str(v, "Cancelled: Zoë Ñúñez, Saturday, May 30 on Jada",
	    "subject names the booking");
	free(v);
	v = header(msg, "To");
	is_str(v, "Harbor Light <office@harborlight.example>", "To: the "
	    "operator");
	free(v);
	v = mc_header(msg, "Reply-To");
	ok(v == NULL, "no Reply-To to itself");
	free(v);
	ok(mc_part(msg, "text/plain", &text) == 0 &&
	    mc_part(msg, "text/html", &html) == 0, "text and HTML parts");
	ok(strstr(buf_str(&text), "https://harborlight.example/admin/"
	    "bookings/41") != NULL && strstr(buf_str(&html), "href=\"https://"
	    "harborlight.example/admin/bookings/41\"") != NULL,
	    "a link to the booking in both");
	ok(strstr(buf_str(&text), "Saturday, May 30, 2026, 9:00 AM to 1:00 PM "
	    "PDT") != NULL && strstr(buf_str(&text), "#41 (zoe-k3f9qz2m)") &&
	    strstr(buf_str(&text), "Fri, May 1, 10:15 AM PDT"),
	    "which booking, when it was to be, when it was cancelled");
	no_money("operator notice", msg);
	no_money("operator notice text", buf_str(&text));
	no_money("operator notice HTML", buf_str(&html));
	free(msg);

	none.contact_email = "";
	compose(&none, "mail.operator_cancelled", data, 51, &out, MAIL_NOBODY,
	    why, sizeof(why));
	ok(strstr(why, "CHARTER_CONTACT_EMAIL") != NULL, "no operator "
	    "address: nothing to send (%s)", why);
	buf_free(&text);
	buf_free(&html);
	json_decref(data);
}

/* What crew_invitation_mail() hands the mail target (sql/011), with the
 * token sync made again: one crew member's view, and the money fields
 * and colleague's pay it never has, so a template printing them fails. */
static const char crew_sample[] =
	"{\"id\": 41, \"cancelled\": false, \"guest_name\": \"Zoë Ñúñez\","
	" \"vessel\": \"Jada\", \"meeting_point\": \"Dock B\", \"party_size\": 6,"
	" \"crew_notes\": \"Gloves.\\n.\\nLunch aboard.\","
	" \"time_zone\": \"America/Los_Angeles\","
	" \"starts_at\": \"2026-05-30T09:00:00-07:00\","
	" \"ends_at\": \"2026-05-30T13:00:00-07:00\","
	" \"date_label\": \"Saturday, May 30, 2026\","
	" \"short_date_label\": \"Saturday, May 30\","
	" \"start_label\": \"9:00 AM\", \"end_label\": \"1:00 PM\","
	" \"tz_label\": \"PDT\", \"duration_label\": \"4 hours\","
	" \"crew_name\": \"Maria Lopez\", \"crew_email\": \"maria@example.com\","
	" \"token\": \"nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E\","
	" \"me\": {\"first_name\": \"Maria\", \"role\": \"deckhand\","
	"  \"captain\": false, \"status\": \"pending\", \"pending\": true,"
	"  \"hours_label\": \"4.5\", \"rate_label\": \"$31.25\","
	"  \"pay_label\": \"$140.63\"},"
	" \"crew\": [{\"first_name\": \"Sam\", \"role\": \"skipper\","
	"  \"captain\": true, \"me\": false, \"hourly_rate_cents\": 5679},"
	"  {\"first_name\": \"Maria\", \"role\": \"deckhand\", \"captain\": false,"
	"  \"me\": true}],"
	" \"respond\": {\"open\": true, \"closes_label\": \"Fri, May 29, 9:00 AM PDT\"},"
	" \"revenue_cents\": 1234567, \"port_fee_cents\": 76543,"
	" \"captain_fee_cents\": 3456789}";

static void
test_crew_invitation(const struct mail_env *env)
{
	struct mail_out	 out;
	struct buf	 text = { 0 }, html = { 0 };
	json_t		*data = json_loads(crew_sample, 0, NULL);
	char		 why[256], *msg, *v;
	const char	*url = "https://harborlight.example/c/"
			    "nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E";

	ok(data != NULL, "the crew sample parses");
	msg = compose(env, "mail.crew_invitation", data, 60, &out, MAIL_OK,
	    why, sizeof(why));
	if (msg == NULL) {
		json_decref(data);
		return;
	}
	is_str(out.to, "maria@example.com", "envelope to: the crew member");
	v = header(msg, "To");
	is_str(v, "Maria Lopez <maria@example.com>", "To: the crew member by name");
	free(v);
	v = header(msg, "Subject");
	is_str(v, "Can you crew Saturday, May 30 aboard Jada?", "subject");
	free(v);
	v = header(msg, "Reply-To");
	is_str(v, "Harbor Light <office@harborlight.example>",
	    "Reply-To: the office");
	free(v);
	ok(mc_part(msg, "text/plain", &text) == 0 &&
	    mc_part(msg, "text/html", &html) == 0, "text and HTML parts");
	ok(strstr(buf_str(&text), url) != NULL, "text: the crew link from "
	    "CHARTER_PUBLIC_URL");
	ok(strstr(buf_str(&html), "href=\"https://harborlight.example/c/"
	    "nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E\"") != NULL,
	    "HTML: the crew link as a link");
	ok(strstr(buf_str(&text), "9:00 AM to 1:00 PM PDT") &&
	    strstr(buf_str(&text), "Saturday, May 30, 2026") &&
	    strstr(buf_str(&text), "Dock B") &&
	    strstr(buf_str(&text), "Your role: deckhand") &&
	    strstr(buf_str(&text), "4.5 at $31.25 an hour") &&
	    strstr(buf_str(&text), "Your pay:  $140.63") &&
	    strstr(buf_str(&text), "Fri, May 29, 9:00 AM PDT"),
	    "text: when in the boat's zone, where, role, hours, rate, pay, "
	    "until when answers are open");
	ok(strstr(buf_str(&text), "  - Sam, skipper (captain)\r\n") &&
	    strstr(buf_str(&html), "Sam, skipper (captain)"),
	    "colleagues by first name and role");
	ok(strstr(buf_str(&html), "$140.63") && strstr(buf_str(&html),
	    "Maria") && strstr(buf_str(&html), "<title>Can you crew"),
	    "HTML: the same facts");
	ok(strstr(msg, "5679") == NULL && strstr(msg, "56.79") == NULL,
	    "no colleague's rate");
	ok(strstr(buf_str(&text), "{{") == NULL &&
	    strstr(buf_str(&html), "{{") == NULL, "no template tag left");
	no_money("crew invitation", msg);
	no_money("crew invitation text", buf_str(&text));
	no_money("crew invitation HTML", buf_str(&html));
	free(msg);

	json_object_set_new(data, "token", json_string("../admin"));
	compose(env, "mail.crew_invitation", data, 61, &out, MAIL_REFUSED,
	    why, sizeof(why));
	ok(strstr(why, "link") != NULL, "a token of the wrong shape makes "
	    "no link and no mail (%s)", why);
	json_object_set_new(data, "crew_email", json_string(""));
	compose(env, "mail.crew_invitation", data, 62, &out, MAIL_NOBODY,
	    why, sizeof(why));
	buf_free(&text);
	buf_free(&html);
	json_decref(data);
}

/* A part of a composed message, as text (caller frees b). */
static const char *
part(const char *msg, const char *type, struct buf *b)
{
	buf_reset(b);
	return mc_part(msg, type, b) == 0 ? buf_str(b) : "";
}

/* The invitation of a member who took an open place: confirmed already. */
static void
test_crew_confirmed(const struct mail_env *env)
{
	struct mail_out	 out;
	struct buf	 text = { 0 };
	json_t		*data = json_loads(crew_sample, 0, NULL);
	char		 why[256], *msg, *v;

	json_object_set_new(json_object_get(data, "me"), "confirmed",
	    json_true());
	json_object_set_new(json_object_get(data, "me"), "pending",
	    json_false());
	msg = compose(env, "mail.crew_invitation", data, 63, &out, MAIL_OK,
	    why, sizeof(why));
	if (msg != NULL) {
		v = header(msg, "Subject");
		is_str(v, "You are crewing Saturday, May 30 aboard Jada",
		    "a place taken: the subject says they are on the crew");
		free(v);
		ok(strstr(part(msg, "text/plain", &text), "you are confirmed")
		    != NULL && strstr(buf_str(&text), "Your crew page:") != NULL,
		    "and the text that they are confirmed, with their page");
		no_money("confirmation of a place taken", msg);
	}
	free(msg);
	buf_free(&text);
	json_decref(data);
}

static void
test_crew_reminder(const struct mail_env *env)
{
	struct mail_out	 out;
	struct buf	 text = { 0 }, html = { 0 };
	json_t		*data = json_loads(crew_sample, 0, NULL);
	char		 why[256], *msg, *v;

	json_object_set_new(data, "hours_left", json_integer(47));
	msg = compose(env, "mail.crew_reminder", data, 64, &out, MAIL_OK,
	    why, sizeof(why));
	if (msg != NULL) {
		is_str(out.to, "maria@example.com", "reminder: to the member");
		v = header(msg, "Subject");
		is_str(v, "Reminder: can you crew Saturday, May 30 aboard Jada?",
		    "reminder: subject");
		free(v);
		ok(strstr(part(msg, "text/plain", &text),
		    "https://harborlight.example/c/"
		    "nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E") != NULL &&
		    strstr(buf_str(&text), "leaves in about\r\n47 hours") != NULL &&
		    strstr(buf_str(&text), "Your pay:  $140.63") != NULL,
		    "reminder text: the member's link, how soon, their pay");
		ok(strstr(part(msg, "text/html", &html), "href=\"https://"
		    "harborlight.example/c/nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E\"")
		    != NULL, "reminder HTML: the link as a link");
		ok(strstr(msg, "5679") == NULL && strstr(msg, "56.79") == NULL,
		    "reminder: no colleague's rate");
		no_money("reminder", msg);
	}
	free(msg);
	buf_free(&text);
	buf_free(&html);
	json_decref(data);
}

/* What crew_offer_mail() hands the mail target (sql/017), with the offer
 * link's token: the charter, the place, colleagues who confirmed, and
 * money and a colleague's rate it never has. */
static const char offer_sample[] =
	"{\"id\": 41, \"guest_name\": \"Zoë\", \"vessel\": \"Jada\","
	" \"meeting_point\": \"Dock B\", \"time_zone\": \"America/Los_Angeles\","
	" \"date_label\": \"Saturday, May 30, 2026\","
	" \"short_date_label\": \"Saturday, May 30\","
	" \"start_label\": \"9:00 AM\", \"end_label\": \"1:00 PM\","
	" \"tz_label\": \"PDT\", \"duration_label\": \"4 hours\","
	" \"crew_name\": \"Ole Berg\", \"crew_email\": \"ole@example.com\","
	" \"first_name\": \"Ole\","
	" \"token\": \"e3x5yIErOJsYRbVCbZt2dwR8QPx9NbRM1myL82WJ9yI\","
	" \"place\": {\"role\": \"deckhand\", \"captain\": false, \"left\": 1,"
	"  \"hours_label\": \"4.5\", \"rate_label\": \"$31.25\","
	"  \"pay_label\": \"$140.63\"},"
	" \"has_crew\": true, \"crew\": [{\"first_name\": \"Sam\","
	"  \"role\": \"skipper\", \"captain\": true, \"hourly_rate_cents\": 5679}],"
	" \"respond\": {\"open\": true},"
	" \"revenue_cents\": 1234567, \"port_fee_cents\": 76543,"
	" \"captain_fee_cents\": 3456789}";

static void
test_crew_offer(const struct mail_env *env)
{
	struct mail_out	 out;
	struct buf	 text = { 0 }, html = { 0 };
	json_t		*data = json_loads(offer_sample, 0, NULL);
	char		 why[256], *msg, *v;
	const char	*url = "https://harborlight.example/c/"
			    "e3x5yIErOJsYRbVCbZt2dwR8QPx9NbRM1myL82WJ9yI/open";

	ok(data != NULL, "the offer sample parses");
	msg = compose(env, "mail.crew_offer", data, 65, &out, MAIL_OK, why,
	    sizeof(why));
	if (msg != NULL) {
		is_str(out.to, "ole@example.com", "offer: to the member offered");
		v = header(msg, "Subject");
		is_str(v, "Open place: deckhand on Saturday, May 30 aboard Jada",
		    "offer: the subject names the place");
		free(v);
		v = header(msg, "Reply-To");
		is_str(v, "Harbor Light <office@harborlight.example>",
		    "offer: replies reach the office");
		free(v);
		ok(strstr(part(msg, "text/plain", &text), url) != NULL &&
		    strstr(buf_str(&text), "4.5 at $31.25 an hour") != NULL &&
		    strstr(buf_str(&text), "Your pay:  $140.63") != NULL &&
		    strstr(buf_str(&text), "  - Sam, skipper (captain)") != NULL,
		    "offer text: the link to the open places, the place's "
		    "hours, rate and pay, who confirmed");
		ok(strstr(part(msg, "text/html", &html), url) != NULL &&
		    strstr(buf_str(&html), "$140.63") != NULL,
		    "offer HTML: the same");
		ok(strstr(msg, "5679") == NULL && strstr(msg, "56.79") == NULL,
		    "offer: no colleague's rate");
		no_money("offer", msg);
	}
	free(msg);
	json_object_set_new(data, "token", json_string("x/../../admin"));
	compose(env, "mail.crew_offer", data, 66, &out, MAIL_REFUSED, why,
	    sizeof(why));
	ok(strstr(why, "link") != NULL, "offer: a bad token makes no link "
	    "and no mail (%s)", why);
	buf_free(&text);
	buf_free(&html);
	json_decref(data);
}

/* The operator's crewing mails: crewing_mail() on the sample booking. */
static void
test_operator_crewing(const struct mail_env *env, const json_t *booking)
{
	struct mail_out	 out;
	struct mail_env	 none = *env;
	struct buf	 text = { 0 };
	json_t		*data = json_deep_copy(booking), *more;
	char		 why[256], *msg, *v;

	more = json_pack("{s:i, s:i, s:{s:s, s:s, s:s},"
	    " s:{s:i, s:i, s:i, s:i, s:i, s:[{s:s, s:s, s:b}], s:[],"
	    " s:[{s:s, s:i, s:b}]}}", "hours_left", 23, "offered", 4,
	    "declined_by", "name", "Maria Lopez", "role", "deckhand", "note",
	    "My knee.", "crewing", "needed", 3, "n_confirmed", 1, "n_pending", 1,
	    "n_declined", 1, "open", 1, "pending", "name", "Sam Ortiz", "role",
	    "skipper", "captain", 1, "declined", "open_roles", "role",
	    "deckhand", "count", 1, "captain", 0);
	ok(more != NULL && json_object_update(data, more) == 0,
	    "crewing_mail()'s fields added to the booking");
	json_decref(more);
	msg = compose(env, "mail.operator_declined", data, 67, &out, MAIL_OK,
	    why, sizeof(why));
	if (msg != NULL) {
		is_str(out.to, "office@harborlight.example",
		    "a decline: to CHARTER_CONTACT_EMAIL");
		v = header(msg, "Subject");
		is_str(v, "Declined: Maria Lopez (deckhand), Saturday, May 30 on "
		    "Jada", "a decline: who, which role, which charter");
		free(v);
		ok(strstr(part(msg, "text/plain", &text), "My knee.") != NULL &&
		    strstr(buf_str(&text), "offered by mail to 4 crew") != NULL &&
		    strstr(buf_str(&text), "https://harborlight.example/admin/"
		    "bookings/41") != NULL, "a decline: the note, to how many "
		    "the place went, the booking's admin link");
		no_money("decline alert", msg);
	}
	free(msg);
	msg = compose(env, "mail.operator_crewing", data, 68, &out, MAIL_OK,
	    why, sizeof(why));
	if (msg != NULL) {
		v = header(msg, "Subject");
		ok(v != NULL && strncmp(v, "Not fully crewed: Saturday, May 30 "
		    "on Jada", 41) == 0, "the crewing alert's subject (%s)", v);
		free(v);
		ok(strstr(part(msg, "text/plain", &text), "about 23 hours") !=
		    NULL && strstr(buf_str(&text), "Not answered: Sam Ortiz, "
		    "skipper (captain)") != NULL && strstr(buf_str(&text),
		    "Open:         1 x deckhand") != NULL, "the alert: how soon, "
		    "who has not answered, what is open");
		no_money("crewing alert", msg);
	}
	free(msg);
	none.contact_email = "";
	compose(&none, "mail.operator_crewing", data, 69, &out, MAIL_NOBODY,
	    why, sizeof(why));
	buf_free(&text);
	json_decref(data);
}

int
main(void)
{
	const char	*dir = getenv("TEMPLATE_DIR");
	struct tmpl_set	*set;
	struct mail_env	 env;
	json_t		*data;
	char		 err[512];

	set = tmpl_set_load(dir ? dir : "templates", err, sizeof(err));
	ok(set != NULL, "templates load (%s)", set ? "ok" : err);
	if (set == NULL)
		return tap_done();
	data = json_loads(sample, 0, NULL);
	ok(data != NULL, "sample parses");
	env = env_of(set);
	test_guest(&env, data);
	test_guest_escaping(&env, data);
	test_refusals(&env, data);
	test_operator(&env, data);
	test_crew_invitation(&env);
	test_crew_confirmed(&env);
	test_crew_reminder(&env);
	test_crew_offer(&env);
	test_operator_crewing(&env, data);
	json_decref(data);
	tmpl_set_free(set);
	return tap_done();
}
