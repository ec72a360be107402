/* test-sigv4.c: SigV4 against the AWS test suite, S3's documented examples
 * and URI-encoding corner cases */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "log.h"
#include "crypto.h"
#include "sigv4.h"
#include "tap.h"

#define EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* The suite's cases (tests/data/sigv4/<name>/<name>.*, see README.md). */
static const char *suite[] = {
	"get-header-key-duplicate",
	"get-header-value-multiline",
	"get-header-value-order",
	"get-header-value-trim",
	"get-unreserved",
	"get-utf8",
	"get-vanilla-empty-query-key",
	"get-vanilla-query-order-key-case",
	"get-vanilla-query-order-key",
	"get-vanilla-query-order-value",
	"get-vanilla-query-unreserved",
	"get-vanilla-utf8-query",
	"get-slash-dot-slash",
	"get-slash-pointless-dot",
	"get-slashes",
	"get-space",
	"post-header-key-sort",
	"post-header-value-case",
	"post-sts-header-before",
	"post-vanilla",
	"post-vanilla-empty-query-value",
	"post-x-www-form-urlencoded",
	"post-x-www-form-urlencoded-parameters",
};

static const char *datadir;

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

/* Reads a whole file into b; returns 0, or -1 when it does not exist. */
static int
slurp(const char *name, const char *ext, struct buf *b)
{
	char	 path[1024], chunk[4096];
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof(path), "%s/%s/%s.%s", datadir, name, name, ext);
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(b, chunk, n);
	fclose(f);
	return 0;
}

/* Returns line n (0-based) of s in out. */
static const char *
line_of(const char *s, int n, char *out, size_t outlen)
{
	const char *e;

	while (n-- > 0 && s != NULL)
		if ((s = strchr(s, '\n')) != NULL)
			s++;
	if (s == NULL)
		return "(none)";
	e = strchr(s, '\n');
	snprintf(out, outlen, "%.*s", (int)(e ? (size_t)(e - s) :
	    strlen(s)), s);
	return out;
}

/* Parses one .req, signs it and compares every stage the suite gives. */
static void
run_suite_case(const char *name)
{
	struct buf	 req = { 0 }, want = { 0 }, got = { 0 }, creq = { 0 },
			 sts = { 0 }, wcreq = { 0 }, wsts = { 0 };
	struct sigv4_header hdrs[16];
	struct sigv4_key key = { "AKIDEXAMPLE",
	    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL, "us-east-1",
	    "service" };
	struct sigv4_request r;
	char		*p, *line, *next, *body, *colon, *sp, *q, date[17];
	char		 hash[65];
	size_t		 nh = 0;

	memset(&r, 0, sizeof(r));
	if (slurp(name, "req", &req) == -1 || slurp(name, "authz", &want)
	    == -1) {
		ok(0, "%s: vector files readable in %s", name, datadir);
		goto out;
	}
	p = req.data;
	if ((body = strstr(p, "\n\n")) != NULL) {
		*body = '\0';
		body += 2;
	} else
		body = "";
	sha256_hex(body, strlen(body), hash);
	r.payload_sha256_hex = hash;

	/* Request line: METHOD SP target SP HTTP/1.1; target may hold spaces. */
	next = strchr(p, '\n');
	if (next)
		*next++ = '\0';
	sp = strchr(p, ' ');
	*sp = '\0';
	r.method = p;
	*strrchr(sp + 1, ' ') = '\0';
	r.path = sp + 1;
	if ((q = strchr(sp + 1, '?')) != NULL) {
		*q = '\0';
		r.query = q + 1;
	}
	for (line = next; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == ' ' || *line == '\t') {
			/* continuation: one more value of the same header */
			hdrs[nh].name = hdrs[nh - 1].name;
			hdrs[nh++].value = line;
			continue;
		}
		colon = strchr(line, ':');
		*colon = '\0';
		if (strcasecmp(line, "host") == 0)
			r.host = colon + 1;
		else if (strcasecmp(line, "x-amz-date") == 0)
			;	/* the signer writes it from the time */
		else if (strcasecmp(line, "x-amz-security-token") == 0)
			key.session_token = colon + 1;
		else {
			hdrs[nh].name = line;
			hdrs[nh++].value = colon + 1;
		}
	}
	r.headers = hdrs;
	r.nheaders = nh;

	ok(sigv4_authorization(&key, &r, utc(2015, 8, 30, 12, 36, 0), &got,
	    date) == 0, "%s: signs", name);
	is_str(buf_str(&got), buf_str(&want), "%s: authorization", name);
	is_str(date, "20150830T123600Z", "%s: x-amz-date", name);
	if (slurp(name, "creq", &wcreq) == 0) {
		sigv4_canonical(&key, &r, utc(2015, 8, 30, 12, 36, 0), 0,
		    &creq, &sts);
		is_str(buf_str(&creq), buf_str(&wcreq),
		    "%s: canonical request", name);
		if (slurp(name, "sts", &wsts) == 0)
			is_str(buf_str(&sts), buf_str(&wsts),
			    "%s: string to sign", name);
	}
out:
	buf_free(&req);
	buf_free(&want);
	buf_free(&got);
	buf_free(&creq);
	buf_free(&sts);
	buf_free(&wcreq);
	buf_free(&wsts);
}

static void
test_uri_encode(void)
{
	static const struct {
		const char	*in;
		int		 slash;
		const char	*want;
	} t[] = {
		{ "", 0, "" },
		{ "a b", 0, "a%20b" },
		{ "~", 0, "~" },
		{ "-._~AZaz09", 1, "-._~AZaz09" },
		{ "+", 0, "%2B" },
		{ "a/b", 0, "a/b" },
		{ "a/b", 1, "a%2Fb" },
		{ "\xe1\x88\xb4", 0, "%E1%88%B4" },		/* U+1234 */
		{ "caf\xc3\xa9.jpg", 0, "caf%C3%A9.jpg" },
		{ "\xf0\x9f\x9a\xa4", 0, "%F0%9F%9A%A4" },	/* U+1F6A4 */
		{ "*", 0, "%2A" },
		{ "$", 0, "%24" },
		{ "%", 0, "%25" },
		{ "%20", 0, "%2520" },
		{ "=&?#", 0, "%3D%26%3F%23" },
		{ "\x7f\x01", 0, "%7F%01" },
	};
	struct buf	 b = { 0 };
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_reset(&b);
		ok(sigv4_uri_encode(&b, t[i].in, strlen(t[i].in),
		    t[i].slash) == 0, "uri_encode #%zu returns 0", i);
		is_str(buf_str(&b), t[i].want, "uri_encode #%zu (slash %d)",
		    i, t[i].slash);
	}
	buf_free(&b);
}

/* Canonical URI (line 1) and canonical query (line 2) for S3 and not. */
static void
test_canonical_parts(void)
{
	static const struct {
		const char	*service, *path, *query;
		const char	*want_path, *want_query;
	} t[] = {
		/* S3: encoded once, never normalised */
		{ "s3", "/bucket/photos/1/a b.jpg", NULL,
		    "/bucket/photos/1/a%20b.jpg", "" },
		{ "s3", "/b/x//y/./z/../w", NULL, "/b/x//y/./z/../w", "" },
		{ "s3", "/b/a+b~c", "", "/b/a%2Bb~c", "" },
		{ "s3", "/b/caf\xc3\xa9 \xe1\x88\xb4.jpg", NULL,
		    "/b/caf%C3%A9%20%E1%88%B4.jpg", "" },
		{ "s3", "/b/100%.jpg", NULL, "/b/100%25.jpg", "" },
		{ "s3", "/b/key/", NULL, "/b/key/", "" },
		/* other services: normalised, and the wire path encoded again */
		{ "service", "/a/b/../c", NULL, "/a/c", "" },
		{ "service", "/a%20b", NULL, "/a%2520b", "" },
		{ "service", "/example1/example2/../..", NULL, "/", "" },
		{ "service", "/../..", NULL, "/", "" },
		{ "service", "//a//b//", NULL, "/a/b/", "" },
		/* query: decode, re-encode strictly, sort by key then value */
		{ "s3", "/", "", "/", "" },
		{ "s3", "/", "a=1&a=0&A=2", "/", "A=2&a=0&a=1" },
		{ "s3", "/", "b&a", "/", "a=&b=" },
		{ "s3", "/", "x=a+b", "/", "x=a%2Bb" },
		{ "s3", "/", "x=a b", "/", "x=a%20b" },
		{ "s3", "/", "x=a%20b", "/", "x=a%20b" },
		{ "s3", "/", "k=%7e%7E", "/", "k=~~" },
		{ "s3", "/", "&&a=1&", "/", "a=1" },
		{ "s3", "/", "a=b=c", "/", "a=b%3Dc" },
		{ "s3", "/", "a=%zz%4", "/", "a=%25zz%254" },
		{ "s3", "/", "prefix=photos/1/&list-type=2", "/",
		    "list-type=2&prefix=photos%2F1%2F" },
		{ "s3", "/", "\xd0\xba=\xd0\xb7", "/", "%D0%BA=%D0%B7" },
		{ "s3", "/", "a=%2B&a=+", "/", "a=%2B&a=%2B" },
		{ "s3", "/", "uploads", "/", "uploads=" },
	};
	struct sigv4_key key = { "AKIDEXAMPLE", "secret", NULL, "us-east-1",
	    NULL };
	struct sigv4_request r;
	struct buf	 creq = { 0 };
	char		 l[512];
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&r, 0, sizeof(r));
		key.service = t[i].service;
		r.method = "GET";
		r.host = "h.example";
		r.path = t[i].path;
		r.query = t[i].query;
		r.payload_sha256_hex = EMPTY_SHA256;
		buf_reset(&creq);
		ok(sigv4_canonical(&key, &r, 0, 0, &creq, NULL) == 0,
		    "canonical #%zu builds", i);
		is_str(line_of(buf_str(&creq), 1, l, sizeof(l)),
		    t[i].want_path, "canonical #%zu uri (%s)", i,
		    t[i].service);
		is_str(line_of(buf_str(&creq), 2, l, sizeof(l)),
		    t[i].want_query, "canonical #%zu query", i);
	}
	buf_free(&creq);
}

/*
 * S3's documented examples ("Signature Calculations for the Authorization
 * Header: Transferring Payload in a Single Chunk" and "Authenticating
 * Requests: Using Query Parameters", Amazon S3 API Reference).
 */
static void
test_s3_examples(void)
{
	struct sigv4_key key = { "AKIAIOSFODNN7EXAMPLE",
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL, "us-east-1",
	    "s3" };
	struct sigv4_header range[] = { { "Range", "bytes=0-9" } };
	struct sigv4_header put[] = {
		{ "Date", "Fri, 24 May 2013 00:00:00 GMT" },
		{ "x-amz-storage-class", "REDUCED_REDUNDANCY" },
	};
	struct sigv4_request r;
	struct buf	 b = { 0 }, creq = { 0 }, sts = { 0 };
	char		 date[17], hash[65];
	time_t		 t = utc(2013, 5, 24, 0, 0, 0);
	const char	*body = "Welcome to Amazon S3.";

	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.host = "examplebucket.s3.amazonaws.com";
	r.path = "/test.txt";
	r.headers = range;
	r.nheaders = 1;
	r.payload_sha256_hex = EMPTY_SHA256;
	ok(sigv4_canonical(&key, &r, t, 0, &creq, &sts) == 0, "s3 GET builds");
	is_str(buf_str(&creq), "GET\n/test.txt\n\n"
	    "host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
	    "x-amz-content-sha256:" EMPTY_SHA256 "\n"
	    "x-amz-date:20130524T000000Z\n\n"
	    "host;range;x-amz-content-sha256;x-amz-date\n" EMPTY_SHA256,
	    "s3 GET object: canonical request");
	is_str(buf_str(&sts), "AWS4-HMAC-SHA256\n20130524T000000Z\n"
	    "20130524/us-east-1/s3/aws4_request\n"
	    "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
	    "s3 GET object: string to sign");
	ok(sigv4_authorization(&key, &r, t, &b, date) == 0, "s3 GET signs");
	is_str(buf_str(&b), "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"
	    "20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;"
	    "x-amz-content-sha256;x-amz-date, Signature="
	    "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
	    "s3 GET object: authorization");

	sha256_hex(body, strlen(body), hash);
	is_str(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b8"
	    "03f8b072", "s3 PUT object: payload hash");
	r.method = "PUT";
	r.path = "/test$file.text";
	r.headers = put;
	r.nheaders = 2;
	r.payload_sha256_hex = hash;
	buf_reset(&b);
	sigv4_authorization(&key, &r, t, &b, date);
	ok(strstr(buf_str(&b), "SignedHeaders=date;host;x-amz-content-sha256;"
	    "x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b7"
	    "8f14c238d841ea1380cd77a1b5971af0ece108bd") != NULL,
	    "s3 PUT object ($ in key): authorization");

	r.method = "GET";
	r.path = "/";
	r.headers = NULL;
	r.nheaders = 0;
	r.payload_sha256_hex = EMPTY_SHA256;
	r.query = "lifecycle";
	buf_reset(&b);
	sigv4_authorization(&key, &r, t, &b, date);
	ok(strstr(buf_str(&b), "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d6"
	    "5c699e0f91ac7a200a0136783543") != NULL,
	    "s3 GET bucket lifecycle (valueless key): authorization");
	r.query = "max-keys=2&prefix=J";
	buf_reset(&b);
	sigv4_authorization(&key, &r, t, &b, date);
	ok(strstr(buf_str(&b), "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a"
	    "534bc59db6670ed5711ef69dc6f7") != NULL,
	    "s3 list objects (two query keys): authorization");

	/* The presigned-URL example. */
	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.host = "examplebucket.s3.amazonaws.com";
	r.path = "/test.txt";
	buf_reset(&b);
	ok(sigv4_presign(&key, &r, t, 86400, &b) == 0, "s3 presign signs");
	is_str(buf_str(&b), "X-Amz-Algorithm=AWS4-HMAC-SHA256"
	    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3"
	    "%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
	    "&X-Amz-SignedHeaders=host&X-Amz-Signature="
	    "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
	    "s3 presigned GET: documented query string");
	buf_free(&b);
	buf_free(&creq);
	buf_free(&sts);
}

static void
test_presign_shapes(void)
{
	struct sigv4_key key = { "AKID", "secret", "TOKEN/+=", "eu-west-1",
	    "s3" };
	struct sigv4_header h[] = {
		{ "Content-Type", "image/jpeg" },
		{ "Content-Length", "1234" },
	};
	struct sigv4_request r;
	struct buf	 b = { 0 }, creq = { 0 };
	char		 l[512];

	memset(&r, 0, sizeof(r));
	r.method = "PUT";
	r.host = "127.0.0.1:9000";
	r.path = "/photos/g/1/a b.jpg";
	r.query = "x-id=PutObject";
	r.headers = h;
	r.nheaders = 2;
	ok(sigv4_presign(&key, &r, 0, 900, &b) == 0, "presign PUT");
	ok(strstr(buf_str(&b), "X-Amz-SignedHeaders=content-length%3Bcontent-"
	    "type%3Bhost&") != NULL, "presign signs content-length, "
	    "content-type and host");
	ok(strstr(buf_str(&b), "X-Amz-Security-Token=TOKEN%2F%2B%3D&") != NULL,
	    "presign carries the session token, encoded");
	ok(strstr(buf_str(&b), "X-Amz-Credential=AKID%2F19700101%2Feu-west-1"
	    "%2Fs3%2Faws4_request&") != NULL, "presign credential scope");
	ok(strncmp(buf_str(&b), "X-Amz-Algorithm=", 16) == 0 &&
	    strstr(buf_str(&b), "&x-id=PutObject&X-Amz-Signature=") != NULL,
	    "presign query sorted, own parameters kept, signature last");
	sigv4_canonical(&key, &r, 0, 900, &creq, NULL);
	is_str(line_of(buf_str(&creq), 3, l, sizeof(l)),
	    "content-length:1234", "presign canonical headers");
	is_str(line_of(buf_str(&creq), 8, l, sizeof(l)), "UNSIGNED-PAYLOAD",
	    "presign payload defaults to UNSIGNED-PAYLOAD");
	buf_reset(&creq);
	r.payload_sha256_hex = EMPTY_SHA256;
	sigv4_authorization(&key, &r, 0, &creq, l);
	ok(strstr(buf_str(&creq), "SignedHeaders=content-length;content-type;"
	    "host;x-amz-content-sha256;x-amz-date;x-amz-security-token,")
	    != NULL, "header form signs the s3 payload hash and token");
	buf_free(&b);
	buf_free(&creq);
}

static void
test_refusals(void)
{
	struct sigv4_key key = { "AKID", "secret", NULL, "us-east-1", "s3" };
	struct sigv4_header host[] = { { "Host", "evil.example" } };
	struct sigv4_header crlf[] = { { "X-A", "a\r\nX-B: b" } };
	struct sigv4_header sp[] = { { "X A", "a" } };
	struct sigv4_request r;
	struct buf	 b = { 0 };
	char		 date[17];

	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.host = "h";
	r.path = "/k";
	is_int(sigv4_authorization(&key, &r, 0, &b, date), -1,
	    "header form without payload hash refused");
	r.payload_sha256_hex = "abc";
	is_int(sigv4_authorization(&key, &r, 0, &b, date), -1,
	    "malformed payload hash refused");
	r.payload_sha256_hex = EMPTY_SHA256;
	r.headers = host;
	r.nheaders = 1;
	is_int(sigv4_authorization(&key, &r, 0, &b, date), -1,
	    "caller-supplied Host refused");
	r.headers = crlf;
	is_int(sigv4_authorization(&key, &r, 0, &b, date), -1,
	    "header value with CR/LF refused");
	r.headers = sp;
	is_int(sigv4_authorization(&key, &r, 0, &b, date), -1,
	    "header name with a space refused");
	r.nheaders = 0;
	is_int(sigv4_presign(&key, &r, 0, 0, &b), -1, "expiry 0 refused");
	is_int(sigv4_presign(&key, &r, 0, SIGV4_MAX_EXPIRES + 1, &b), -1,
	    "expiry over seven days refused");
	is_int(sigv4_presign(&key, &r, 0, SIGV4_MAX_EXPIRES, &b), 0,
	    "expiry of exactly seven days accepted");
	r.path = "k";
	is_int(sigv4_presign(&key, &r, 0, 60, &b), -1,
	    "relative path refused");
	r.path = "/k";
	key.access_key = "A/B";
	is_int(sigv4_presign(&key, &r, 0, 60, &b), -1,
	    "access key with a slash refused");
	buf_free(&b);
}

/* Payload hash: 64 lower-case hex digits, or UNSIGNED-PAYLOAD for S3. */
static void
test_payload_inputs(void)
{
	static const struct {
		const char	*service, *payload;
		int		 want;		/* 0 signed, -1 refused */
	} t[] = {
		{ "s3", EMPTY_SHA256, 0 },
		{ "s3", "UNSIGNED-PAYLOAD", 0 },
		{ "dynamodb", EMPTY_SHA256, 0 },
		{ "s3", EMPTY_SHA256 "\nx-amz-acl:public-read", -1 },
		{ "dynamodb", EMPTY_SHA256 "\nx-amz-acl:public-read", -1 },
		{ "dynamodb", EMPTY_SHA256 "\n", -1 },
		{ "dynamodb", EMPTY_SHA256 "-", -1 },
		{ "s3", EMPTY_SHA256 "0", -1 },
		{ "s3", EMPTY_SHA256 " ", -1 },
		{ "s3", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B"
		    "7852B855", -1 },
		{ "s3", "", -1 },
		{ "s3", "UNSIGNED-PAYLOAD\n", -1 },
		{ "s3", "unsigned-payload", -1 },
		{ "dynamodb", "UNSIGNED-PAYLOAD", -1 },
		{ "service", "UNSIGNED-PAYLOAD", -1 },
	};
	struct sigv4_key key = { "AKID", "secret", NULL, "us-east-1", NULL };
	struct sigv4_request r;
	struct buf	 b = { 0 }, creq = { 0 };
	char		 date[17], l[512];
	size_t		 i;

	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.host = "h.example";
	r.path = "/";
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		key.service = t[i].service;
		r.payload_sha256_hex = t[i].payload;
		buf_reset(&b);
		is_int(sigv4_authorization(&key, &r, 0, &b, date), t[i].want,
		    "payload #%zu (%s) %s", i, t[i].service,
		    t[i].want == 0 ? "signed" : "refused");
	}
	/* Presigned: NULL is UNSIGNED-PAYLOAD for S3 only, as in botocore. */
	r.payload_sha256_hex = NULL;
	key.service = "s3";
	sigv4_canonical(&key, &r, 0, 60, &creq, NULL);
	is_str(line_of(buf_str(&creq), 6, l, sizeof(l)), "UNSIGNED-PAYLOAD",
	    "presign for s3: UNSIGNED-PAYLOAD by default");
	key.service = "dynamodb";
	buf_reset(&creq);
	sigv4_canonical(&key, &r, 0, 60, &creq, NULL);
	is_str(line_of(buf_str(&creq), 6, l, sizeof(l)), EMPTY_SHA256,
	    "presign for another service: the empty body's hash by default");
	r.payload_sha256_hex = SIGV4_UNSIGNED_PAYLOAD;
	buf_reset(&b);
	is_int(sigv4_presign(&key, &r, 0, 60, &b), -1,
	    "presign for another service: UNSIGNED-PAYLOAD refused");
	key.service = "s3";
	r.payload_sha256_hex = EMPTY_SHA256 "\nhost;x";
	buf_reset(&b);
	is_int(sigv4_presign(&key, &r, 0, 60, &b), -1,
	    "presign: a hash with a suffix refused");
	buf_free(&b);
	buf_free(&creq);
}

/* Method: an RFC 9110 token (tchar only), never empty. */
static void
test_method_inputs(void)
{
	static const struct {
		const char	*method;
		int		 want;
	} t[] = {
		{ "GET", 0 }, { "PUT", 0 }, { "PATCH", 0 }, { "M-SEARCH", 0 },
		{ "x!#$%&'*+-.^_`|~9", 0 },
		{ "", -1 }, { "GET /x", -1 }, { "GET\n", -1 }, { "GET\t", -1 },
		{ "G(ET", -1 }, { "GE:T", -1 }, { "GET/", -1 }, { "G\"ET", -1 },
		{ "G\xc3\x89T", -1 }, { "GET\x7f", -1 }, { "GET,PUT", -1 },
	};
	struct sigv4_key key = { "AKID", "secret", NULL, "us-east-1", "s3" };
	struct sigv4_request r;
	struct buf	 b = { 0 };
	char		 date[17];
	size_t		 i;

	memset(&r, 0, sizeof(r));
	r.host = "h";
	r.path = "/k";
	r.payload_sha256_hex = EMPTY_SHA256;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r.method = t[i].method;
		buf_reset(&b);
		is_int(sigv4_authorization(&key, &r, 0, &b, date), t[i].want,
		    "method #%zu %s", i, t[i].want == 0 ? "signed" : "refused");
		buf_reset(&b);
		is_int(sigv4_presign(&key, &r, 0, 60, &b), t[i].want,
		    "method #%zu %s (presigned)", i,
		    t[i].want == 0 ? "signed" : "refused");
	}
	buf_free(&b);
}

/* Host: validated by the signer; default ports dropped by sigv4_host(). */
static void
test_host_inputs(void)
{
	static const struct {
		const char	*host;
		int		 want;
	} t[] = {
		{ "h", 0 }, { "h:8080", 0 }, { "h:1", 0 }, { "h:65535", 0 },
		{ "127.0.0.1:4568", 0 }, { "[::1]", 0 }, { "[::1]:9000", 0 },
		{ "[2001:db8::1]", 0 }, { "photos.s3.eu-west-1.amazonaws.com", 0 },
		{ "my_host.internal", 0 },
		{ "", -1 }, { "a b", -1 }, { "h\t", -1 }, { " h", -1 },
		{ "user@h", -1 }, { "h/path", -1 }, { "h?x=1", -1 }, { "h#f", -1 },
		{ "h:0", -1 }, { "h:65536", -1 }, { "h:99999", -1 },
		{ "h:", -1 }, { "h:080", -1 }, { "h:8o", -1 }, { "h:+80", -1 },
		{ ":80", -1 }, { "h:80:80", -1 }, { "[::1", -1 }, { "[]", -1 },
		{ "[zz::1]", -1 }, { "[::1]x", -1 }, { "[::1]:", -1 },
		{ "h\x7f", -1 }, { "h\x01", -1 }, { "h\xc3\xa9", -1 },
		{ "bucket.[::1]", -1 }, { "h%2e", -1 },
	};
	static const struct {
		const char	*scheme, *authority, *want;	/* NULL: refused */
	} d[] = {
		{ "http", "h", "h" }, { "http", "h:80", "h" },
		{ "https", "h:443", "h" }, { "http", "h:443", "h:443" },
		{ "https", "h:80", "h:80" }, { "https", "h:8443", "h:8443" },
		{ "https", "[::1]:443", "[::1]" }, { "http", "[::1]:80", "[::1]" },
		{ "http", "127.0.0.1:4568", "127.0.0.1:4568" },
		{ "ftp", "h", NULL }, { "HTTP", "h", NULL }, { NULL, "h", NULL },
		{ "http", "user@h:80", NULL }, { "http", "h:0", NULL },
		{ "http", "", NULL },
	};
	struct sigv4_key key = { "AKID", "secret", NULL, "us-east-1", "s3" };
	struct sigv4_request r;
	struct buf	 b = { 0 };
	char		 date[17];
	size_t		 i;
	int		 rc;

	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.path = "/k";
	r.payload_sha256_hex = EMPTY_SHA256;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r.host = t[i].host;
		buf_reset(&b);
		is_int(sigv4_authorization(&key, &r, 0, &b, date), t[i].want,
		    "host #%zu %s", i, t[i].want == 0 ? "signed" : "refused");
	}
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		buf_reset(&b);
		rc = sigv4_host(&b, d[i].scheme, d[i].authority,
		    strlen(d[i].authority));
		if (d[i].want == NULL)
			is_int(rc, -1, "sigv4_host #%zu refused", i);
		else
			is_str(rc == 0 ? buf_str(&b) : "(refused)", d[i].want,
			    "sigv4_host #%zu %s://%s", i, d[i].scheme,
			    d[i].authority);
	}
	buf_free(&b);
}

static void
test_key_cache(void)
{
	struct sigv4_key key = { "AKID", "secret-a", NULL, "us-east-1", "s3" };
	struct sigv4_request r;
	struct buf	 b1 = { 0 }, b2 = { 0 };
	unsigned long	 n0;
	time_t		 t = utc(2024, 1, 2, 3, 4, 5);

	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.host = "h";
	r.path = "/k";
	n0 = sigv4_key_derivations();
	sigv4_presign(&key, &r, t, 60, &b1);
	sigv4_presign(&key, &r, t + 3600, 60, &b1);
	is_int(sigv4_key_derivations() - n0, 1, "same day: key derived once");
	key.region = "eu-west-1";
	sigv4_presign(&key, &r, t, 60, &b1);
	is_int(sigv4_key_derivations() - n0, 2, "other region: new key");
	key.secret_key = "secret-b";
	buf_reset(&b1);
	sigv4_presign(&key, &r, t, 60, &b1);
	is_int(sigv4_key_derivations() - n0, 3, "other secret: new key");
	sigv4_presign(&key, &r, t + 86400, 60, &b1);
	is_int(sigv4_key_derivations() - n0, 4, "next day: new key");
	/* A key derived now (a secret never seen) signs exactly like the
	 * same key served from the cache. */
	key.secret_key = "secret-fresh";
	n0 = sigv4_key_derivations();
	buf_reset(&b1);
	sigv4_presign(&key, &r, t, 60, &b1);
	is_int(sigv4_key_derivations() - n0, 1, "unseen secret: key derived");
	buf_reset(&b2);
	sigv4_presign(&key, &r, t + 60, 60, &b2);
	is_int(sigv4_key_derivations() - n0, 1, "same again: key from the cache");
	/* same key, same time: only the cache differs between the two */
	buf_reset(&b2);
	sigv4_presign(&key, &r, t, 60, &b2);
	is_int(sigv4_key_derivations() - n0, 1, "and again: still cached");
	is_str(buf_str(&b2), buf_str(&b1), "cached key signs like the fresh one");
	buf_free(&b1);
	buf_free(&b2);
}

int
main(int argc, char *argv[])
{
	static char	 dir[1024];
	const char	*srcdir;
	char		 hex[65];
	size_t		 i;

	log_init("test-sigv4", LOG_LVL_ERR);
	if (argc > 1)
		datadir = argv[1];
	else {
		srcdir = getenv("srcdir");
		snprintf(dir, sizeof(dir), "%s/tests/data/sigv4",
		    srcdir ? srcdir : ".");
		datadir = dir;
	}

	sha256_hex("", 0, hex);
	is_str(hex, EMPTY_SHA256, "sha256 of nothing");
	sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256 of abc");
	is_int(sigv4_amz_date(utc(2015, 8, 30, 12, 36, 0), hex), 0, "amz date");
	is_str(hex, "20150830T123600Z", "amz date format");

	for (i = 0; i < sizeof(suite) / sizeof(suite[0]); i++)
		run_suite_case(suite[i]);
	test_uri_encode();
	test_canonical_parts();
	test_s3_examples();
	test_presign_shapes();
	test_refusals();
	test_payload_inputs();
	test_method_inputs();
	test_host_inputs();
	test_key_cache();
	return tap_done();
}
