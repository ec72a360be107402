/* sync_publish.c: the publish target: the guest page as a flat file nginx serves */
#include <stdio.h>
#include <string.h>

#include "db_booking.h"
#include "publish.h"
#include "sync.h"
#include "view.h"

static int
publish_enabled(const struct config *cfg)
{
	return cfg->publish_dir != NULL && cfg->publish_dir[0] != '\0';
}

static int
publish_open(struct sync_ctx *ctx, void **state)
{
	(void)ctx;
	*state = NULL;
	return 0;
}

static void
publish_close(void *state)
{
	(void)state;
}

/*
 * Brings the published copy in line with the booking as it is now (not as
 * the row saw it: the newest state is what must be served): written while
 * the booking is live, removed once it is cancelled (charterd then answers
 * 410), and the previous slug's file removed after a rename.
 */
static enum outbox_outcome
publish_deliver(struct sync_ctx *ctx, void *state, const struct outbox_job *job)
{
	const char	*dir = ctx->app->cfg->publish_dir, *slug;
	char		 old[80] = "", err[256];
	struct buf	 page = { 0 };
	json_t		*view = NULL;
	enum outbox_outcome rc = OUTBOX_RETRY;
	int		 status;

	(void)state;
	switch (db_booking_guest_view_by_id(ctx->db, job->booking_id, &view)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return OUTBOX_OK;	/* deleted: nothing to serve */
	default:
		return sync_fail(ctx, OUTBOX_RETRY, "cannot read the booking");
	}
	slug = json_string_value(json_object_get(view, "slug"));
	if (db_sync_ref_get(ctx->db, "publish", job->booking_id, old,
	    sizeof(old)) == DB_ERROR) {
		sync_fail(ctx, OUTBOX_RETRY, "cannot read the last slug");
		goto out;
	}
	if (old[0] != '\0' && strcmp(old, slug) != 0 &&
	    publish_file_remove(dir, old, err, sizeof(err)) == -1) {
		sync_fail(ctx, OUTBOX_RETRY, "%s", err);
		goto out;
	}
	status = view_guest_page(ctx->app, view, &page);
	if (status == -1) {
		sync_fail(ctx, OUTBOX_RETRY, "the page could not be rendered");
		goto out;
	}
	if ((status == 410 ? publish_file_remove(dir, slug, err, sizeof(err)) :
	    publish_file_write(dir, slug, &page, err, sizeof(err))) == -1) {
		sync_fail(ctx, OUTBOX_RETRY, "%s", err);
		goto out;
	}
	if (db_sync_ref_put(ctx->db, "publish", job->booking_id, slug,
	    job->version) != DB_OK) {
		sync_fail(ctx, OUTBOX_RETRY, "cannot record the slug");
		goto out;
	}
	rc = OUTBOX_OK;
out:
	buf_free(&page);
	json_decref(view);
	return rc;
}

const struct sync_target sync_publish_target = {
	.name = "publish",
	.enabled = publish_enabled,
	.open = publish_open,
	.deliver = publish_deliver,
	.close = publish_close,
};
