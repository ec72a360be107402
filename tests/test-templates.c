/* test-templates.c: the shipped templates parse and escape every field they print */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "tap.h"
#include "tmpl.h"

/*
 * Everything a guest, cancelled or error page may be given: the guest
 * page's context (view_guest_page, with "site" as view_render adds it)
 * plus the error page's status, heading and message.
 */
static const char sample[] =
	"{\"title\": \"Your charter\", \"noindex\": true,"
	" \"status\": 404, \"heading\": \"Not found\", \"message\": \"No such page\","
	" \"site\": {\"name\": \"Queen of SD\", \"contact_email\": \"hi@example.com\","
	"  \"contact_phone\": \"+1 619 555 0142\", \"contact_phone_tel\": \"+16195550142\","
	"  \"public_url\": \"http://x\"},"
	" \"booking\": {\"slug\": \"jane-k3f9qz\", \"guest_name\": \"Jane\","
	"  \"vessel\": \"Jada\", \"meeting_point\": \"Dock B\", \"party_size\": 6,"
	"  \"date_label\": \"Saturday, May 30, 2026\", \"short_date_label\": \"Saturday, May 30\","
	"  \"start_label\": \"9:00 AM\", \"end_label\": \"1:00 PM\", \"tz_label\": \"PDT\","
	"  \"time_zone\": \"America/Los_Angeles\", \"duration_label\": \"4 hours\","
	"  \"starts_at\": \"2026-05-30T09:00:00-07:00\", \"ends_at\": \"2026-05-30T13:00:00-07:00\","
	"  \"checklist\": [\"Sunscreen\", \"Hat\"],"
	"  \"guest_notes\": \"line one\\nline two\", \"cancelled\": false,"
	"  \"upload_opens_at\": \"2026-05-30T07:00:00-07:00\", \"upload_closes_at\": \"2026-06-02T13:00:00-07:00\","
	"  \"upload_opens_label\": \"Sat, May 30, 7:00 AM PDT\", \"upload_closes_label\": \"Tue, Jun 2, 1:00 PM PDT\"}}";

/*
 * Everything a crew page, its 410 page or a crew invitation may be given:
 * crew_view() (charter, me, crew, respond) with what crew_page.c and
 * crew_mail.c add (title, form_token, notice, link) and "site". %s are
 * the answer's state: pending, confirmed, declined, whether answers are
 * open, and the 410 page's reason.
 */
static const char crew_sample_fmt[] =
	"{\"title\": \"Crew\", \"noindex\": true, \"notice\": \"Too late\","
	" \"form_token\": \"qgYSFNIW7YkgSzj6Ti6s-PsWU7WqtrHgcT3HVNrch3w\","
	" \"link\": \"https://x.example/c/nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E\","
	" \"open_url\": \"https://x.example/c/nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E/open\","
	" \"site\": {\"name\": \"Queen of SD\", \"contact_email\": \"hi@example.com\","
	"  \"contact_phone\": \"+1 619 555 0142\", \"contact_phone_tel\": \"+16195550142\","
	"  \"public_url\": \"http://x\"},"
	" \"charter\": {\"id\": 7, \"status\": \"confirmed\", \"version\": 3,"
	"  \"guest_name\": \"Jane\", \"vessel\": \"Jada\", \"meeting_point\": \"Dock B\","
	"  \"party_size\": 6, \"crew_notes\": \"Gloves\", \"time_zone\": \"America/Los_Angeles\","
	"  \"starts_at\": \"2026-05-30T09:00:00-07:00\", \"ends_at\": \"2026-05-30T13:00:00-07:00\","
	"  \"date_label\": \"Saturday, May 30, 2026\", \"short_date_label\": \"Saturday, May 30\","
	"  \"start_label\": \"9:00 AM\", \"end_label\": \"1:00 PM\", \"tz_label\": \"PDT\","
	"  \"duration_label\": \"4 hours\"},"
	" \"me\": {\"crew_id\": 5, \"name\": \"Maria Lopez\", \"first_name\": \"Maria\","
	"  \"role\": \"deckhand\", \"captain\": true, \"status\": \"x\","
	"  \"pending\": %s, \"confirmed\": %s, \"declined\": %s,"
	"  \"responded_at\": \"2026-05-01T10:00:00-07:00\", \"responded_label\": \"Fri, May 1\","
	"  \"note\": \"Sick\", \"hourly_rate_cents\": 3125, \"hours_label\": \"4\","
	"  \"rate_label\": \"$31.25\", \"pay_cents\": 12500, \"pay_label\": \"$125.00\"},"
	" \"crew\": [{\"first_name\": \"Sam\", \"role\": \"skipper\", \"captain\": true, \"me\": false},"
	"  {\"first_name\": \"Maria\", \"role\": \"deckhand\", \"captain\": false, \"me\": true}],"
	" \"respond\": {\"open\": %s, \"closes_at\": \"2026-05-29T09:00:00-07:00\","
	"  \"closes_label\": \"Fri, May 29, 9:00 AM PDT\"}, %s: true}";

/* Fields every page prints: the head, the brand and the footer. */
#define SHARED_FIELDS \
	"title", "site.name", "site.contact_email", "site.contact_phone", \
	"site.contact_phone_tel", "booking.slug", "booking.time_zone"

static const char *const guest_fields[] = { SHARED_FIELDS,
	"booking.guest_name", "booking.starts_at", "booking.date_label",
	"booking.start_label", "booking.ends_at", "booking.end_label",
	"booking.tz_label", "booking.duration_label", "booking.vessel",
	"booking.meeting_point", "booking.party_size", "booking.checklist.0",
	"booking.checklist.1", "booking.guest_notes", "booking.upload_opens_at",
	"booking.upload_closes_at", "booking.upload_opens_label",
	"booking.upload_closes_label", NULL };
static const char *const cancelled_fields[] = { SHARED_FIELDS,
	"booking.date_label", "booking.vessel", "booking.guest_name", NULL };
static const char *const error_fields[] = { SHARED_FIELDS,
	"status", "heading", "message", NULL };

/* The crew page in its states, the 410 page, the invitation's HTML. */
#define CREW_SHARED \
	"title", "site.name", "site.contact_email", "site.contact_phone", \
	"site.contact_phone_tel", "notice", "me.role", "me.first_name", \
	"charter.starts_at", "charter.date_label", "charter.start_label", \
	"charter.ends_at", "charter.end_label", "charter.time_zone", \
	"charter.tz_label", "charter.duration_label", "charter.vessel", \
	"charter.meeting_point", "me.status", "me.responded_at", \
	"me.responded_label", "respond.closes_at", "respond.closes_label", \
	"me.hours_label", "me.rate_label", "me.pay_label", \
	"crew.0.first_name", "crew.0.role", "crew.1.first_name", \
	"crew.1.role", "charter.guest_name", "charter.party_size", \
	"charter.crew_notes", "open_url"
static const char *const crew_open_fields[] = { CREW_SHARED, "form_token",
	NULL };
static const char *const crew_declined_fields[] = { CREW_SHARED,
	"form_token", "me.note", NULL };
static const char *const crew_closed_fields[] = { CREW_SHARED, NULL };
static const char *const crew_gone_fields[] = { "title", "site.name",
	"site.contact_email", "site.contact_phone", "site.contact_phone_tel",
	"charter.date_label", "charter.vessel", NULL };
/* The open places (crew_open.html): crew_open_page()'s answer as
 * crew_open_page.c renders it, two places. */
#define OPEN_PLACE(n) \
	"{\"slot_id\": " #n ", \"role\": \"deckhand\", \"captain\": true," \
	" \"offered\": true, \"left\": 2, \"hours_label\": \"4.5\"," \
	" \"rate_label\": \"$31.25\", \"pay_label\": \"$140.63\"," \
	" \"charter\": {\"vessel\": \"Jada\", \"meeting_point\": \"Dock B\"," \
	"  \"time_zone\": \"America/Los_Angeles\"," \
	"  \"starts_at\": \"2026-05-30T09:00:00-07:00\"," \
	"  \"ends_at\": \"2026-05-30T13:00:00-07:00\"," \
	"  \"date_label\": \"Saturday, May 30, 2026\", \"start_label\": \"9:00 AM\"," \
	"  \"end_label\": \"1:00 PM\", \"tz_label\": \"PDT\"," \
	"  \"duration_label\": \"4 hours\"}}"
static const char open_sample[] =
	"{\"title\": \"Open places\", \"noindex\": true, \"notice\": \"Taken\","
	" \"form_token\": \"qgYSFNIW7YkgSzj6Ti6s-PsWU7WqtrHgcT3HVNrch3w\","
	" \"open_url\": \"https://x.example/c/nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E/open\","
	" \"back_url\": \"https://x.example/c/nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E\","
	" \"first_name\": \"Maria\", \"has_places\": true,"
	" \"site\": {\"name\": \"Queen of SD\", \"contact_email\": \"hi@example.com\","
	"  \"contact_phone\": \"+1 619 555 0142\", \"contact_phone_tel\": \"+16195550142\","
	"  \"public_url\": \"http://x\"},"
	" \"places\": [" OPEN_PLACE(7) ", " OPEN_PLACE(8) "]}";
#define OPEN_PLACE_FIELDS(n) \
	"places." #n ".slot_id", "places." #n ".role", \
	"places." #n ".hours_label", "places." #n ".rate_label", \
	"places." #n ".pay_label", "places." #n ".charter.vessel", \
	"places." #n ".charter.meeting_point", "places." #n ".charter.time_zone", \
	"places." #n ".charter.starts_at", "places." #n ".charter.ends_at", \
	"places." #n ".charter.date_label", "places." #n ".charter.start_label", \
	"places." #n ".charter.end_label", "places." #n ".charter.tz_label", \
	"places." #n ".charter.duration_label"
static const char *const open_fields[] = { "title", "site.name",
	"site.contact_email", "site.contact_phone", "site.contact_phone_tel",
	"notice", "form_token", "open_url", "back_url", "first_name",
	OPEN_PLACE_FIELDS(0), OPEN_PLACE_FIELDS(1), NULL };
static const char *const invitation_fields[] = { "title", "site.name",
	"site.contact_email", "site.contact_phone", "booking.me.first_name",
	"booking.date_label", "booking.start_label", "booking.end_label",
	"booking.tz_label", "booking.duration_label", "booking.vessel",
	"booking.meeting_point", "booking.time_zone", "booking.me.role",
	"booking.me.hours_label", "booking.me.rate_label",
	"booking.me.pay_label", "links.crew", "booking.respond.closes_label",
	"booking.crew.0.first_name", "booking.crew.0.role",
	"booking.crew.1.first_name", "booking.crew.1.role",
	"booking.crew_notes", NULL };

/*
 * Per page, exactly the fields of the sample it prints.  A field printed
 * but not listed fails too, so a new {{field}} gets its escape check.
 */
static const struct {
	const char		*page;
	const char *const	*fields;
	const char		*state;		/* crew pages: the sample's state */
} pages[] = {
	{ "guest.html", guest_fields, NULL },
	{ "cancelled.html", cancelled_fields, NULL },
	{ "error.html", error_fields, NULL },
	{ "crew.html", crew_open_fields, "pending" },
	{ "crew.html", crew_open_fields, "confirmed" },
	{ "crew.html", crew_declined_fields, "declined" },
	{ "crew.html", crew_closed_fields, "closed" },
	{ "crew_gone.html", crew_gone_fields, "cancelled" },
	{ "crew_gone.html", crew_gone_fields, "expired" },
	{ "crew_gone.html", crew_gone_fields, "reissued" },
	{ "crew_gone.html", crew_gone_fields, "unassigned" },
};

/* The crew sample in a state: NULL for the guest sample. */
static json_t *
crew_sample(const char *state)
{
	char	 js[sizeof(crew_sample_fmt) + 128], flag[32];
	int	 pending = strcmp(state, "pending") == 0 ||
		    strcmp(state, "closed") == 0;

	snprintf(flag, sizeof(flag), "\"%s\"", state);
	snprintf(js, sizeof(js), crew_sample_fmt, pending ? "true" : "false",
	    strcmp(state, "confirmed") == 0 ? "true" : "false",
	    strcmp(state, "declined") == 0 ? "true" : "false",
	    strcmp(state, "closed") == 0 ? "false" : "true", flag);
	return json_loads(js, 0, NULL);
}

#define MAX_LEAVES	64

/* Collects the dotted paths of ctx's string and integer leaves. */
static void
leaves(const json_t *v, const char *path, char paths[][64], size_t *n)
{
	const char	*key;
	const json_t	*x;
	char		 sub[64];
	size_t		 i;

	if (json_is_string(v) || json_is_integer(v)) {
		if (*n < MAX_LEAVES)
			snprintf(paths[(*n)++], 64, "%s", path);
		return;
	}
	if (json_is_object(v))
		json_object_foreach((json_t *)v, key, x) {
			snprintf(sub, sizeof(sub), "%s%s%s", path,
			    path[0] ? "." : "", key);
			leaves(x, sub, paths, n);
		}
	if (json_is_array(v))
		json_array_foreach(v, i, x) {
			snprintf(sub, sizeof(sub), "%s.%zu", path, i);
			leaves(x, sub, paths, n);
		}
}

/* The member seg of an object, or element seg ("2") of an array. */
static json_t *
child(json_t *v, const char *seg)
{
	if (json_is_array(v))
		return json_array_get(v, strtoul(seg, NULL, 10));
	return json_object_get(v, seg);
}

/* Returns a copy of ctx with the leaf at path set to the string s. */
static json_t *
with_leaf(const json_t *ctx, const char *path, const char *s)
{
	json_t	*copy, *parent;
	char	 buf[64], *seg, *dot;

	copy = json_deep_copy(ctx);
	snprintf(buf, sizeof(buf), "%s", path);
	parent = copy;
	for (seg = buf; (dot = strchr(seg, '.')) != NULL; seg = dot + 1) {
		*dot = '\0';
		parent = child(parent, seg);
	}
	if (json_is_array(parent))
		json_array_set_new(parent, strtoul(seg, NULL, 10),
		    json_string(s));
	else
		json_object_set_new(parent, seg, json_string(s));
	return copy;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	 n = 0, len = strlen(needle);

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += len;
	}
	return n;
}

static int
listed(const char *const *fields, const char *path)
{
	for (; *fields != NULL; fields++)
		if (strcmp(*fields, path) == 0)
			return 1;
	return 0;
}

static int
render(const struct tmpl_set *set, const char *page, const json_t *ctx,
    struct buf *out)
{
	buf_reset(out);
	return tmpl_render(set, page, ctx, out);
}

/*
 * For each field of the sample: a benign marker shows whether the page
 * prints it (and it must exactly when listed); where it does, a hostile
 * value carrying the same marker must appear escaped as many times, and
 * never raw.
 */
static void
test_fields(const struct tmpl_set *set, const json_t *ctx, const char *page,
    const char *const *fields)
{
	static char	 paths[MAX_LEAVES][64];
	struct buf	 out = { 0 };
	json_t		*c;
	char		 mark[32], hostile[64], escaped[96], raw[40];
	size_t		 n = 0, i, k, shown, printed = 0;

	leaves(ctx, "", paths, &n);
	ok(n > 20 && n < MAX_LEAVES, "%zu fields in the sample", n);
	for (k = 0; fields[k] != NULL; k++) {
		for (i = 0; i < n; i++)
			if (strcmp(paths[i], fields[k]) == 0)
				break;
		ok(i < n, "%s: listed field %s is in the sample", page,
		    fields[k]);
	}
	for (i = 0; i < n; i++) {
		snprintf(mark, sizeof(mark), "mk%zumk", i);
		c = with_leaf(ctx, paths[i], mark);
		ok(render(set, page, c, &out) == 0, "%s renders with %s marked",
		    page, paths[i]);
		json_decref(c);
		shown = count(buf_str(&out), mark);
		if (!listed(fields, paths[i])) {
			is_int(shown, 0, "%s prints no %s (if it does, list it)",
			    page, paths[i]);
			continue;
		}
		printed++;
		ok(shown > 0, "%s prints %s (%zu times)", page, paths[i],
		    shown);

		snprintf(hostile, sizeof(hostile), "<b>%s</b>&\"'", mark);
		snprintf(escaped, sizeof(escaped),
		    "&lt;b&gt;%s&lt;/b&gt;&amp;&quot;&#39;", mark);
		snprintf(raw, sizeof(raw), "<b>%s", mark);
		c = with_leaf(ctx, paths[i], hostile);
		ok(render(set, page, c, &out) == 0, "%s renders with %s hostile",
		    page, paths[i]);
		json_decref(c);
		ok(count(buf_str(&out), escaped) == shown &&
		    count(buf_str(&out), mark) == shown &&
		    count(buf_str(&out), raw) == 0,
		    "%s escapes %s everywhere it prints it", page, paths[i]);
	}
	for (k = 0; fields[k] != NULL; k++)
		;
	is_int(printed, k, "%s: every listed field was checked", page);
	buf_free(&out);
}

/*
 * The crew invitation as mail.c hands it to its templates: the data
 * (crew_view()'s charter fields, me, crew, respond) as "booking", "site",
 * "links" and the subject as "title". Its HTML part escapes every field
 * it prints; the text part and the subject keep the crew page's rules.
 */
static json_t *
crew_mail_context(void)
{
	json_t		*page = crew_sample("pending"), *data, *ctx;

	if (page == NULL)
		return NULL;
	data = json_deep_copy(json_object_get(page, "charter"));
	json_object_set(data, "me", json_object_get(page, "me"));
	json_object_set(data, "crew", json_object_get(page, "crew"));
	json_object_set(data, "respond", json_object_get(page, "respond"));
	ctx = json_pack("{s:s, s:o, s:O, s:{s:s}}", "title", "Can you crew",
	    "booking", data, "site", json_object_get(page, "site"), "links",
	    "crew", "https://x.example/c/nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E");
	json_decref(page);
	return ctx;
}

static void
test_crew_mail(const struct tmpl_set *set)
{
	struct buf	 out = { 0 };
	json_t		*ctx = crew_mail_context();
	const char	*txt;

	ok(ctx != NULL, "the crew mail context is made");
	if (ctx == NULL)
		return;
	test_fields(set, ctx, "email/crew_invitation.html", invitation_fields);
	ok(render(set, "email/crew_invitation.txt", ctx, &out) == 0,
	    "the invitation's text part renders");
	txt = buf_str(&out);
	ok(strstr(txt, "https://x.example/c/nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E\n")
	    != NULL, "it carries the link on a line of its own");
	ok(strstr(txt, "Your pay:  $125.00") != NULL && strstr(txt,
	    "$31.25 an hour") != NULL, "and the member's own pay and rate");
	ok(strstr(txt, "  - Sam, skipper (captain)\n") != NULL,
	    "colleagues by first name and role");
	ok(strstr(txt, "Lopez") == NULL, "never a full name");
	ok(strstr(txt, "<") == NULL && strstr(txt, "&amp;") == NULL,
	    "plain text, not HTML");
	ok(render(set, "email/crew_invitation.hdr", ctx, &out) == 0 &&
	    strcmp(buf_str(&out), "Can you crew Saturday, May 30 aboard Jada?")
	    == 0, "the subject (%s)", buf_str(&out));
	json_object_set_new(json_object_get(ctx, "booking"), "vessel",
	    json_string("Jada\r\nBcc: x@example.com"));
	ok(render(set, "email/crew_invitation.hdr", ctx, &out) == -1,
	    "a vessel with a line break makes no subject");
	json_decref(ctx);
	buf_free(&out);
}

/* The mails of the crewing gate as mail.c hands them to their templates. */
static const char offer_mail_sample[] =
	"{\"title\": \"Open place\", \"links\": {\"open\": \"https://x.example/c/e3x5yIErOJsYRbVCbZt2dwR8QPx9NbRM1myL82WJ9yI/open\"},"
	" \"site\": {\"name\": \"Queen of SD\", \"contact_email\": \"hi@example.com\","
	"  \"contact_phone\": \"+1 619 555 0142\", \"public_url\": \"http://x\"},"
	" \"booking\": {\"id\": 7, \"guest_name\": \"Jane\", \"vessel\": \"Jada\","
	"  \"meeting_point\": \"Dock B\", \"time_zone\": \"America/Los_Angeles\","
	"  \"date_label\": \"Saturday, May 30, 2026\", \"short_date_label\": \"Saturday, May 30\","
	"  \"start_label\": \"9:00 AM\", \"end_label\": \"1:00 PM\", \"tz_label\": \"PDT\","
	"  \"duration_label\": \"4 hours\", \"first_name\": \"Ole\","
	"  \"crew_name\": \"Ole Berg\", \"crew_email\": \"ole@example.com\","
	"  \"place\": {\"role\": \"deckhand\", \"captain\": true, \"left\": 1,"
	"   \"hours_label\": \"4.5\", \"rate_label\": \"$31.25\", \"pay_label\": \"$140.63\"},"
	"  \"has_crew\": true, \"crew\": [{\"first_name\": \"Sam\", \"role\": \"skipper\", \"captain\": true}]}}";
static const char *const offer_fields[] = { "title", "site.name",
	"site.contact_email", "site.contact_phone", "links.open",
	"booking.first_name", "booking.date_label", "booking.start_label",
	"booking.end_label", "booking.tz_label", "booking.duration_label",
	"booking.vessel", "booking.meeting_point", "booking.time_zone",
	"booking.place.role", "booking.place.hours_label",
	"booking.place.rate_label", "booking.place.pay_label",
	"booking.crew.0.first_name", "booking.crew.0.role", NULL };
static const char *const reminder_fields[] = { "title", "site.name",
	"site.contact_email", "site.contact_phone", "booking.me.first_name",
	"booking.hours_left", "booking.date_label", "booking.start_label",
	"booking.end_label", "booking.tz_label", "booking.duration_label",
	"booking.vessel", "booking.meeting_point", "booking.time_zone",
	"booking.me.role", "booking.me.hours_label", "booking.me.rate_label",
	"booking.me.pay_label", "links.crew", "booking.respond.closes_label",
	NULL };
static const char operator_mail_sample[] =
	"{\"title\": \"Declined\", \"links\": {\"admin_booking\": \"https://x.example/admin/bookings/7\","
	"  \"guest\": \"https://x.example/g/jane-k3f9qz\"},"
	" \"site\": {\"name\": \"Queen of SD\", \"contact_email\": \"hi@example.com\","
	"  \"contact_phone\": \"+1 619 555 0142\", \"public_url\": \"http://x\"},"
	" \"booking\": {\"id\": 7, \"slug\": \"jane-k3f9qz\", \"guest_name\": \"Jane\","
	"  \"vessel\": \"Jada\", \"date_label\": \"Saturday, May 30, 2026\","
	"  \"short_date_label\": \"Saturday, May 30\", \"start_label\": \"9:00 AM\","
	"  \"end_label\": \"1:00 PM\", \"tz_label\": \"PDT\", \"hours_left\": 23,"
	"  \"offered\": 4, \"declined_by\": {\"name\": \"Maria Lopez\", \"role\": \"deckhand\","
	"   \"note\": \"My knee\"},"
	"  \"crewing\": {\"needed\": 3, \"n_confirmed\": 1, \"n_pending\": 1, \"open\": 1,"
	"   \"pending\": [{\"name\": \"Sam Ortiz\", \"role\": \"skipper\", \"captain\": true}],"
	"   \"declined\": [{\"name\": \"Maria Lopez\", \"role\": \"deckhand\"}],"
	"   \"open_roles\": [{\"role\": \"deckhand\", \"count\": 1, \"captain\": false}]}}}";
#define OPERATOR_SHARED \
	"title", "site.name", "site.contact_email", "site.contact_phone", \
	"booking.guest_name", "booking.date_label", "booking.start_label", \
	"booking.end_label", "booking.tz_label", "booking.vessel", \
	"booking.id", "booking.slug", "booking.crewing.n_confirmed", \
	"booking.crewing.n_pending", "booking.crewing.open", \
	"booking.crewing.needed", "links.admin_booking"
static const char *const declined_fields[] = { OPERATOR_SHARED,
	"booking.declined_by.name", "booking.declined_by.role",
	"booking.declined_by.note", "booking.offered", NULL };
static const char *const crewing_fields[] = { OPERATOR_SHARED,
	"booking.hours_left", "booking.crewing.pending.0.name",
	"booking.crewing.pending.0.role", "booking.crewing.declined.0.name",
	"booking.crewing.declined.0.role", "booking.crewing.open_roles.0.role",
	"booking.crewing.open_roles.0.count", NULL };

/* Every field each HTML mail of the crewing gate prints is escaped. */
static void
test_gate_mails(const struct tmpl_set *set)
{
	json_t	*ctx;

	if ((ctx = crew_mail_context()) != NULL) {
		json_object_set_new(json_object_get(ctx, "booking"),
		    "hours_left", json_integer(47));
		test_fields(set, ctx, "email/crew_reminder.html",
		    reminder_fields);
		json_decref(ctx);
	}
	ctx = json_loads(offer_mail_sample, 0, NULL);
	ok(ctx != NULL, "the offer sample parses");
	if (ctx != NULL)
		test_fields(set, ctx, "email/crew_offer.html", offer_fields);
	json_decref(ctx);
	ctx = json_loads(operator_mail_sample, 0, NULL);
	ok(ctx != NULL, "the operator sample parses");
	if (ctx != NULL) {
		test_fields(set, ctx, "email/operator_declined.html",
		    declined_fields);
		test_fields(set, ctx, "email/operator_crewing.html",
		    crewing_fields);
	}
	json_decref(ctx);
}

int
main(void)
{
	const char	*dir = getenv("TEMPLATE_DIR");
	struct tmpl_set	*set;
	struct buf	 out = { 0 };
	enum tmpl_escape esc;
	json_t		*ctx, *guest;
	char		 err[512];
	size_t		 i;

	set = tmpl_set_load(dir ? dir : "templates", err, sizeof(err));
	ok(set != NULL, "templates load (%s)", set ? "ok" : err);
	if (set == NULL)
		return tap_done();
	guest = json_loads(sample, 0, NULL);
	ok(guest != NULL, "sample context parses");
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		ctx = pages[i].state ? crew_sample(pages[i].state) : guest;
		ok(ctx != NULL, "%s: the %s sample parses", pages[i].page,
		    pages[i].state ? pages[i].state : "guest");
		if (ctx == NULL)
			continue;
		ok(tmpl_set_escape_of(set, pages[i].page, &esc) == 0 &&
		    esc == TMPL_ESC_HTML, "%s is an HTML template",
		    pages[i].page);
		ok(render(set, pages[i].page, ctx, &out) == 0, "%s renders",
		    pages[i].page);
		ok(strstr(buf_str(&out), "noindex") != NULL,
		    "%s carries noindex", pages[i].page);
		ok(strncmp(buf_str(&out), "<!DOCTYPE html>", 15) == 0 ||
		    strncmp(buf_str(&out), "<!doctype html>", 15) == 0,
		    "%s starts with a doctype", pages[i].page);
		test_fields(set, ctx, pages[i].page, pages[i].fields);
		if (ctx != guest)
			json_decref(ctx);
	}
	test_crew_mail(set);
	test_gate_mails(set);
	ctx = json_loads(open_sample, 0, NULL);
	ok(ctx != NULL, "the open places sample parses");
	if (ctx != NULL) {
		ok(render(set, "crew_open.html", ctx, &out) == 0 &&
		    strstr(buf_str(&out), "noindex") != NULL,
		    "crew_open.html renders, noindex");
		test_fields(set, ctx, "crew_open.html", open_fields);
	}
	json_decref(ctx);
	ctx = guest;
	render(set, "guest.html", ctx, &out);
	ok(strstr(buf_str(&out), "data-slug=\"jane-k3f9qz\"") != NULL,
	    "slug for the uploader");
	ok(strstr(buf_str(&out), "/static/guest.js") != NULL,
	    "uploader script linked");
	json_decref(ctx);
	buf_free(&out);
	tmpl_set_free(set);
	return tap_done();
}
