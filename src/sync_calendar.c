/* sync_calendar.c: the calendar target: each booking as an entry on the internal JADA calendar */
#include <stdlib.h>
#include <string.h>

#include "sync.h"
#include "sync_rest.h"

/*
 * A calendar is seen by more people than the books: an allow-list over
 * the crew projection with no money and no rate of any kind.
 */
static const char *const cal_entry_fields[] = {
	"starts_at", "ends_at", "time_zone", "vessel", "party_size", "notes",
	NULL
};
static const char *const cal_crew_fields[] = {
	"name", "role", "captain", NULL
};

/* Who is on board: names, roles and the captain, without those who
 * declined (still in the projection for SCC, which tracks answers). */
static json_t *
cal_crew(const json_t *projection)
{
	json_t		*out, *one, *m;
	const char	*st;
	size_t		 i;

	if ((out = json_array()) == NULL)
		return NULL;
	json_array_foreach(json_object_get(projection, "crew"), i, m) {
		st = json_string_value(json_object_get(m, "status"));
		if (!json_is_object(m) || (st && strcmp(st, "declined") == 0))
			continue;
		if ((one = json_object()) == NULL ||
		    json_array_append_new(out, one) == -1 ||
		    sync_rest_copy(one, m, cal_crew_fields) == -1) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

json_t *
sync_calendar_entry(const json_t *projection, int cancelled)
{
	struct buf	 title = { 0 };
	json_t		*e = NULL, *where;
	const char	*status;
	int		 ok;

	if (!json_is_object(projection) || (e = json_object()) == NULL)
		return NULL;
	status = json_string_value(json_object_get(projection, "status"));
	if (status != NULL && strcmp(status, "cancelled") == 0)
		cancelled = 1;
	where = json_object_get(projection, "meeting_point");
	ok = sync_rest_title(projection, &title) == 0 &&
	    json_object_set_new(e, "title", json_string(buf_str(&title))) ==
	    0 && json_object_set_new(e, "status", json_string(cancelled ?
	    "cancelled" : "confirmed")) == 0 &&
	    sync_rest_copy(e, projection, cal_entry_fields) == 0 &&
	    json_object_set(e, "location", json_is_string(where) ? where :
	    json_null()) == 0 &&
	    json_object_set_new(e, "crew", cal_crew(projection)) == 0 &&
	    json_object_set_new(e, "external_ref",
	    sync_rest_external_ref(projection)) == 0;
	buf_free(&title);
	if (!ok) {
		json_decref(e);
		return NULL;
	}
	return e;
}

static int
cal_enabled(const struct config *cfg)
{
	return cfg->calendar_url != NULL && cfg->calendar_url[0] != '\0';
}

static int
cal_open(struct sync_ctx *ctx, void **state)
{
	const struct config *cfg = ctx->app->cfg;
	struct sync_rest *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		sync_fail(ctx, OUTBOX_FAIL, "out of memory");
		return -1;
	}
	r->target = "calendar";
	r->who = "the calendar";
	r->update_method = "PUT";
	r->cancel_deletes = 1;
	r->auth_name = "X-Dashboard-Token";
	r->auth_value = cfg->calendar_token;
	r->auth_what = "dashboard token";
	r->auth_setting = "CHARTER_CALENDAR_TOKEN";
	if (sync_rest_open(ctx, r, cfg->calendar_url, "/calendar") == -1) {
		free(r);
		return -1;
	}
	*state = r;
	return 0;
}

static void
cal_close(void *state)
{
	if (state == NULL)
		return;
	sync_rest_close(state);
	free(state);
}

/* Creates the entry (POST /calendar), then PUTs it whole; a cancel
 * deletes it. */
static enum outbox_outcome
cal_deliver(struct sync_ctx *ctx, void *state, const struct outbox_job *job)
{
	enum outbox_outcome o;
	json_t		*e;

	if (!json_is_object(job->payload))
		return sync_fail(ctx, OUTBOX_FAIL, "the outbox row holds no "
		    "crew projection");
	if ((e = sync_calendar_entry(job->payload, strcmp(job->kind,
	    "booking.cancel") == 0)) == NULL)
		return sync_fail(ctx, OUTBOX_RETRY, "out of memory");
	o = sync_rest_deliver(ctx, state, job, e);
	json_decref(e);
	return o;
}

const struct sync_target sync_calendar_target = {
	.name = "calendar",
	.enabled = cal_enabled,
	.open = cal_open,
	.deliver = cal_deliver,
	.close = cal_close,
};
