/* db_photos.c: statements about guest photos, all run as charterd_guest */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_photos.h"

int
db_photo_reserve(struct db *db, const char *slug, struct photo_row *row,
    const char *ext, const char *filename, int quota, long long now,
    json_t **out, long long *closes_at)
{
	char		 size[24], q[24], ts[24];
	const char	*p[8] = { slug, row->id, ext, row->content_type, size,
			    filename, q, ts };
	const char	*outcome, *key;

	snprintf(size, sizeof(size), "%lld", row->size);
	snprintf(q, sizeof(q), "%d", quota);
	snprintf(ts, sizeof(ts), "%lld", now);
	if (db_json(db, out, "SELECT photo_reserve($1, $2, $3, $4, $5, $6, $7, "
	    "to_timestamp($8))", 8, p) != DB_OK)
		return DB_ERROR;
	outcome = json_string_value(json_object_get(*out, "outcome"));
	key = json_string_value(json_object_get(*out, "key"));
	if (outcome != NULL && strcmp(outcome, "ok") == 0) {
		if (key == NULL || strlen(key) >= sizeof(row->key))
			return DB_ERROR;
		memcpy(row->key, key, strlen(key) + 1);
		*closes_at = json_integer_value(json_object_get(*out, "closes_at"));
	}
	return DB_OK;
}

int
db_photo_list(struct db *db, const char *slug, json_t **out)
{
	const char *p[1] = { slug };

	return db_json(db, out, "SELECT photo_list($1)", 1, p) == DB_OK ?
	    DB_OK : DB_ERROR;
}

int
db_photo_get(struct db *db, const char *slug, const char *photo_id,
    struct photo_row *row)
{
	const char	*p[2] = { slug, photo_id };
	PGresult	*res;

	memset(row, 0, sizeof(*row));
	res = db_exec(db, "SELECT p.id, p.object_key, p.content_type, "
	    "p.size_bytes, p.status = 'uploaded', b.status = 'cancelled' "
	    "FROM photos p "
	    "JOIN bookings b ON b.id = p.booking_id "
	    "WHERE b.slug = $1 AND p.id = $2", 2, p);
	if (res == NULL)
		return DB_ERROR;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return DB_NOT_FOUND;
	}
	snprintf(row->id, sizeof(row->id), "%s", PQgetvalue(res, 0, 0));
	snprintf(row->key, sizeof(row->key), "%s", PQgetvalue(res, 0, 1));
	snprintf(row->content_type, sizeof(row->content_type), "%s",
	    PQgetvalue(res, 0, 2));
	row->size = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	row->uploaded = PQgetvalue(res, 0, 4)[0] == 't';
	row->cancelled = PQgetvalue(res, 0, 5)[0] == 't';
	PQclear(res);
	return DB_OK;
}

int
db_photo_mark_uploaded(struct db *db, const char *photo_id)
{
	const char *p[1] = { photo_id };

	return db_run(db, "UPDATE photos SET status = 'uploaded', "
	    "uploaded_at = now() WHERE id = $1 AND status = 'pending'", 1, p);
}
