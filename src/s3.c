/* s3.c: S3 object URLs, presigned PUT/GET, and signed HEAD/PUT/DELETE */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "outbound.h"
#include "s3.h"
#include "sigv4.h"

#define S3_ERRBODY_MAX	4096	/* an error document, read for the log */
#define S3_CHECKSUM_HEADER	"x-amz-checksum-sha256"

/* Where an object lives: scheme, Host value and the unencoded path. */
struct s3_target {
	char		 scheme[8];	/* "http" or "https" */
	struct buf	 host;		/* the Host value, from sigv4_host() */
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
	struct buf	 auth = { 0 };
	const char	*rest = NULL, *hostend;

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

	if (c->endpoint == NULL)
		snprintf(t->scheme, sizeof(t->scheme), "https");
	else if (strncmp(c->endpoint, "https://", 8) == 0) {
		snprintf(t->scheme, sizeof(t->scheme), "https");
		rest = c->endpoint + 8;
	} else if (strncmp(c->endpoint, "http://", 7) == 0) {
		snprintf(t->scheme, sizeof(t->scheme), "http");
		rest = c->endpoint + 7;
	} else {
		log_warnx("S3 endpoint must be http:// or https://");
		goto fail;
	}
	/* Virtual-host style puts the bucket in front of the host. */
	if (!c->path_style && buf_printf(&auth, "%s.", c->bucket) == -1)
		goto fail;
	if (rest == NULL) {
		if (buf_printf(&auth, "s3.%s.amazonaws.com", c->region) == -1)
			goto fail;
	} else {
		hostend = rest + strcspn(rest, "/");
		if (*hostend != '\0' && strcmp(hostend, "/") != 0) {
			log_warnx("S3 endpoint may not carry a path");
			goto fail;
		}
		if (buf_append(&auth, rest, (size_t)(hostend - rest)) == -1)
			goto fail;
	}
	/* The same Host value goes into the URL and the signature. */
	if (sigv4_host(&t->host, t->scheme, auth.data, auth.len) == -1) {
		log_warnx("bad S3 endpoint host");
		goto fail;
	}
	if ((c->path_style && buf_printf(&t->path, "/%s", c->bucket) == -1) ||
	    buf_printf(&t->path, "/%s", key) == -1)
		goto fail;
	buf_free(&auth);
	return 0;
fail:
	buf_free(&auth);
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
 * One signed (header form) request through the config's outbound
 * handle; res gets the answer.  extra, when not NULL, is one more header
 * (signed, as S3 wants every x-amz-* header); capture names answer
 * headers to keep (NULL-terminated, or NULL).  Returns 0 when the store
 * answered, whatever the status (a status other than 2xx or 404 is logged
 * with S3's error code), -1 on bad input or a transport error.
 */
static int
s3_perform(const struct s3_config *c, const char *method, const char *key,
    const char *content_type, const void *body, size_t len, time_t now,
    const struct sigv4_header *extra, const char *const *capture,
    struct outbound_response *res)
{
	struct s3_target t;
	struct sigv4_key k;
	struct sigv4_header h[2];
	struct outbound_request rq;
	struct buf	 url = { 0 };
	char		 code[80];
	int		 rc = -1;

	if (c == NULL || c->out == NULL) {
		log_warnx("no outbound handle for the store");
		return -1;
	}
	if (s3_target(c, key, &t) == -1)
		return -1;
	s3_key(c, &k);
	if (s3_base_url(&t, &url) == -1)
		goto out;
	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.url = buf_str(&url);
	rq.headers = h;
	if (content_type) {
		h[rq.nheaders].name = "Content-Type";
		h[rq.nheaders++].value = content_type;
	}
	if (extra)
		h[rq.nheaders++] = *extra;
	rq.capture = capture;
	rq.body = body;
	rq.body_len = len;
	rq.sign = &k;
	rq.now = now;
	rq.body_max = S3_ERRBODY_MAX;
	if (outbound_request(c->out, &rq, res) == -1)
		goto out;
	if (res->status / 100 != 2 && res->status != 404) {
		s3_error_code(&res->body, code, sizeof(code));
		log_warnx("%s %s: HTTP %ld %s", method, buf_str(&t.host),
		    res->status, code);
	}
	rc = 0;
out:
	s3_target_free(&t);
	buf_free(&url);
	return rc;
}

/*
 * HEAD, with x-amz-checksum-mode: ENABLED when sum_out is not NULL (which
 * then gets the stored x-amz-checksum-sha256, "" without one).
 */
static int
s3_head_as(const struct s3_config *c, const char *key, time_t now,
    long long *size_out, char *ctype_out, size_t ctype_len, char *sum_out,
    size_t sum_len)
{
	static const struct sigv4_header mode = {
		"x-amz-checksum-mode", "ENABLED"
	};
	static const char *const capture[] = { S3_CHECKSUM_HEADER, NULL };
	struct outbound_response res;
	int		 rc = -1;

	memset(&res, 0, sizeof(res));
	if (s3_perform(c, "HEAD", key, NULL, NULL, 0, now,
	    sum_out ? &mode : NULL, sum_out ? capture : NULL, &res) == -1)
		goto out;
	if (res.status == 404) {
		rc = 1;
		goto out;
	}
	if (res.status != 200)
		goto out;
	if (size_out) {
		if (res.content_length < 0) {
			log_warnx("HEAD: no Content-Length");
			goto out;
		}
		*size_out = res.content_length;
	}
	if (ctype_out && ctype_len > 0)
		snprintf(ctype_out, ctype_len, "%s",
		    res.content_type ? res.content_type : "");
	if (sum_out && sum_len > 0)
		snprintf(sum_out, sum_len, "%s",
		    res.captured[0] ? res.captured[0] : "");
	rc = 0;
out:
	outbound_response_free(&res);
	return rc;
}

int
s3_head(const struct s3_config *c, const char *key, time_t now,
    long long *size_out, char *ctype_out, size_t ctype_len)
{
	return s3_head_as(c, key, now, size_out, ctype_out, ctype_len, NULL,
	    0);
}

int
s3_head_sha256(const struct s3_config *c, const char *key, time_t now,
    long long *size_out, char *ctype_out, size_t ctype_len, char *sum_out,
    size_t sum_len)
{
	if (sum_out == NULL || sum_len == 0)
		return -1;
	return s3_head_as(c, key, now, size_out, ctype_out, ctype_len,
	    sum_out, sum_len);
}

int
s3_put(const struct s3_config *c, const char *key, const char *content_type,
    const void *body, size_t len, time_t now)
{
	struct outbound_response res;
	int		 rc = -1;

	if (s3_bad_text(content_type, 255) || (body == NULL && len > 0)) {
		log_warnx("bad content type or body");
		return -1;
	}
	memset(&res, 0, sizeof(res));
	if (s3_perform(c, "PUT", key, content_type, body ? body : "", len,
	    now, NULL, NULL, &res) == 0 && res.status / 100 == 2)
		rc = 0;
	outbound_response_free(&res);
	return rc;
}

int
s3_delete(const struct s3_config *c, const char *key, time_t now)
{
	struct outbound_response res;
	int		 rc = -1;

	memset(&res, 0, sizeof(res));
	if (s3_perform(c, "DELETE", key, NULL, NULL, 0, now, NULL, NULL,
	    &res) == 0 &&
	    (res.status / 100 == 2 || res.status == 404))
		rc = 0;
	outbound_response_free(&res);
	return rc;
}

/*
 * Copies the text of the first <name> of an S3 error document into out,
 * cut to fit, with everything but printable ASCII as '?' (it ends up in
 * logs and in a database column).  "" when there is none.
 */
static void
s3_error_text(const struct buf *body, const char *name, char *out,
    size_t outlen)
{
	char		 open[32], close[32];
	const char	*s, *e;
	size_t		 i, n;

	out[0] = '\0';
	snprintf(open, sizeof(open), "<%s>", name);
	snprintf(close, sizeof(close), "</%s>", name);
	if ((s = strstr(buf_str(body), open)) == NULL ||
	    (e = strstr(s, close)) == NULL)
		return;
	s += strlen(open);
	n = (size_t)(e - s) < outlen - 1 ? (size_t)(e - s) : outlen - 1;
	for (i = 0; i < n; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[n] = '\0';
}

/* Fills ans from an answer that was not a success. */
static void
s3_answer_fill(const struct outbound_response *res, struct s3_answer *ans)
{
	char	 code[64], msg[160];

	ans->status = res->status;
	if (res->status == 0) {
		snprintf(ans->reason, sizeof(ans->reason), "%s",
		    res->error[0] ? res->error : "no answer");
		return;
	}
	s3_error_text(&res->body, "Code", code, sizeof(code));
	s3_error_text(&res->body, "Message", msg, sizeof(msg));
	snprintf(ans->reason, sizeof(ans->reason), "HTTP %ld%s%s%s%s",
	    res->status, code[0] ? " " : "", code, msg[0] ? ": " : "", msg);
}

/*
 * One signed (header form) request with the caller's headers through
 * the config's outbound handle.  Returns 0 when the store answered,
 * whatever the status, -1 on bad input or a transport error (with the
 * reason in res->error).
 */
static int
s3_send(const struct s3_config *c, const char *method, const char *key,
    const struct sigv4_header *h, size_t nh, const void *body, size_t len,
    time_t now, struct outbound_response *res)
{
	struct s3_target t;
	struct sigv4_key k;
	struct outbound_request rq;
	struct buf	 url = { 0 };
	int		 rc = -1;

	if (c == NULL || c->out == NULL || s3_target(c, key, &t) == -1) {
		snprintf(res->error, sizeof(res->error),
		    "bad store settings or key");
		return -1;
	}
	s3_key(c, &k);
	if (s3_base_url(&t, &url) == -1) {
		snprintf(res->error, sizeof(res->error), "out of memory");
		goto out;
	}
	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.url = buf_str(&url);
	rq.headers = h;
	rq.nheaders = nh;
	rq.body = body;
	rq.body_len = len;
	rq.sign = &k;
	rq.now = now;
	rq.body_max = S3_ERRBODY_MAX;
	if (outbound_request(c->out, &rq, res) == -1)
		goto out;
	rc = 0;
out:
	s3_target_free(&t);
	buf_free(&url);
	return rc;
}

int
s3_put_object(const struct s3_config *c, const char *key,
    const char *content_type, const char *cache_control, const void *body,
    size_t len, time_t now, struct s3_answer *ans)
{
	struct outbound_response res;
	struct sigv4_header h[2];
	size_t		 nh = 0;
	int		 rc = -1;

	memset(ans, 0, sizeof(*ans));
	memset(&res, 0, sizeof(res));
	if (s3_bad_text(content_type, 255) || (body == NULL && len > 0) ||
	    (cache_control != NULL && s3_bad_text(cache_control, 255))) {
		snprintf(ans->reason, sizeof(ans->reason),
		    "bad content type, cache control or body");
		return -1;
	}
	h[nh].name = "Content-Type";
	h[nh++].value = content_type;
	if (cache_control != NULL) {
		h[nh].name = "Cache-Control";
		h[nh++].value = cache_control;
	}
	if (s3_send(c, "PUT", key, h, nh, body ? body : "", len, now,
	    &res) == 0 && res.status / 100 == 2)
		rc = 0;
	else
		s3_answer_fill(&res, ans);
	ans->status = res.status;
	outbound_response_free(&res);
	return rc;
}

int
s3_delete_object(const struct s3_config *c, const char *key, time_t now,
    struct s3_answer *ans)
{
	struct outbound_response res;
	int		 rc = -1;

	memset(ans, 0, sizeof(*ans));
	memset(&res, 0, sizeof(res));
	if (s3_send(c, "DELETE", key, NULL, 0, NULL, 0, now, &res) == 0 &&
	    (res.status / 100 == 2 || res.status == 404))
		rc = 0;
	else
		s3_answer_fill(&res, ans);
	ans->status = res.status;
	outbound_response_free(&res);
	return rc;
}

int
s3_photo_bucket(const struct config *cfg, struct s3_config *s3)
{
	memset(s3, 0, sizeof(*s3));
	if (cfg->photo_bucket == NULL || cfg->photo_access_key == NULL ||
	    cfg->photo_secret_key == NULL)
		return 0;
	s3->endpoint = cfg->s3_endpoint;
	s3->bucket = cfg->photo_bucket;
	s3->region = cfg->aws_region;
	s3->access_key = cfg->photo_access_key;
	s3->secret_key = cfg->photo_secret_key;
	s3->session_token = cfg->photo_session_token;
	s3->path_style = (int)cfg->s3_path_style;
	return 1;
}
