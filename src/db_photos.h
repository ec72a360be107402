/* db_photos.h: statements about guest photos (charterd_guest) and their garbage (charterd_gc) */
#ifndef CHARTERD_DB_PHOTOS_H
#define CHARTERD_DB_PHOTOS_H

#include <jansson.h>

#include "db.h"

struct photo_row {
	char		id[33];
	char		key[128];
	char		content_type[32];
	char		sha256[48];	/* base64, as x-amz-checksum-sha256 */
	long long	size;
	long long	expires_at;	/* the upload URL's end (epoch s) */
};

/*
 * Reserves an upload in one round trip (photo_reserve() in SQL), judged at
 * now: *out is {outcome: ok|not_found|cancelled|closed|quota, ...}; with ok,
 * row->key is filled and row->expires_at is the URL's end, now + ttl_s or
 * the window's close if sooner. The row's id, content_type, size and
 * sha256 are what is stored. DB_OK on an answer, DB_ERROR.
 */
int	db_photo_reserve(struct db *, const char *slug, struct photo_row *row,
	    const char *ext, const char *filename, int quota, long long now,
	    unsigned ttl_s, json_t **out);
/*
 * The window and gallery in one round trip (photo_list() in SQL): *out is
 * {outcome: ok|not_found|cancelled, opens_at, closes_at (epoch), opens_iso,
 * closes_iso, used (at now), photos: [{photo_id, key, content_type, size,
 * uploaded_at}]}. DB_OK on an answer, DB_ERROR.
 */
int	db_photo_list(struct db *, const char *slug, long long now,
	    json_t **out);
/*
 * Whether the photo may be completed at now (photo_complete_check() in
 * SQL): *out is {outcome: not_found|cancelled|closed|expired|uploaded|ok,
 * ...}; with uploaded or ok, row is filled. DB_OK on an answer, DB_ERROR.
 */
int	db_photo_complete_check(struct db *, const char *slug,
	    const char *photo_id, long long now, struct photo_row *row,
	    json_t **out);
/*
 * Marks a verified reservation uploaded if it is still live at now and
 * the booking stays within quota: *outcome is "ok", "expired" or "quota"
 * (static strings). DB_OK on an answer, DB_ERROR.
 */
int	db_photo_complete(struct db *, const char *photo_id, int quota,
	    long long now, const char **outcome);

/*
 * gc: up to limit reservations whose URL had expired at now, oldest first,
 * as a result of (id, object_key) rows (caller PQclear()s), or NULL.
 */
PGresult *db_photo_gc_due(struct db *, long long now, int limit);
/*
 * gc, inside a transaction: deletes the reservation if it is still an
 * expired one and copies its key to key: DB_OK, DB_NOT_FOUND (completed
 * or taken meanwhile), DB_ERROR. The row stays locked until commit.
 */
int	db_photo_gc_take(struct db *, const char *photo_id, long long now,
	    char *key, size_t keylen);

#endif
