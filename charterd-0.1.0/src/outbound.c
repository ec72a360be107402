/* outbound.c: one reusable HTTP client per outbound target (S3, DynamoDB, SCC, ...) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "crypto.h"
#include "kv.h"
#include "limits.h"
#include "log.h"
#include "outbound.h"
#include "sigv4.h"

#define OUTBOUND_NAME_MAX	32	/* a target's name, for logs */
#define OUTBOUND_VALUE_MAX	1024	/* one kept answer header */
#define OUTBOUND_URL_MAX	(LIMIT_PATH_LEN + LIMIT_QUERY_LEN + 300)

struct outbound {
	CURL		*cu;
	char		 name[OUTBOUND_NAME_MAX];
	long		 connect_ms, total_ms;
	pid_t		 pid;		/* the process that made the handle */
	unsigned long	 connects;
	char		 errbuf[CURL_ERROR_SIZE];
};

/* The URL cut where the signer and the log need it. */
struct outbound_url {
	const char	*scheme;	/* "http" or "https" */
	struct buf	 host;		/* the Host value, sent and signed */
	struct buf	 path;		/* the wire path, "/" at least */
	struct buf	 query;		/* the wire query, without "?" */
};

/* Where the answer body goes: kept up to max bytes, or dropped (max 0). */
struct outbound_sink {
	struct buf	*body;
	size_t		 max;
	int		 over;
	int		 nomem;
};

/* Headers whose framing or routing this module decides. */
static const char *const outbound_owned[] = {
	"host", "content-length", "transfer-encoding", "expect",
	"connection", NULL
};

struct outbound *
outbound_new(const char *name, long connect_ms, long total_ms)
{
	struct outbound	*o;

	if (name == NULL || *name == '\0' || connect_ms <= 0 ||
	    total_ms <= 0) {
		log_warnx("bad outbound target");
		return NULL;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if ((o->cu = curl_easy_init()) == NULL) {
		free(o);
		return NULL;
	}
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->connect_ms = connect_ms;
	o->total_ms = total_ms;
	o->pid = getpid();
	return o;
}

void
outbound_free(struct outbound *o)
{
	if (o == NULL)
		return;
	curl_easy_cleanup(o->cu);
	free(o);
}

unsigned long
outbound_connections(const struct outbound *o)
{
	return o->connects;
}

void
outbound_response_free(struct outbound_response *resp)
{
	size_t	 i;

	free(resp->content_type);
	free(resp->etag);
	for (i = 0; i < OUTBOUND_MAX_CAPTURE; i++)
		free(resp->captured[i]);
	buf_free(&resp->body);
	memset(resp, 0, sizeof(*resp));
}

static void
outbound_url_free(struct outbound_url *u)
{
	buf_free(&u->host);
	buf_free(&u->path);
	buf_free(&u->query);
}

/* A header value may hold visible characters, blanks and obs-text. */
static int
outbound_value_ok(const char *v)
{
	for (; *v != '\0'; v++)
		if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
			return 0;
	return 1;
}

static int
outbound_owned_name(const char *name)
{
	size_t	 i;

	for (i = 0; outbound_owned[i] != NULL; i++)
		if (strcasecmp(name, outbound_owned[i]) == 0)
			return 1;
	return 0;
}

/* Checks what the caller asks for before anything is sent. */
static int
outbound_check(const struct outbound *o, const struct outbound_request *rq,
    struct outbound_response *resp)
{
	const char	*why = NULL;
	size_t		 i;
	int		 bodyless;

	if (o->pid != getpid())
		why = "handle made in another process";
	else if (rq->method == NULL || !sigv4_http_token(rq->method))
		why = "method is not an HTTP token";
	else if (rq->nheaders > OUTBOUND_MAX_HEADERS ||
	    (rq->nheaders > 0 && rq->headers == NULL))
		why = "too many headers";
	else if (rq->body == NULL && rq->body_len > 0)
		why = "body length without a body";
	bodyless = rq->method != NULL && (strcmp(rq->method, "GET") == 0 ||
	    strcmp(rq->method, "HEAD") == 0);
	if (why == NULL && bodyless && rq->body != NULL)
		why = "GET and HEAD carry no body";
	for (i = 0; why == NULL && i < rq->nheaders; i++) {
		if (rq->headers[i].name == NULL || rq->headers[i].value ==
		    NULL || !sigv4_http_token(rq->headers[i].name) ||
		    !outbound_value_ok(rq->headers[i].value))
			why = "bad header";
		else if (outbound_owned_name(rq->headers[i].name))
			why = "header set by the client itself";
	}
	for (i = 0; why == NULL && rq->capture != NULL &&
	    rq->capture[i] != NULL; i++)
		if (i >= OUTBOUND_MAX_CAPTURE ||
		    !sigv4_http_token(rq->capture[i]))
			why = "bad or too many headers to capture";
	if (why != NULL) {
		snprintf(resp->error, sizeof(resp->error), "%s", why);
		return -1;
	}
	return 0;
}

/*
 * Cuts scheme://authority[/path][?query].  Only printable ASCII: what is
 * signed must be exactly what curl sends, so nothing may be left for it
 * to encode.  No fragment; the authority is checked by sigv4_host(),
 * which also drops a default port from the Host value.
 */
static int
outbound_parse_url(const char *url, struct outbound_url *u)
{
	const char	*rest, *end, *q;
	size_t		 i, n;

	if (url == NULL || (n = strlen(url)) > OUTBOUND_URL_MAX)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= ' ' ||
		    (unsigned char)url[i] >= 0x7f || url[i] == '#')
			return -1;
	if (strncmp(url, "https://", 8) == 0) {
		u->scheme = "https";
		rest = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		u->scheme = "http";
		rest = url + 7;
	} else
		return -1;
	end = rest + strcspn(rest, "/?");
	if (sigv4_host(&u->host, u->scheme, rest, (size_t)(end - rest)) == -1)
		return -1;
	q = strchr(end, '?');
	if (buf_append(&u->path, end, q ? (size_t)(q - end) : strlen(end))
	    == -1 || (u->path.len == 0 && buf_putc(&u->path, '/') == -1))
		return -1;
	if (q != NULL && buf_puts(&u->query, q + 1) == -1)
		return -1;
	return 0;
}

/* Appends "name: value" ("name;" for an empty value, as curl wants it;
 * "name:" with value NULL, which stops curl adding its own). */
static int
outbound_hdr(struct curl_slist **hl, const char *name, const char *value)
{
	struct curl_slist *t;
	struct buf	 line = { 0 };
	int		 rc = -1;

	if (value == NULL) {
		if (buf_printf(&line, "%s:", name) == -1)
			goto out;
	} else if (*value == '\0') {
		if (buf_printf(&line, "%s;", name) == -1)
			goto out;
	} else if (buf_printf(&line, "%s: %s", name, value) == -1)
		goto out;
	if ((t = curl_slist_append(*hl, buf_str(&line))) == NULL)
		goto out;
	*hl = t;
	rc = 0;
out:
	buf_free(&line);
	return rc;
}

/*
 * For service "s3" the signer takes the path unencoded and encodes it
 * once; the wire path must then be exactly that encoding, or the store
 * would check a signature over another path.
 */
static char *
outbound_s3_path(const struct outbound_url *u)
{
	struct buf	 again = { 0 };
	char		*raw = NULL;
	size_t		 rawlen;

	if (kv_decode(u->path.data, u->path.len, 0, &raw, &rawlen) != KV_OK)
		return NULL;
	if (sigv4_uri_encode(&again, raw, rawlen, 0) == -1 ||
	    again.len != u->path.len ||
	    memcmp(again.data, u->path.data, again.len) != 0) {
		free(raw);
		raw = NULL;
	}
	buf_free(&again);
	return raw;
}

/* The SigV4 step: hashes the body, signs, adds the headers it names. */
static int
outbound_sign(const struct outbound_request *rq, const struct outbound_url *u,
    struct curl_slist **hl, struct outbound_response *resp)
{
	const struct sigv4_key *k = rq->sign;
	struct sigv4_request r;
	struct buf	 auth = { 0 };
	char		 hash[65], date[17], *s3path = NULL;
	int		 rc = -1, s3 = k->service && strcmp(k->service, "s3") == 0;

	sha256_hex(rq->body ? rq->body : "", rq->body ? rq->body_len : 0,
	    hash);
	memset(&r, 0, sizeof(r));
	r.method = rq->method;
	r.host = buf_str(&u->host);
	r.path = buf_str(&u->path);
	r.query = buf_str(&u->query);
	r.headers = rq->headers;
	r.nheaders = rq->nheaders;
	r.payload_sha256_hex = hash;
	if (s3) {
		if ((s3path = outbound_s3_path(u)) == NULL) {
			snprintf(resp->error, sizeof(resp->error),
			    "path is not in S3's canonical encoding");
			goto out;
		}
		r.path = s3path;
	}
	if (sigv4_authorization(k, &r, rq->now, &auth, date) == -1) {
		snprintf(resp->error, sizeof(resp->error),
		    "request cannot be signed");
		goto out;
	}
	if (outbound_hdr(hl, "X-Amz-Date", date) == -1 ||
	    outbound_hdr(hl, "Authorization", buf_str(&auth)) == -1 ||
	    (k->session_token && outbound_hdr(hl, "X-Amz-Security-Token",
	    k->session_token) == -1) ||
	    (s3 && outbound_hdr(hl, "X-Amz-Content-Sha256", hash) == -1)) {
		snprintf(resp->error, sizeof(resp->error), "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(s3path);
	buf_free(&auth);
	return rc;
}

/* Every header sent: the caller's, Host, the signer's, and the two that
 * stop curl adding its own. */
static int
outbound_headers(const struct outbound_request *rq,
    const struct outbound_url *u, struct curl_slist **hl,
    struct outbound_response *resp)
{
	size_t	 i;
	int	 has_ctype = 0;

	for (i = 0; i < rq->nheaders; i++) {
		if (strcasecmp(rq->headers[i].name, "Content-Type") == 0)
			has_ctype = 1;
		if (outbound_hdr(hl, rq->headers[i].name,
		    rq->headers[i].value) == -1)
			goto nomem;
	}
	/* Sent as signed rather than left to curl's rule for ports. */
	if (outbound_hdr(hl, "Host", buf_str(&u->host)) == -1)
		goto nomem;
	if (rq->sign != NULL && outbound_sign(rq, u, hl, resp) == -1)
		return -1;
	/* No 100-continue round trip; no form type on a bare body. */
	if (outbound_hdr(hl, "Expect", NULL) == -1 ||
	    (rq->body != NULL && !has_ctype &&
	    outbound_hdr(hl, "Content-Type", NULL) == -1))
		goto nomem;
	return 0;
nomem:
	snprintf(resp->error, sizeof(resp->error), "out of memory");
	return -1;
}

static size_t
outbound_write(char *p, size_t size, size_t n, void *arg)
{
	struct outbound_sink *s = arg;
	size_t		 len = size * n;

	if (s->max == 0)
		return len;
	if (len > s->max - s->body->len) {
		s->over = 1;
		return 0;	/* a short count aborts the transfer */
	}
	if (buf_append(s->body, p, len) == -1) {
		s->nomem = 1;
		return 0;
	}
	return len;
}

/*
 * Every option, every time: curl_easy_reset() forgets the last
 * request's (a HEAD's NOBODY, a PUT's body) but keeps the connection.
 */
static int
outbound_setopts(struct outbound *o, const struct outbound_request *rq,
    struct curl_slist *hl, struct outbound_sink *sink)
{
	CURL	*cu = o->cu;

	curl_easy_reset(cu);
	o->errbuf[0] = '\0';
	if (curl_easy_setopt(cu, CURLOPT_URL, rq->url) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_PATH_AS_IS, 1L) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS, o->connect_ms) !=
	    CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, o->total_ms) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hl) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, o->errbuf) != CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, outbound_write) !=
	    CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_WRITEDATA, sink) != CURLE_OK)
		return -1;
	/* A HEAD's Content-Length is the object's size, not a body; curl
	 * would hold it against MAXFILESIZE all the same. */
	if (strcmp(rq->method, "HEAD") == 0)
		return curl_easy_setopt(cu, CURLOPT_NOBODY, 1L) == CURLE_OK ?
		    0 : -1;
	/* An announced length over the cap fails before the body is read. */
	if (rq->body_max > 0 && curl_easy_setopt(cu,
	    CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)rq->body_max) != CURLE_OK)
		return -1;
	if (strcmp(rq->method, "GET") == 0)
		return curl_easy_setopt(cu, CURLOPT_HTTPGET, 1L) == CURLE_OK ?
		    0 : -1;
	if (curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, rq->method) !=
	    CURLE_OK)
		return -1;
	if (rq->body != NULL && (curl_easy_setopt(cu,
	    CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len) !=
	    CURLE_OK ||
	    curl_easy_setopt(cu, CURLOPT_POSTFIELDS, rq->body) != CURLE_OK))
		return -1;
	return 0;
}

/* Copies one answer header, or leaves *out NULL when there is none. */
static int
outbound_keep(CURL *cu, const char *name, char **out)
{
	struct curl_header *h;

	if (curl_easy_header(cu, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return 0;
	if (strlen(h->value) > OUTBOUND_VALUE_MAX)
		return -1;
	return (*out = strdup(h->value)) == NULL ? -1 : 0;
}

/* Content-Type, Content-Length, ETag and what the caller named. */
static int
outbound_capture(struct outbound *o, const struct outbound_request *rq,
    struct outbound_response *resp)
{
	char		*len = NULL, *end;
	size_t		 i;
	int		 rc = -1;

	if (outbound_keep(o->cu, "Content-Type", &resp->content_type) == -1 ||
	    outbound_keep(o->cu, "ETag", &resp->etag) == -1 ||
	    outbound_keep(o->cu, "Content-Length", &len) == -1)
		goto out;
	for (i = 0; rq->capture != NULL && rq->capture[i] != NULL; i++)
		if (outbound_keep(o->cu, rq->capture[i],
		    &resp->captured[i]) == -1)
			goto out;
	resp->content_length = -1;
	if (len != NULL && len[0] >= '0' && len[0] <= '9') {
		resp->content_length = strtoll(len, &end, 10);
		if (*end != '\0' || resp->content_length < 0)
			resp->content_length = -1;
	}
	rc = 0;
out:
	free(len);
	return rc;
}

/* The reason a transfer failed, short and free of secrets: curl's error
 * text names host and port at most, never headers. */
static void
outbound_reason(const struct outbound *o, const struct outbound_request *rq,
    const struct outbound_sink *sink, CURLcode cc,
    struct outbound_response *resp)
{
	if (sink->over || cc == CURLE_FILESIZE_EXCEEDED)
		snprintf(resp->error, sizeof(resp->error),
		    "answer body over %zu bytes", rq->body_max);
	else if (sink->nomem)
		snprintf(resp->error, sizeof(resp->error), "out of memory");
	else
		snprintf(resp->error, sizeof(resp->error), "%.*s",
		    (int)sizeof(resp->error) - 1,
		    o->errbuf[0] ? o->errbuf : curl_easy_strerror(cc));
}

int
outbound_request(struct outbound *o, const struct outbound_request *rq,
    struct outbound_response *resp)
{
	struct outbound_url u;
	struct outbound_sink sink;
	struct curl_slist *hl = NULL;
	CURLcode	 cc;
	curl_off_t	 us = 0;
	long		 nconn = 0;
	int		 rc = -1;

	if (o == NULL || rq == NULL || resp == NULL)
		return -1;
	memset(&u, 0, sizeof(u));
	outbound_response_free(resp);
	resp->content_length = -1;
	if (outbound_check(o, rq, resp) == -1)
		goto out;
	if (outbound_parse_url(rq->url, &u) == -1) {
		snprintf(resp->error, sizeof(resp->error), "bad URL");
		goto out;
	}
	if (outbound_headers(rq, &u, &hl, resp) == -1)
		goto out;
	memset(&sink, 0, sizeof(sink));
	sink.body = &resp->body;
	sink.max = rq->body_max;
	if (outbound_setopts(o, rq, hl, &sink) == -1) {
		snprintf(resp->error, sizeof(resp->error),
		    "request cannot be set up");
		goto out;
	}

	cc = curl_easy_perform(o->cu);
	if (curl_easy_getinfo(o->cu, CURLINFO_NUM_CONNECTS, &nconn) ==
	    CURLE_OK && nconn > 0)
		o->connects += (unsigned long)nconn;
	curl_easy_getinfo(o->cu, CURLINFO_RESPONSE_CODE, &resp->status);
	if (cc != CURLE_OK) {
		outbound_reason(o, rq, &sink, cc, resp);
		goto out;
	}
	if (outbound_capture(o, rq, resp) == -1) {
		snprintf(resp->error, sizeof(resp->error),
		    "answer header too long");
		goto out;
	}
	curl_easy_getinfo(o->cu, CURLINFO_TOTAL_TIME_T, &us);
	log_info("%s: %s %s %ld in %lld ms", o->name, rq->method,
	    buf_str(&u.host), resp->status, (long long)us / 1000);
	rc = 0;
out:
	if (rc == -1) {
		/* Nothing half-read is left for the caller to use. */
		buf_free(&resp->body);
		log_warnx("%s: %s %s: %s", o->name, rq->method &&
		    sigv4_http_token(rq->method) ? rq->method : "-",
		    u.host.len ? buf_str(&u.host) : "-", resp->error);
	}
	curl_slist_free_all(hl);
	outbound_url_free(&u);
	return rc;
}
