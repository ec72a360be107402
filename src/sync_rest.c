/* sync_rest.c: what the SCC and calendar targets share: an API that names a booking's record by the id it hands back */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "limits.h"
#include "log.h"
#include "sync_rest.h"
#include "utf8.h"

/* sync_refs holds either the record's id or, while a create may be on
 * its way, this prefix and the create's Idempotency-Key. */
#define REST_PENDING	"pending:"
#define REST_KEY_LEN	96	/* charterd-<booking>-v<version>-recreate */

/* One request's answer and what it means. */
struct rest_call {
	struct outbound_response resp;
	int		 rc;		/* outbound_request()'s */
};

int
sync_rest_open(struct sync_ctx *ctx, struct sync_rest *r, const char *base_url,
    const char *path)
{
	struct buf	 url = { 0 };
	size_t		 n;

	if (base_url == NULL || (strncmp(base_url, "http://", 7) != 0 &&
	    strncmp(base_url, "https://", 8) != 0)) {
		sync_fail(ctx, OUTBOX_FAIL, "%s: the URL is not http(s)://",
		    r->who);
		return -1;
	}
	if (r->auth_value == NULL || r->auth_value[0] == '\0') {
		sync_fail(ctx, OUTBOX_FAIL, "%s: %s is not set", r->who,
		    r->auth_setting);
		return -1;
	}
	n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	if (buf_append(&url, base_url, n) == -1 || buf_puts(&url, path) == -1 ||
	    (r->out = outbound_new(r->target, LIMIT_OUT_SYNC_CONNECT_MS,
	    ctx->app->cfg->sync_timeout_ms)) == NULL) {
		buf_free(&url);
		sync_fail(ctx, OUTBOX_FAIL, "%s: out of memory", r->who);
		return -1;
	}
	r->collection = url.data;	/* the buffer's memory is ours now */
	return 0;
}

void
sync_rest_close(struct sync_rest *r)
{
	outbound_free(r->out);
	r->out = NULL;
	free(r->collection);
	r->collection = NULL;
}

enum outbox_outcome
sync_http_outcome(long status)
{
	if (status >= 200 && status <= 299)
		return OUTBOX_OK;
	if (status == 0 || status == 408 || status == 425 || status == 429 ||
	    (status >= 500 && status <= 599))
		return OUTBOX_RETRY;
	return OUTBOX_FAIL;
}

int
sync_rest_id_ok(const char *s)
{
	size_t	 n;

	if (s == NULL || (n = strlen(s)) == 0 || n > LIMIT_SYNC_REF_LEN)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._~-") == n;
}

int
sync_rest_answer_id(const char *body, size_t len, char *id, size_t idlen)
{
	json_t		*root, *v;
	int		 rc = -1;

	if (body == NULL || (root = json_loadb(body, len, 0, NULL)) == NULL)
		return -1;
	v = json_object_get(root, "id");
	if (json_is_string(v))
		snprintf(id, idlen, "%s", json_string_value(v));
	else if (json_is_integer(v) && json_integer_value(v) >= 0)
		snprintf(id, idlen, "%lld", (long long)json_integer_value(v));
	else
		goto out;
	/* snprintf cut a long one: refused below, not used cut */
	if (json_is_string(v) && strlen(json_string_value(v)) >= idlen)
		goto out;
	rc = sync_rest_id_ok(id) ? 0 : -1;
out:
	json_decref(root);
	return rc;
}

/* Appends text with every occurrence of secret replaced. */
static int
rest_redact(struct buf *b, const char *text, size_t len, const char *secret)
{
	size_t	 slen = secret ? strlen(secret) : 0, i = 0;

	while (i < len) {
		if (slen > 0 && len - i >= slen &&
		    memcmp(text + i, secret, slen) == 0) {
			if (buf_puts(b, "[redacted]") == -1)
				return -1;
			i += slen;
		} else if (buf_putc(b, text[i++]) == -1)
			return -1;
	}
	return 0;
}

void
sync_rest_message(const char *body, size_t len, const char *secret,
    char *out, size_t outlen)
{
	struct buf	 b = { 0 };
	json_t		*root = NULL, *m;
	const char	*text = body;
	size_t		 i, n, valid;

	out[0] = '\0';
	if (body == NULL || len == 0 || outlen == 0)
		return;
	root = json_loadb(body, len, 0, NULL);
	if (json_is_object(root)) {
		m = json_object_get(root, "message");
		if (!json_is_string(m))
			m = json_object_get(root, "error");
		text = json_is_string(m) ? json_string_value(m) : "";
		len = strlen(text);
	}
	if (rest_redact(&b, text, len, secret) == -1)
		goto out;
	valid = utf8_valid(b.data ? b.data : "", b.len);
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		if (c < 0x20 || c == 0x7f)
			b.data[i] = ' ';
		else if (c >= 0x80 && !valid)
			b.data[i] = '?';
	}
	n = b.len < outlen - 1 ? b.len : outlen - 1;
	if (n > LIMIT_SYNC_MESSAGE_LEN)
		n = LIMIT_SYNC_MESSAGE_LEN;
	/* not in the middle of a character */
	while (n > 0 && n < b.len && ((unsigned char)b.data[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, buf_str(&b), n);
	out[n] = '\0';
out:
	buf_free(&b);
	json_decref(root);
}

int
sync_rest_copy(json_t *dst, const json_t *src, const char *const *keys)
{
	json_t	*v;

	for (; *keys != NULL; keys++) {
		v = json_object_get(src, *keys);
		if (v == NULL || json_is_object(v) || json_is_array(v))
			continue;
		if (json_object_set(dst, *keys, v) == -1)
			return -1;
	}
	return 0;
}

json_t *
sync_rest_external_ref(const json_t *projection)
{
	json_t	*ref;

	if ((ref = json_pack("{s:s}", "system", "charterd")) == NULL)
		return NULL;
	if (sync_rest_copy(ref, projection, (const char *const[]){
	    "booking_id", "version", NULL }) == -1) {
		json_decref(ref);
		return NULL;
	}
	return ref;
}

int
sync_rest_title(const json_t *projection, struct buf *out)
{
	const char	*vessel, *guest;

	vessel = json_string_value(json_object_get(projection, "vessel"));
	guest = json_string_value(json_object_get(projection, "guest_name"));
	if (buf_printf(out, "Charter: %s", vessel ? vessel : "") == -1)
		return -1;
	if (guest != NULL && guest[0] != '\0' &&
	    buf_printf(out, " \xe2\x80\x94 %s", guest) == -1)	/* em dash */
		return -1;
	return 0;
}

/* charterd-<booking>-v<version>-<what>: the same change, the same key. */
static void
rest_key(char key[REST_KEY_LEN], const struct outbox_job *job, const char *what)
{
	snprintf(key, REST_KEY_LEN, "charterd-%lld-v%d-%s", job->booking_id,
	    job->version, what);
}

/* One request: method on url (collection, or collection/id), with the
 * credential, key and body (NULL: none). */
static void
rest_send(struct sync_rest *r, const char *method, const char *id,
    const char *key, const char *body, struct rest_call *c)
{
	struct sigv4_header	 h[4];
	struct outbound_request	 rq;
	struct buf		 url = { 0 };
	size_t			 n = 0;

	h[n++] = (struct sigv4_header){ r->auth_name, r->auth_value };
	h[n++] = (struct sigv4_header){ "Accept", "application/json" };
	h[n++] = (struct sigv4_header){ "Idempotency-Key", key };
	if (body != NULL)
		h[n++] = (struct sigv4_header){ "Content-Type",
		    "application/json" };
	c->rc = -1;
	if (buf_puts(&url, r->collection) == -1 || (id != NULL &&
	    buf_printf(&url, "/%s", id) == -1)) {
		snprintf(c->resp.error, sizeof(c->resp.error), "out of memory");
		goto out;
	}
	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.url = buf_str(&url);
	rq.headers = h;
	rq.nheaders = n;
	rq.body = body;
	rq.body_len = body ? strlen(body) : 0;
	rq.body_max = LIMIT_SYNC_ANSWER_BYTES;
	c->rc = outbound_request(r->out, &rq, &c->resp);
out:
	buf_free(&url);
}

/* What an answer means for the row; the reason in ctx->error unless OK. */
static enum outbox_outcome
rest_judge(struct sync_ctx *ctx, struct sync_rest *r, const char *what,
    const struct rest_call *c)
{
	enum outbox_outcome	 o;
	char			 msg[LIMIT_SYNC_MESSAGE_LEN + 1];
	long			 st = c->resp.status;

	if (c->rc == -1)
		return sync_fail(ctx, OUTBOX_RETRY, "%s %s: %s", r->who, what,
		    c->resp.error);
	if ((o = sync_http_outcome(st)) == OUTBOX_OK)
		return OUTBOX_OK;
	sync_rest_message(c->resp.body.data, c->resp.body.len, r->auth_value,
	    msg, sizeof(msg));
	if (st == 401 || st == 403)
		return sync_fail(ctx, OUTBOX_FAIL, "%s refused the %s (%ld to "
		    "the %s%s%s); check %s", r->who, r->auth_what, st, what,
		    msg[0] ? ": " : "", msg, r->auth_setting);
	return sync_fail(ctx, o, "%s answered %ld to the %s%s%s", r->who, st,
	    what, msg[0] ? ": " : "", msg);
}

/* Records where the booking is now; RETRY when the database failed. */
static enum outbox_outcome
rest_remember(struct sync_ctx *ctx, struct sync_rest *r,
    const struct outbox_job *job, const char *ref)
{
	if (db_sync_ref_put(ctx->db, r->target, job->booking_id, ref,
	    job->version) != DB_OK)
		return sync_fail(ctx, OUTBOX_RETRY, "cannot record the %s id",
		    r->who);
	return OUTBOX_OK;
}

/*
 * Brings the record id in line with body: an update, or on cancel a
 * DELETE where the API wants one (404: already gone, which is fine).
 * *missing is set when an update found no such record. again: the update
 * that follows a resumed create, under a key of its own (the plain one
 * may have had its 404 kept by the API, which would answer it again).
 */
static enum outbox_outcome
rest_update(struct sync_ctx *ctx, struct sync_rest *r,
    const struct outbox_job *job, const char *id, const char *body,
    int cancel, int again, int *missing)
{
	struct rest_call	 c;
	enum outbox_outcome	 o;
	char			 key[REST_KEY_LEN];
	int			 del = cancel && r->cancel_deletes;

	memset(&c, 0, sizeof(c));
	*missing = 0;
	rest_key(key, job, cancel ? (again ? "cancel-again" : "cancel") :
	    (again ? "upsert-again" : "upsert"));
	rest_send(r, del ? "DELETE" : r->update_method, id, key,
	    del ? NULL : body, &c);
	if (c.rc == 0 && c.resp.status == 404) {
		*missing = !cancel;
		o = OUTBOX_OK;	/* on cancel: nothing left to cancel */
	} else if ((o = rest_judge(ctx, r, del ? "delete" : "update", &c)) ==
	    OUTBOX_OK)
		o = rest_remember(ctx, r, job, id);
	outbound_response_free(&c.resp);
	return o;
}

/*
 * Makes the record with the Idempotency-Key key, marked in sync_refs
 * first unless resumed (a marked create from an earlier try: its answer,
 * given again, may be that of an older body, so an update follows).
 */
static enum outbox_outcome
rest_create(struct sync_ctx *ctx, struct sync_rest *r,
    const struct outbox_job *job, const char *body, const char *key,
    int resumed, int cancel)
{
	struct rest_call	 c;
	enum outbox_outcome	 o;
	char			 mark[sizeof(REST_PENDING) + REST_KEY_LEN];
	char			 id[LIMIT_SYNC_REF_LEN + 1];
	int			 missing;

	memset(&c, 0, sizeof(c));
	snprintf(mark, sizeof(mark), "%s%s", REST_PENDING, key);
	if (!resumed && (o = rest_remember(ctx, r, job, mark)) != OUTBOX_OK)
		return o;
	rest_send(r, "POST", NULL, key, body, &c);
	if ((o = rest_judge(ctx, r, "create", &c)) != OUTBOX_OK)
		goto out;
	if (sync_rest_answer_id(c.resp.body.data, c.resp.body.len, id,
	    sizeof(id)) == -1) {
		o = sync_fail(ctx, OUTBOX_FAIL, "%s answered %ld to the create "
		    "without a usable id", r->who, c.resp.status);
		goto out;
	}
	if ((o = rest_remember(ctx, r, job, id)) != OUTBOX_OK || !resumed)
		goto out;
	o = rest_update(ctx, r, job, id, body, cancel, 1, &missing);
	if (o == OUTBOX_OK && missing)
		o = sync_fail(ctx, OUTBOX_RETRY, "%s lost the record it had "
		    "just made", r->who);
out:
	outbound_response_free(&c.resp);
	return o;
}

enum outbox_outcome
sync_rest_deliver(struct sync_ctx *ctx, struct sync_rest *r,
    const struct outbox_job *job, const json_t *record)
{
	char		 ref[sizeof(REST_PENDING) + REST_KEY_LEN +
			     LIMIT_SYNC_REF_LEN];
	char		 key[REST_KEY_LEN], *body = NULL;
	const char	*resume;
	enum outbox_outcome o;
	int		 cancel, missing = 0, held = 0;

	if (strcmp(job->kind, "booking.upsert") != 0 &&
	    strcmp(job->kind, "booking.cancel") != 0)
		return sync_fail(ctx, OUTBOX_FAIL, "%s takes no %s", r->who,
		    job->kind);
	cancel = strcmp(job->kind, "booking.cancel") == 0;
	switch (db_sync_ref_get(ctx->db, r->target, job->booking_id, ref,
	    sizeof(ref), &held)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		ref[0] = '\0';
		break;
	default:
		return sync_fail(ctx, OUTBOX_RETRY, "cannot read the %s id",
		    r->who);
	}
	/*
	 * The API keeps no versions: an older change sent after a newer one
	 * (a dead row retried from the API after later changes went through)
	 * would undo them. Settled as done, unsent, with a note.
	 */
	if (ref[0] != '\0' && held > job->version)
		return sync_fail(ctx, OUTBOX_OK, "%s holds version %d, newer "
		    "than %d: nothing sent", r->who, held, job->version);
	if ((body = json_dumps(record, JSON_COMPACT)) == NULL)
		return sync_fail(ctx, OUTBOX_RETRY, "out of memory");
	resume = strncmp(ref, REST_PENDING, strlen(REST_PENDING)) == 0 ?
	    ref + strlen(REST_PENDING) : NULL;
	if (ref[0] != '\0' && resume == NULL && !sync_rest_id_ok(ref))
		o = sync_fail(ctx, OUTBOX_FAIL, "the stored %s id is not "
		    "usable", r->who);
	else if (resume != NULL)
		o = rest_create(ctx, r, job, body, resume, 1, cancel);
	else if (ref[0] == '\0' && cancel)
		o = OUTBOX_OK;	/* never made there: nothing to cancel */
	else if (ref[0] == '\0') {
		rest_key(key, job, "create");
		o = rest_create(ctx, r, job, body, key, 0, cancel);
	} else if ((o = rest_update(ctx, r, job, ref, body, cancel, 0,
	    &missing)) == OUTBOX_OK && missing) {
		/* gone at the API (deleted there): made again, under a key
		 * of its own so that the first create's answer is not it */
		log_info("%s: booking %lld's record %s is gone; making it "
		    "again", r->target, job->booking_id, ref);
		rest_key(key, job, "recreate");
		o = rest_create(ctx, r, job, body, key, 0, cancel);
	}
	free(body);
	return o;
}
