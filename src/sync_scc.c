/* sync_scc.c: the SCC target: each booking as an event on ShipCaptainCrew, the crew-scheduling platform */
#include <stdlib.h>
#include <string.h>

#include "sync.h"
#include "sync_rest.h"

/*
 * What SCC may see is an allow-list over the crew projection (itself
 * without revenue, port fee or captain fee): a field added to the
 * projection reaches SCC only once it is named here. The slug is left out
 * on purpose: it opens the guest page and its photo upload.
 */
static const char *const scc_event_fields[] = {
	"vessel", "starts_at", "ends_at", "time_zone", "meeting_point",
	"party_size", "notes", NULL
};
static const char *const scc_crew_fields[] = {
	"name", "role", "captain", "status", "hourly_rate_cents", "hours", NULL
};
static const char *const scc_slot_fields[] = {
	"role", "count", "filled", "hourly_rate_cents", "hours", NULL
};

/* The projection's array key, each member cut down to fields, with its
 * id_key (crew_id, slot_id) as external_id. */
static json_t *
scc_list(const json_t *projection, const char *key, const char *const *fields,
    const char *id_key)
{
	json_t	*out, *one, *m, *id;
	size_t	 i;

	if ((out = json_array()) == NULL)
		return NULL;
	json_array_foreach(json_object_get(projection, key), i, m) {
		if (!json_is_object(m))
			continue;
		if ((one = json_object()) == NULL ||
		    json_array_append_new(out, one) == -1 ||
		    sync_rest_copy(one, m, fields) == -1)
			goto fail;
		id = json_object_get(m, id_key);
		if (json_is_integer(id) && json_object_set(one, "external_id",
		    id) == -1)
			goto fail;
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

json_t *
sync_scc_event(const json_t *projection, int cancelled)
{
	struct buf	 title = { 0 };
	json_t		*ev = NULL;
	const char	*status;
	int		 ok;

	if (!json_is_object(projection) || (ev = json_object()) == NULL)
		return NULL;
	status = json_string_value(json_object_get(projection, "status"));
	if (status != NULL && strcmp(status, "cancelled") == 0)
		cancelled = 1;
	ok = sync_rest_title(projection, &title) == 0 &&
	    json_object_set_new(ev, "title", json_string(buf_str(&title))) ==
	    0 && json_object_set_new(ev, "status", json_string(cancelled ?
	    "cancelled" : "confirmed")) == 0 &&
	    sync_rest_copy(ev, projection, scc_event_fields) == 0 &&
	    json_object_set_new(ev, "crew", scc_list(projection, "crew",
	    scc_crew_fields, "crew_id")) == 0 &&
	    json_object_set_new(ev, "open_slots", scc_list(projection,
	    "open_slots", scc_slot_fields, "slot_id")) == 0 &&
	    json_object_set_new(ev, "external_ref",
	    sync_rest_external_ref(projection)) == 0;
	buf_free(&title);
	if (!ok) {
		json_decref(ev);
		return NULL;
	}
	return ev;
}

static int
scc_enabled(const struct config *cfg)
{
	return cfg->scc_url != NULL && cfg->scc_url[0] != '\0';
}

/* The URL is API Gateway's: a CDN in front of SCC strips X-Service-Key. */
static int
scc_open(struct sync_ctx *ctx, void **state)
{
	const struct config *cfg = ctx->app->cfg;
	struct sync_rest *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		sync_fail(ctx, OUTBOX_FAIL, "out of memory");
		return -1;
	}
	r->target = "scc";
	r->who = "SCC";
	r->update_method = "PATCH";
	r->cancel_deletes = 0;
	r->auth_name = "X-Service-Key";
	r->auth_value = cfg->scc_service_key;
	r->auth_what = "service key";
	r->auth_setting = "CHARTER_SCC_SERVICE_KEY";
	if (sync_rest_open(ctx, r, cfg->scc_url, "/api/events") == -1) {
		free(r);
		return -1;
	}
	*state = r;
	return 0;
}

static void
scc_close(void *state)
{
	if (state == NULL)
		return;
	sync_rest_close(state);
	free(state);
}

/* Creates the event (POST /api/events), then PATCHes it; a cancel is a
 * PATCH with status "cancelled". */
static enum outbox_outcome
scc_deliver(struct sync_ctx *ctx, void *state, const struct outbox_job *job)
{
	enum outbox_outcome o;
	json_t		*ev;

	if (!json_is_object(job->payload))
		return sync_fail(ctx, OUTBOX_FAIL, "the outbox row holds no "
		    "crew projection");
	if ((ev = sync_scc_event(job->payload, strcmp(job->kind,
	    "booking.cancel") == 0)) == NULL)
		return sync_fail(ctx, OUTBOX_RETRY, "out of memory");
	o = sync_rest_deliver(ctx, state, job, ev);
	json_decref(ev);
	return o;
}

const struct sync_target sync_scc_target = {
	.name = "scc",
	.enabled = scc_enabled,
	.open = scc_open,
	.deliver = scc_deliver,
	.close = scc_close,
};
