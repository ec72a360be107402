/* publish.h: guest pages as flat files in CHARTER_PUBLISH_DIR, which nginx serves */
#ifndef CHARTERD_PUBLISH_H
#define CHARTERD_PUBLISH_H

#include "buf.h"

/*
 * Writes page as dir/g/<slug>.html (temp file + rename, mode 0644 so nginx
 * reads it), creating dir and dir/g as needed. 0, or -1 with a sentence in
 * err (the slug's shape keeps the path inside dir).
 */
int	publish_file_write(const char *dir, const char *slug,
	    const struct buf *page, char *err, size_t errlen);
/* Removes dir/g/<slug>.html; gone already is fine. 0, or -1 with err. */
int	publish_file_remove(const char *dir, const char *slug, char *err,
	    size_t errlen);

#endif
