/* sync_publish.c: the publish target: the guest page as a flat file, or in the site's S3 bucket with a CloudFront invalidation */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cloudfront.h"
#include "db_booking.h"
#include "limits.h"
#include "outbound.h"
#include "publish.h"
#include "s3.h"
#include "sync.h"
#include "valid.h"
#include "view.h"

#define PAGE_CONTENT_TYPE	"text/html; charset=utf-8"
/*
 * The page changes (an edit, a rename, a cancel) and must not be served
 * stale from a browser or an edge: "no-cache" lets both keep it but
 * revalidate every time, which costs a 304 against the ETag S3 gives
 * the object. The invalidation still matters where a distribution's
 * minimum TTL overrides this, and for copies taken before a change.
 */
#define PAGE_CACHE_CONTROL	"no-cache"

struct publish_state {
	struct s3_config	 site;	/* site.bucket NULL: the folder */
	struct cloudfront_config cdn;	/* cdn.distribution NULL: none */
};

static int
publish_enabled(const struct config *cfg)
{
	return (cfg->site_bucket != NULL && cfg->site_bucket[0] != '\0') ||
	    (cfg->publish_dir != NULL && cfg->publish_dir[0] != '\0');
}

static void
publish_close(void *state)
{
	struct publish_state *st = state;

	if (st == NULL)
		return;
	outbound_free(st->site.out);
	outbound_free(st->cdn.out);
	free(st);
}

/* The S3 bucket and the CloudFront distribution, when configured: one
 * kept-alive connection to each. */
static int
publish_open(struct sync_ctx *ctx, void **state)
{
	const struct config	*cfg = ctx->app->cfg;
	struct publish_state	*st;

	*state = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		sync_fail(ctx, OUTBOX_FAIL, "out of memory");
		return -1;
	}
	if ((cfg->site_bucket || cfg->cloudfront_distribution) &&
	    (cfg->aws_access_key == NULL || cfg->aws_secret_key == NULL)) {
		sync_fail(ctx, OUTBOX_FAIL, "CHARTER_SITE_BUCKET and "
		    "CHARTER_CLOUDFRONT_DISTRIBUTION need AWS_ACCESS_KEY_ID "
		    "and AWS_SECRET_ACCESS_KEY");
		goto fail;
	}
	if (cfg->site_bucket != NULL) {
		st->site.endpoint = cfg->site_endpoint;
		st->site.bucket = cfg->site_bucket;
		st->site.region = cfg->aws_region;
		st->site.access_key = cfg->aws_access_key;
		st->site.secret_key = cfg->aws_secret_key;
		st->site.session_token = cfg->aws_session_token;
		/* As the photo store: a local peer wants paths. */
		st->site.path_style = cfg->site_endpoint != NULL;
		if ((st->site.out = outbound_new("site", LIMIT_OUT_SYNC_CONNECT_MS,
		    cfg->sync_timeout_ms)) == NULL) {
			sync_fail(ctx, OUTBOX_FAIL, "no HTTP client for the site");
			goto fail;
		}
	}
	if (cfg->cloudfront_distribution != NULL) {
		st->cdn.endpoint = cfg->cloudfront_endpoint;
		st->cdn.distribution = cfg->cloudfront_distribution;
		st->cdn.access_key = cfg->aws_access_key;
		st->cdn.secret_key = cfg->aws_secret_key;
		st->cdn.session_token = cfg->aws_session_token;
		if ((st->cdn.out = outbound_new("cloudfront",
		    LIMIT_OUT_SYNC_CONNECT_MS, cfg->sync_timeout_ms)) == NULL) {
			sync_fail(ctx, OUTBOX_FAIL, "no HTTP client for CloudFront");
			goto fail;
		}
	}
	*state = st;
	return 0;
fail:
	publish_close(st);
	return -1;
}

/* "g/<slug>.html", the object's key; -1 for a slug of another shape. */
static int
page_key(const char *slug, char *key, size_t len)
{
	if (!valid_slug(slug) ||
	    (size_t)snprintf(key, len, "g/%s.html", slug) >= len)
		return -1;
	return 0;
}

/*
 * Stores the page under slug. The folder keeps live pages only: a
 * cancelled one is removed and charterd's own 410 page answers behind
 * nginx. A static S3 site has nothing behind it, so there the cancelled
 * page itself is stored: a guest following the link reads that the
 * charter was cancelled and whom to call, not the bucket's bare 403/404.
 *
 * Every refusal of the store is retried: a page we build is never wrong
 * for it, so a 4xx means a setting (bucket, credentials, policy) or the
 * clock, and once that is put right the waiting rows go through by
 * themselves; until then they back off and, after the last attempt, lie
 * dead with the store's answer in last_error.
 */
static enum outbox_outcome
put_page(struct sync_ctx *ctx, const struct publish_state *st,
    const char *slug, const struct buf *page, int status, time_t now)
{
	const char	*dir = ctx->app->cfg->publish_dir;
	char		 key[96], err[256];
	struct s3_answer ans;

	if (st->site.bucket == NULL) {
		if ((status == 410 ? publish_file_remove(dir, slug, err,
		    sizeof(err)) : publish_file_write(dir, slug, page, err,
		    sizeof(err))) == -1)
			return sync_fail(ctx, OUTBOX_RETRY, "%s", err);
		return OUTBOX_OK;
	}
	if (page_key(slug, key, sizeof(key)) == -1)
		return sync_fail(ctx, OUTBOX_FAIL, "no object key for this slug");
	if (s3_put_object(&st->site, key, PAGE_CONTENT_TYPE,
	    PAGE_CACHE_CONTROL, page->data, page->len, now, &ans) == -1)
		return sync_fail(ctx, OUTBOX_RETRY, "site store: PUT %s: %s",
		    key, ans.reason);
	return OUTBOX_OK;
}

/* Removes what was published under an older slug. */
static enum outbox_outcome
drop_page(struct sync_ctx *ctx, const struct publish_state *st,
    const char *slug, time_t now)
{
	char		 key[96], err[256];
	struct s3_answer ans;

	if (st->site.bucket == NULL) {
		if (publish_file_remove(ctx->app->cfg->publish_dir, slug, err,
		    sizeof(err)) == -1)
			return sync_fail(ctx, OUTBOX_RETRY, "%s", err);
		return OUTBOX_OK;
	}
	if (page_key(slug, key, sizeof(key)) == -1)
		return sync_fail(ctx, OUTBOX_FAIL, "no object key for this slug");
	if (s3_delete_object(&st->site, key, now, &ans) == -1)
		return sync_fail(ctx, OUTBOX_RETRY, "site store: DELETE %s: %s",
		    key, ans.reason);
	return OUTBOX_OK;
}

/*
 * Invalidates the page's URL at the edge (and the old slug's after a
 * rename). Both /g/<slug> and /g/<slug>.html: the distribution maps the
 * first onto the second object, and AWS asks for both URIs when a
 * function rewrites them. CallerReference is the outbox row, so a
 * repeated delivery of the row finds the invalidation it made before
 * instead of making a second one. The paths of a row stay the same
 * across its attempts: the old slug is recorded only once this worked.
 */
static enum outbox_outcome
invalidate(struct sync_ctx *ctx, const struct publish_state *st,
    const struct outbox_job *job, const char *slug, const char *old,
    time_t now)
{
	char		 paths[4][96], ref[24], id[CLOUDFRONT_ID_MAX];
	char		 err[sizeof(ctx->error)];
	const char	*p[4];
	size_t		 n = 0, i;

	if (st->cdn.distribution == NULL)
		return OUTBOX_OK;
	snprintf(paths[n++], sizeof(paths[0]), "/g/%s", slug);
	snprintf(paths[n++], sizeof(paths[0]), "/g/%s.html", slug);
	if (old != NULL) {
		snprintf(paths[n++], sizeof(paths[0]), "/g/%s", old);
		snprintf(paths[n++], sizeof(paths[0]), "/g/%s.html", old);
	}
	for (i = 0; i < n; i++)
		p[i] = paths[i];
	snprintf(ref, sizeof(ref), "%lld", job->id);
	switch (cloudfront_invalidate(&st->cdn, p, n, ref, now, id,
	    sizeof(id), err, sizeof(err))) {
	case CLOUDFRONT_OK:
		return OUTBOX_OK;
	case CLOUDFRONT_FAIL:
		return sync_fail(ctx, OUTBOX_FAIL, "%s", err);
	default:
		return sync_fail(ctx, OUTBOX_RETRY, "%s", err);
	}
}

/*
 * Brings the published copy in line with the booking as it is now (not as
 * the row saw it: the newest state is what must be served): the page
 * stored under its slug (see put_page for a cancelled one), then the
 * previous slug's copy removed after a rename, then the edge told, and
 * only then the slug recorded as published.
 */
static enum outbox_outcome
publish_deliver(struct sync_ctx *ctx, void *state, const struct outbox_job *job)
{
	const struct publish_state *st = state;
	const char	*slug, *old_slug = NULL;
	char		 old[80] = "";
	struct buf	 page = { 0 };
	json_t		*view = NULL;
	enum outbox_outcome rc = OUTBOX_RETRY;
	int		 status;
	time_t		 now = time(NULL);

	switch (db_booking_guest_view_by_id(ctx->db, job->booking_id, &view)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return OUTBOX_OK;	/* deleted: nothing to serve */
	default:
		return sync_fail(ctx, OUTBOX_RETRY, "cannot read the booking");
	}
	if ((slug = json_string_value(json_object_get(view, "slug"))) ==
	    NULL) {
		sync_fail(ctx, OUTBOX_RETRY, "the booking has no slug");
		goto out;
	}
	if (db_sync_ref_get(ctx->db, "publish", job->booking_id, old,
	    sizeof(old), NULL) == DB_ERROR) {
		sync_fail(ctx, OUTBOX_RETRY, "cannot read the last slug");
		goto out;
	}
	if (old[0] != '\0' && strcmp(old, slug) != 0)
		old_slug = old;
	status = view_guest_page(ctx->app, view, &page);
	if (status == -1) {
		sync_fail(ctx, OUTBOX_RETRY, "the page could not be rendered");
		goto out;
	}
	/* The new copy before the old one goes: a failure in between
	 * leaves both, never neither. */
	if ((rc = put_page(ctx, st, slug, &page, status, now)) != OUTBOX_OK ||
	    (old_slug != NULL &&
	    (rc = drop_page(ctx, st, old_slug, now)) != OUTBOX_OK) ||
	    (rc = invalidate(ctx, st, job, slug, old_slug, now)) != OUTBOX_OK)
		goto out;
	if (db_sync_ref_put(ctx->db, "publish", job->booking_id, slug,
	    job->version) != DB_OK) {
		rc = sync_fail(ctx, OUTBOX_RETRY, "cannot record the slug");
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
