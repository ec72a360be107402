/* sync_mail.c: the mail target: the outbox's mail rows, composed from templates/email/ and sent over SMTP */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "crew_feed.h"
#include "crew_link.h"
#include "db_crew_links.h"
#include "db_crew_slots.h"
#include "db_mail.h"
#include "limits.h"
#include "log.h"
#include "mail.h"
#include "smtp.h"
#include "sync.h"

static int
mail_enabled(const struct config *cfg)
{
	return cfg->smtp_url != NULL && cfg->smtp_url[0] != '\0' &&
	    cfg->mail_from != NULL && cfg->mail_from[0] != '\0';
}

/* Checks the settings once, at start: a bad one stops the worker with a
 * sentence, not every row with the same error. */
static int
mail_open(struct sync_ctx *ctx, void **state)
{
	const struct config	*cfg = ctx->app->cfg;
	char			 name[MIME_NAME_MAX], addr[MIME_ADDR_MAX];
	struct smtp		*s;

	*state = NULL;
	if (mime_parse_mailbox(cfg->mail_from, name, sizeof(name), addr,
	    sizeof(addr)) == -1) {
		sync_fail(ctx, OUTBOX_FAIL, "CHARTER_MAIL_FROM must be an "
		    "address, or Name <address>");
		return -1;
	}
	s = smtp_new(cfg->smtp_url, LIMIT_OUT_SYNC_CONNECT_MS,
	    cfg->sync_timeout_ms, ctx->error, sizeof(ctx->error));
	if (s == NULL)
		return -1;
	log_info("mail: from %s through %s", addr, smtp_host(s));
	*state = s;
	return 0;
}

static void
mail_close(void *state)
{
	smtp_free(state);
}

/* The mail target's clock, for what a mail says about now. */
static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The crew member's calendar feed URL into data, as feed_url, for the
 * mail to link as the crew page does; without it the mail has no such
 * link (a feed of an older secret is staff's to rotate). */
static void
calendar_link(struct sync_ctx *ctx, long long crew_id, json_t *data)
{
	char url[LIMIT_FEED_URL];

	if (crew_feed_url(ctx->db, ctx->app->cfg, crew_id, url,
	    sizeof(url)) == DB_OK)
		json_object_set_new(data, "feed_url", json_string(url));
}

/*
 * An answer {outcome, link_id, crew_id, nonce, mail} of a crew link's mail
 * (invitation or reminder) as data: the mail, with the link's token made
 * again from its nonce under CHARTER_TOKEN_SECRET (templates see the
 * token, never the nonce) and *link_id. DB_NOT_FOUND for outcome gone;
 * DB_ERROR with *why.
 */
static int
with_link_token(struct sync_ctx *ctx, json_t *ans, json_t **data,
    long long *link_id, const char **why)
{
	char token[LIMIT_TOKEN_LEN + 1];

	if (strcmp(json_string_value(json_object_get(ans, "outcome")),
	    "ok") != 0)
		return DB_NOT_FOUND;
	if (crew_link_token(ctx->app->cfg, json_integer_value(
	    json_object_get(ans, "crew_id")), json_string_value(
	    json_object_get(ans, "nonce")), token) == -1) {
		*why = "the link's token cannot be made again: is "
		    "CHARTER_TOKEN_SECRET the one serve has?";
		return DB_ERROR;
	}
	*data = json_incref(json_object_get(ans, "mail"));
	json_object_set_new(*data, "token", json_string(token));
	calendar_link(ctx, json_integer_value(json_object_get(ans, "crew_id")),
	    *data);
	*link_id = json_integer_value(json_object_get(ans, "link_id"));
	OPENSSL_cleanse(token, sizeof(token));
	return DB_OK;
}

/* A crew link's invitation as it is now (payload link_id). DB_NOT_FOUND
 * when the link was revoked, has expired or was mailed already. */
static int
read_crew_link(struct sync_ctx *ctx, const struct outbox_job *job,
    json_t **data, long long *link_id, const char **why)
{
	json_t		*ans = NULL;
	long long	 id;
	int		 rc;

	id = json_integer_value(json_object_get(job->payload, "link_id"));
	if (id < 1)
		return DB_NOT_FOUND;
	if (db_crew_invitation_mail(ctx->db, id, now_us(),
	    (int)ctx->app->cfg->response_cutoff_h, &ans) != DB_OK) {
		*why = "cannot read the crew link";
		return DB_ERROR;
	}
	rc = with_link_token(ctx, ans, data, link_id, why);
	json_decref(ans);
	return rc;
}

/* A pending crew member's reminder, with their live link. DB_NOT_FOUND
 * when they answered or left, or the link went. */
static int
read_crew_reminder(struct sync_ctx *ctx, const struct outbox_job *job,
    json_t **data, long long *link_id, const char **why)
{
	json_t	*ans = NULL;
	int	 rc;

	if (db_crew_reminder_mail(ctx->db, job->booking_id, job->crew_id,
	    now_us(), (int)ctx->app->cfg->response_cutoff_h, &ans) != DB_OK) {
		*why = "cannot read the reminder";
		return DB_ERROR;
	}
	rc = with_link_token(ctx, ans, data, link_id, why);
	json_decref(ans);
	return rc;
}

/*
 * An open place offered to a crew member, as it stands now, with a new
 * offer link made for this mail: the token goes in the mail, its hash in
 * the database (crew_offer_links), the nonce nowhere. DB_NOT_FOUND when
 * there is nothing to offer any more (taken, gone, no longer for them).
 */
static int
read_crew_offer(struct sync_ctx *ctx, const struct outbox_job *job,
    json_t **data, const char **why)
{
	char		 token[LIMIT_TOKEN_LEN + 1], hash[65];
	json_t		*ans = NULL;
	long long	 slot;
	int		 rc = DB_NOT_FOUND;

	slot = json_integer_value(json_object_get(job->payload, "slot_id"));
	if (slot < 1)
		return DB_NOT_FOUND;
	if (db_crew_offer_mail(ctx->db, slot, job->crew_id, now_us(),
	    (int)ctx->app->cfg->response_cutoff_h, &ans) != DB_OK) {
		*why = "cannot read the offer";
		return DB_ERROR;
	}
	if (strcmp(json_string_value(json_object_get(ans, "outcome")),
	    "ok") != 0)
		goto out;
	rc = DB_ERROR;
	if (crew_offer_token_new(ctx->app->cfg, job->crew_id, token,
	    hash) == -1) {
		*why = "no offer link can be made: is CHARTER_TOKEN_SECRET set?";
		goto out;
	}
	if (db_crew_offer_link_add(ctx->db, job->id, job->crew_id,
	    job->booking_id, slot, hash, json_integer_value(
	    json_object_get(ans, "expires_at"))) != DB_OK) {
		*why = "cannot keep the offer's link";
		goto out;
	}
	*data = json_incref(json_object_get(ans, "mail"));
	json_object_set_new(*data, "token", json_string(token));
	calendar_link(ctx, json_integer_value(json_object_get(ans, "crew_id")),
	    *data);
	rc = DB_OK;
out:
	OPENSSL_cleanse(token, sizeof(token));
	json_decref(ans);
	return rc;
}

/* An operator's crewing mail: who declined (payload crew_id, offered),
 * or, for the alert, the booking while it is not fully crewed. */
static int
read_crewing(struct sync_ctx *ctx, const struct outbox_job *job, int alert,
    json_t **data, const char **why)
{
	int rc;

	rc = db_crewing_mail(ctx->db, job->booking_id, alert ? 0 :
	    json_integer_value(json_object_get(job->payload, "crew_id")),
	    json_integer_value(json_object_get(job->payload, "offered")),
	    alert, now_us(), data);
	if (rc == DB_ERROR)
		*why = "cannot read the booking's crewing";
	return rc;
}

/* Reads what kind k says about the job, as it is now; *why says why not,
 * *link_id the crew link the mail carries (0: none). */
static int
read_data(struct sync_ctx *ctx, const struct mail_kind *k,
    const struct outbox_job *job, json_t **data, long long *link_id,
    const char **why)
{
	int rc;

	*data = NULL;
	*link_id = 0;
	switch (k->source) {
	case MAIL_SRC_BOOKING:
		rc = db_mail_booking(ctx->db, job->booking_id, data);
		*why = rc == DB_NOT_FOUND ? "the booking is gone: nothing to "
		    "send" : "cannot read the booking";
		return rc;
	case MAIL_SRC_CREW_LINK:
		*why = "the link was revoked, has expired or was mailed "
		    "already: nothing to send";
		return read_crew_link(ctx, job, data, link_id, why);
	case MAIL_SRC_CREW_REMINDER:
		*why = "answered, off the charter, link gone or answers "
		    "closed: no reminder to send";
		return read_crew_reminder(ctx, job, data, link_id, why);
	case MAIL_SRC_CREW_OFFER:
		*why = "the place was taken or is gone, or is no longer "
		    "this crew member's to take: nothing to offer";
		return read_crew_offer(ctx, job, data, why);
	case MAIL_SRC_CREWING_DECLINED:
		*why = "the booking is gone: nothing to send";
		return read_crewing(ctx, job, 0, data, why);
	case MAIL_SRC_CREWING_ALERT:
		*why = "fully crewed, cancelled or departed: no alert to send";
		return read_crewing(ctx, job, 1, data, why);
	default:
		*why = "no source for this kind";
		return DB_ERROR;
	}
}

/* After a mail carrying a crew link went out: the link's nonce is erased
 * unless another mail still to be sent carries the link, so its token
 * can never be made again once the last one is out. */
static enum outbox_outcome
sent(struct sync_ctx *ctx, const struct outbox_job *job, long long link_id)
{
	if (link_id < 1 || db_crew_link_mailed(ctx->db, job->id, link_id) ==
	    DB_OK)
		return OUTBOX_OK;
	/* Sending again is worse: the nonce goes when the link is revoked. */
	return sync_fail(ctx, OUTBOX_OK, "sent, but the link's nonce could "
	    "not be erased");
}

/*
 * One mail: read its data at delivery (a retry tells what is true now),
 * compose it (kinds and templates: mail.c) and submit it. Nobody to send
 * to is settled as done with a note; a value no header may carry or a 5xx
 * reply is dead with the reason; the rest retries. SMTP has no
 * idempotency: a crash after the server took the mail and before the
 * row is settled sends it again, with the same Message-ID.
 */
static enum outbox_outcome
mail_deliver(struct sync_ctx *ctx, void *state, const struct outbox_job *job)
{
	const struct config	*cfg = ctx->app->cfg;
	const struct mail_kind	*k;
	struct mail_env		 env;
	struct mail_out		 out;
	json_t			*data = NULL;
	enum outbox_outcome	 rc;
	const char		*note = "";
	char			 why[sizeof(ctx->error)];
	long long		 link_id;

	if ((k = mail_kind_find(job->kind)) == NULL)
		return sync_fail(ctx, OUTBOX_FAIL, "no mail of kind %s",
		    job->kind);
	switch (read_data(ctx, k, job, &data, &link_id, &note)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return sync_fail(ctx, OUTBOX_OK, "%s", note);
	default:
		return sync_fail(ctx, OUTBOX_RETRY, "%s", note);
	}
	env.tmpl = ctx->app->tmpl;
	env.public_url = cfg->public_url;
	env.site_name = cfg->site_name;
	env.contact_email = cfg->contact_email;
	env.contact_phone = cfg->contact_phone;
	env.mail_from = cfg->mail_from;
	switch (mail_compose(&env, k, data, job->id, time(NULL), &out, why,
	    sizeof(why))) {
	case MAIL_OK:
		break;
	case MAIL_NOBODY:
		json_decref(data);
		return sync_fail(ctx, OUTBOX_OK, "%s", why);
	case MAIL_REFUSED:
		json_decref(data);
		return sync_fail(ctx, OUTBOX_FAIL, "%s", why);
	default:
		json_decref(data);
		return sync_fail(ctx, OUTBOX_RETRY, "%s", why);
	}
	json_decref(data);
	switch (smtp_send(state, out.from, out.to, out.message.data,
	    out.message.len, why, sizeof(why))) {
	case SMTP_SENT:
		rc = sent(ctx, job, link_id);
		break;
	case SMTP_REFUSED:
		rc = sync_fail(ctx, OUTBOX_FAIL, "%s", why);
		break;
	default:
		rc = sync_fail(ctx, OUTBOX_RETRY, "%s", why);
		break;
	}
	mail_out_free(&out);
	return rc;
}

const struct sync_target sync_mail_target = {
	.name = "mail",
	.enabled = mail_enabled,
	.open = mail_open,
	.deliver = mail_deliver,
	.close = mail_close,
};
