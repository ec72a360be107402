/* receipt.c: a settlement's receipt photo in the photo store: what an upload may be, its presigned PUT, the check of what arrived, a link to see it */
/*
 * As guest photos (page_photos.c): the browser PUTs straight to the store
 * with a URL that signs the type, the size and the SHA-256 of the bytes,
 * so the store takes those bytes and no others; before a settlement names
 * the receipt, a HEAD checks all three. The key is receipts/<random
 * id>.<ext>: no booking id in a key or a URL.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "crypto.h"
#include "limits.h"
#include "outbound.h"
#include "receipt.h"
#include "valid.h"

#define SHA256_B64_LEN	44	/* base64 of 32 bytes, one "=" */

static const struct {
	const char *type, *ext;
} kinds[] = {
	{ "image/jpeg", "jpg" }, { "image/png", "png" },
	{ "image/webp", "webp" }, { "image/heic", "heic" },
};

/* This worker's connection to the store, made on first use (after the
 * fork) and kept; NULL if that failed. */
static struct outbound *
store_outbound(void)
{
	static struct outbound *out;

	if (out == NULL)
		out = outbound_new("receipt-store", LIMIT_OUT_WEB_CONNECT_MS,
		    LIMIT_OUT_WEB_TOTAL_MS);
	return out;
}

/* 1 when s is the canonical base64 of 32 bytes: 43 characters, the last
 * carrying 4 bits (its low 2 zero), then "=". */
static int
sha256_b64_ok(const char *s)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char	*at = NULL;
	size_t		 i;

	if (strlen(s) != SHA256_B64_LEN || s[43] != '=')
		return 0;
	for (i = 0; i < 43; i++)
		if ((at = strchr(b64, s[i])) == NULL)
			return 0;
	return ((at - b64) & 3) == 0;
}

int
receipt_upload_read(const struct kvlist *form, long long max_bytes,
    struct receipt_upload *u, char *msg, size_t msglen)
{
	const char	*type = kv_get(form, "content_type");
	const char	*size = kv_get(form, "size");
	const char	*sum = kv_get(form, "sha256");
	size_t		 i;

	memset(u, 0, sizeof(*u));
	for (i = 0; type != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(type, kinds[i].type) == 0) {
			u->content_type = kinds[i].type;
			u->ext = kinds[i].ext;
		}
	if (u->content_type == NULL) {
		snprintf(msg, msglen, "The receipt must be a photo: JPEG, PNG, "
		    "WebP or HEIC.");
		return -1;
	}
	if (size == NULL || !valid_id(size, &u->size) || u->size > max_bytes) {
		snprintf(msg, msglen, "The photo may be at most %lld MB.",
		    max_bytes / (1024 * 1024));
		return -1;
	}
	if (sum == NULL || !sha256_b64_ok(sum)) {
		snprintf(msg, msglen, "The photo's checksum is missing; choose "
		    "it again.");
		return -1;
	}
	memcpy(u->sha256, sum, SHA256_B64_LEN + 1);
	if (random_hex(u->id, 16) == -1) {
		snprintf(msg, msglen, "Try again in a moment.");
		return -1;
	}
	return 0;
}

void
receipt_presign_answer(struct request *req, const struct s3_config *s3,
    const struct receipt_upload *u, const json_t *reserved, time_t now)
{
	struct buf	 url = { 0 };
	json_t		*headers = NULL;
	const char	*key = json_string_value(json_object_get(reserved, "key"));
	long long	 expires = json_integer_value(json_object_get(reserved,
			    "expires_at"));
	long long	 ttl = expires - (long long)now;
	char		 iso[32];
	struct tm	 tm;
	time_t		 t = (time_t)expires;

	/* Signed to expire exactly when the reservation does. */
	if (key == NULL || ttl < 1 || ttl > RECEIPT_PUT_SECONDS ||
	    s3_presign_put_sha256(s3, key, u->content_type, u->size,
	    u->sha256, now, (unsigned)ttl, &url, &headers) == -1) {
		resp_error(req, 500, "internal", "The upload could not be "
		    "prepared.");
		goto out;
	}
	gmtime_r(&t, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 201, json_pack("{s:s, s:{s:s, s:s, s:O}, s:s}",
	    "receipt_id", u->id, "upload", "method", "PUT", "url",
	    buf_str(&url), "headers", headers, "expires_at", iso));
out:
	json_decref(headers);
	buf_free(&url);
}

int
receipt_arrived(const struct s3_config *s3, const json_t *found, time_t now)
{
	struct s3_config	 c = *s3;
	const char		*want_type, *want_sum;
	long long		 size = -1;
	char			 ctype[64] = "", sum[72] = "";

	c.out = store_outbound();
	want_type = json_string_value(json_object_get(found, "content_type"));
	want_sum = json_string_value(json_object_get(found, "sha256"));
	switch (s3_head_sha256(&c, json_string_value(json_object_get(found,
	    "key")), now, &size, ctype, sizeof(ctype), sum, sizeof(sum))) {
	case 0:
		break;
	case 1:
		return 1;
	default:
		return -1;
	}
	/* The checksum pins the bytes; size and type must agree too. */
	if (want_type == NULL || want_sum == NULL ||
	    size != json_integer_value(json_object_get(found, "size")) ||
	    strcmp(ctype, want_type) != 0 || strcmp(sum, want_sum) != 0)
		return 1;
	return 0;
}

int
receipt_link(const struct s3_config *s3, const char *key, time_t now,
    struct buf *url)
{
	return s3_presign_get(s3, key, now, RECEIPT_GET_SECONDS, url);
}
