/* sync_dynamo.c: the DynamoDB target: the crew projection as versioned items, one per booking and one per assignment */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db_outbox.h"
#include "dynamo.h"
#include "dynamo_json.h"
#include "limits.h"
#include "log.h"
#include "sync.h"
#include "sync_dynamo.h"

/*
 * Every write is conditional on the version, so an older state never
 * overwrites a newer one and a repeated delivery changes nothing.
 */
#define PUT_CONDITION		"attribute_not_exists(pk) OR version < :v"
#define WITHDRAW_CONDITION	"attribute_exists(pk) AND version < :v"
#define KEY_MAX			32	/* "booking#<id>", "crew#<id>" */

/* Booking context copied into each assignment's item. */
static const char *const crew_context[] = {
	"starts_at", "ends_at", "time_zone", "vessel", NULL
};

/* Takes v's reference; 0 or -1. */
static int
set_typed(json_t *item, const char *name, const char *type, json_t *v)
{
	json_t	*av;

	if (v == NULL || (av = json_object()) == NULL) {
		json_decref(v);
		return -1;
	}
	if (json_object_set_new(av, type, v) == -1) {
		json_decref(av);
		return -1;
	}
	return json_object_set_new(item, name, av);
}

static int
set_s(json_t *item, const char *name, const char *s)
{
	return set_typed(item, name, "S", json_string(s));
}

static int
set_n(json_t *item, const char *name, long long n)
{
	char	 num[24];

	snprintf(num, sizeof(num), "%lld", n);
	return set_typed(item, name, "N", json_string(num));
}

/* pk, sk, booking_id and version: what every item has. */
static int
set_keys(json_t *item, long long booking_id, const char *sk, int version)
{
	char	 pk[KEY_MAX];

	snprintf(pk, sizeof(pk), "booking#%lld", booking_id);
	return set_s(item, "pk", pk) == -1 || set_s(item, "sk", sk) == -1 ||
	    set_n(item, "booking_id", booking_id) == -1 ||
	    set_n(item, "version", version) == -1 ? -1 : 0;
}

json_t *
sync_dynamo_event_item(const json_t *projection, long long booking_id,
    int version, int cancelled)
{
	json_t	*item;

	if ((item = dynamo_json_item(projection)) == NULL)
		return NULL;
	if (set_keys(item, booking_id, "event", version) == -1 ||
	    (cancelled && set_s(item, "status", "cancelled") == -1)) {
		json_decref(item);
		return NULL;
	}
	return item;
}

json_t *
sync_dynamo_crew_item(const json_t *projection, const json_t *crew,
    long long booking_id, int version, int cancelled)
{
	json_t		*item, *v;
	const char	*status;
	char		 sk[KEY_MAX];
	json_int_t	 crew_id;
	size_t		 i;

	crew_id = json_integer_value(json_object_get(crew, "crew_id"));
	if (crew_id <= 0 || (item = dynamo_json_item(crew)) == NULL)
		return NULL;
	snprintf(sk, sizeof(sk), "crew#%lld", (long long)crew_id);
	status = cancelled ? "cancelled" :
	    json_string_value(json_object_get(projection, "status"));
	if (set_keys(item, booking_id, sk, version) == -1 ||
	    (status != NULL && set_s(item, "booking_status", status) == -1))
		goto fail;
	for (i = 0; crew_context[i] != NULL; i++) {
		if ((v = json_object_get(projection, crew_context[i])) == NULL)
			continue;
		if (json_object_set_new(item, crew_context[i],
		    dynamo_json_value(v)) == -1)
			goto fail;
	}
	return item;
fail:
	json_decref(item);
	return NULL;
}

/* -- the target ----------------------------------------------------------- */

static int
dyn_enabled(const struct config *cfg)
{
	return cfg->dynamo_table != NULL;
}

static int
dyn_open(struct sync_ctx *ctx, void **state)
{
	struct dynamo	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		sync_fail(ctx, OUTBOX_RETRY, "out of memory");
		return -1;
	}
	if (dynamo_open(d, ctx->app->cfg, LIMIT_OUT_SYNC_CONNECT_MS,
	    ctx->app->cfg->sync_timeout_ms, ctx->error,
	    sizeof(ctx->error)) == -1) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

static void
dyn_close(void *state)
{
	struct dynamo	*d = state;

	if (d == NULL)
		return;
	dynamo_close(d);
	free(d);
}

/* A call's outcome as the outbox records it; a failed condition counts as
 * done (a newer or the same version is there). */
static enum outbox_outcome
settle(struct sync_ctx *ctx, const struct dynamo_result *res)
{
	switch (res->outcome) {
	case DYNAMO_OK:
	case DYNAMO_CONDITION:
		return OUTBOX_OK;
	case DYNAMO_RETRY:
		return sync_fail(ctx, OUTBOX_RETRY, "%s", res->error);
	case DYNAMO_FAIL:
		break;
	}
	return sync_fail(ctx, OUTBOX_FAIL, "%s", res->error);
}

/* {"pk": {"S": "booking#<id>"}, "sk": {"S": sk}} */
static json_t *
item_key(long long booking_id, const char *sk)
{
	char	 pk[KEY_MAX];

	snprintf(pk, sizeof(pk), "booking#%lld", booking_id);
	return json_pack("{s:{s:s}, s:{s:s}}", "pk", "S", pk, "sk", "S", sk);
}

/* PutItem of item unless a version as new is there (*kept = 1 then). */
static enum outbox_outcome
put_item(struct sync_ctx *ctx, struct dynamo *d, json_t *item, int version,
    int *kept)
{
	struct dynamo_result res;
	enum outbox_outcome rc;
	json_t		*req;
	char		 v[16];

	snprintf(v, sizeof(v), "%d", version);
	req = json_pack("{s:s, s:O, s:s, s:{s:{s:s}}}", "TableName", d->table,
	    "Item", item, "ConditionExpression", PUT_CONDITION,
	    "ExpressionAttributeValues", ":v", "N", v);
	if (req == NULL)
		return sync_fail(ctx, OUTBOX_RETRY, "out of memory");
	dynamo_call(d, "PutItem", req, &res);
	json_decref(req);
	*kept = res.outcome == DYNAMO_CONDITION;
	rc = settle(ctx, &res);
	dynamo_result_free(&res);
	return rc;
}

/* The version of the booking's item as stored now (a consistent read). */
static enum outbox_outcome
stored_version(struct sync_ctx *ctx, struct dynamo *d, long long booking_id,
    long long *version)
{
	struct dynamo_result res;
	enum outbox_outcome rc;
	json_t		*req;

	req = json_pack("{s:s, s:o, s:b, s:s}", "TableName", d->table,
	    "Key", item_key(booking_id, "event"), "ConsistentRead", 1,
	    "ProjectionExpression", "version");
	if (req == NULL)
		return sync_fail(ctx, OUTBOX_RETRY, "out of memory");
	dynamo_call(d, "GetItem", req, &res);
	json_decref(req);
	if ((rc = settle(ctx, &res)) == OUTBOX_OK &&
	    dynamo_json_attr_int(json_object_get(res.answer, "Item"),
	    "version", version) == -1)
		rc = sync_fail(ctx, OUTBOX_RETRY, "GetItem: the booking's "
		    "item has no version");
	dynamo_result_free(&res);
	return rc;
}

/* 1 when the projection lists the crew member whose item has key sk. */
static int
crew_listed(const json_t *projection, const char *sk)
{
	json_t	*c;
	size_t	 i;
	char	 want[KEY_MAX];

	json_array_foreach(json_object_get(projection, "crew"), i, c) {
		snprintf(want, sizeof(want), "crew#%lld", (long long)
		    json_integer_value(json_object_get(c, "crew_id")));
		if (strcmp(want, sk) == 0)
			return 1;
	}
	return 0;
}

/* Marks one assignment's item withdrawn at version (kept as history). */
static enum outbox_outcome
withdraw(struct sync_ctx *ctx, struct dynamo *d, long long booking_id,
    const char *sk, int version)
{
	struct dynamo_result res;
	enum outbox_outcome rc;
	json_t		*req;
	char		 v[16];

	snprintf(v, sizeof(v), "%d", version);
	req = json_pack("{s:s, s:o, s:s, s:s, s:{s:s}, s:{s:{s:s}, s:{s:s}}}",
	    "TableName", d->table, "Key", item_key(booking_id, sk),
	    "UpdateExpression", "SET #s = :w, version = :v",
	    "ConditionExpression", WITHDRAW_CONDITION,
	    "ExpressionAttributeNames", "#s", "status",
	    "ExpressionAttributeValues", ":w", "S", "withdrawn", ":v", "N", v);
	if (req == NULL)
		return sync_fail(ctx, OUTBOX_RETRY, "out of memory");
	dynamo_call(d, "UpdateItem", req, &res);
	json_decref(req);
	rc = settle(ctx, &res);
	dynamo_result_free(&res);
	return rc;
}

/*
 * The booking's assignment items that the projection no longer lists
 * (the crew member withdrew or was taken off) are marked withdrawn, as
 * DynamoDB has them: one Query page after another. For when sync_refs
 * does not say which items the last delivery wrote.
 */
static enum outbox_outcome
withdraw_queried(struct sync_ctx *ctx, struct dynamo *d,
    const struct outbox_job *job)
{
	struct dynamo_result res;
	enum outbox_outcome rc = OUTBOX_OK;
	json_t		*req, *it, *start = NULL;
	const char	*sk, *st;
	char		 pk[KEY_MAX];
	size_t		 i;
	int		 page;

	snprintf(pk, sizeof(pk), "booking#%lld", job->booking_id);
	memset(&res, 0, sizeof(res));
	for (page = 0; page < LIMIT_DYNAMO_PAGES; page++) {
		req = json_pack("{s:s, s:s, s:s, s:{s:s}, s:{s:{s:s}, s:{s:s}},"
		    " s:b}", "TableName", d->table,
		    "KeyConditionExpression", "pk = :pk AND begins_with(sk, :c)",
		    "ProjectionExpression", "sk, #s",
		    "ExpressionAttributeNames", "#s", "status",
		    "ExpressionAttributeValues", ":pk", "S", pk, ":c", "S",
		    "crew#", "ConsistentRead", 1);
		if (req == NULL || (start != NULL && json_object_set(req,
		    "ExclusiveStartKey", start) == -1)) {
			json_decref(req);
			rc = sync_fail(ctx, OUTBOX_RETRY, "out of memory");
			goto out;
		}
		dynamo_call(d, "Query", req, &res);
		json_decref(req);
		if ((rc = settle(ctx, &res)) != OUTBOX_OK)
			goto out;
		json_array_foreach(json_object_get(res.answer, "Items"), i,
		    it) {
			sk = dynamo_json_attr_str(it, "sk");
			st = dynamo_json_attr_str(it, "status");
			if (sk == NULL || crew_listed(job->payload, sk) ||
			    (st != NULL && strcmp(st, "withdrawn") == 0))
				continue;
			if ((rc = withdraw(ctx, d, job->booking_id, sk,
			    job->version)) != OUTBOX_OK)
				goto out;
		}
		json_decref(start);
		if ((start = json_object_get(res.answer, "LastEvaluatedKey"))
		    == NULL)
			goto out;
		json_incref(start);
		dynamo_result_free(&res);
	}
	rc = sync_fail(ctx, OUTBOX_RETRY, "Query: more than %d pages of "
	    "crew items", LIMIT_DYNAMO_PAGES);
out:
	json_decref(start);
	dynamo_result_free(&res);
	return rc;
}

/* The same, for the crew ids the last delivery wrote (sync_refs). */
static enum outbox_outcome
withdraw_known(struct sync_ctx *ctx, struct dynamo *d,
    const struct outbox_job *job, const json_t *before)
{
	enum outbox_outcome rc;
	json_t		*id;
	char		 sk[KEY_MAX];
	size_t		 i;

	json_array_foreach(before, i, id) {
		snprintf(sk, sizeof(sk), "crew#%lld",
		    (long long)json_integer_value(id));
		if (crew_listed(job->payload, sk))
			continue;
		if ((rc = withdraw(ctx, d, job->booking_id, sk,
		    job->version)) != OUTBOX_OK)
			return rc;
	}
	return OUTBOX_OK;
}

json_t *
sync_dynamo_ref_parse(const char *ref)
{
	json_t		*ids;
	char		*end;
	long long	 n;

	if (ref == NULL || strncmp(ref, "crew:", 5) != 0)
		return NULL;
	if ((ids = json_array()) == NULL)
		return NULL;
	for (ref += 5; *ref != ';'; ref = end + (*end == ',')) {
		if (*ref < '1' || *ref > '9')
			goto bad;
		errno = 0;
		n = strtoll(ref, &end, 10);
		if (errno != 0 || (*end != ',' && *end != ';') || (*end == ',' &&
		    end[1] == ';') || json_array_append_new(ids,
		    json_integer(n)) == -1)
			goto bad;
	}
	if (ref[1] != '\0')
		goto bad;
	return ids;
bad:
	json_decref(ids);
	return NULL;
}

int
sync_dynamo_ref_format(const json_t *projection, struct buf *out)
{
	json_t		*c;
	json_int_t	 id;
	size_t		 i;

	if (buf_puts(out, "crew:") == -1)
		return -1;
	json_array_foreach(json_object_get(projection, "crew"), i, c) {
		if ((id = json_integer_value(json_object_get(c, "crew_id"))) <=
		    0)
			return -1;
		if (buf_printf(out, "%s%lld", i ? "," : "", (long long)id) ==
		    -1)
			return -1;
	}
	return buf_putc(out, ';');
}

/* Writes one item per assignment the projection lists. */
static enum outbox_outcome
put_crew(struct sync_ctx *ctx, struct dynamo *d, const struct outbox_job *job,
    int cancelled)
{
	enum outbox_outcome rc = OUTBOX_OK;
	json_t		*item, *c;
	size_t		 i;
	int		 kept;

	json_array_foreach(json_object_get(job->payload, "crew"), i, c) {
		item = sync_dynamo_crew_item(job->payload, c, job->booking_id,
		    job->version, cancelled);
		if (item == NULL)
			return sync_fail(ctx, OUTBOX_FAIL, "crew[%zu] cannot "
			    "be stored as a DynamoDB item", i);
		rc = put_item(ctx, d, item, job->version, &kept);
		json_decref(item);
		if (rc != OUTBOX_OK)
			return rc;
	}
	return rc;
}

/*
 * Writes the booking's item. When its condition fails, a version as new
 * is there: a newer one means this row is history (*history = 1: done,
 * and nothing else may be written, so an old replay cannot bring back a
 * crew member taken off since); the same one means a repeat, which goes
 * on to the crew.
 */
static enum outbox_outcome
put_event(struct sync_ctx *ctx, struct dynamo *d, const struct outbox_job *job,
    int cancelled, int *history)
{
	enum outbox_outcome rc;
	json_t		*item;
	long long	 stored = 0;
	int		 kept = 0;

	*history = 0;
	item = sync_dynamo_event_item(job->payload, job->booking_id,
	    job->version, cancelled);
	if (item == NULL)
		return sync_fail(ctx, OUTBOX_FAIL, "the crew projection cannot "
		    "be stored as a DynamoDB item");
	rc = put_item(ctx, d, item, job->version, &kept);
	json_decref(item);
	if (rc != OUTBOX_OK || !kept)
		return rc;
	if ((rc = stored_version(ctx, d, job->booking_id, &stored)) !=
	    OUTBOX_OK)
		return rc;
	if (stored > job->version) {
		log_info("booking %lld: DynamoDB holds version %lld, newer than "
		    "%d: nothing written", job->booking_id, stored,
		    job->version);
		*history = 1;
	} else if (stored < job->version)
		/* changed between the two calls: look again later */
		return sync_fail(ctx, OUTBOX_RETRY, "PutItem: condition failed, "
		    "yet version %lld is stored", stored);
	return OUTBOX_OK;
}

/* The crew ids the last delivery wrote, from sync_refs: *before is NULL
 * when there is no usable record (DynamoDB is asked then). */
static enum outbox_outcome
crew_before(struct sync_ctx *ctx, const struct outbox_job *job,
    json_t **before)
{
	char	 was[LIMIT_DYNAMO_REF];

	*before = NULL;
	switch (db_sync_ref_get(ctx->db, "dynamo", job->booking_id, was,
	    sizeof(was), NULL)) {
	case DB_OK:
		*before = sync_dynamo_ref_parse(was);
		return OUTBOX_OK;
	case DB_NOT_FOUND:
		return OUTBOX_OK;
	default:
		return sync_fail(ctx, OUTBOX_RETRY, "cannot read sync_refs");
	}
}

/*
 * The booking's item first (see put_event), then the assignments' items,
 * then those of crew no longer listed are marked withdrawn: which ones,
 * sync_refs says (the ids the last delivery wrote); without it DynamoDB
 * is asked, unless this is version 1. Last, sync_refs is brought up to
 * date.
 */
static enum outbox_outcome
dyn_deliver(struct sync_ctx *ctx, void *state, const struct outbox_job *job)
{
	struct dynamo	*d = state;
	enum outbox_outcome rc;
	struct buf	 ref = { 0 };
	json_t		*before = NULL;
	int		 cancelled, history;

	cancelled = strcmp(job->kind, "booking.cancel") == 0;
	if (!cancelled && strcmp(job->kind, "booking.upsert") != 0)
		return sync_fail(ctx, OUTBOX_FAIL, "no DynamoDB item for %s",
		    job->kind);
	if (sync_dynamo_ref_format(job->payload, &ref) == -1) {
		rc = sync_fail(ctx, OUTBOX_FAIL, "a crew entry has no crew_id");
		goto out;
	}
	if ((rc = crew_before(ctx, job, &before)) != OUTBOX_OK ||
	    (rc = put_event(ctx, d, job, cancelled, &history)) != OUTBOX_OK ||
	    history ||
	    (rc = put_crew(ctx, d, job, cancelled)) != OUTBOX_OK)
		goto out;
	if (before != NULL)
		rc = withdraw_known(ctx, d, job, before);
	else if (job->version > 1)
		rc = withdraw_queried(ctx, d, job);
	if (rc == OUTBOX_OK && db_sync_ref_put(ctx->db, "dynamo",
	    job->booking_id, buf_str(&ref), job->version) != DB_OK)
		rc = sync_fail(ctx, OUTBOX_RETRY, "cannot record the crew "
		    "written in sync_refs");
out:
	buf_free(&ref);
	json_decref(before);
	return rc;
}

const struct sync_target sync_dynamo_target = {
	.name = "dynamo",
	.enabled = dyn_enabled,
	.open = dyn_open,
	.deliver = dyn_deliver,
	.close = dyn_close,
};
