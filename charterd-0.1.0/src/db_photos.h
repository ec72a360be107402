/* db_photos.h: statements about guest photos, all run as charterd_guest */
#ifndef CHARTERD_DB_PHOTOS_H
#define CHARTERD_DB_PHOTOS_H

#include <jansson.h>

#include "db.h"

struct photo_row {
	char		id[33];
	char		key[128];
	char		content_type[32];
	long long	size;
	int		uploaded;
	int		cancelled;	/* the booking's, for db_photo_get */
};

/*
 * Reserves an upload in one round trip (photo_reserve() in SQL): *out is
 * {outcome: ok|not_found|cancelled|closed|quota, ...}; with ok, row->key is
 * filled and *closes_at is the window's end. DB_OK on an answer, DB_ERROR.
 */
int	db_photo_reserve(struct db *, const char *slug, struct photo_row *row,
	    const char *ext, const char *filename, int quota, long long now,
	    json_t **out, long long *closes_at);
/*
 * The window and gallery in one round trip (photo_list() in SQL): *out is
 * {outcome: ok|not_found|cancelled, opens_at, closes_at (epoch), opens_iso,
 * closes_iso, used, photos: [{photo_id, key, content_type, size,
 * uploaded_at}]}. DB_OK on an answer, DB_ERROR.
 */
int	db_photo_list(struct db *, const char *slug, json_t **out);
/* A photo of the booking named by slug: DB_OK, DB_NOT_FOUND, DB_ERROR. */
int	db_photo_get(struct db *, const char *slug, const char *photo_id,
	    struct photo_row *);
/* Marks it uploaded (idempotent): DB_OK or DB_ERROR. */
int	db_photo_mark_uploaded(struct db *, const char *photo_id);

#endif
