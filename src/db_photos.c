/* db_photos.c: statements about guest photos (charterd_guest) and their garbage (charterd_gc) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_photos.h"

/* Copies a string member of obj into out; -1 when missing or too long. */
static int
copy_member(const json_t *obj, const char *name, char *out, size_t len)
{
	const char *s = json_string_value(json_object_get(obj, name));

	if (s == NULL || strlen(s) >= len)
		return -1;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int
outcome_is(const json_t *res, const char *want)
{
	const char *o = json_string_value(json_object_get(res, "outcome"));

	return o != NULL && strcmp(o, want) == 0;
}

int
db_photo_reserve(struct db *db, const char *slug, struct photo_row *row,
    const char *ext, const char *filename, int quota, long long now,
    unsigned ttl_s, json_t **out)
{
	char		 size[24], q[24], ts[24], ttl[24];
	const char	*p[10] = { slug, row->id, ext, row->content_type, size,
			    filename, row->sha256, q, ts, ttl };

	snprintf(size, sizeof(size), "%lld", row->size);
	snprintf(q, sizeof(q), "%d", quota);
	snprintf(ts, sizeof(ts), "%lld", now);
	snprintf(ttl, sizeof(ttl), "%u", ttl_s);
	if (db_json(db, out, "SELECT photo_reserve($1, $2, $3, $4, $5, $6, $7, "
	    "$8, to_timestamp($9), $10)", 10, p) != DB_OK)
		return DB_ERROR;
	if (outcome_is(*out, "ok")) {
		if (copy_member(*out, "key", row->key, sizeof(row->key)) == -1)
			return DB_ERROR;
		row->expires_at = json_integer_value(json_object_get(*out,
		    "expires_at"));
	}
	return DB_OK;
}

int
db_photo_list(struct db *db, const char *slug, long long now, json_t **out)
{
	char		 ts[24];
	const char	*p[2] = { slug, ts };

	snprintf(ts, sizeof(ts), "%lld", now);
	return db_json(db, out, "SELECT photo_list($1, to_timestamp($2))", 2,
	    p) == DB_OK ? DB_OK : DB_ERROR;
}

int
db_photo_complete_check(struct db *db, const char *slug, const char *photo_id,
    long long now, struct photo_row *row, json_t **out)
{
	char		 ts[24];
	const char	*p[3] = { slug, photo_id, ts };
	const json_t	*sum;

	memset(row, 0, sizeof(*row));
	snprintf(ts, sizeof(ts), "%lld", now);
	if (db_json(db, out, "SELECT photo_complete_check($1, $2, "
	    "to_timestamp($3))", 3, p) != DB_OK)
		return DB_ERROR;
	if (!outcome_is(*out, "ok") && !outcome_is(*out, "uploaded"))
		return DB_OK;
	/* Rows from before 006 have no checksum: they cannot be verified. */
	sum = json_object_get(*out, "sha256");
	if (copy_member(*out, "id", row->id, sizeof(row->id)) == -1 ||
	    copy_member(*out, "key", row->key, sizeof(row->key)) == -1 ||
	    copy_member(*out, "content_type", row->content_type,
	    sizeof(row->content_type)) == -1 ||
	    (json_is_string(sum) && copy_member(*out, "sha256", row->sha256,
	    sizeof(row->sha256)) == -1))
		return DB_ERROR;
	row->size = json_integer_value(json_object_get(*out, "size"));
	return DB_OK;
}

int
db_photo_complete(struct db *db, const char *photo_id, int quota,
    long long now, const char **outcome)
{
	static const char *const outcomes[] = { "ok", "expired", "quota" };
	char		 q[24], ts[24];
	const char	*p[3] = { photo_id, q, ts };
	PGresult	*res;
	size_t		 i;
	int		 rc = DB_ERROR;

	snprintf(q, sizeof(q), "%d", quota);
	snprintf(ts, sizeof(ts), "%lld", now);
	res = db_exec(db, "SELECT photo_complete($1, $2, to_timestamp($3))",
	    3, p);
	if (res == NULL)
		return DB_ERROR;
	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		if (PQntuples(res) == 1 &&
		    strcmp(PQgetvalue(res, 0, 0), outcomes[i]) == 0) {
			*outcome = outcomes[i];
			rc = DB_OK;
		}
	PQclear(res);
	return rc;
}

PGresult *
db_photo_gc_due(struct db *db, long long now, int limit)
{
	char		 ts[24], lim[24];
	const char	*p[2] = { ts, lim };

	snprintf(ts, sizeof(ts), "%lld", now);
	snprintf(lim, sizeof(lim), "%d", limit);
	return db_exec(db, "SELECT id, object_key FROM "
	    "photo_gc_due(to_timestamp($1), $2)", 2, p);
}

int
db_photo_gc_take(struct db *db, const char *photo_id, long long now,
    char *key, size_t keylen)
{
	char		 ts[24];
	const char	*p[2] = { photo_id, ts };
	PGresult	*res;
	int		 rc = DB_NOT_FOUND;

	snprintf(ts, sizeof(ts), "%lld", now);
	res = db_exec(db, "SELECT photo_gc_take($1, to_timestamp($2))", 2, p);
	if (res == NULL)
		return DB_ERROR;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		rc = (size_t)snprintf(key, keylen, "%s",
		    PQgetvalue(res, 0, 0)) < keylen ? DB_OK : DB_ERROR;
	}
	PQclear(res);
	return rc;
}
