/* test-dynamo-json.c: DynamoDB's typed JSON from and back to jansson values, and error bodies */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dynamo_json.h"
#include "limits.h"
#include "log.h"
#include "tap.h"
#include "utf8.h"

static json_t *
parse(const char *text)
{
	json_error_t	 e;
	json_t		*v;

	v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (v == NULL)
		printf("# cannot parse %s: %s\n", text, e.text);
	return v;
}

/* ok() when got and want (JSON text, NULL: want NULL) are equal. */
static void
same_json(json_t *got, const char *want, const char *what, size_t i)
{
	json_t	*w = want ? parse(want) : NULL;
	char	*g = got ? json_dumps(got, JSON_ENCODE_ANY | JSON_SORT_KEYS |
		    JSON_COMPACT) : NULL;

	ok(want ? got != NULL && w != NULL && json_equal(got, w) :
	    got == NULL, "%s #%zu", what, i);
	if (want ? got == NULL || !json_equal(got, w) : got != NULL)
		printf("#   got:  %s\n#   want: %s\n", g ? g : "NULL",
		    want ? want : "NULL");
	free(g);
	json_decref(w);
}

static void
test_values(void)
{
	static const struct {
		const char	*in;
		const char	*want;		/* NULL: refused */
		int		 roundtrip;	/* plain(value(in)) == in */
	} t[] = {
		/* strings: quotes, backslashes, controls, unicode, NUL */
		{ "\"plain\"", "{\"S\":\"plain\"}", 1 },
		{ "\"\"", "{\"S\":\"\"}", 1 },
		{ "\"say \\\"hi\\\" \\\\ o'k\"",
		  "{\"S\":\"say \\\"hi\\\" \\\\ o'k\"}", 1 },
		{ "\"line\\nnext\\ttab\\r\"", "{\"S\":\"line\\nnext\\ttab\\r\"}",
		  1 },
		{ "\"Jos\\u00e9 \\u26f5 \\ud83d\\ude00 \xe6\x9d\xb1\"",
		  "{\"S\":\"Jos\xc3\xa9 \xe2\x9b\xb5 \xf0\x9f\x98\x80 "
		  "\xe6\x9d\xb1\"}", 1 },
		{ "\"a\\u0000b\"", "{\"S\":\"a\\u0000b\"}", 1 },
		{ "\"</script>&<\"", "{\"S\":\"</script>&<\"}", 1 },
		/* integers, as strings */
		{ "0", "{\"N\":\"0\"}", 1 },
		{ "-42", "{\"N\":\"-42\"}", 1 },
		{ "1234567", "{\"N\":\"1234567\"}", 1 },
		{ "9223372036854775807", "{\"N\":\"9223372036854775807\"}", 1 },
		{ "-9223372036854775808", "{\"N\":\"-9223372036854775808\"}",
		  1 },
		/* reals: the shortest text that reads back the same */
		{ "12345.67", "{\"N\":\"12345.67\"}", 1 },
		{ "0.1", "{\"N\":\"0.1\"}", 1 },
		{ "-2.5", "{\"N\":\"-2.5\"}", 1 },
		{ "4.0", "{\"N\":\"4\"}", 0 },
		{ "-0.0", "{\"N\":\"0\"}", 0 },
		{ "1e300", "{\"N\":\"1e+300\"}", 1 },
		{ "1.5e-7", "{\"N\":\"1.5e-07\"}", 1 },
		{ "0.30000000000000004", "{\"N\":\"0.30000000000000004\"}", 1 },
		/* booleans and null */
		{ "true", "{\"BOOL\":true}", 1 },
		{ "false", "{\"BOOL\":false}", 1 },
		{ "null", "{\"NULL\":true}", 1 },
		/* lists and maps, nested */
		{ "[]", "{\"L\":[]}", 1 },
		{ "{}", "{\"M\":{}}", 1 },
		{ "[1,\"a\",null,[true,[2.5]]]",
		  "{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"},{\"NULL\":true},"
		  "{\"L\":[{\"BOOL\":true},{\"L\":[{\"N\":\"2.5\"}]}]}]}", 1 },
		{ "{\"crew\":[{\"crew_id\":7,\"name\":\"Ana \\\"Cap\\\"\","
		  "\"captain\":true,\"hours\":4.25,\"notes\":null}],"
		  "\"m\":{\"k\":{\"x\":[]}}}",
		  "{\"M\":{\"crew\":{\"L\":[{\"M\":{\"crew_id\":{\"N\":\"7\"},"
		  "\"name\":{\"S\":\"Ana \\\"Cap\\\"\"},\"captain\":"
		  "{\"BOOL\":true},\"hours\":{\"N\":\"4.25\"},\"notes\":"
		  "{\"NULL\":true}}}]},\"m\":{\"M\":{\"k\":{\"M\":{\"x\":"
		  "{\"L\":[]}}}}}}}", 1 },
		{ "{\"\\u00fcber\":1}", "{\"M\":{\"\xc3\xbc" "ber\":{\"N\":\"1\"}}}",
		  1 },
		/* refused: an empty attribute name, at any depth */
		{ "{\"\":1}", NULL, 0 },
		{ "[{\"a\":{\"\":true}}]", NULL, 0 },
	};
	json_t		*in, *av, *back;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		in = parse(t[i].in);
		av = dynamo_json_value(in);
		same_json(av, t[i].want, "value", i);
		if (t[i].roundtrip) {
			back = dynamo_json_plain(av);
			ok(back != NULL && json_equal(back, in),
			    "value #%zu reads back the same", i);
			json_decref(back);
		}
		json_decref(av);
		json_decref(in);
	}
}

/* n arrays, one inside the other: [[[...]]] */
static json_t *
nested(int n)
{
	json_t	*v = json_array(), *outer;

	while (--n > 0) {
		outer = json_array();
		json_array_append_new(outer, v);
		v = outer;
	}
	return v;
}

static void
test_depth(void)
{
	json_t	*v, *av;

	v = nested(LIMIT_DYNAMO_DEPTH + 1);
	av = dynamo_json_value(v);
	ok(av != NULL, "%d nested lists are stored", LIMIT_DYNAMO_DEPTH + 1);
	json_decref(av);
	json_decref(v);
	v = nested(LIMIT_DYNAMO_DEPTH + 2);
	ok(dynamo_json_value(v) == NULL, "%d nested lists are refused",
	    LIMIT_DYNAMO_DEPTH + 2);
	json_decref(v);
	ok(dynamo_json_value(NULL) == NULL, "NULL is refused");
}

static void
test_items(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "{\"pk\":\"booking#1\",\"version\":3,\"ok\":false}",
		  "{\"pk\":{\"S\":\"booking#1\"},\"version\":{\"N\":\"3\"},"
		  "\"ok\":{\"BOOL\":false}}" },
		{ "{}", "{}" },
		{ "[1]", NULL },
		{ "\"s\"", NULL },
		{ "null", NULL },
	};
	json_t	*in, *item;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		in = parse(t[i].in);
		item = dynamo_json_item(in);
		same_json(item, t[i].want, "item", i);
		json_decref(item);
		json_decref(in);
	}
}

static void
test_plain_refuses(void)
{
	static const char *const t[] = {
		"{\"SS\":[\"a\"]}", "{\"B\":\"AA==\"}", "{\"N\":\"abc\"}",
		"{\"N\":\"0x10\"}", "{\"N\":\"inf\"}", "{\"N\":\"nan\"}",
		"{\"N\":\" 1\"}", "{\"N\":\"\"}", "{\"N\":\"1e999\"}",
		"{\"N\":5}", "{\"S\":1}", "{\"NULL\":false}",
		"{\"BOOL\":\"true\"}", "{\"S\":\"a\",\"N\":\"1\"}", "{}",
		"\"S\"", "{\"L\":[{\"S\":\"ok\"},{\"X\":1}]}",
		"{\"M\":{\"a\":{\"N\":\"x\"}}}",
	};
	json_t	*in, *p;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		in = parse(t[i]);
		p = dynamo_json_plain(in);
		ok(p == NULL, "plain refuses %s", t[i]);
		json_decref(p);
		json_decref(in);
	}
}

static void
test_attrs(void)
{
	static const struct {
		const char	*item;
		int		 rc;
		long long	 want;
	} t[] = {
		{ "{\"version\":{\"N\":\"7\"}}", 0, 7 },
		{ "{\"version\":{\"N\":\"-3\"}}", 0, -3 },
		{ "{\"version\":{\"S\":\"7\"}}", -1, 0 },
		{ "{\"version\":{\"N\":\"7.5\"}}", -1, 0 },
		{ "{\"version\":{\"N\":\"\"}}", -1, 0 },
		{ "{\"version\":{\"N\":\"99999999999999999999\"}}", -1, 0 },
		{ "{\"other\":{\"N\":\"7\"}}", -1, 0 },
		{ "null", -1, 0 },
	};
	json_t		*item;
	long long	 n;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		item = parse(t[i].item);
		n = 0;
		rc = dynamo_json_attr_int(item, "version", &n);
		ok(rc == t[i].rc && (rc == -1 || n == t[i].want),
		    "attr_int #%zu: %d %lld", i, rc, n);
		json_decref(item);
	}
	item = parse("{\"sk\":{\"S\":\"crew#4\"},\"n\":{\"N\":\"1\"}}");
	is_str(dynamo_json_attr_str(item, "sk"), "crew#4", "attr_str reads S");
	ok(dynamo_json_attr_str(item, "n") == NULL, "attr_str refuses N");
	ok(dynamo_json_attr_str(item, "x") == NULL, "attr_str: missing");
	json_decref(item);
}

static void
test_errors(void)
{
	static const struct {
		const char	*body;
		const char	*type;
		const char	*msg;
	} t[] = {
		{ "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
		  "ConditionalCheckFailedException\",\"message\":"
		  "\"The conditional request failed\"}",
		  "ConditionalCheckFailedException",
		  "The conditional request failed" },
		/* AWS appends the canonical request: only line one is kept */
		{ "{\"__type\":\"com.amazon.coral.service#"
		  "InvalidSignatureException\",\"message\":\"The request "
		  "signature we calculated does not match the signature you "
		  "provided.\\n\\nThe Canonical String for this request should "
		  "have been\\n'POST\\n/\\n\\nhost:x\\nx-amz-security-token:"
		  "SECRET'\"}",
		  "InvalidSignatureException",
		  "The request signature we calculated does not match the "
		  "signature you provided." },
		{ "{\"__type\":\"x#Throttled\",\"Message\":\"capital M\"}",
		  "Throttled", "capital M" },
		{ "{\"__type\":\"NoNamespace\"}", "NoNamespace", "" },
		{ "{\"message\":\"a\\tb\\u0007c  \"}", "", "a b c" },
		{ "<html>Bad\r\nGateway</html>\r\n", "", "<html>Bad Gateway</html>" },
		{ "", "", "" },
		{ "{\"__type\":5,\"message\":[1]}", "", "" },
		{ "[\"not an object\"]", "", "[\"not an object\"]" },
	};
	char	 type[DYNAMO_TYPE_MAX], msg[DYNAMO_MESSAGE_MAX];
	char	 small[8], body[600];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		dynamo_json_error(t[i].body, strlen(t[i].body), type,
		    sizeof(type), msg, sizeof(msg));
		is_str(type, t[i].type, "error #%zu: type", i);
		is_str(msg, t[i].msg, "error #%zu: message", i);
	}
	/* cut at a character boundary, never inside one */
	snprintf(body, sizeof(body), "{\"message\":\"%s\"}",
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	dynamo_json_error(body, strlen(body), type, sizeof(type), small,
	    sizeof(small));
	is_str(small, "\xc3\xa9\xc3\xa9\xc3\xa9", "a cut message keeps whole "
	    "characters");
	ok(utf8_valid(small, strlen(small)), "and is valid UTF-8");
	dynamo_json_error(NULL, 0, type, sizeof(type), msg, sizeof(msg));
	ok(type[0] == '\0' && msg[0] == '\0', "no body: empty type and "
	    "message");
}

int
main(void)
{
	log_init("test-dynamo-json", LOG_LVL_ERR);
	test_values();
	test_depth();
	test_items();
	test_plain_refuses();
	test_attrs();
	test_errors();
	return tap_done();
}
