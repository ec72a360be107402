/* mail.c: the mails charterd sends, by outbox kind: recipient, templates, context, and the finished message */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "links.h"
#include "mail.h"

#define URL_LEN	1024

static const char *
str(const json_t *data, const char *key)
{
	const char *s = json_string_value(json_object_get(data, key));

	return s != NULL ? s : "";
}

/* The guest, at the address the booking has now. */
static int
to_guest(const struct mail_env *env, const json_t *data,
    struct mime_mailbox *to, const char **why)
{
	(void)env;
	to->name = str(data, "guest_name");
	to->addr = str(data, "guest_email");
	if (to->addr[0] == '\0') {
		*why = "the booking has no guest email any more: nothing to send";
		return 1;
	}
	return 0;
}

/* The operator, at CHARTER_CONTACT_EMAIL. */
static int
to_operator(const struct mail_env *env, const json_t *data,
    struct mime_mailbox *to, const char **why)
{
	(void)data;
	to->name = env->site_name;
	to->addr = env->contact_email != NULL ? env->contact_email : "";
	if (to->addr[0] == '\0') {
		*why = "CHARTER_CONTACT_EMAIL is not set: nothing to send";
		return 1;
	}
	return 0;
}

/* The crew member a crew link belongs to. */
static int
to_crew(const struct mail_env *env, const json_t *data,
    struct mime_mailbox *to, const char **why)
{
	(void)env;
	to->name = str(data, "crew_name");
	to->addr = str(data, "crew_email");
	if (to->addr[0] == '\0') {
		*why = "the crew member has no email: nothing to send";
		return 1;
	}
	return 0;
}

static int
add_link(const struct mail_env *env, json_t *links, const char *name,
    enum link_kind kind, const char *arg)
{
	char url[URL_LEN];

	if (link_url(url, sizeof(url), env->public_url, kind, arg) == -1)
		return -1;
	return json_object_set_new(links, name, json_string(url));
}

static int
links_guest(const struct mail_env *env, const json_t *data, json_t *links)
{
	return add_link(env, links, "guest", LINK_GUEST, str(data, "slug"));
}

static int
links_operator(const struct mail_env *env, const json_t *data, json_t *links)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld",
	    (long long)json_integer_value(json_object_get(data, "id")));
	if (add_link(env, links, "admin_booking", LINK_ADMIN_BOOKING, id) == -1)
		return -1;
	return links_guest(env, data, links);
}

/* The crew member's magic link: its token was made again from the
 * link's nonce when the data was read (sync_mail.c). */
static int
links_crew(const struct mail_env *env, const json_t *data, json_t *links)
{
	const json_t *feed = json_object_get(data, "feed_url");

	/* The calendar feed's URL was built by link_url() too (crew_feed.c). */
	if (json_is_string(feed))
		json_object_set(links, "calendar", (json_t *)feed);
	return add_link(env, links, "crew", LINK_CREW, str(data, "token"));
}

/* An offer's link to the member's open places: its token was made for
 * this mail when the data was read (sync_mail.c). */
static int
links_offer(const struct mail_env *env, const json_t *data, json_t *links)
{
	return add_link(env, links, "open", LINK_CREW_OPEN, str(data, "token"));
}

/*
 * The kinds. Guest confirmation has no List-Unsubscribe: it is the one
 * mail a booking sends its guest, answering their own booking, not a
 * list anyone subscribed to; there is nothing to stop (RFC 2369 is for
 * lists). Crew reminders answer an invitation as it does. Open-place
 * offers go to the operator's own roster, by role, for places the roster
 * exists to fill: no list either; a crew member who wants none asks the
 * office (a role less, or inactive).
 */
static const struct mail_kind kinds[] = {
	{ .kind = "mail.guest_confirmation",
	  .base = "email/guest_confirmation", .source = MAIL_SRC_BOOKING,
	  .recipient = to_guest, .links = links_guest,
	  .reply_to_operator = 1 },
	{ .kind = "mail.operator_cancelled",
	  .base = "email/operator_cancelled", .source = MAIL_SRC_BOOKING,
	  .recipient = to_operator, .links = links_operator },
	/* One per link issued: it answers staff's invitation, so, as the
	 * confirmation, no List-Unsubscribe; replies reach the office. */
	{ .kind = "mail.crew_invitation",
	  .base = "email/crew_invitation", .source = MAIL_SRC_CREW_LINK,
	  .recipient = to_crew, .links = links_crew,
	  .reply_to_operator = 1 },
	/* The crewing gate (sql/017_crew_slots.sql): a pending invitation's
	 * reminder, a reopened place offered, and the operator's two alerts. */
	{ .kind = "mail.crew_reminder",
	  .base = "email/crew_reminder", .source = MAIL_SRC_CREW_REMINDER,
	  .recipient = to_crew, .links = links_crew,
	  .reply_to_operator = 1 },
	{ .kind = "mail.crew_offer",
	  .base = "email/crew_offer", .source = MAIL_SRC_CREW_OFFER,
	  .recipient = to_crew, .links = links_offer,
	  .reply_to_operator = 1 },
	{ .kind = "mail.operator_declined",
	  .base = "email/operator_declined",
	  .source = MAIL_SRC_CREWING_DECLINED,
	  .recipient = to_operator, .links = links_operator },
	{ .kind = "mail.operator_crewing",
	  .base = "email/operator_crewing", .source = MAIL_SRC_CREWING_ALERT,
	  .recipient = to_operator, .links = links_operator },
};

const struct mail_kind *
mail_kind_find(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

/* What every template sees: the data as "booking", the operator as
 * "site", and "links". NULL when out of memory or a link fails (*bad). */
static json_t *
context(const struct mail_env *env, const struct mail_kind *k,
    const json_t *data, int *bad)
{
	json_t *ctx, *links;

	*bad = 0;
	ctx = json_pack("{s:O, s:{s:s, s:s, s:s, s:s}, s:{}}", "booking",
	    (json_t *)data, "site", "name", env->site_name, "public_url",
	    env->public_url, "contact_email", env->contact_email ?
	    env->contact_email : "", "contact_phone", env->contact_phone ?
	    env->contact_phone : "", "links");
	if (ctx == NULL)
		return NULL;
	links = json_object_get(ctx, "links");
	if (k->links(env, data, links) == -1) {
		*bad = 1;
		json_decref(ctx);
		return NULL;
	}
	return ctx;
}

/* <id>.<16 hex>@domain: stable for the row, its booking and recipient. */
static void
message_id(const struct mail_out *out, const struct mail_kind *k,
    const json_t *data, long long outbox_id, const char *from_addr,
    char *id, size_t idlen)
{
	char	 seed[1024], hex[65];
	int	 n;

	n = snprintf(seed, sizeof(seed), "%s\n%lld\n%lld\n%s\n%s", k->kind,
	    outbox_id, (long long)json_integer_value(json_object_get(data,
	    "id")), str(data, "slug"), out->to);
	sha256_hex(seed, n > 0 && (size_t)n < sizeof(seed) ? (size_t)n :
	    sizeof(seed) - 1, hex);
	snprintf(id, idlen, "outbox-%lld.%.16s@%s", outbox_id, hex,
	    strchr(from_addr, '@') + 1);
}

static int
render(const struct mail_env *env, const char *base, const char *suffix,
    const json_t *ctx, struct buf *out)
{
	char name[128];

	snprintf(name, sizeof(name), "%s.%s", base, suffix);
	return tmpl_render(env->tmpl, name, ctx, out);
}

/* What the templates made of a mail. */
struct parts {
	struct buf	 subject, text, html;
};

/* Renders k's subject, then (the subject as their title) its text and
 * HTML: MAIL_OK, MAIL_REFUSED or MAIL_ERROR with why. */
static int
render_parts(const struct mail_env *env, const struct mail_kind *k,
    json_t *ctx, struct parts *p, char *why, size_t whylen)
{
	/* A .hdr template fails on any control character in a value: a
	 * name with a line break never reaches a header. */
	if (render(env, k->base, "hdr", ctx, &p->subject) == -1) {
		snprintf(why, whylen, "the subject (%s.hdr) cannot carry this "
		    "booking's values: one holds a line break or control "
		    "character; not sent", k->base);
		return MAIL_REFUSED;
	}
	if (json_object_set_new(ctx, "title",
	    json_string(buf_str(&p->subject))) == -1) {
		snprintf(why, whylen, "out of memory");
		return MAIL_ERROR;
	}
	if (render(env, k->base, "txt", ctx, &p->text) == -1 ||
	    render(env, k->base, "html", ctx, &p->html) == -1) {
		snprintf(why, whylen, "the templates %s.txt/.html did not "
		    "render", k->base);
		return MAIL_REFUSED;
	}
	return MAIL_OK;
}

/* The message from its parts, sender and recipient, into out. */
static int
assemble(const struct mail_env *env, const struct mail_kind *k,
    const json_t *data, long long outbox_id, time_t now,
    const struct mime_mailbox *from, const struct mime_mailbox *to,
    const struct parts *p, struct mail_out *out, char *why, size_t whylen)
{
	struct mime_message	 m;
	struct mime_mailbox	 reply;

	memset(&m, 0, sizeof(m));
	snprintf(out->to, sizeof(out->to), "%s", to->addr);
	message_id(out, k, data, outbox_id, out->from, out->message_id,
	    sizeof(out->message_id));
	m.from = *from;
	m.to = *to;
	if (k->reply_to_operator && env->contact_email != NULL &&
	    env->contact_email[0] != '\0' &&
	    strcmp(env->contact_email, out->from) != 0) {
		reply.name = env->site_name;
		reply.addr = env->contact_email;
		m.reply_to = &reply;
	}
	m.subject = buf_str(&p->subject);
	m.message_id = out->message_id;
	m.date = now;
	m.text = buf_str(&p->text);
	m.text_len = p->text.len;
	m.html = buf_str(&p->html);
	m.html_len = p->html.len;
	switch (mime_build(&m, &out->message, why, whylen)) {
	case 0:
		return MAIL_OK;
	case -2:
		return MAIL_ERROR;
	default:
		return MAIL_REFUSED;
	}
}

int
mail_compose(const struct mail_env *env, const struct mail_kind *k,
    const json_t *data, long long outbox_id, time_t now,
    struct mail_out *out, char *why, size_t whylen)
{
	struct mime_mailbox	 from, to;
	struct parts		 p;
	char			 from_name[MIME_NAME_MAX];
	const char		*nobody = NULL;
	json_t			*ctx = NULL;
	int			 bad, rc = MAIL_REFUSED;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	if (mime_parse_mailbox(env->mail_from, from_name, sizeof(from_name),
	    out->from, sizeof(out->from)) == -1) {
		snprintf(why, whylen, "CHARTER_MAIL_FROM is not an address");
		goto out;
	}
	from.name = from_name;
	from.addr = out->from;
	if (k->recipient(env, data, &to, &nobody) == 1) {
		snprintf(why, whylen, "%s", nobody);
		rc = MAIL_NOBODY;
		goto out;
	}
	if ((ctx = context(env, k, data, &bad)) == NULL) {
		snprintf(why, whylen, bad ? "a link cannot be built from "
		    "CHARTER_PUBLIC_URL and this booking" : "out of memory");
		rc = bad ? MAIL_REFUSED : MAIL_ERROR;
		goto out;
	}
	if ((rc = render_parts(env, k, ctx, &p, why, whylen)) != MAIL_OK)
		goto out;
	rc = assemble(env, k, data, outbox_id, now, &from, &to, &p, out, why,
	    whylen);
out:
	json_decref(ctx);
	buf_free(&p.subject);
	buf_free(&p.text);
	buf_free(&p.html);
	if (rc != MAIL_OK)
		mail_out_free(out);
	return rc;
}

void
mail_out_free(struct mail_out *out)
{
	buf_free(&out->message);
}
