/* publish.c: guest pages as flat files in CHARTER_PUBLISH_DIR, which nginx serves */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "publish.h"
#include "valid.h"

static int
page_path(const char *dir, const char *slug, char *out, size_t len,
    char *err, size_t errlen)
{
	/* The slug shape keeps the path inside the publish folder. */
	if (!valid_slug(slug) ||
	    (size_t)snprintf(out, len, "%s/g/%s.html", dir, slug) >= len) {
		snprintf(err, errlen, "no page path for this slug");
		return -1;
	}
	return 0;
}

/* mkdir -p for dir and dir/g. */
static int
ensure_dirs(const char *dir, char *err, size_t errlen)
{
	char	 path[4096];
	size_t	 i, len;

	if ((size_t)snprintf(path, sizeof(path), "%s/g", dir) >= sizeof(path))
		return -1;
	len = strlen(path);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", path,
			    strerror(errno));
			return -1;
		}
		if (i < len)
			path[i] = '/';
	}
	return 0;
}

int
publish_file_remove(const char *dir, const char *slug, char *err,
    size_t errlen)
{
	char path[4096];

	if (page_path(dir, slug, path, sizeof(path), err, errlen) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
publish_file_write(const char *dir, const char *slug, const struct buf *page,
    char *err, size_t errlen)
{
	char	 path[4096], tmp[4200];
	int	 fd = -1;
	ssize_t	 w;
	size_t	 off = 0;

	if (page_path(dir, slug, path, sizeof(path), err, errlen) == -1 ||
	    ensure_dirs(dir, err, errlen) == -1)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "cannot create %s: %s", tmp,
		    strerror(errno));
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
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}
