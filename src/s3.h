/* s3.h: S3 object URLs, presigned PUT/GET, and signed HEAD/PUT/DELETE */
#ifndef CHARTERD_S3_H
#define CHARTERD_S3_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

struct buf;
struct outbound;

#define S3_KEY_MAX		1024	/* S3's own ceiling, in bytes */

struct s3_config {
	/* NULL: AWS.  Else "http(s)://host[:port]", no path, e.g.
	 * "http://127.0.0.1:4568" for a local peer. */
	const char	*endpoint;
	const char	*bucket;
	const char	*region;
	const char	*access_key;
	const char	*secret_key;
	const char	*session_token;	/* NULL unless temporary credentials */
	/* 0: https://<bucket>.s3.<region>.amazonaws.com/<key> (or
	 *    <scheme>://<bucket>.<endpoint host>/<key>), which AWS requires
	 *    for new buckets.
	 * 1: <endpoint>/<bucket>/<key> (AWS: s3.<region>.amazonaws.com),
	 *    which local peers need. */
	int		 path_style;
	/* What HEAD, PUT and DELETE go through (one per process, reused so
	 * the connection stays open); presigning needs none. */
	struct outbound	*out;
};

struct config;

/*
 * The photo bucket (CHARTER_PHOTO_BUCKET and its credentials, which guest
 * photos and settlement receipts share) into *s3, with no connection: 1,
 * or 0 when the bucket or its keys are not set.
 */
int	s3_photo_bucket(const struct config *, struct s3_config *);

/*
 * Appends the object's unsigned URL (key percent-encoded, "/" kept).
 * Returns 0, or -1 on a bad config or key.
 */
int	s3_object_url(const struct s3_config *, const char *key,
	    struct buf *url);

/*
 * Presigned PUT, valid expires_s seconds from now.  It signs Host,
 * Content-Type and Content-Length, so the store refuses a different type
 * or size.  Appends the URL to url.  *headers_out gets a new object of
 * the headers the client must send ({"Content-Type": ...}; browsers add
 * Content-Length themselves); the caller decrefs it.
 * Returns 0, or -1 on invalid input (then *headers_out is NULL).
 */
int	s3_presign_put(const struct s3_config *, const char *key,
	    const char *content_type, long long size, time_t now,
	    unsigned expires_s, struct buf *url, json_t **headers_out);

/*
 * As s3_presign_put, and also signs x-amz-checksum-sha256: sha256_b64 (the
 * base64 SHA-256 of the bytes, or NULL for none), which *headers_out then
 * carries too.  S3 refuses a body with another SHA-256 (400 BadDigest),
 * so the URL can store those bytes and no others, however often it is used.
 */
int	s3_presign_put_sha256(const struct s3_config *, const char *key,
	    const char *content_type, long long size, const char *sha256_b64,
	    time_t now, unsigned expires_s, struct buf *url,
	    json_t **headers_out);

/* Presigned GET; appends the URL.  Returns 0 or -1. */
int	s3_presign_get(const struct s3_config *, const char *key, time_t now,
	    unsigned expires_s, struct buf *url);

/*
 * HEAD of the object, signed, through c->out.  Returns 0 when it exists
 * (with its size in *size_out and its Content-Type, truncated to
 * ctype_len - 1 bytes, in ctype_out; either may be NULL), 1 when the
 * store answers 404, -1 on any other answer or transport error
 * (including c->out's timeouts).
 */
int	s3_head(const struct s3_config *, const char *key, time_t now,
	    long long *size_out, char *ctype_out, size_t ctype_len);

/*
 * As s3_head, with x-amz-checksum-mode: ENABLED: sum_out (sum_len bytes)
 * also gets the base64 SHA-256 the object was stored with, "" when it was
 * stored without one.
 */
int	s3_head_sha256(const struct s3_config *, const char *key, time_t now,
	    long long *size_out, char *ctype_out, size_t ctype_len,
	    char *sum_out, size_t sum_len);

/*
 * PUT of body[0..len) with the given Content-Type, payload signed,
 * through c->out.  Returns 0 on a 2xx answer, -1 otherwise.
 */
int	s3_put(const struct s3_config *, const char *key,
	    const char *content_type, const void *body, size_t len,
	    time_t now);

/*
 * DELETE of the object, signed, through c->out.  Returns 0 when it is
 * gone (2xx, or 404: already gone), -1 on any other answer or transport
 * error.
 */
int	s3_delete(const struct s3_config *, const char *key, time_t now);

/* What the store said to s3_put_object or s3_delete_object. */
struct s3_answer {
	long	 status;	/* HTTP status; 0 when no answer came */
	/* "" on success; else e.g. "HTTP 403 SignatureDoesNotMatch: The
	 * request signature ..." (S3's Code and Message, printable ASCII)
	 * or the transport error: fit for a log line or a last_error. */
	char	 reason[256];
};

/*
 * PUT of body[0..len) with Content-Type and, when cache_control is not
 * NULL, Cache-Control (both stored with the object and served with it),
 * payload signed, through c->out.  Returns 0 on a 2xx answer, -1
 * otherwise with the answer in *ans.
 */
int	s3_put_object(const struct s3_config *, const char *key,
	    const char *content_type, const char *cache_control,
	    const void *body, size_t len, time_t now, struct s3_answer *ans);

/*
 * DELETE of the object, as s3_delete, with the answer in *ans.  Returns
 * 0 when it is gone (2xx, or 404: already gone), -1 otherwise.
 */
int	s3_delete_object(const struct s3_config *, const char *key,
	    time_t now, struct s3_answer *ans);

#endif
