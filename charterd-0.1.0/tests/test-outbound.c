/* test-outbound.c: the outbound HTTP client against a small HTTP server this
 * test forks on 127.0.0.1: keep-alive, options reset between requests,
 * timeouts, body cap, header capture, SigV4 headers, refusals */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <curl/curl.h>

#include "buf.h"
#include "crypto.h"
#include "limits.h"
#include "log.h"
#include "outbound.h"
#include "sigv4.h"
#include "tap.h"

#define T20240102	((time_t)1704164645)	/* 2024-01-02T03:04:05Z */
#define SRV_HEAD_MAX	16384
#define SRV_BODY_MAX	(2 * 1024 * 1024)
#define LARGE		(1100 * 1024)	/* over curl's Expect threshold */
#define BIG		1000		/* bytes /big and /chunked send */

static volatile unsigned *accepts;	/* shared with the server process */
static pid_t	 server_pid;
static int	 port;
static char	 base[64];		/* "http://127.0.0.1:<port>" */

/* -- the server ----------------------------------------------------------- */

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one request (head and Content-Length body) into b; -1 at EOF. */
static int
read_request(int fd, struct buf *b, size_t *head_len)
{
	char		 chunk[4096], *e, *cl;
	size_t		 want = 0;
	ssize_t		 n;

	buf_reset(b);
	*head_len = 0;
	for (;;) {
		if (*head_len == 0 && (e = strstr(buf_str(b), "\r\n\r\n"))) {
			*head_len = (size_t)(e - b->data) + 4;
			cl = strcasestr(b->data, "\r\ncontent-length:");
			if (cl != NULL && cl < e)
				want = strtoul(cl + 17, NULL, 10);
		}
		if (*head_len > 0 && b->len >= *head_len + want)
			return 0;
		if (b->len > SRV_HEAD_MAX + SRV_BODY_MAX)
			return -1;
		if ((n = read(fd, chunk, sizeof(chunk))) <= 0)
			return -1;
		buf_append(b, chunk, (size_t)n);
	}
}

/* Answers one request by its path; returns 1 to close the connection. */
static int
answer(int fd, const struct buf *req, size_t head_len)
{
	struct buf	 out = { 0 }, body = { 0 };
	char		 method[16] = "", path[256] = "", extra[2200] = "";
	int		 close_after = 0, chunked = 0, status = 200, i;

	sscanf(buf_str(req), "%15s %255s", method, path);
	if (strcmp(path, "/ok") == 0) {
		buf_puts(&body, "hello");
		snprintf(extra, sizeof(extra), "ETag: \"v1\"\r\nX-Extra: 42\r\n");
	} else if (strcmp(path, "/echo") == 0)
		buf_append(&body, req->data, req->len);
	else if (strcmp(path, "/echo-head") == 0)
		buf_append(&body, req->data, head_len);
	else if (strcmp(path, "/big") == 0 || strcmp(path, "/chunked") == 0) {
		for (i = 0; i < BIG; i++)
			buf_putc(&body, 'x');
		chunked = strcmp(path, "/chunked") == 0;
	} else if (strcmp(path, "/close") == 0) {
		buf_puts(&body, "bye");
		close_after = 1;
	} else if (strcmp(path, "/long-header") == 0) {
		memcpy(extra, "X-Long: ", 8);
		memset(extra + 8, 'a', 2000);
		memcpy(extra + 2008, "\r\n", 3);
	} else
		status = 404;

	buf_printf(&out, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n%s%s",
	    status, status == 200 ? "OK" : "Not Found", extra,
	    close_after ? "Connection: close\r\n" : "");
	if (chunked)
		buf_puts(&out, "Transfer-Encoding: chunked\r\n\r\n");
	else
		buf_printf(&out, "Content-Length: %zu\r\n\r\n", body.len);
	if (strcmp(method, "HEAD") != 0) {
		if (!chunked)
			buf_append(&out, body.data, body.len);
		else {
			for (i = 0; i < BIG; i += 100)
				buf_printf(&out, "64\r\n%.100s\r\n",
				    body.data + i);
			buf_puts(&out, "0\r\n\r\n");
		}
	}
	if (write_all(fd, out.data, out.len) == -1)
		close_after = 1;
	buf_free(&out);
	buf_free(&body);
	return close_after;
}

/* One connection: requests until EOF or a close. */
static void
serve_conn(int fd)
{
	struct buf	 req = { 0 };
	size_t		 head_len;

	alarm(30);	/* never outlive the test */
	while (read_request(fd, &req, &head_len) == 0)
		if (answer(fd, &req, head_len))
			break;
	buf_free(&req);
	close(fd);
	_exit(0);
}

/* Listens on 127.0.0.1 (port 0: any); returns the socket, port in *p. */
static int
listen_on(int backlog, int *p)
{
	struct sockaddr_in sa;
	socklen_t	 len = sizeof(sa);
	int		 fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(fd, backlog) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) == -1) {
		close(fd);
		return -1;
	}
	*p = ntohs(sa.sin_port);
	return fd;
}

/* Forks the server: it counts every connection it accepts in *accepts
 * and serves each in a child of its own. */
static int
server_start(void)
{
	int	 lfd, fd;

	accepts = mmap(NULL, sizeof(*accepts), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (accepts == MAP_FAILED || (lfd = listen_on(16, &port)) == -1)
		return -1;
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	if ((server_pid = fork()) == -1)
		return -1;
	if (server_pid == 0) {
		signal(SIGCHLD, SIG_IGN);
		alarm(120);
		for (;;) {
			if ((fd = accept(lfd, NULL, NULL)) == -1) {
				if (errno == EINTR)
					continue;
				_exit(1);
			}
			(*accepts)++;
			if (fork() == 0) {
				close(lfd);
				serve_conn(fd);
			}
			close(fd);
		}
	}
	close(lfd);
	return 0;
}

/* -- helpers -------------------------------------------------------------- */

static long
ms_since(const struct timespec *a)
{
	struct timespec	 b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (long)((b.tv_sec - a->tv_sec) * 1000 +
	    (b.tv_nsec - a->tv_nsec) / 1000000);
}

static const char *
url(const char *path)
{
	static char	 u[128];

	snprintf(u, sizeof(u), "%s%s", base, path);
	return u;
}

/* The value of header name in an echoed request, or "" */
static const char *
echoed(const struct outbound_response *res, const char *name, char *out,
    size_t outlen)
{
	char		 needle[64];
	const char	*s, *e;

	snprintf(needle, sizeof(needle), "\r\n%s: ", name);
	out[0] = '\0';
	if ((s = strcasestr(buf_str(&res->body), needle)) == NULL)
		return out;
	s += strlen(needle);
	e = strstr(s, "\r\n");
	snprintf(out, outlen, "%.*s", (int)(e ? e - s : 0), s);
	return out;
}

/* -- tests ---------------------------------------------------------------- */

/* Several requests of every kind on one handle use one connection, and
 * no option of one request leaks into the next. */
static void
test_keep_alive(void)
{
	struct outbound	*o = outbound_new("test", 2000, 5000);
	struct outbound_request rq;
	struct outbound_response res = { 0 };
	struct sigv4_header ct[] = { { "Content-Type", "image/jpeg" } };
	unsigned	 a0 = *accepts;
	char		 v[256], *big = calloc(1, LARGE);
	int		 i, rc;

	memset(&rq, 0, sizeof(rq));
	rq.body_max = 65536;
	for (i = 0; i < 5; i++) {
		rq.method = "GET";
		rq.url = url("/ok");
		rc = outbound_request(o, &rq, &res);
		ok(rc == 0 && res.status == 200 &&
		    strcmp(buf_str(&res.body), "hello") == 0,
		    "GET #%d: 200 hello", i);
	}

	/* HEAD, then PUT, then GET, on the same handle. */
	rq.method = "HEAD";
	rq.url = url("/echo");
	rc = outbound_request(o, &rq, &res);
	ok(rc == 0 && res.status == 200 && res.body.len == 0 &&
	    res.content_length > 0, "HEAD: 200, no body, a Content-Length");
	rq.method = "PUT";
	rq.body = "abc";
	rq.body_len = 3;
	rq.headers = ct;
	rq.nheaders = 1;
	rc = outbound_request(o, &rq, &res);
	ok(rc == 0 && res.status == 200 &&
	    strncmp(buf_str(&res.body), "PUT /echo HTTP/1.1\r\n", 20) == 0,
	    "PUT after HEAD is a PUT and its answer is read");
	ok(res.body.len > 3 && strcmp(buf_str(&res.body) + res.body.len - 7,
	    "\r\n\r\nabc") == 0, "PUT after HEAD sends its body");
	is_str(echoed(&res, "Content-Length", v, sizeof(v)), "3",
	    "PUT: Content-Length 3");
	is_str(echoed(&res, "Content-Type", v, sizeof(v)), "image/jpeg",
	    "PUT: the caller's Content-Type");
	ok(strcasestr(buf_str(&res.body), "\r\nExpect:") == NULL,
	    "PUT: no Expect header");
	rq.method = "GET";
	rq.body = NULL;
	rq.body_len = 0;
	rq.headers = NULL;
	rq.nheaders = 0;
	rc = outbound_request(o, &rq, &res);
	ok(rc == 0 && strncmp(buf_str(&res.body), "GET /echo HTTP/1.1\r\n",
	    20) == 0 && strcasestr(buf_str(&res.body), "content-length")
	    == NULL, "GET after PUT is a GET without a body");
	is_str(echoed(&res, "Host", v, sizeof(v)), base + 7,
	    "Host is the URL's authority");
	rq.method = "DELETE";
	rc = outbound_request(o, &rq, &res);
	ok(rc == 0 && strncmp(buf_str(&res.body), "DELETE /echo HTTP/1.1\r\n",
	    23) == 0, "DELETE");
	rq.method = "POST";
	rq.body = "k=v";
	rq.body_len = 3;
	rc = outbound_request(o, &rq, &res);
	ok(rc == 0 && strcasestr(buf_str(&res.body), "\r\nContent-Type:") ==
	    NULL, "POST without a Content-Type: curl adds no form type");

	/* a big body would make curl ask for 100-continue */
	rq.method = "PUT";
	rq.url = url("/echo-head");
	rq.body = big;
	rq.body_len = LARGE;
	rc = outbound_request(o, &rq, &res);
	ok(rc == 0 && strcasestr(buf_str(&res.body), "\r\nExpect:") == NULL,
	    "PUT of %d bytes: no Expect header", LARGE);
	is_int(strtol(echoed(&res, "Content-Length", v, sizeof(v)), NULL,
	    10), LARGE, "PUT of %d bytes: all of it announced", LARGE);
	/* the path goes as it is: no dot-segment folding by curl */
	rq.method = "GET";
	rq.url = url("/x/../ok");
	rq.body = NULL;
	rq.body_len = 0;
	rc = outbound_request(o, &rq, &res);
	ok(rc == 0 && res.status == 404, "/x/../ok is sent as is (404)");

	is_int(*accepts - a0, 1, "13 requests: the server accepted one "
	    "connection");
	is_int(outbound_connections(o), 1, "and the handle counts one");

	/* A server that closes: the next request reconnects by itself. */
	rq.method = "GET";
	rq.url = url("/close");
	rq.body = NULL;
	rq.body_len = 0;
	rc = outbound_request(o, &rq, &res);
	ok(rc == 0 && strcmp(buf_str(&res.body), "bye") == 0, "GET /close");
	rq.url = url("/ok");
	rc = outbound_request(o, &rq, &res);
	ok(rc == 0 && res.status == 200, "next request after a close: 200");
	is_int(*accepts - a0, 2, "after the server closed: a second "
	    "connection");
	is_int(outbound_connections(o), 2, "and the handle counts two");

	outbound_response_free(&res);
	outbound_free(o);
	free(big);
}

static void
test_capture(void)
{
	struct outbound	*o = outbound_new("test", 2000, 5000);
	struct outbound_request rq;
	struct outbound_response res = { 0 };
	const char	*const cap[] = { "X-Extra", "X-Missing", "etag", NULL };
	const char	*const longcap[] = { "X-Long", NULL };

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = url("/ok");
	rq.capture = cap;
	rq.body_max = 100;
	ok(outbound_request(o, &rq, &res) == 0, "GET with capture");
	is_str(res.content_type, "text/plain", "Content-Type kept");
	is_str(res.etag, "\"v1\"", "ETag kept");
	is_int(res.content_length, 5, "Content-Length kept");
	is_str(res.captured[0], "42", "asked-for header kept");
	ok(res.captured[1] == NULL, "absent asked-for header is NULL");
	is_str(res.captured[2], "\"v1\"", "names match in any case");

	rq.method = "HEAD";
	rq.url = url("/big");
	rq.capture = NULL;
	rq.body_max = 10;
	ok(outbound_request(o, &rq, &res) == 0 && res.content_length == BIG &&
	    res.captured[0] == NULL, "HEAD: Content-Length of the object, "
	    "previous answer cleared, body_max no matter");

	rq.method = "GET";
	rq.url = url("/nothing-here");
	ok(outbound_request(o, &rq, &res) == 0 && res.status == 404,
	    "a 404 is an answer: 0 with status 404");
	is_str(res.error, "", "no error for an answer");

	rq.url = url("/long-header");
	rq.capture = longcap;
	is_int(outbound_request(o, &rq, &res), -1,
	    "asked-for header over the limit: an error, not a truncation");
	outbound_response_free(&res);
	outbound_free(o);
}

static void
test_body_cap(void)
{
	struct outbound	*o = outbound_new("test", 2000, 5000);
	struct outbound_request rq;
	struct outbound_response res = { 0 };

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = url("/big");
	rq.body_max = BIG;
	ok(outbound_request(o, &rq, &res) == 0 && res.body.len == BIG,
	    "body of exactly the cap is kept");
	rq.body_max = BIG - 1;
	is_int(outbound_request(o, &rq, &res), -1,
	    "announced body over the cap: -1");
	ok(res.body.len == 0 && strstr(res.error, "over 999 bytes") != NULL,
	    "nothing kept, and the reason says so (%s)", res.error);
	rq.url = url("/chunked");
	is_int(outbound_request(o, &rq, &res), -1,
	    "chunked body over the cap: -1");
	ok(res.body.len == 0 && strstr(res.error, "over 999 bytes") != NULL,
	    "chunked: nothing kept (%s)", res.error);
	rq.body_max = BIG;
	ok(outbound_request(o, &rq, &res) == 0 && res.body.len == BIG,
	    "chunked body of exactly the cap is kept");
	rq.body_max = 0;
	ok(outbound_request(o, &rq, &res) == 0 && res.body.len == 0 &&
	    res.status == 200, "body_max 0: body read and dropped");
	outbound_response_free(&res);
	outbound_free(o);
}

/* A store that accepts but never answers; a store that never accepts. */
static void
test_timeouts(void)
{
	struct outbound	*o;
	struct outbound_request rq;
	struct outbound_response res = { 0 };
	struct timespec	 t0;
	struct sockaddr_in sa;
	char		 u[64];
	long		 took;
	int		 lfd, hport, fill[3], i, rc;

	/* listening, so the kernel completes the handshake; never read */
	lfd = listen_on(16, &hport);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/k", hport);
	memset(&rq, 0, sizeof(rq));
	rq.method = "HEAD";
	rq.url = u;

	o = outbound_new("test", 1000, 300);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = outbound_request(o, &rq, &res);
	took = ms_since(&t0);
	is_int(rc, -1, "silent server: -1");
	ok(took >= 290 && took < 1000, "total timeout 300 ms honoured "
	    "(%ld ms)", took);
	ok(res.status == 0 && strstr(res.error, "imed out") != NULL,
	    "reason names the timeout (%s)", res.error);
	outbound_free(o);

	/* the web worker's default, well under nginx's 30 s */
	o = outbound_new("test", LIMIT_OUT_WEB_CONNECT_MS,
	    LIMIT_OUT_WEB_TOTAL_MS);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = outbound_request(o, &rq, &res);
	took = ms_since(&t0);
	ok(rc == -1 && took >= LIMIT_OUT_WEB_TOTAL_MS - 10 &&
	    took < LIMIT_OUT_WEB_TOTAL_MS + 1000, "web default: a HEAD on a "
	    "silent store gives up after %ld ms (limit %d)", took,
	    LIMIT_OUT_WEB_TOTAL_MS);
	ok(LIMIT_OUT_WEB_TOTAL_MS * 3 < 30000, "web total timeout is well "
	    "under nginx's fastcgi_read_timeout");
	outbound_free(o);
	close(lfd);

	/* backlog 0, filled: further handshakes are dropped, so the
	 * connect itself hangs */
	lfd = listen_on(0, &hport);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)hport);
	for (i = 0; i < 3; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fill[i], (struct sockaddr *)&sa, sizeof(sa));
	}
	usleep(100000);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/k", hport);
	o = outbound_new("test", 200, 5000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = outbound_request(o, &rq, &res);
	took = ms_since(&t0);
	is_int(rc, -1, "connect never completes: -1");
	ok(took >= 190 && took < 1000, "connect timeout 200 ms honoured "
	    "(%ld ms)", took);
	outbound_free(o);
	for (i = 0; i < 3; i++)
		close(fill[i]);
	close(lfd);

	/* nobody listening */
	lfd = listen_on(1, &hport);
	close(lfd);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/k", hport);
	o = outbound_new("test", 1000, 1000);
	ok(outbound_request(o, &rq, &res) == -1 && res.status == 0 &&
	    res.error[0] != '\0', "connection refused: -1 with a reason (%s)",
	    res.error);
	outbound_response_free(&res);
	outbound_free(o);
}

static void
test_sigv4(void)
{
	struct sigv4_key k = { "AKIDTEST", "secret-test", "tok-123",
	    "us-east-1", "s3" };
	struct sigv4_header ct[] = { { "Content-Type", "text/html" } };
	struct outbound	*o = outbound_new("test", 2000, 5000);
	struct outbound_request rq;
	struct outbound_response res = { 0 };
	struct sigv4_request r;
	struct buf	 want = { 0 };
	char		 v[512], host[64], hash[65], date[17];

	memset(&rq, 0, sizeof(rq));
	rq.method = "PUT";
	rq.url = url("/echo");
	rq.headers = ct;
	rq.nheaders = 1;
	rq.body = "<p>hi</p>";
	rq.body_len = 9;
	rq.sign = &k;
	rq.now = T20240102;
	rq.body_max = 65536;
	ok(outbound_request(o, &rq, &res) == 0 && res.status == 200,
	    "signed PUT");
	sha256_hex("<p>hi</p>", 9, hash);
	is_str(echoed(&res, "X-Amz-Content-Sha256", v, sizeof(v)), hash,
	    "X-Amz-Content-Sha256 is the body's hash");
	is_str(echoed(&res, "X-Amz-Date", v, sizeof(v)), "20240102T030405Z",
	    "X-Amz-Date from the time given");
	is_str(echoed(&res, "X-Amz-Security-Token", v, sizeof(v)), "tok-123",
	    "session token sent");
	ok(strncmp(echoed(&res, "Authorization", v, sizeof(v)),
	    "AWS4-HMAC-SHA256 Credential=AKIDTEST/20240102/us-east-1/s3/"
	    "aws4_request, SignedHeaders=content-type;host;"
	    "x-amz-content-sha256;x-amz-date;x-amz-security-token, "
	    "Signature=", 150) == 0, "Authorization names what it signs");

	/* The signature is over what arrived: recompute it from the Host
	 * the server saw. */
	echoed(&res, "Host", host, sizeof(host));
	memset(&r, 0, sizeof(r));
	r.method = "PUT";
	r.host = host;
	r.path = "/echo";
	r.headers = ct;
	r.nheaders = 1;
	r.payload_sha256_hex = hash;
	sigv4_authorization(&k, &r, T20240102, &want, date);
	is_str(echoed(&res, "Authorization", v, sizeof(v)), buf_str(&want),
	    "signature matches the request as received");

	/* other services: no X-Amz-Content-Sha256, body still hashed */
	k.service = "dynamodb";
	k.session_token = NULL;
	ok(outbound_request(o, &rq, &res) == 0, "signed PUT for dynamodb");
	ok(strcasestr(buf_str(&res.body), "\r\nX-Amz-Content-Sha256:") ==
	    NULL && strcasestr(buf_str(&res.body), "\r\nX-Amz-Security-"
	    "Token:") == NULL, "dynamodb: no content hash or token header");
	ok(strstr(echoed(&res, "Authorization", v, sizeof(v)),
	    "/dynamodb/aws4_request, SignedHeaders=content-type;host;"
	    "x-amz-date, ") != NULL, "dynamodb: signed headers");

	/* unsigned: none of it */
	rq.sign = NULL;
	ok(outbound_request(o, &rq, &res) == 0 && strcasestr(buf_str(
	    &res.body), "\r\nAuthorization:") == NULL && strcasestr(
	    buf_str(&res.body), "\r\nX-Amz-") == NULL,
	    "without a key: no Authorization, no X-Amz-*");

	/* S3 paths must be in the encoding the signer gives them */
	k.service = "s3";
	rq.sign = &k;
	rq.method = "GET";
	rq.body = NULL;
	rq.body_len = 0;
	rq.headers = NULL;
	rq.nheaders = 0;
	rq.url = url("/b/a%2Cb");
	ok(outbound_request(o, &rq, &res) == 0, "s3: strictly encoded path");
	rq.url = url("/b/a,b");
	is_int(outbound_request(o, &rq, &res), -1, "s3: unencoded ',' refused");
	rq.url = url("/b/a%2cb");
	is_int(outbound_request(o, &rq, &res), -1,
	    "s3: lower-case escape refused");
	rq.url = url("/b/a%2Fb");
	is_int(outbound_request(o, &rq, &res), -1, "s3: encoded '/' refused");
	outbound_response_free(&res);
	buf_free(&want);
	outbound_free(o);
}

static void
test_refusals(void)
{
	static const struct {
		const char	*method, *url, *hname, *hvalue;
		int		 body;
	} t[] = {
		{ "GET", "ftp://127.0.0.1/", NULL, NULL, 0 },
		{ "GET", "http://user@127.0.0.1/", NULL, NULL, 0 },
		{ "GET", "http://127.0.0.1:0/", NULL, NULL, 0 },
		{ "GET", "http://127.0.0.1/a b", NULL, NULL, 0 },
		{ "GET", "http://127.0.0.1/a\r\nX: y", NULL, NULL, 0 },
		{ "GET", "http://127.0.0.1/#frag", NULL, NULL, 0 },
		{ "GET", "http://127.0.0.1/caf\xc3\xa9", NULL, NULL, 0 },
		{ "GET", "127.0.0.1/", NULL, NULL, 0 },
		{ "GE T", "http://127.0.0.1/", NULL, NULL, 0 },
		{ "", "http://127.0.0.1/", NULL, NULL, 0 },
		{ "GET", "http://127.0.0.1/", "Host", "evil", 0 },
		{ "PUT", "http://127.0.0.1/", "content-length", "1", 0 },
		{ "PUT", "http://127.0.0.1/", "Transfer-Encoding", "chunked", 0 },
		{ "GET", "http://127.0.0.1/", "X-A", "a\r\nX-B: b", 0 },
		{ "GET", "http://127.0.0.1/", "X A", "a", 0 },
		{ "GET", "http://127.0.0.1/", NULL, NULL, 1 },
		{ "HEAD", "http://127.0.0.1/", NULL, NULL, 1 },
	};
	struct outbound	*o = outbound_new("test", 200, 200);
	struct outbound_request rq;
	struct outbound_response res = { 0 };
	struct sigv4_header h[1];
	size_t		 i;
	pid_t		 pid;
	int		 st;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&rq, 0, sizeof(rq));
		rq.method = t[i].method;
		rq.url = t[i].url;
		if (t[i].hname) {
			h[0].name = t[i].hname;
			h[0].value = t[i].hvalue;
			rq.headers = h;
			rq.nheaders = 1;
		}
		if (t[i].body) {
			rq.body = "x";
			rq.body_len = 1;
		}
		ok(outbound_request(o, &rq, &res) == -1 && res.error[0] != '\0',
		    "refused #%zu (%s)", i, res.error);
	}
	is_int(outbound_connections(o), 0, "nothing refused was sent");
	ok(outbound_new("x", 0, 1) == NULL && outbound_new("", 1, 1) == NULL,
	    "outbound_new refuses zero timeouts and an empty name");

	/* a handle belongs to the process that made it */
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = url("/ok");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(outbound_request(o, &rq, &res) == -1 &&
		    strstr(res.error, "another process") != NULL ? 0 : 1);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "a forked child may not use its parent's handle");
	outbound_response_free(&res);
	outbound_free(o);
}

int
main(void)
{
	log_init("test-outbound", LOG_LVL_ERR);
	alarm(120);	/* a timeout that does not fire fails, not hangs */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (server_start() == -1) {
		ok(0, "test server starts");
		return tap_done();
	}
	test_keep_alive();
	test_capture();
	test_body_cap();
	test_timeouts();
	test_sigv4();
	test_refusals();
	kill(server_pid, SIGTERM);
	waitpid(server_pid, NULL, 0);
	curl_global_cleanup();
	return tap_done();
}
