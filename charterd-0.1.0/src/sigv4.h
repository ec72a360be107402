/* sigv4.h: AWS Signature Version 4 signing (header and presigned forms) */
#ifndef CHARTERD_SIGV4_H
#define CHARTERD_SIGV4_H

#include <stddef.h>
#include <time.h>

struct buf;

#define SIGV4_UNSIGNED_PAYLOAD	"UNSIGNED-PAYLOAD"
#define SIGV4_MAX_EXPIRES	604800U		/* seven days, S3's ceiling */
#define SIGV4_MAX_HEADERS	32		/* caller headers per request */
#define SIGV4_HOST_MAX		255		/* a Host value, port included */

struct sigv4_key {
	const char	*access_key;
	const char	*secret_key;
	const char	*session_token;	/* NULL when not temporary credentials */
	const char	*region;	/* "us-east-1" */
	const char	*service;	/* "s3", "dynamodb", "cloudfront", ... */
};

struct sigv4_header {
	const char	*name;		/* any case; sent as given */
	const char	*value;		/* no CR or LF */
};

/*
 * One request to sign.  The module sets (and the caller must send) these
 * itself, so they must not appear in headers[]:
 *   Host                  always (value: host)
 *   X-Amz-Date            header form (value: amz_date out-parameter)
 *   X-Amz-Security-Token  header form with a session token
 *   X-Amz-Content-Sha256  header form when service is "s3"
 *                         (value: payload_sha256_hex)
 *
 * path, when service is "s3": the object path NOT percent-encoded, e.g.
 *   "/bucket/photos/1/a b.jpg".  It is not normalised; it is signed
 *   encoded once, and the caller must put exactly
 *   sigv4_uri_encode(path, encode_slash = 0) on the wire.
 * path, any other service: the request path as it goes on the wire
 *   (already percent-encoded by the caller where needed).  It is
 *   normalised (".", "..", empty segments) and encoded once more, which
 *   is AWS's "encode twice" rule.
 * query: the raw wire query (no "?"), or NULL/"" for none.  Each name
 *   and value is percent-decoded then re-encoded strictly (RFC 3986
 *   unreserved kept), so "a b", "a%20b" sign alike; "+" is a literal
 *   plus (signed as %2B), never a space.
 */
struct sigv4_request {
	const char			*method;	/* an RFC 9110 token */
	/* the Host value exactly as sent: make it with sigv4_host() */
	const char			*host;
	const char			*path;		/* see above; "/" at least */
	const char			*query;
	const struct sigv4_header	*headers;
	size_t				 nheaders;
	/* 64 lower-case hex digits of the body's SHA-256, or
	 * "UNSIGNED-PAYLOAD" (service "s3" only).  NULL: refused for the
	 * header form; for presigning, UNSIGNED-PAYLOAD for "s3" and the
	 * empty body's hash for other services. */
	const char			*payload_sha256_hex;
};

/*
 * Header form.  Appends the Authorization header value to auth and
 * writes the X-Amz-Date value ("20150830T123600Z") to amz_date.
 * now is the signing time (the caller reads the clock).
 * Returns 0, or -1 on invalid input or allocation failure.
 */
int	sigv4_authorization(const struct sigv4_key *,
	    const struct sigv4_request *, time_t now, struct buf *auth,
	    char amz_date[17]);

/*
 * Presigned (query) form, valid for expires_s seconds (1..7 days).
 * Appends the complete wire query string (no "?"): the request's own
 * parameters, the X-Amz-* ones and X-Amz-Signature last.
 * Returns 0, or -1 on invalid input or allocation failure.
 */
int	sigv4_presign(const struct sigv4_key *, const struct sigv4_request *,
	    time_t now, unsigned expires_s, struct buf *query_out);

/*
 * The canonical request and string to sign that the two functions above
 * sign (expires_s 0: header form; otherwise presigned form).  For tests
 * and for debugging a SignatureDoesNotMatch.  Either buffer may be NULL.
 * Returns 0 or -1.
 */
int	sigv4_canonical(const struct sigv4_key *,
	    const struct sigv4_request *, time_t now, unsigned expires_s,
	    struct buf *creq, struct buf *sts);

/*
 * Appends s[0..len) percent-encoded: A-Z a-z 0-9 - . _ ~ kept, every other
 * byte as %XX (upper case hex); "/" kept unless encode_slash.
 * Returns 0 or -1 (allocation).
 */
int	sigv4_uri_encode(struct buf *, const char *s, size_t len,
	    int encode_slash);

/* Writes "YYYYMMDDTHHMMSSZ" for now (UTC).  Returns 0 or -1. */
int	sigv4_amz_date(time_t now, char out[17]);

/*
 * Appends the Host value for authority[0..len) ("host[:port]") reached
 * over scheme ("http" or "https"): the authority itself, less a port
 * that is the scheme's default, as curl leaves it out.  The one place
 * that rule lives, so URL builders and the signer agree.  The host is a
 * DNS name or IPv4 address, or a bracketed IPv6 literal; the port is
 * 1..65535.  Returns 0, or -1 on a bad scheme or host (or allocation).
 */
int	sigv4_host(struct buf *, const char *scheme, const char *authority,
	    size_t len);

/* 1 when s is a non-empty RFC 9110 token (a method or a header name),
 * else 0. */
int	sigv4_http_token(const char *s);

/* Signing keys derived so far (not served from the cache); for tests. */
unsigned long	sigv4_key_derivations(void);

#endif
