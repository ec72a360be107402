/* test-cloudfront.c: CloudFront's InvalidationBatch body, the reading of its answers (a bounded XML subset), and what each status means */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cloudfront.h"
#include "limits.h"
#include "log.h"
#include "outbound.h"
#include "tap.h"

#define NS	"xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\""

/* -- the request body ----------------------------------------------------- */

static void
test_batch(void)
{
	const char *const two[] = { "/g/ada-k2x9q7m4", "/g/ada-k2x9q7m4.html" };
	const char *const amp[] = { "/g/a&b<c>\"'" };
	const char	*many[CLOUDFRONT_MAX_PATHS + 1];
	char		 longp[CLOUDFRONT_PATH_MAX + 2], longref[CLOUDFRONT_REF_MAX + 2];
	struct buf	 b = { 0 };
	size_t		 i;
	static const struct {
		const char	*path;
		const char	*ref;
		const char	*why;
	} bad[] = {
		{ "g/no-slash", "1", "a path must start with /" },
		{ "/g/a b", "1", "a blank in a path" },
		{ "/g/a\tb", "1", "a tab in a path" },
		{ "/g/\xc3\xa9", "1", "non-ASCII in a path (CloudFront wants it encoded)" },
		{ "/g/a\x7f", "1", "DEL in a path" },
		{ "", "1", "an empty path" },
		{ "/g/a", "", "an empty CallerReference" },
		{ "/g/a", "1\n2", "a line break in the CallerReference" },
		{ "/g/a", NULL, "no CallerReference" },
	};

	ok(cloudfront_batch_xml(two, 2, "4711", &b) == 0, "batch of two paths");
	is_str(buf_str(&b),
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<InvalidationBatch " NS "><Paths><Quantity>2</Quantity><Items>"
	    "<Path>/g/ada-k2x9q7m4</Path><Path>/g/ada-k2x9q7m4.html</Path>"
	    "</Items></Paths><CallerReference>4711</CallerReference>"
	    "</InvalidationBatch>", "the batch as CloudFront's API has it");
	buf_reset(&b);
	ok(cloudfront_batch_xml(amp, 1, "r&<1>", &b) == 0, "markup in a path");
	ok(strstr(buf_str(&b), "<Path>/g/a&amp;b&lt;c&gt;&quot;&#39;</Path>") != NULL,
	    "path escaped for XML");
	ok(strstr(buf_str(&b), "<CallerReference>r&amp;&lt;1&gt;</CallerReference>") != NULL,
	    "reference escaped for XML");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p[1] = { bad[i].path };

		buf_reset(&b);
		ok(cloudfront_batch_xml(p, 1, bad[i].ref, &b) == -1,
		    "refused: %s", bad[i].why);
	}
	for (i = 0; i <= CLOUDFRONT_MAX_PATHS; i++)
		many[i] = "/g/x";
	ok(cloudfront_batch_xml(many, CLOUDFRONT_MAX_PATHS, "1", &b) == 0,
	    "%d paths are fine", CLOUDFRONT_MAX_PATHS);
	ok(cloudfront_batch_xml(many, CLOUDFRONT_MAX_PATHS + 1, "1", &b) == -1,
	    "%d paths are refused", CLOUDFRONT_MAX_PATHS + 1);
	ok(cloudfront_batch_xml(many, 0, "1", &b) == -1, "no path is refused");
	longp[0] = '/';
	memset(longp + 1, 'a', sizeof(longp) - 2);
	longp[sizeof(longp) - 1] = '\0';
	many[0] = longp;
	ok(cloudfront_batch_xml(many, 1, "1", &b) == -1,
	    "a path over %d bytes is refused", CLOUDFRONT_PATH_MAX);
	longp[CLOUDFRONT_PATH_MAX] = '\0';
	ok(cloudfront_batch_xml(many, 1, "1", &b) == 0,
	    "a path of %d bytes is fine", CLOUDFRONT_PATH_MAX);
	memset(longref, '7', sizeof(longref) - 1);
	longref[sizeof(longref) - 1] = '\0';
	ok(cloudfront_batch_xml(two, 1, longref, &b) == -1,
	    "a reference over %d bytes is refused", CLOUDFRONT_REF_MAX);
	buf_free(&b);
}

/* -- the answer ------------------------------------------------------------ */

#define ANSWER_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define ANSWER(id) ANSWER_HEAD "<Invalidation " NS ">\n" \
	"  <Id>" id "</Id>\n  <Status>InProgress</Status>\n" \
	"  <CreateTime>2026-05-01T10:00:00.000Z</CreateTime>\n" \
	"  <InvalidationBatch><Paths><Quantity>1</Quantity><Items>" \
	"<Path>/g/a</Path></Items></Paths>" \
	"<CallerReference>17</CallerReference></InvalidationBatch>\n" \
	"</Invalidation>\n"

static void
test_invalidation_answer(void)
{
	static const struct {
		const char	*doc;
		const char	*id;	/* NULL: refused */
		const char	*what;
	} cases[] = {
		{ ANSWER("I2J0I21PCUYOIK"), "I2J0I21PCUYOIK", "CloudFront's answer" },
		{ "<Invalidation><Id>IABC</Id></Invalidation>", "IABC",
		  "no declaration, no namespace" },
		{ "\n<Invalidation a='1' b = \"2\"><!-- note --><Id>X1</Id>"
		  "</Invalidation >\n", "X1", "attributes, a comment, blanks" },
		{ "<Invalidation><Id>&#73;&#x44;9</Id></Invalidation>", "ID9",
		  "character references decoded" },
		{ "<Invalidation><InvalidationBatch><Id>NOTME</Id>"
		  "</InvalidationBatch><Id>ME</Id></Invalidation>", "ME",
		  "an Id deeper down is not the Invalidation's" },
		{ "", NULL, "an empty body" },
		{ "Internal Server Error", NULL, "plain text" },
		{ "<html><body>502</body></html>", NULL, "an HTML error page" },
		{ ANSWER_HEAD "<Invalidation><Id>I1</Id>", NULL, "cut short" },
		{ "<Invalidation><Id>I1</Invalidation></Id>", NULL,
		  "tags crossed" },
		{ "<Invalidation><Id>I1</Id></Invalidation><Invalidation/>", NULL,
		  "two roots" },
		{ "<Invalidation><Id>I1</Id></Invalidation>trailing", NULL,
		  "text after the root" },
		{ "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><Invalidation><Id>&a;</Id>"
		  "</Invalidation>", NULL, "a DTD (entity expansion)" },
		{ "<Invalidation><Id><![CDATA[I1]]></Id></Invalidation>", NULL,
		  "CDATA" },
		{ "<Invalidation><?pi x?><Id>I1</Id></Invalidation>", NULL,
		  "a processing instruction" },
		{ "<Invalidation><Id>I&nbsp;1</Id></Invalidation>", NULL,
		  "an unknown entity" },
		{ "<Invalidation><Id>I&#0;1</Id></Invalidation>", NULL,
		  "a reference to NUL" },
		{ "<Invalidation><Id>I&amp1</Id></Invalidation>", NULL,
		  "a reference without ';'" },
		{ "<Invalidation><Id>I1</Id><Id>I2</Id></Invalidation>", NULL,
		  "two Ids" },
		{ "<Invalidation><Status>x</Status></Invalidation>", NULL,
		  "no Id" },
		{ "<Invalidation><Id/></Invalidation>", NULL, "an empty Id" },
		{ "<Invalidation><Id><b>I1</b></Id></Invalidation>", NULL,
		  "markup inside the Id" },
		{ "<Invalidation><Id>I-1</Id></Invalidation>", NULL,
		  "an Id with a dash" },
		{ "<Invalidation><Id>I&lt;1</Id></Invalidation>", NULL,
		  "an Id with an escaped '<'" },
		{ "<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>",
		  NULL, "an error document" },
		{ "<Invalidation><Id a=1>I1</Id></Invalidation>", NULL,
		  "an unquoted attribute" },
		{ "<Invalidation><Id a=\"<\">I1</Id></Invalidation>", NULL,
		  "'<' in an attribute" },
		{ "<Invalidation><Ida=\"1\">I1</Ida></Invalidation>", NULL,
		  "an attribute glued to the name is another name" },
		{ "<Invalidation><Id>I\x01" "1</Id></Invalidation>", NULL,
		  "a control character" },
		{ "<Invalidation><Id>I\xff" "1</Id></Invalidation>", NULL,
		  "bytes that are not UTF-8" },
		{ "<Invalidation><!-- open <Id>I1</Id></Invalidation>", NULL,
		  "an unclosed comment" },
		{ "<1Invalidation><Id>I1</Id></1Invalidation>", NULL,
		  "a name starting with a digit" },
	};
	static const char nul[] = "<Invalidation><Id>I1</Id></Invalidation>"
	    "\0<x>";
	char		 id[CLOUDFRONT_ID_MAX], small[4], deep[2048];
	struct buf	 b = { 0 };
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(id, sizeof(id), "junk");
		rc = cloudfront_parse_invalidation(cases[i].doc,
		    strlen(cases[i].doc), id, sizeof(id));
		if (cases[i].id != NULL) {
			ok(rc == 0, "read: %s", cases[i].what);
			is_str(id, cases[i].id, "  its Id");
		} else
			ok(rc == -1 && id[0] == '\0', "refused: %s",
			    cases[i].what);
	}
	/* A NUL inside the given length is not hidden by strlen. */
	ok(cloudfront_parse_invalidation(nul, sizeof(nul) - 1, id,
	    sizeof(id)) == -1,
	    "refused: a NUL byte in the body");
	ok(cloudfront_parse_invalidation(ANSWER("ABCD"), strlen(ANSWER("ABCD")),
	    small, sizeof(small)) == -1 && small[0] == '\0',
	    "refused: an Id longer than the room for it (no truncation)");
	ok(cloudfront_parse_invalidation(ANSWER("ABC"), strlen(ANSWER("ABC")),
	    small, sizeof(small)) == 0 && strcmp(small, "ABC") == 0,
	    "an Id that just fits");
	/* Nesting: the limit holds, one more is refused. */
	for (i = 0; i < 2; i++) {
		size_t d, depth = CLOUDFRONT_XML_DEPTH - 1 + i;

		buf_reset(&b);
		buf_puts(&b, "<Invalidation><Id>I1</Id>");
		for (d = 0; d < depth; d++)
			buf_puts(&b, "<a>");
		for (d = 0; d < depth; d++)
			buf_puts(&b, "</a>");
		buf_puts(&b, "</Invalidation>");
		rc = cloudfront_parse_invalidation(buf_str(&b), b.len, id,
		    sizeof(id));
		if (i == 0)
			ok(rc == 0, "nesting %d deep is read",
			    CLOUDFRONT_XML_DEPTH);
		else
			ok(rc == -1, "nesting %d deep is refused",
			    CLOUDFRONT_XML_DEPTH + 1);
	}
	memset(deep, 'x', sizeof(deep));
	memcpy(deep, "<Invalidation><Id>", 18);
	ok(cloudfront_parse_invalidation(deep, sizeof(deep), id, sizeof(id)) ==
	    -1, "refused: an Id that never ends");
	ok(cloudfront_parse_invalidation(NULL, 0, id, sizeof(id)) == -1,
	    "refused: no body");
	buf_free(&b);
}

/* cloudfront_parse_error of a string literal. */
static int
parse_error(const char *doc, char *code, size_t codelen, char *msg,
    size_t msglen)
{
	return cloudfront_parse_error(doc, strlen(doc), code, codelen, msg,
	    msglen);
}

static void
test_error_answer(void)
{
	static const char aws[] = "<?xml version=\"1.0\"?>\n"
	    "<ErrorResponse " NS ">\n  <Error>\n    <Type>Sender</Type>\n"
	    "    <Code>SignatureDoesNotMatch</Code>\n    <Message>The request "
	    "signature we calculated does not match the signature you "
	    "provided.</Message>\n  </Error>\n  <RequestId>b1c2</RequestId>\n"
	    "</ErrorResponse>\n";
	char	 code[64], msg[64], big[600];
	size_t	 i;

	ok(cloudfront_parse_error(aws, strlen(aws), code, sizeof(code), msg,
	    sizeof(msg)) == 0, "CloudFront's error document is read");
	is_str(code, "SignatureDoesNotMatch", "its Code");
	is_str(msg, "The request signature we calculated does not match the "
	    "signatur",
	    "its Message, cut to the room given (it is only shown)");
	ok(parse_error("<ErrorResponse><Error><Code>Throttling"
	    "</Code><Message>Rate &quot;exceeded&quot;\n\tnow &#233;</Message>"
	    "</Error></ErrorResponse>", code, sizeof(code), msg,
	    sizeof(msg)) == 0, "a message with references and line breaks");
	is_str(msg, "Rate \"exceeded\"  now ??",
	    "references decoded; breaks blank; non-ASCII as '?'");
	ok(parse_error("<ErrorResponse><Error><Code>NoSuch"
	    "Distribution</Code></Error></ErrorResponse>", code,
	    sizeof(code), msg, sizeof(msg)) == 0 && msg[0] == '\0',
	    "no Message is fine");
	ok(parse_error("<ErrorResponse><Error><Message>x</Message>"
	    "</Error></ErrorResponse>", code, sizeof(code), msg,
	    sizeof(msg)) == -1 && code[0] == '\0', "refused: no Code");
	ok(parse_error("<ErrorResponse><Error><Code>Bad Code"
	    "</Code></Error></ErrorResponse>", code, sizeof(code), msg,
	    sizeof(msg)) == -1, "refused: a Code that is not a name");
	ok(parse_error("<Error><Code>X</Code></Error>", code,
	    sizeof(code), msg, sizeof(msg)) == -1,
	    "refused: S3's shape is not CloudFront's");
	ok(parse_error("<ErrorResponse><Error><Code>X</Code>", code,
	    sizeof(code), msg, sizeof(msg)) == -1, "refused: cut short");
	/* A long message is cut, not refused: the room is the caller's. */
	i = (size_t)snprintf(big, sizeof(big), "<ErrorResponse><Error><Code>X"
	    "</Code><Message>");
	memset(big + i, 'm', 500);
	i += 500;
	i += (size_t)snprintf(big + i, sizeof(big) - i,
	    "</Message></Error></ErrorResponse>");
	ok(cloudfront_parse_error(big, i, code, sizeof(code), msg,
	    sizeof(msg)) == 0 && strlen(msg) == sizeof(msg) - 1,
	    "a 500-byte message is cut to %zu", sizeof(msg) - 1);
}

static void
test_classify(void)
{
	static const struct {
		long			 status;
		const char		*code;
		enum cloudfront_status	 want;
	} cases[] = {
		{ 201, NULL, CLOUDFRONT_OK },
		{ 200, NULL, CLOUDFRONT_OK },
		{ 0, NULL, CLOUDFRONT_RETRY },
		{ 500, "InternalError", CLOUDFRONT_RETRY },
		{ 502, NULL, CLOUDFRONT_RETRY },
		{ 503, "ServiceUnavailable", CLOUDFRONT_RETRY },
		{ 429, NULL, CLOUDFRONT_RETRY },
		{ 408, NULL, CLOUDFRONT_RETRY },
		{ 400, "Throttling", CLOUDFRONT_RETRY },
		{ 400, "TooManyInvalidationsInProgress", CLOUDFRONT_RETRY },
		{ 403, "RequestTimeTooSkewed", CLOUDFRONT_RETRY },
		{ 400, "InvalidArgument", CLOUDFRONT_FAIL },
		{ 400, NULL, CLOUDFRONT_FAIL },
		{ 403, "SignatureDoesNotMatch", CLOUDFRONT_FAIL },
		{ 403, "AccessDenied", CLOUDFRONT_FAIL },
		{ 404, "NoSuchDistribution", CLOUDFRONT_FAIL },
		{ 409, "InvalidationBatchAlreadyExists", CLOUDFRONT_FAIL },
		{ 413, "BatchTooLarge", CLOUDFRONT_FAIL },
		{ 301, NULL, CLOUDFRONT_RETRY },
	};
	static const char *const name[] = { "ok", "retry", "fail" };
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(name[cloudfront_classify(cases[i].status,
		    cases[i].code)], name[cases[i].want], "HTTP %ld %s: %s",
		    cases[i].status, cases[i].code ? cases[i].code : "-",
		    name[cases[i].want]);
}

/* Settings refused before anything is sent (the endpoint is a closed
 * port: reaching it would be a transport error, a RETRY). */
static void
test_refused_settings(void)
{
	const char *const paths[] = { "/g/a" };
	struct cloudfront_config c;
	char		 id[CLOUDFRONT_ID_MAX], err[256];
	size_t		 i;
	static const struct {
		const char	*endpoint;
		const char	*dist;
		const char	*why;
	} bad[] = {
		{ "http://127.0.0.1:9/x", "E1", "an endpoint with a path" },
		{ "ftp://127.0.0.1:9", "E1", "an endpoint that is not HTTP" },
		{ "http://u:p@127.0.0.1:9", "E1", "an endpoint with user info" },
		{ "http://", "E1", "an endpoint without a host" },
		{ "http://127.0.0.1:9", "E1/../x", "a distribution with a slash" },
		{ "http://127.0.0.1:9", "", "an empty distribution" },
		{ "http://127.0.0.1:9", NULL, "no distribution" },
	};

	memset(&c, 0, sizeof(c));
	c.access_key = "AKIDEXAMPLE";
	c.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	c.out = outbound_new("cloudfront", 200, 500);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c.endpoint = bad[i].endpoint;
		c.distribution = bad[i].dist;
		ok(cloudfront_invalidate(&c, paths, 1, "1", 0, id, sizeof(id),
		    err, sizeof(err)) == CLOUDFRONT_FAIL && id[0] == '\0',
		    "refused before sending: %s", bad[i].why);
	}
	c.endpoint = "http://127.0.0.1:9/";
	c.distribution = "E1";
	c.secret_key = NULL;
	ok(cloudfront_invalidate(&c, paths, 1, "1", 0, id, sizeof(id), err,
	    sizeof(err)) == CLOUDFRONT_FAIL, "refused: no secret key");
	c.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	ok(cloudfront_invalidate(&c, paths, 1, "1", 0, id, sizeof(id), err,
	    sizeof(err)) == CLOUDFRONT_RETRY,
	    "a good request to a closed port is a RETRY");
	ok(strncmp(err, "CloudFront: ", 12) == 0 &&
	    strstr(err, "wJalr") == NULL && strstr(err, "AKID") == NULL,
	    "its reason names CloudFront, never the key: %s", err);
	outbound_free(c.out);
}

int
main(void)
{
	log_init("test-cloudfront", LOG_LVL_ERR);
	test_batch();
	test_invalidation_answer();
	test_error_answer();
	test_classify();
	test_refused_settings();
	return tap_done();
}
