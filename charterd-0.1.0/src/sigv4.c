/* sigv4.c: AWS Signature Version 4 signing (header and presigned forms) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"
#include "crypto.h"
#include "hex.h"
#include "limits.h"
#include "log.h"
#include "sigv4.h"

#define SIGV4_ALGO		"AWS4-HMAC-SHA256"
#define SIGV4_TERM		"aws4_request"
#define SIGV4_CACHE_SLOTS	4
#define SIGV4_NAME_MAX		64	/* region, service in a cache slot */
#define SIGV4_EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* the request's own pairs plus the X-Amz-* ones presigning adds */
#define SIGV4_MAX_PAIRS		(LIMIT_QUERY_PAIRS + 8)

struct sigv4_pair {
	struct buf	 k, v;		/* encoded */
};

struct sigv4_hdr {
	char		 name[128];	/* lower case */
	const char	*value;
	size_t		 order;		/* keeps repeated headers in order */
};

/*
 * Derived keys, per (secret, date, region, service).  Workers are
 * single-threaded processes, so a plain static table is safe.  The
 * secret is held only as its SHA-256.
 */
static struct {
	int		 used;
	unsigned char	 secret_md[32];
	char		 date[9];
	char		 region[SIGV4_NAME_MAX];
	char		 service[SIGV4_NAME_MAX];
	unsigned char	 key[32];
} sigv4_cache[SIGV4_CACHE_SLOTS];
static size_t		sigv4_cache_next;
static unsigned long	sigv4_derived;

static int
sigv4_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static int
sigv4_hmac(const void *key, size_t keylen, const char *msg, size_t msglen,
    unsigned char out[32])
{
	unsigned int	 outlen = 0;

	if (keylen > 0x7fffffff ||
	    HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg,
	    msglen, out, &outlen) == NULL || outlen != 32)
		return -1;
	return 0;
}

unsigned long
sigv4_key_derivations(void)
{
	return sigv4_derived;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region), service),
 * "aws4_request"), served from the cache when the same day repeats. */
static int
sigv4_signing_key(const struct sigv4_key *k, const char *date,
    unsigned char out[32])
{
	unsigned char	 md[32], a[32], b[32];
	struct buf	 seed = { 0 };
	size_t		 i;
	int		 rc = -1, cacheable;

	sha256(k->secret_key, strlen(k->secret_key), md);
	cacheable = strlen(k->region) < SIGV4_NAME_MAX &&
	    strlen(k->service) < SIGV4_NAME_MAX;
	for (i = 0; cacheable && i < SIGV4_CACHE_SLOTS; i++) {
		if (sigv4_cache[i].used &&
		    CRYPTO_memcmp(sigv4_cache[i].secret_md, md, 32) == 0 &&
		    strcmp(sigv4_cache[i].date, date) == 0 &&
		    strcmp(sigv4_cache[i].region, k->region) == 0 &&
		    strcmp(sigv4_cache[i].service, k->service) == 0) {
			memcpy(out, sigv4_cache[i].key, 32);
			rc = 0;
			goto out;
		}
	}

	if (buf_puts(&seed, "AWS4") == -1 ||
	    buf_puts(&seed, k->secret_key) == -1)
		goto out;
	if (sigv4_hmac(seed.data, seed.len, date, strlen(date), a) == -1 ||
	    sigv4_hmac(a, 32, k->region, strlen(k->region), b) == -1 ||
	    sigv4_hmac(b, 32, k->service, strlen(k->service), a) == -1 ||
	    sigv4_hmac(a, 32, SIGV4_TERM, strlen(SIGV4_TERM), out) == -1)
		goto out;
	sigv4_derived++;

	if (cacheable) {
		i = sigv4_cache_next;
		sigv4_cache_next = (sigv4_cache_next + 1) % SIGV4_CACHE_SLOTS;
		sigv4_cache[i].used = 1;
		memcpy(sigv4_cache[i].secret_md, md, 32);
		snprintf(sigv4_cache[i].date, sizeof(sigv4_cache[i].date),
		    "%s", date);
		snprintf(sigv4_cache[i].region, sizeof(sigv4_cache[i].region),
		    "%s", k->region);
		snprintf(sigv4_cache[i].service,
		    sizeof(sigv4_cache[i].service), "%s", k->service);
		memcpy(sigv4_cache[i].key, out, 32);
	}
	rc = 0;
out:
	if (seed.data)
		OPENSSL_cleanse(seed.data, seed.cap);
	buf_free(&seed);
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
	OPENSSL_cleanse(md, sizeof(md));
	return rc;
}

int
sigv4_uri_encode(struct buf *b, const char *s, size_t len, int encode_slash)
{
	static const char digits[] = "0123456789ABCDEF";
	char		 esc[3];
	size_t		 i, start = 0;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (sigv4_unreserved(c) || (c == '/' && !encode_slash))
			continue;
		if (buf_append(b, s + start, i - start) == -1)
			return -1;
		esc[0] = '%';
		esc[1] = digits[c >> 4];
		esc[2] = digits[c & 0xf];
		if (buf_append(b, esc, 3) == -1)
			return -1;
		start = i + 1;
	}
	return buf_append(b, s + start, len - start);
}

int
sigv4_amz_date(time_t now, char out[17])
{
	struct tm	 tm;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		return -1;
	return 0;
}

/* Percent-decodes s[0..len) then appends it strictly re-encoded.  A "%"
 * not followed by two hex digits is taken literally. */
static int
sigv4_reencode(struct buf *out, const char *s, size_t len)
{
	struct buf	 raw = { 0 };
	size_t		 i;
	int		 hi, lo, rc = -1;
	char		 c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '%' && i + 2 < len &&
		    (hi = hex_value(s[i + 1])) >= 0 &&
		    (lo = hex_value(s[i + 2])) >= 0) {
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (buf_putc(&raw, c) == -1)
			goto out;
	}
	if (sigv4_uri_encode(out, buf_str(&raw), raw.len, 1) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&raw);
	return rc;
}

static int
sigv4_pair_cmp(const void *a, const void *b)
{
	const struct sigv4_pair *x = a, *y = b;
	int	 c;

	if ((c = strcmp(buf_str(&x->k), buf_str(&y->k))) != 0)
		return c;
	return strcmp(buf_str(&x->v), buf_str(&y->v));
}

static void
sigv4_pairs_free(struct sigv4_pair *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		buf_free(&p[i].k);
		buf_free(&p[i].v);
	}
}

/* Splits a raw query into encoded pairs appended to p[*n]. */
static int
sigv4_query_pairs(const char *q, struct sigv4_pair *p, size_t *n)
{
	const char	*amp, *eq, *end;

	if (q == NULL)
		return 0;
	if (strlen(q) > LIMIT_QUERY_LEN) {
		log_warnx("query too long");
		return -1;
	}
	while (*q != '\0') {
		amp = strchr(q, '&');
		end = amp ? amp : q + strlen(q);
		if (end != q) {
			if (*n >= SIGV4_MAX_PAIRS - 8) {
				log_warnx("too many query pairs");
				return -1;
			}
			eq = memchr(q, '=', (size_t)(end - q));
			memset(&p[*n], 0, sizeof(p[*n]));
			(*n)++;
			if (sigv4_reencode(&p[*n - 1].k, q,
			    (size_t)((eq ? eq : end) - q)) == -1 ||
			    (eq && sigv4_reencode(&p[*n - 1].v, eq + 1,
			    (size_t)(end - eq - 1)) == -1))
				return -1;
		}
		q = amp ? amp + 1 : end;
	}
	return 0;
}

static int
sigv4_add_pair(struct sigv4_pair *p, size_t *n, const char *k, const char *v)
{
	if (*n >= SIGV4_MAX_PAIRS)
		return -1;
	memset(&p[*n], 0, sizeof(p[*n]));
	(*n)++;
	if (sigv4_uri_encode(&p[*n - 1].k, k, strlen(k), 1) == -1 ||
	    sigv4_uri_encode(&p[*n - 1].v, v, strlen(v), 1) == -1)
		return -1;
	return 0;
}

/* Removes ".", ".." and empty segments; keeps a trailing slash. */
static int
sigv4_normalize(struct buf *out, const char *path)
{
	size_t	 starts[LIMIT_PATH_LEN / 2 + 1];
	size_t	 depth = 0, seglen, plen = strlen(path);
	const char *s = path, *e;

	if (plen > LIMIT_PATH_LEN)
		return -1;
	while (*s != '\0') {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		e = strchr(s, '/');
		seglen = e ? (size_t)(e - s) : strlen(s);
		if (seglen == 1 && s[0] == '.') {
			/* skip */
		} else if (seglen == 2 && s[0] == '.' && s[1] == '.') {
			if (depth > 0) {
				depth--;
				out->len = starts[depth];
				out->data[out->len] = '\0';
			}
		} else {
			starts[depth++] = out->len;
			if (buf_putc(out, '/') == -1 ||
			    buf_append(out, s, seglen) == -1)
				return -1;
		}
		s += seglen;
	}
	if (out->len == 0 || (plen > 0 && path[plen - 1] == '/'))
		return buf_putc(out, '/');
	return 0;
}

static int
sigv4_hdr_cmp(const void *a, const void *b)
{
	const struct sigv4_hdr *x = a, *y = b;
	int	 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
sigv4_hdr_add(struct sigv4_hdr *h, size_t *n, const char *name,
    const char *value)
{
	size_t	 i, len = strlen(name);

	if (*n >= SIGV4_MAX_HEADERS + 4 || len == 0 ||
	    len >= sizeof(h[0].name) || value == NULL ||
	    strpbrk(value, "\r\n") != NULL) {
		log_warnx("bad or too many headers");
		return -1;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)name[i] <= ' ' || name[i] == ':' ||
		    (unsigned char)name[i] >= 0x7f)
			return -1;
		h[*n].name[i] = (name[i] >= 'A' && name[i] <= 'Z') ?
		    (char)(name[i] - 'A' + 'a') : name[i];
	}
	h[*n].name[len] = '\0';
	h[*n].value = value;
	h[*n].order = *n;
	(*n)++;
	return 0;
}

/* Trimall: no leading or trailing blanks, runs of blanks become one space. */
static int
sigv4_trimall(struct buf *b, const char *v)
{
	int	 pending = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v != '\0'; v++) {
		if (*v == ' ' || *v == '\t') {
			pending = 1;
			continue;
		}
		if (pending && buf_putc(b, ' ') == -1)
			return -1;
		pending = 0;
		if (buf_putc(b, *v) == -1)
			return -1;
	}
	return 0;
}

/* RFC 9110 tchar: what a method (a token) may be made of. */
static int
sigv4_tchar(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

int
sigv4_http_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!sigv4_tchar((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * A Host value: a DNS name or IPv4 address (letters, digits, '-', '.',
 * '_') or a bracketed IPv6 literal, then optionally ':' and a port
 * 1..65535 without leading zeros.  No user info, path, blanks or
 * controls: what is signed must be exactly what goes on the wire.
 * *namelen gets the length without the port.
 */
static int
sigv4_host_ok(const char *h, size_t len, size_t *namelen, unsigned *port)
{
	const char	*p = h, *e = h + len, *rb;
	unsigned	 n = 0;

	*port = 0;
	if (len == 0 || len > SIGV4_HOST_MAX)
		return 0;
	if (*p == '[') {
		if ((rb = memchr(p, ']', len)) == NULL || rb - p < 3)
			return 0;
		for (p++; p < rb; p++)
			if (hex_value(*p) < 0 && *p != ':' && *p != '.')
				return 0;
		p = rb + 1;
	} else {
		for (; p < e && *p != ':'; p++)
			if (!((*p >= 'A' && *p <= 'Z') ||
			    (*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '.' || *p == '_'))
				return 0;
		if (p == h)
			return 0;
	}
	*namelen = (size_t)(p - h);
	if (p == e)
		return 1;
	if (*p++ != ':' || p == e || e - p > 5 || *p == '0')
		return 0;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		n = n * 10 + (unsigned)(*p - '0');
	}
	*port = n;
	return n <= 65535;
}

int
sigv4_host(struct buf *out, const char *scheme, const char *authority,
    size_t len)
{
	size_t		 namelen;
	unsigned	 port, dflt;

	if (scheme != NULL && strcmp(scheme, "https") == 0)
		dflt = 443;
	else if (scheme != NULL && strcmp(scheme, "http") == 0)
		dflt = 80;
	else {
		log_warnx("scheme must be http or https");
		return -1;
	}
	if (authority == NULL ||
	    !sigv4_host_ok(authority, len, &namelen, &port)) {
		log_warnx("bad host");
		return -1;
	}
	/* curl leaves a default port out of Host; so must the signer. */
	return buf_append(out, authority, port == dflt ? namelen : len);
}

static int
sigv4_is_s3(const struct sigv4_key *k)
{
	return strcmp(k->service, "s3") == 0;
}

static int
sigv4_valid(const struct sigv4_key *k, const struct sigv4_request *r)
{
	size_t		 namelen;
	unsigned	 port;

	if (k == NULL || r == NULL || k->access_key == NULL ||
	    k->secret_key == NULL || k->region == NULL || k->service == NULL ||
	    r->method == NULL || r->host == NULL || r->path == NULL ||
	    r->path[0] != '/' || (r->nheaders > 0 && r->headers == NULL) ||
	    r->nheaders > SIGV4_MAX_HEADERS || *k->access_key == '\0' ||
	    *k->region == '\0' || *k->service == '\0' ||
	    strpbrk(k->access_key, "/\r\n") != NULL ||
	    strpbrk(k->region, "/\r\n") != NULL ||
	    strpbrk(k->service, "/\r\n") != NULL ||
	    strlen(r->path) > LIMIT_PATH_LEN) {
		log_warnx("invalid signing input");
		return -1;
	}
	if (!sigv4_http_token(r->method)) {
		log_warnx("method is not an HTTP token");
		return -1;
	}
	if (!sigv4_host_ok(r->host, strlen(r->host), &namelen, &port)) {
		log_warnx("bad host");
		return -1;
	}
	return 0;
}

/*
 * The payload hash to sign: exactly 64 lower-case hex digits, or
 * UNSIGNED-PAYLOAD, which only S3 accepts.  NULL means UNSIGNED-PAYLOAD
 * for an S3 presigned URL and the empty body's hash for another
 * service's (as botocore signs them); the header form needs a hash.
 */
static const char *
sigv4_payload(const struct sigv4_key *k, const struct sigv4_request *r,
    int presign)
{
	const char	*p = r->payload_sha256_hex;

	if (p == NULL) {
		if (!presign) {
			log_warnx("header form needs a payload hash");
			return NULL;
		}
		return sigv4_is_s3(k) ? SIGV4_UNSIGNED_PAYLOAD :
		    SIGV4_EMPTY_SHA256;
	}
	if (strcmp(p, SIGV4_UNSIGNED_PAYLOAD) == 0) {
		if (!sigv4_is_s3(k)) {
			log_warnx("UNSIGNED-PAYLOAD is for S3 only");
			return NULL;
		}
		return p;
	}
	if (strlen(p) != 64 || strspn(p, "0123456789abcdef") != 64) {
		log_warnx("payload hash is neither hex nor UNSIGNED-PAYLOAD");
		return NULL;
	}
	return p;
}

/*
 * Builds the canonical request into creq, the signed-header list into
 * sh and, for the presigned form, the canonical query (which is also the
 * wire query) into cq.  expires_s 0 selects the header form.
 */
static int
sigv4_build(const struct sigv4_key *k, const struct sigv4_request *r,
    const char *amz_date, unsigned expires_s, struct buf *creq,
    struct buf *sh, struct buf *cq)
{
	struct sigv4_pair *pairs = NULL;
	struct sigv4_hdr hdrs[SIGV4_MAX_HEADERS + 4];
	struct buf	 path = { 0 }, val = { 0 }, cred = { 0 };
	const char	*payload;
	char		 exp[16];
	size_t		 npairs = 0, nh = 0, i;
	int		 rc = -1, presign = expires_s != 0;

	if ((payload = sigv4_payload(k, r, presign)) == NULL)
		goto out;

	/* Headers: the caller's, then the ones this module owns. */
	for (i = 0; i < r->nheaders; i++) {
		if (sigv4_hdr_add(hdrs, &nh, r->headers[i].name,
		    r->headers[i].value) == -1)
			goto out;
		if (strcmp(hdrs[nh - 1].name, "host") == 0 ||
		    strcmp(hdrs[nh - 1].name, "x-amz-date") == 0 ||
		    strcmp(hdrs[nh - 1].name, "x-amz-security-token") == 0 ||
		    strcmp(hdrs[nh - 1].name, "x-amz-content-sha256") == 0 ||
		    strcmp(hdrs[nh - 1].name, "authorization") == 0) {
			log_warnx("header %s is set by the signer",
			    hdrs[nh - 1].name);
			goto out;
		}
	}
	if (sigv4_hdr_add(hdrs, &nh, "host", r->host) == -1)
		goto out;
	if (!presign) {
		if (sigv4_hdr_add(hdrs, &nh, "x-amz-date", amz_date) == -1)
			goto out;
		if (k->session_token && sigv4_hdr_add(hdrs, &nh,
		    "x-amz-security-token", k->session_token) == -1)
			goto out;
		if (sigv4_is_s3(k) && sigv4_hdr_add(hdrs, &nh,
		    "x-amz-content-sha256", payload) == -1)
			goto out;
	}
	qsort(hdrs, nh, sizeof(hdrs[0]), sigv4_hdr_cmp);
	for (i = 0; i < nh; i++) {
		if (i > 0 && strcmp(hdrs[i].name, hdrs[i - 1].name) == 0)
			continue;
		if ((i > 0 && buf_putc(sh, ';') == -1) ||
		    buf_puts(sh, hdrs[i].name) == -1)
			goto out;
	}

	/* Query. */
	if ((pairs = calloc(SIGV4_MAX_PAIRS, sizeof(*pairs))) == NULL)
		goto out;
	if (sigv4_query_pairs(r->query, pairs, &npairs) == -1)
		goto out;
	if (presign) {
		if (expires_s > SIGV4_MAX_EXPIRES) {
			log_warnx("expiry %u out of range", expires_s);
			goto out;
		}
		snprintf(exp, sizeof(exp), "%u", expires_s);
		if (buf_printf(&cred, "%s/%.8s/%s/%s/%s", k->access_key,
		    amz_date, k->region, k->service, SIGV4_TERM) == -1 ||
		    sigv4_add_pair(pairs, &npairs, "X-Amz-Algorithm",
		    SIGV4_ALGO) == -1 ||
		    sigv4_add_pair(pairs, &npairs, "X-Amz-Credential",
		    buf_str(&cred)) == -1 ||
		    sigv4_add_pair(pairs, &npairs, "X-Amz-Date",
		    amz_date) == -1 ||
		    sigv4_add_pair(pairs, &npairs, "X-Amz-Expires", exp) == -1 ||
		    sigv4_add_pair(pairs, &npairs, "X-Amz-SignedHeaders",
		    buf_str(sh)) == -1 ||
		    (k->session_token && sigv4_add_pair(pairs, &npairs,
		    "X-Amz-Security-Token", k->session_token) == -1))
			goto out;
	}
	qsort(pairs, npairs, sizeof(pairs[0]), sigv4_pair_cmp);

	/* Canonical request. */
	if (buf_puts(creq, r->method) == -1 || buf_putc(creq, '\n') == -1)
		goto out;
	if (sigv4_is_s3(k)) {
		if (sigv4_uri_encode(creq, r->path, strlen(r->path), 0) == -1)
			goto out;
	} else if (sigv4_normalize(&path, r->path) == -1 ||
	    sigv4_uri_encode(creq, path.data, path.len, 0) == -1)
		goto out;
	if (buf_putc(creq, '\n') == -1)
		goto out;
	for (i = 0; i < npairs; i++) {
		if ((i > 0 && buf_putc(cq, '&') == -1) ||
		    buf_printf(cq, "%s=%s", buf_str(&pairs[i].k),
		    buf_str(&pairs[i].v)) == -1)
			goto out;
	}
	if (buf_append(creq, buf_str(cq), cq->len) == -1 ||
	    buf_putc(creq, '\n') == -1)
		goto out;
	for (i = 0; i < nh; i++) {
		if (i > 0 && strcmp(hdrs[i].name, hdrs[i - 1].name) == 0) {
			if (buf_putc(creq, ',') == -1)
				goto out;
		} else if ((i > 0 && buf_putc(creq, '\n') == -1) ||
		    buf_printf(creq, "%s:", hdrs[i].name) == -1)
			goto out;
		buf_reset(&val);
		if (sigv4_trimall(&val, hdrs[i].value) == -1 ||
		    buf_append(creq, buf_str(&val), val.len) == -1)
			goto out;
	}
	if (buf_printf(creq, "\n\n%s\n%s", buf_str(sh), payload) == -1)
		goto out;
	rc = 0;
out:
	if (pairs) {
		sigv4_pairs_free(pairs, npairs);
		free(pairs);
	}
	buf_free(&path);
	buf_free(&val);
	buf_free(&cred);
	return rc;
}

/* Everything both forms share: canonical request, string to sign and the
 * hex signature.  sh gets the signed headers, cq the canonical query. */
static int
sigv4_sign(const struct sigv4_key *k, const struct sigv4_request *r,
    time_t now, unsigned expires_s, char amz_date[17], struct buf *sh,
    struct buf *cq, struct buf *creq_out, struct buf *sts_out,
    char sig[65])
{
	struct buf	 creq = { 0 }, sts = { 0 };
	unsigned char	 key[32], mac[32];
	char		 hash[65], date[9];
	int		 rc = -1;

	if (sigv4_valid(k, r) == -1 || sigv4_amz_date(now, amz_date) == -1)
		goto out;
	if (sigv4_build(k, r, amz_date, expires_s, &creq, sh, cq) == -1)
		goto out;
	sha256_hex(creq.data, creq.len, hash);
	if (hash[0] == '\0')
		goto out;
	snprintf(date, sizeof(date), "%.8s", amz_date);
	if (buf_printf(&sts, "%s\n%s\n%s/%s/%s/%s\n%s", SIGV4_ALGO, amz_date,
	    date, k->region, k->service, SIGV4_TERM, hash) == -1)
		goto out;
	if (sigv4_signing_key(k, date, key) == -1 ||
	    sigv4_hmac(key, sizeof(key), sts.data, sts.len, mac) == -1)
		goto out;
	hex_encode(mac, sizeof(mac), sig);
	if ((creq_out && buf_append(creq_out, buf_str(&creq), creq.len) == -1)
	    || (sts_out && buf_append(sts_out, buf_str(&sts), sts.len) == -1))
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	buf_free(&creq);
	buf_free(&sts);
	return rc;
}

int
sigv4_authorization(const struct sigv4_key *k, const struct sigv4_request *r,
    time_t now, struct buf *auth, char amz_date[17])
{
	struct buf	 sh = { 0 }, cq = { 0 };
	char		 sig[65];
	int		 rc = -1;

	if (sigv4_sign(k, r, now, 0, amz_date, &sh, &cq, NULL, NULL,
	    sig) == -1)
		goto out;
	if (buf_printf(auth, "%s Credential=%s/%.8s/%s/%s/%s, "
	    "SignedHeaders=%s, Signature=%s", SIGV4_ALGO, k->access_key,
	    amz_date, k->region, k->service, SIGV4_TERM, buf_str(&sh),
	    sig) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&sh);
	buf_free(&cq);
	return rc;
}

int
sigv4_presign(const struct sigv4_key *k, const struct sigv4_request *r,
    time_t now, unsigned expires_s, struct buf *query_out)
{
	struct buf	 sh = { 0 }, cq = { 0 };
	char		 sig[65], amz_date[17];
	int		 rc = -1;

	if (expires_s == 0 || expires_s > SIGV4_MAX_EXPIRES) {
		log_warnx("expiry %u out of range", expires_s);
		goto out;
	}
	if (sigv4_sign(k, r, now, expires_s, amz_date, &sh, &cq, NULL, NULL,
	    sig) == -1)
		goto out;
	if (buf_printf(query_out, "%s&X-Amz-Signature=%s", buf_str(&cq),
	    sig) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&sh);
	buf_free(&cq);
	return rc;
}

int
sigv4_canonical(const struct sigv4_key *k, const struct sigv4_request *r,
    time_t now, unsigned expires_s, struct buf *creq, struct buf *sts)
{
	struct buf	 sh = { 0 }, cq = { 0 };
	char		 sig[65], amz_date[17];
	int		 rc;

	rc = sigv4_sign(k, r, now, expires_s, amz_date, &sh, &cq, creq, sts,
	    sig);
	buf_free(&sh);
	buf_free(&cq);
	return rc;
}
