/* test-s3.c: S3 URL shapes for both addressing styles, presigned forms and
 * S3's documented presigned-URL example (no network) */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "s3.h"
#include "tap.h"

#define T20130524	((time_t)1369353600)	/* 2013-05-24T00:00:00Z */

static void
test_url_shapes(void)
{
	static const struct {
		const char	*endpoint;
		int		 path_style;
		const char	*key;
		const char	*want;		/* NULL: refused */
	} t[] = {
		{ NULL, 0, "photos/1/a.jpg",
		    "https://photos-b.s3.eu-west-1.amazonaws.com/photos/1/a.jpg" },
		{ NULL, 1, "photos/1/a.jpg",
		    "https://s3.eu-west-1.amazonaws.com/photos-b/photos/1/a.jpg" },
		{ "http://127.0.0.1:4568", 1, "g/a b.jpg",
		    "http://127.0.0.1:4568/photos-b/g/a%20b.jpg" },
		{ "http://127.0.0.1:4568/", 1, "k",
		    "http://127.0.0.1:4568/photos-b/k" },
		{ "http://localhost:4568", 0, "k",
		    "http://photos-b.localhost:4568/k" },
		{ "https://s3.example.com:443", 1, "k",
		    "https://s3.example.com/photos-b/k" },
		{ "http://h:80", 1, "k", "http://h/photos-b/k" },
		{ "http://h:8080", 1, "k", "http://h:8080/photos-b/k" },
		{ NULL, 1, "a+b~c/\xc3\xb1 $.jpg",
		    "https://s3.eu-west-1.amazonaws.com/photos-b/"
		    "a%2Bb~c/%C3%B1%20%24.jpg" },
		{ NULL, 1, "dir//x/./y", "https://s3.eu-west-1.amazonaws.com/"
		    "photos-b/dir//x/./y" },
		{ NULL, 1, "", NULL },
		{ NULL, 1, "a\nb", NULL },
		{ "ftp://h", 1, "k", NULL },
		{ "http://h/prefix", 1, "k", NULL },
		{ "http://user@h", 1, "k", NULL },
		{ "http://", 1, "k", NULL },
		/* the Host value comes from sigv4_host(), as the signer's */
		{ "http://[::1]:4568", 1, "k", "http://[::1]:4568/photos-b/k" },
		{ "https://[::1]:443", 1, "k", "https://[::1]/photos-b/k" },
		{ "http://[::1]:4568", 0, "k", NULL },
		{ "https://h:80", 1, "k", "https://h:80/photos-b/k" },
		{ "http://h:0", 1, "k", NULL },
		{ "http://h:65536", 1, "k", NULL },
		{ "http://h:080", 1, "k", NULL },
		{ "http://h:", 1, "k", NULL },
		{ "http://h?x=1", 1, "k", NULL },
		{ "http://h h", 1, "k", NULL },
	};
	struct s3_config c = { NULL, "photos-b", "eu-west-1", "AKID", "secret",
	    NULL, 0, NULL };
	struct buf	 b = { 0 };
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		c.endpoint = t[i].endpoint;
		c.path_style = t[i].path_style;
		buf_reset(&b);
		rc = s3_object_url(&c, t[i].key, &b);
		if (t[i].want == NULL)
			is_int(rc, -1, "url #%zu refused", i);
		else
			is_str(rc == 0 ? buf_str(&b) : "(refused)", t[i].want,
			    "url #%zu", i);
	}
	c.endpoint = NULL;
	c.bucket = "Bad_Bucket";
	buf_reset(&b);
	is_int(s3_object_url(&c, "k", &b), -1, "bucket not a DNS name refused");
	c.bucket = "photos-b";
	c.region = "eu west";
	is_int(s3_object_url(&c, "k", &b), -1, "bad region refused");
	buf_free(&b);
}

/* S3 API Reference, "Authenticating Requests: Using Query Parameters". */
static void
test_doc_presign(void)
{
	struct s3_config c = { "https://s3.amazonaws.com", "examplebucket",
	    "us-east-1", "AKIAIOSFODNN7EXAMPLE",
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL, 0, NULL };
	struct buf	 b = { 0 };

	ok(s3_presign_get(&c, "test.txt", T20130524, 86400, &b) == 0,
	    "documented presign: signs");
	is_str(buf_str(&b), "https://examplebucket.s3.amazonaws.com/test.txt"
	    "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
	    "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
	    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
	    "&X-Amz-SignedHeaders=host&X-Amz-Signature="
	    "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
	    "documented presign: exact URL");
	buf_free(&b);
}

#define PUT_PREFIX	"http://127.0.0.1:4568/photos/g/x/1.jpg?" \
			"X-Amz-Algorithm=AWS4-HMAC-SHA256&"

static void
test_presign_put(void)
{
	struct s3_config c = { "http://127.0.0.1:4568", "photos", "us-east-1",
	    "AKID", "secret", NULL, 1, NULL };
	struct buf	 b = { 0 }, b2 = { 0 };
	json_t		*h = NULL;

	ok(s3_presign_put(&c, "g/x/1.jpg", "image/jpeg", 1234, T20130524, 900,
	    &b, &h) == 0, "presign put: signs");
	ok(strncmp(buf_str(&b), PUT_PREFIX, strlen(PUT_PREFIX)) == 0,
	    "presign put: path-style URL");
	ok(strstr(buf_str(&b), "&X-Amz-SignedHeaders=content-length%3B"
	    "content-type%3Bhost&") != NULL,
	    "presign put: type, length and host signed");
	ok(strstr(buf_str(&b), "&X-Amz-Expires=900&") != NULL,
	    "presign put: expiry");
	ok(h != NULL && json_object_size(h) == 1 &&
	    strcmp(json_string_value(json_object_get(h, "Content-Type")),
	    "image/jpeg") == 0, "presign put: headers to send");
	json_decref(h);
	h = NULL;

	/* the length is part of the signature */
	s3_presign_put(&c, "g/x/1.jpg", "image/jpeg", 1235, T20130524, 900,
	    &b2, &h);
	ok(strcmp(buf_str(&b), buf_str(&b2)) != 0,
	    "presign put: other length, other signature");
	json_decref(h);
	h = NULL;

	c.session_token = "tok";
	buf_reset(&b);
	s3_presign_put(&c, "k", "image/png", 1, T20130524, 60, &b, &h);
	ok(strstr(buf_str(&b), "&X-Amz-Security-Token=tok&") != NULL,
	    "presign put: session token in the query");
	json_decref(h);
	h = NULL;

	buf_reset(&b);
	is_int(s3_presign_put(&c, "k", "image/png\r\nX: y", 1, T20130524, 60,
	    &b, &h), -1, "presign put: CR/LF in type refused");
	ok(h == NULL, "presign put: no headers on refusal");
	is_int(s3_presign_put(&c, "k", "image/png", -1, T20130524, 60, &b,
	    &h), -1, "presign put: negative size refused");
	is_int(s3_presign_put(&c, "k", "image/png", 1, T20130524, 0, &b, &h),
	    -1, "presign put: zero expiry refused");
	buf_free(&b);
	buf_free(&b2);
}

/* HEAD, PUT and DELETE need the process's outbound handle; the rest of
 * their behaviour is proved against the verifying proxy
 * (tests/peers/test-s3-proxy.sh). */
static void
test_needs_handle(void)
{
	struct s3_config c = { "http://127.0.0.1:1", "photos", "us-east-1",
	    "AKID", "secret", NULL, 1, NULL };
	long long	 size;
	char		 ct[64];

	is_int(s3_head(&c, "k", T20130524, &size, ct, sizeof(ct)), -1,
	    "HEAD without an outbound handle refused");
	is_int(s3_put(&c, "k", "text/html", "x", 1, T20130524), -1,
	    "PUT without an outbound handle refused");
	is_int(s3_delete(&c, "k", T20130524), -1,
	    "DELETE without an outbound handle refused");
}

int
main(void)
{
	log_init("test-s3", LOG_LVL_ERR);
	test_url_shapes();
	test_needs_handle();
	test_doc_presign();
	test_presign_put();
	return tap_done();
}
