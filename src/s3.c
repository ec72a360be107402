/* s3.c: S3 object URLs, presigned PUT/GET, HEAD, PUT and DELETE over libcurl */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "limits.h"
#include "log.h"
#include "s3.h"
#include "crypto.h"
#include "sigv4.h"

#define S3_EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define S3_ERRBODY_MAX	4096	/* error document kept for the log */
#define S3_CHECKSUM_HEADER	"x-amz-checksum-sha256"

/* Where an object lives: scheme, Host value and the unencoded path. */
struct s3_target {
	char		 scheme[8];	/* "http" or "https" */
	struct buf	 host;		/* "h" or "h:port" (non-default port) */
	struct buf	 path;		/* "/bucket/key" or "/key", unencoded */
};

static void
s3_target_free(struct s3_target *t)
{
	buf_free(&t->host);
	buf_free(&t->path);
}

static int
s3_bad_text(const char *s, size_t max)
{
	size_t	 i, n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return 1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* Bucket names are DNS labels: lower case, digits, '-' and '.'. */
static int
s3_bad_bucket(const char *b)
{
	size_t	 n;

	if (b == NULL || (n = strlen(b)) < 3 || n > 63)
		return 1;
	return strspn(b, "abcdefghijklmnopqrstuvwxyz0123456789-.") != n ||
	    b[0] == '-' || b[0] == '.' || b[n - 1] == '-' || b[n - 1] == '.';
}

static int
s3_target(const struct s3_config *c, const char *key, struct s3_target *t)
{
	const char	*rest, *hostend;
	size_t		 hlen;

	memset(t, 0, sizeof(*t));
	if (c == NULL || s3_bad_bucket(c->bucket) ||
	    s3_bad_text(c->region, 64) ||
	    strspn(c->region, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    strlen(c->region)) {
		log_warnx("bad S3 bucket or region");
		goto fail;
	}
	if (s3_bad_text(key, S3_KEY_MAX)) {
		log_warnx("bad S3 key");
		goto fail;
	}

	if (c->endpoint == NULL) {
		snprintf(t->scheme, sizeof(t->scheme), "https");
		if ((!c->path_style && buf_printf(&t->host, "%s.", c->bucket)
		    == -1) || buf_printf(&t->host, "s3.%s.amazonaws.com",
		    c->region) == -1)
			goto fail;
	} else {
		if (strncmp(c->endpoint, "https://", 8) == 0) {
			snprintf(t->scheme, sizeof(t->scheme), "https");
			rest = c->endpoint + 8;
		} else if (strncmp(c->endpoint, "http://", 7) == 0) {
			snprintf(t->scheme, sizeof(t->scheme), "http");
			rest = c->endpoint + 7;
		} else {
			log_warnx("S3 endpoint must be http:// or https://");
			goto fail;
		}
		hostend = rest + strcspn(rest, "/");
		hlen = (size_t)(hostend - rest);
		if (*hostend != '\0' && strcmp(hostend, "/") != 0) {
			log_warnx("S3 endpoint may not carry a path");
			goto fail;
		}
		if (hlen == 0 || memchr(rest, '@', hlen) != NULL ||
		    strspn(rest, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.:[]") < hlen) {
			log_warnx("bad S3 endpoint host");
			goto fail;
		}
		/* Drop a default port: Host must match what curl sends. */
		if ((strcmp(t->scheme, "https") == 0 && hlen > 4 &&
		    memcmp(hostend - 4, ":443", 4) == 0) ||
		    (strcmp(t->scheme, "http") == 0 && hlen > 3 &&
		    memcmp(hostend - 3, ":80", 3) == 0))
			hlen = (size_t)(strrchr(rest, ':') - rest);
		if ((!c->path_style && buf_printf(&t->host, "%s.", c->bucket)
		    == -1) || buf_append(&t->host, rest, hlen) == -1)
			goto fail;
	}
	if ((c->path_style && buf_printf(&t->path, "/%s", c->bucket) == -1) ||
	    buf_printf(&t->path, "/%s", key) == -1)
		goto fail;
	return 0;
fail:
	s3_target_free(t);
	return -1;
}

static int
s3_base_url(const struct s3_target *t, struct buf *url)
{
	if (buf_printf(url, "%s://%s", t->scheme, buf_str(&t->host)) == -1 ||
	    sigv4_uri_encode(url, t->path.data, t->path.len, 0) == -1)
		return -1;
	return 0;
}

static void
s3_key(const struct s3_config *c, struct sigv4_key *k)
{
	k->access_key = c->access_key;
	k->secret_key = c->secret_key;
	k->session_token = c->session_token;
	k->region = c->region;
	k->service = "s3";
}

int
s3_object_url(const struct s3_config *c, const char *key, struct buf *url)
{
	struct s3_target t;
	int		 rc;

	if (s3_target(c, key, &t) == -1)
		return -1;
	rc = s3_base_url(&t, url);
	s3_target_free(&t);
	return rc;
}

/* Presigns method for the object with the given extra signed headers. */
static int
s3_presign(const struct s3_config *c, const char *method, const char *key,
    const struct sigv4_header *h, size_t nh, time_t now, unsigned expires_s,
    struct buf *url)
{
	struct s3_target t;
	struct sigv4_key k;
	struct sigv4_request r;
	struct buf	 q = { 0 };
	int		 rc = -1;

	if (s3_target(c, key, &t) == -1)
		return -1;
	s3_key(c, &k);
	memset(&r, 0, sizeof(r));
	r.method = method;
	r.host = buf_str(&t.host);
	r.path = buf_str(&t.path);
	r.headers = h;
	r.nheaders = nh;
	r.payload_sha256_hex = SIGV4_UNSIGNED_PAYLOAD;
	if (sigv4_presign(&k, &r, now, expires_s, &q) == -1 ||
	    s3_base_url(&t, url) == -1 ||
	    buf_printf(url, "?%s", buf_str(&q)) == -1)
		goto out;
	rc = 0;
out:
	s3_target_free(&t);
	buf_free(&q);
	return rc;
}

int
s3_presign_put(const struct s3_config *c, const char *key,
    const char *content_type, long long size, time_t now, unsigned expires_s,
    struct buf *url, json_t **headers_out)
{
	return s3_presign_put_sha256(c, key, content_type, size, NULL, now,
	    expires_s, url, headers_out);
}

int
s3_presign_put_sha256(const struct s3_config *c, const char *key,
    const char *content_type, long long size, const char *sha256_b64,
    time_t now, unsigned expires_s, struct buf *url, json_t **headers_out)
{
	struct sigv4_header h[3];
	char		 len[24];
	size_t		 nh = 2;

	*headers_out = NULL;
	if (s3_bad_text(content_type, 255) || size < 0 ||
	    (sha256_b64 != NULL && s3_bad_text(sha256_b64, 64))) {
		log_warnx("bad content type, size or checksum");
		return -1;
	}
	snprintf(len, sizeof(len), "%lld", size);
	h[0].name = "Content-Type";
	h[0].value = content_type;
	h[1].name = "Content-Length";
	h[1].value = len;
	if (sha256_b64 != NULL) {
		h[nh].name = S3_CHECKSUM_HEADER;
		h[nh++].value = sha256_b64;
	}
	if (s3_presign(c, "PUT", key, h, nh, now, expires_s, url) == -1)
		return -1;
	if ((*headers_out = json_pack("{s:s}", "Content-Type",
	    content_type)) == NULL)
		return -1;
	if (sha256_b64 != NULL && json_object_set_new(*headers_out,
	    S3_CHECKSUM_HEADER, json_string(sha256_b64)) == -1) {
		json_decref(*headers_out);
		*headers_out = NULL;
		return -1;
	}
	return 0;
}

int
s3_presign_get(const struct s3_config *c, const char *key, time_t now,
    unsigned expires_s, struct buf *url)
{
	return s3_presign(c, "GET", key, NULL, 0, now, expires_s, url);
}

static size_t
s3_body_cb(char *p, size_t size, size_t n, void *arg)
{
	struct buf	*b = arg;

	/* Keep what fits for the log; never fail the transfer over it. */
	if (b->len < S3_ERRBODY_MAX)
		buf_append(b, p, size * n < S3_ERRBODY_MAX - b->len ?
		    size * n : S3_ERRBODY_MAX - b->len);
	return size * n;
}

/* Keeps the x-amz-checksum-sha256 answer header, if any. */
static size_t
s3_header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct buf	*sum = arg;
	size_t		 len = size * n, hl = sizeof(S3_CHECKSUM_HEADER) - 1;

	if (len > hl + 1 && strncasecmp(p, S3_CHECKSUM_HEADER, hl) == 0 &&
	    p[hl] == ':') {
		p += hl + 1;
		len -= hl + 1;
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == '\n' ||
		    p[len - 1] == ' '))
			len--;
		buf_reset(sum);
		if (len <= 64)
			buf_append(sum, p, len);
	}
	return size * n;
}

/* Copies the <Code> of an S3 error document, for the log. */
static void
s3_error_code(const struct buf *body, char *out, size_t outlen)
{
	const char	*s, *e;

	snprintf(out, outlen, "-");
	if ((s = strstr(buf_str(body), "<Code>")) == NULL ||
	    (e = strstr(s, "</Code>")) == NULL)
		return;
	s += 6;
	snprintf(out, outlen, "%.*s", (int)(e - s < 64 ? e - s : 64), s);
}

/*
 * Signs (header form) and performs one request.  *status gets the HTTP
 * status.  ctype_out/ctype_len receive the answer's Content-Type and
 * *size_out its Content-Length when not NULL.  extra, when not NULL, is
 * one more header, signed; sum, when not NULL, gets the answer's
 * x-amz-checksum-sha256 ("" without one).
 */
static int
s3_perform(const struct s3_config *c, const char *method, const char *key,
    const char *content_type, const void *body, size_t len, time_t now,
    long *status, long long *size_out, char *ctype_out, size_t ctype_len,
    const struct sigv4_header *extra, struct buf *sum)
{
	struct s3_target t;
	struct sigv4_key k;
	struct sigv4_request r;
	struct sigv4_header h[2];
	struct curl_slist *hl = NULL, *tmp;
	struct buf	 url = { 0 }, auth = { 0 }, line = { 0 }, resp = { 0 };
	CURL		*cu = NULL;
	CURLcode	 cc;
	curl_off_t	 clen = -1;
	char		 amz_date[17], hash[65], code[80];
	const char	*ct = NULL;
	int		 rc = -1, is_head = strcmp(method, "HEAD") == 0;

	*status = 0;
	if (s3_target(c, key, &t) == -1)
		return -1;
	s3_key(c, &k);
	if (body != NULL)
		sha256_hex(body, len, hash);
	else
		snprintf(hash, sizeof(hash), "%s", S3_EMPTY_SHA256);
	memset(&r, 0, sizeof(r));
	r.method = method;
	r.host = buf_str(&t.host);
	r.path = buf_str(&t.path);
	r.payload_sha256_hex = hash;
	r.headers = h;
	if (content_type) {
		h[r.nheaders].name = "Content-Type";
		h[r.nheaders++].value = content_type;
	}
	if (extra)
		h[r.nheaders++] = *extra;
	if (sigv4_authorization(&k, &r, now, &auth, amz_date) == -1 ||
	    s3_base_url(&t, &url) == -1)
		goto out;

#define S3_HDR(...) do {						\
	buf_reset(&line);						\
	if (buf_printf(&line, __VA_ARGS__) == -1 ||			\
	    (tmp = curl_slist_append(hl, buf_str(&line))) == NULL)	\
		goto out;						\
	hl = tmp;							\
} while (0)
	S3_HDR("Authorization: %s", buf_str(&auth));
	S3_HDR("X-Amz-Date: %s", amz_date);
	S3_HDR("X-Amz-Content-Sha256: %s", hash);
	if (c->session_token)
		S3_HDR("X-Amz-Security-Token: %s", c->session_token);
	if (content_type)
		S3_HDR("Content-Type: %s", content_type);
	if (extra)
		S3_HDR("%s: %s", extra->name, extra->value);
	S3_HDR("Expect:");
#undef S3_HDR

	if ((cu = curl_easy_init()) == NULL)
		goto out;
	if (curl_easy_setopt(cu, CURLOPT_URL, buf_str(&url)) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hl) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)LIMIT_OUT_CONNECT_MS) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS,
	    (long)LIMIT_OUT_TOTAL_MS) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, s3_body_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_WRITEDATA, &resp) != CURLE_OK)
		goto out;
	if (sum != NULL && (curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION,
	    s3_header_cb) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_HEADERDATA, sum) != CURLE_OK))
		goto out;
	if (is_head) {
		if (curl_easy_setopt(cu, CURLOPT_NOBODY, 1L) != CURLE_OK)
			goto out;
	} else if (body != NULL) {
		if (curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method) !=
		    CURLE_OK ||
		    curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len) != CURLE_OK ||
		    curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body) != CURLE_OK)
			goto out;
	} else if (curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method) !=
	    CURLE_OK)
		goto out;

	if ((cc = curl_easy_perform(cu)) != CURLE_OK) {
		log_warnx("%s %s: %s", method, buf_str(&t.host),
		    curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, status);
	if (*status / 100 == 2) {
		if (size_out) {
			if (curl_easy_getinfo(cu,
			    CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen) !=
			    CURLE_OK || clen < 0) {
				log_warnx("%s: no Content-Length", method);
				goto out;
			}
			*size_out = (long long)clen;
		}
		if (ctype_out && ctype_len > 0) {
			if (curl_easy_getinfo(cu, CURLINFO_CONTENT_TYPE, &ct)
			    != CURLE_OK || ct == NULL)
				ct = "";
			snprintf(ctype_out, ctype_len, "%s", ct);
		}
	} else if (*status != 404) {
		s3_error_code(&resp, code, sizeof(code));
		log_warnx("%s %s: HTTP %ld %s", method, buf_str(&t.host),
		    *status, code);
	}
	rc = 0;
out:
	if (cu)
		curl_easy_cleanup(cu);
	curl_slist_free_all(hl);
	s3_target_free(&t);
	buf_free(&url);
	buf_free(&auth);
	buf_free(&line);
	buf_free(&resp);
	return rc;
}

int
s3_head(const struct s3_config *c, const char *key, time_t now,
    long long *size_out, char *ctype_out, size_t ctype_len)
{
	long	 status;

	if (s3_perform(c, "HEAD", key, NULL, NULL, 0, now, &status,
	    size_out, ctype_out, ctype_len, NULL, NULL) == -1)
		return -1;
	if (status == 200)
		return 0;
	if (status == 404)
		return 1;
	return -1;
}

int
s3_head_sha256(const struct s3_config *c, const char *key, time_t now,
    long long *size_out, char *ctype_out, size_t ctype_len, char *sum_out,
    size_t sum_len)
{
	static const struct sigv4_header mode = {
		"x-amz-checksum-mode", "ENABLED"
	};
	struct buf	 sum = { 0 };
	long		 status;
	int		 rc = -1;

	if (s3_perform(c, "HEAD", key, NULL, NULL, 0, now, &status,
	    size_out, ctype_out, ctype_len, &mode, &sum) == -1)
		goto out;
	if (status == 404)
		rc = 1;
	else if (status == 200) {
		if (sum_out != NULL && sum_len > 0)
			snprintf(sum_out, sum_len, "%s", buf_str(&sum));
		rc = 0;
	}
out:
	buf_free(&sum);
	return rc;
}

int
s3_put(const struct s3_config *c, const char *key, const char *content_type,
    const void *body, size_t len, time_t now)
{
	long	 status;

	if (s3_bad_text(content_type, 255) || (body == NULL && len > 0)) {
		log_warnx("bad content type or body");
		return -1;
	}
	if (s3_perform(c, "PUT", key, content_type, body ? body : "", len,
	    now, &status, NULL, NULL, 0, NULL, NULL) == -1)
		return -1;
	return status / 100 == 2 ? 0 : -1;
}

int
s3_delete(const struct s3_config *c, const char *key, time_t now)
{
	long	 status;

	if (s3_perform(c, "DELETE", key, NULL, NULL, 0, now, &status, NULL,
	    NULL, 0, NULL, NULL) == -1)
		return -1;
	return status / 100 == 2 || status == 404 ? 0 : -1;
}
