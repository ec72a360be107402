/* guest_photos.c: guest photo uploads: presign inside the window, verify, list */
/*
 * The lifecycle (sql/006_photo_lifecycle.sql has the rule in full): a
 * presign reserves a quota slot until its URL expires; the URL signs the
 * type, the size and the SHA-256 of the bytes, so the store takes those
 * bytes and no others; complete checks all three with a HEAD and turns
 * the reservation into a photo while it is live; `charterd gc` deletes
 * what expired uncompleted.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "api.h"
#include "crypto.h"
#include "db_errors.h"
#include "db_photos.h"
#include "handlers.h"
#include "limits.h"
#include "outbound.h"
#include "s3.h"

#define PHOTO_PUT_SECONDS	900	/* a presigned PUT lives 15 minutes */
#define PHOTO_GET_SECONDS	900	/* so do gallery links */
#define PHOTO_SHA256_B64_LEN	44	/* base64 of 32 bytes, one "=" */

static const char *const photo_types[] = {
	"image/jpeg", "image/png", "image/webp", "image/heic", NULL
};
static const char *const photo_exts[] = { "jpg", "png", "webp", "heic" };

/* This worker's one connection to the photo store, made on first use
 * (after the fork) and kept for the worker's life; NULL if that failed. */
static struct outbound *
photo_outbound(void)
{
	static struct outbound *out;

	if (out == NULL)
		out = outbound_new("photo-store", LIMIT_OUT_WEB_CONNECT_MS,
		    LIMIT_OUT_WEB_TOTAL_MS);
	return out;
}

/* The photo store, or 0 when none is configured (503 sent). */
static int
photo_store(struct request *req, struct s3_config *s3)
{
	if (s3_photo_bucket(req->app->cfg, s3))
		return 1;
	resp_error(req, 503, "photos_unavailable", "Photo uploads are not set "
	    "up on this server.");
	return 0;
}

static void
iso_utc(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
slug_not_found(struct request *req)
{
	resp_error(req, 404, "not_found", "There is no charter at this address.");
}

static void
booking_cancelled(struct request *req)
{
	resp_error(req, 410, "booking_cancelled", "This charter was cancelled, "
	    "so photos can no longer be added.");
}

static void
quota_exceeded(struct request *req)
{
	resp_json(req, 429, json_pack("{s:s, s:s, s:i}", "error",
	    "photo_quota_exceeded", "message", "This charter has reached its "
	    "photo limit.", "quota", (int)req->app->cfg->photo_quota));
}

static void
upload_expired(struct request *req)
{
	resp_error(req, 409, "upload_expired", "The upload took longer than "
	    "its address lives; please send the photo again.");
}

/*
 * Answers an outcome of photo_list(), photo_reserve() or
 * photo_complete_check() other than "ok" or "uploaded" (404, 410, 403
 * window closed, 409 expired, 429 quota, 500); 0 when it was one of those.
 */
static int
outcome_refused(struct request *req, json_t *res)
{
	const char *outcome = json_string_value(json_object_get(res, "outcome"));

	if (outcome != NULL && (strcmp(outcome, "ok") == 0 ||
	    strcmp(outcome, "uploaded") == 0))
		return 0;
	if (outcome != NULL && strcmp(outcome, "not_found") == 0)
		slug_not_found(req);
	else if (outcome != NULL && strcmp(outcome, "cancelled") == 0)
		booking_cancelled(req);
	else if (outcome != NULL && strcmp(outcome, "closed") == 0)
		resp_json(req, 403, json_pack("{s:s, s:s, s:O, s:O}", "error",
		    "upload_window_closed", "message", json_is_true(
		    json_object_get(res, "not_yet_open")) ?
		    "Photo uploads are not open yet." :
		    "Photo uploads for this charter have closed.",
		    "opens_at", json_object_get(res, "opens_at"),
		    "closes_at", json_object_get(res, "closes_at")));
	else if (outcome != NULL && strcmp(outcome, "expired") == 0)
		upload_expired(req);
	else if (outcome != NULL && strcmp(outcome, "quota") == 0)
		quota_exceeded(req);
	else
		resp_error(req, 500, "internal", "The upload could not be "
		    "prepared.");
	return -1;
}

/* The window as the uploader reads it, decided by our clock. */
static json_t *
window_json(const json_t *list, time_t now)
{
	json_int_t opens = json_integer_value(json_object_get(list, "opens_at"));
	json_int_t closes = json_integer_value(json_object_get(list, "closes_at"));

	return json_pack("{s:b, s:s, s:O, s:O}",
	    "open", now >= opens && now < closes,
	    "state", now < opens ? "not_yet_open" : now >= closes ? "closed" :
	    "open", "opens_at", json_object_get(list, "opens_iso"),
	    "closes_at", json_object_get(list, "closes_iso"));
}

/* Adds a short-lived GET url to each photo of the list. */
static int
sign_gallery(const struct s3_config *s3, json_t *photos, time_t now)
{
	struct buf	 url = { 0 };
	json_t		*p;
	size_t		 i;

	json_array_foreach(photos, i, p) {
		buf_reset(&url);
		if (s3_presign_get(s3, json_string_value(json_object_get(p,
		    "key")), now, PHOTO_GET_SECONDS, &url) == -1) {
			buf_free(&url);
			return -1;
		}
		json_object_set_new(p, "url", json_string(buf_str(&url)));
		json_object_del(p, "key");
	}
	buf_free(&url);
	return 0;
}

/* GET /g/<slug>/photos: 200 {window, max_bytes, quota, used, photos}. */
void
api_photos_list(struct request *req)
{
	struct s3_config	 s3;
	json_t			*list = NULL, *photos;
	time_t			 now = (time_t)(req->now_us / 1000000);

	if (!photo_store(req, &s3))
		return;
	if (db_photo_list(req->db, req->p.slug, (long long)now, &list) !=
	    DB_OK) {
		db_error_response(req, req->db);
		goto out;
	}
	if (outcome_refused(req, list))
		goto out;
	photos = json_object_get(list, "photos");
	if (sign_gallery(&s3, photos, now) == -1) {
		resp_error(req, 500, "internal", "Photo links could not be made.");
		goto out;
	}
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200, json_pack("{s:o, s:I, s:i, s:O, s:O}",
	    "window", window_json(list, now),
	    "max_bytes", (json_int_t)req->app->cfg->photo_max_bytes,
	    "quota", (int)req->app->cfg->photo_quota,
	    "used", json_object_get(list, "used"), "photos", photos));
out:
	json_decref(list);
}

/*
 * 1 when s is the canonical base64 of 32 bytes (S3's form of a SHA-256):
 * 43 characters, the last carrying 4 bits (its low 2 zero), then "=".
 */
static int
sha256_b64_ok(const char *s)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char	*at;
	size_t		 i;

	if (strlen(s) != PHOTO_SHA256_B64_LEN || s[43] != '=')
		return 0;
	for (i = 0; i < 43; i++)
		if (s[i] == '\0' || (at = strchr(b64, s[i])) == NULL)
			return 0;
	return ((at - b64) & 3) == 0;
}

/* Validates {filename, content_type, size, sha256}; 0 with the type's index. */
static int
photo_input(struct request *req, size_t *type)
{
	struct field		 tbl[] = {
		{ "filename", FT_STRING, 1, 1, LIMIT_FILENAME_LEN, 0, NULL, NULL, 0 },
		{ "content_type", FT_ENUM, 1, 0, 0, 0, photo_types, NULL, 0 },
		{ "size", FT_INT, 1, 1, req->app->cfg->photo_max_bytes, 0,
		  NULL, NULL, 0 },
		{ "sha256", FT_STRING, 1, PHOTO_SHA256_B64_LEN,
		  PHOTO_SHA256_B64_LEN, 0, NULL, NULL, 0 },
	};
	struct field_error	 ferr;
	const char		*ct;

	if (fields_check(req->json, tbl, sizeof(tbl) / sizeof(tbl[0]), 0,
	    &ferr) == -1) {
		if (strcmp(ferr.field, "size") == 0 &&
		    strcmp(ferr.code, FIELD_ERANGE) == 0)
			snprintf(ferr.message, sizeof(ferr.message), "A photo "
			    "may be at most %lld MB.",
			    req->app->cfg->photo_max_bytes / (1024 * 1024));
		if (strcmp(ferr.field, "content_type") == 0)
			snprintf(ferr.message, sizeof(ferr.message), "Photos "
			    "must be JPEG, PNG, WebP or HEIC images.");
		api_field_error(req, &ferr);
		return -1;
	}
	if (!sha256_b64_ok(json_string_value(json_object_get(req->json,
	    "sha256")))) {
		snprintf(ferr.field, sizeof(ferr.field), "sha256");
		ferr.code = FIELD_EINVALID;
		snprintf(ferr.message, sizeof(ferr.message), "sha256 must be "
		    "the base64 SHA-256 of the photo (44 characters).");
		api_field_error(req, &ferr);
		return -1;
	}
	ct = json_string_value(json_object_get(req->json, "content_type"));
	for (*type = 0; photo_types[*type] != NULL; (*type)++)
		if (strcmp(ct, photo_types[*type]) == 0)
			break;
	return 0;
}

/*
 * POST /g/<slug>/photos: 201 {photo_id, key, upload, expires_at} inside the
 * window; 400 {error, field}; 403 upload_window_closed; 404; 410; 429.
 * The database decides window and quota in one round trip, by our clock,
 * and so the URL's lifetime: 15 minutes, or less when the window closes
 * sooner. The reservation holds a quota slot for exactly that long.
 */
void
api_photos_create(struct request *req)
{
	struct photo_row	 row;
	struct s3_config	 s3;
	struct buf		 url = { 0 };
	json_t			*res = NULL, *headers = NULL;
	time_t			 now = (time_t)(req->now_us / 1000000);
	long long		 ttl;
	size_t			 type;
	char			 expires[32];

	if (!photo_store(req, &s3))
		return;
	if (photo_input(req, &type) == -1)
		return;
	memset(&row, 0, sizeof(row));
	if (random_hex(row.id, 16) == -1) {
		resp_error(req, 503, "unavailable", "Try again in a moment.");
		return;
	}
	/* The user's filename is stored for display; it never becomes a key. */
	snprintf(row.content_type, sizeof(row.content_type), "%s",
	    photo_types[type]);
	snprintf(row.sha256, sizeof(row.sha256), "%s", json_string_value(
	    json_object_get(req->json, "sha256")));
	row.size = json_integer_value(json_object_get(req->json, "size"));
	if (db_photo_reserve(req->db, req->p.slug, &row, photo_exts[type],
	    json_string_value(json_object_get(req->json, "filename")),
	    (int)req->app->cfg->photo_quota, (long long)now, PHOTO_PUT_SECONDS,
	    &res) != DB_OK) {
		json_decref(res);
		db_error_response(req, req->db);
		return;
	}
	if (outcome_refused(req, res))
		goto out;
	/* Signed to expire exactly when the reservation stops counting. */
	ttl = row.expires_at - (long long)now;
	if (ttl < 1 || ttl > PHOTO_PUT_SECONDS ||
	    s3_presign_put_sha256(&s3, row.key, row.content_type, row.size,
	    row.sha256, now, (unsigned)ttl, &url, &headers) == -1) {
		resp_error(req, 500, "internal", "The upload could not be "
		    "prepared.");
		goto out;
	}
	iso_utc((time_t)row.expires_at, expires);
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 201, json_pack("{s:s, s:s, s:{s:s, s:s, s:O}, s:s}",
	    "photo_id", row.id, "key", row.key, "upload", "method", "PUT",
	    "url", buf_str(&url), "headers", headers, "expires_at", expires));
out:
	json_decref(res);
	json_decref(headers);
	buf_free(&url);
}

/*
 * Asks the store whether it holds exactly the announced photo: 0 when it
 * does; otherwise the answer is sent (409 not_uploaded, 409
 * upload_mismatch, 502) and -1 returned. Outside any transaction.
 */
static int
photo_verified(struct request *req, const struct s3_config *s3,
    const struct photo_row *row, time_t now)
{
	long long	 size = -1;
	char		 ctype[64] = "", sum[72] = "";

	switch (s3_head_sha256(s3, row->key, now, &size, ctype, sizeof(ctype),
	    sum, sizeof(sum))) {
	case 0:
		break;
	case 1:
		resp_error(req, 409, "not_uploaded", "The photo has not "
		    "arrived in the store yet.");
		return -1;
	default:
		resp_error(req, 502, "store_unavailable", "The photo store did "
		    "not answer; try again.");
		return -1;
	}
	/* The checksum is what pins the bytes; size and type must agree too. */
	if (size != row->size || strcmp(ctype, row->content_type) != 0 ||
	    row->sha256[0] == '\0' || strcmp(sum, row->sha256) != 0) {
		resp_error(req, 409, "upload_mismatch", "The stored photo is "
		    "not the one that was announced.");
		return -1;
	}
	return 0;
}

/*
 * POST /g/<slug>/photos/<photo_id>/complete: 200 {photo_id, status, url}
 * once a HEAD finds the object with the announced size, type and SHA-256
 * and the reservation is still live; 403 upload_window_closed after the
 * window; 404 for a photo of another booking; 409 upload_expired after
 * the URL expired, not_uploaded or upload_mismatch; 410; 429 when the
 * booking would exceed its quota. A completed photo answers 200 again.
 */
void
api_photos_complete(struct request *req)
{
	struct photo_row	 row;
	struct s3_config	 s3;
	struct buf		 url = { 0 };
	json_t			*check = NULL;
	time_t			 now = (time_t)(req->now_us / 1000000);
	const char		*outcome, *done;

	if (!photo_store(req, &s3))
		return;
	if (db_photo_complete_check(req->db, req->p.slug, req->p.photo,
	    (long long)now, &row, &check) != DB_OK) {
		db_error_response(req, req->db);
		goto out;
	}
	if (outcome_refused(req, check))
		goto out;
	outcome = json_string_value(json_object_get(check, "outcome"));
	if (strcmp(outcome, "ok") == 0) {
		/* The store is asked outside any transaction. */
		s3.out = photo_outbound();
		if (photo_verified(req, &s3, &row, now) == -1)
			goto out;
		if (db_photo_complete(req->db, row.id,
		    (int)req->app->cfg->photo_quota, (long long)now, &done) !=
		    DB_OK) {
			db_error_response(req, req->db);
			goto out;
		}
		if (strcmp(done, "expired") == 0) {
			upload_expired(req);
			goto out;
		}
		if (strcmp(done, "quota") == 0) {
			quota_exceeded(req);
			goto out;
		}
	}
	if (s3_presign_get(&s3, row.key, now, PHOTO_GET_SECONDS, &url) == -1) {
		resp_error(req, 500, "internal", "Photo link could not be made.");
		goto out;
	}
	resp_json(req, 200, json_pack("{s:s, s:s, s:s}", "photo_id", row.id,
	    "status", "uploaded", "url", buf_str(&url)));
out:
	json_decref(check);
	buf_free(&url);
}
