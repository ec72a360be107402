/* publish.c: writing guest pages as flat files nginx serves */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "db_booking.h"
#include "log.h"
#include "publish.h"
#include "valid.h"
#include "view.h"

static int
page_path(const struct app *app, const char *slug, char *out, size_t len)
{
	/* The slug shape keeps the path inside the publish folder. */
	if (!valid_slug(slug))
		return -1;
	if ((size_t)snprintf(out, len, "%s/g/%s.html", app->cfg->publish_dir,
	    slug) >= len)
		return -1;
	return 0;
}

static int
ensure_dir(const char *path)
{
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		log_err("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
unpublish(const struct app *app, const char *slug)
{
	char path[4096];

	if (page_path(app, slug, path, sizeof(path)) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT) {
		log_err("cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes the bytes to a temporary file beside path, then renames it over. */
static int
write_atomically(const char *path, const struct buf *page)
{
	char	 tmp[4200];
	int	 fd;
	ssize_t	 w;
	size_t	 off = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >=
	    sizeof(tmp))
		return -1;
	if ((fd = mkstemp(tmp)) == -1) {
		log_err("cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	/* nginx runs as another user and must read the page. */
	if (fchmod(fd, 0644) == -1)
		goto fail;
	while (off < page->len) {
		w = write(fd, page->data + off, page->len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	log_err("cannot write %s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}

int
publish_booking(struct app *app, const struct booking_ref *ref)
{
	struct db	*db = app_db(app, AUD_GUEST);
	char		 path[4096], dir[4096];
	struct buf	 page = { 0 };
	json_t		*view = NULL;
	int		 rc = -1, status;

	if (strcmp(ref->old_slug, ref->slug) != 0 && ref->old_slug[0] != '\0')
		unpublish(app, ref->old_slug);
	if (ref->cancelled)
		return unpublish(app, ref->slug);
	if (page_path(app, ref->slug, path, sizeof(path)) == -1)
		return -1;
	snprintf(dir, sizeof(dir), "%s/g", app->cfg->publish_dir);
	if (ensure_dir(app->cfg->publish_dir) == -1 || ensure_dir(dir) == -1)
		return -1;
	/* Rendered from what a guest may see, read as charterd_guest. */
	if (db_ready(db) == -1 ||
	    db_booking_guest_view(db, ref->slug, &view) != DB_OK)
		goto out;
	status = view_guest_page(app, view, &page);
	if (status == 410) {
		rc = unpublish(app, ref->slug);
		goto out;
	}
	if (status != 200)
		goto out;
	rc = write_atomically(path, &page);
out:
	json_decref(view);
	buf_free(&page);
	return rc;
}

int
publish_all(struct app *app)
{
	struct booking_ref	 ref;
	PGresult		*res;
	int			 i, failed = 0;

	if (db_ready(app_db(app, AUD_GUEST)) == -1 ||
	    (res = db_booking_slugs(app_db(app, AUD_GUEST))) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		memset(&ref, 0, sizeof(ref));
		snprintf(ref.slug, sizeof(ref.slug), "%s", PQgetvalue(res, i, 0));
		ref.cancelled = PQgetvalue(res, i, 1)[0] == 't';
		if (publish_booking(app, &ref) == -1)
			failed++;
	}
	log_info("published %d booking(s), %d failed", PQntuples(res), failed);
	PQclear(res);
	return failed;
}
