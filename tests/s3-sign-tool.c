/* s3-sign-tool.c: prints a presigned S3 URL, or does a signed HEAD, PUT or
 * DELETE, with the charterd modules; used by tests/peers/test-s3-proxy.sh
 * and the photo tests */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "limits.h"
#include "log.h"
#include "outbound.h"
#include "s3.h"

static void
usage(void)
{
	fprintf(stderr, "usage: s3-sign-tool presign-put|presign-get|head|"
	    "head-sha256|put|delete endpoint bucket key [content-type "
	    "size|body] [now-offset-s] [expires-s]\n"
	    "       s3-sign-tool head endpoint bucket key [count]: count "
	    "HEADs on one connection handle; prints the connections opened\n"
	    "environment: AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY "
	    "AWS_REGION (default us-east-1) [AWS_SESSION_TOKEN] "
	    "[S3_VIRTUAL_HOST=1] [S3_CHECKSUM_SHA256=<base64>: presign-put "
	    "signs it]\n");
}

static int
num(const char *s, long long lo, long long hi, long long *out)
{
	char	*end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *out < lo ||
	    *out > hi ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	struct s3_config c;
	struct buf	 url = { 0 };
	json_t		*h = NULL;
	long long	 size = 0, off = 0, exp = 900, got = 0, count = 1, i;
	char		 ctype[128], sum[72];
	const char	*op;
	time_t		 now;
	int		 rc = 1, r;

	log_init("s3-sign-tool", LOG_LVL_WARN);
	if (argc < 5) {
		usage();
		return 2;
	}
	op = argv[1];
	memset(&c, 0, sizeof(c));
	c.endpoint = strcmp(argv[2], "aws") == 0 ? NULL : argv[2];
	c.bucket = argv[3];
	c.access_key = getenv("AWS_ACCESS_KEY_ID");
	c.secret_key = getenv("AWS_SECRET_ACCESS_KEY");
	c.session_token = getenv("AWS_SESSION_TOKEN");
	c.region = getenv("AWS_REGION") ? getenv("AWS_REGION") : "us-east-1";
	c.path_style = getenv("S3_VIRTUAL_HOST") == NULL;
	if (c.access_key == NULL || c.secret_key == NULL) {
		usage();
		return 2;
	}
	now = time(NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((c.out = outbound_new("s3-sign-tool", LIMIT_OUT_WEB_CONNECT_MS,
	    LIMIT_OUT_WEB_TOTAL_MS)) == NULL)
		goto out;

	if (strcmp(op, "presign-put") == 0) {
		if (argc < 7 || num(argv[6], 0, 1LL << 40, &size) == -1 ||
		    (argc > 7 && num(argv[7], -10000000, 10000000, &off)
		    == -1) ||
		    (argc > 8 && num(argv[8], 0, 10000000, &exp) == -1)) {
			usage();
			goto out;
		}
		if (s3_presign_put_sha256(&c, argv[4], argv[5], size,
		    getenv("S3_CHECKSUM_SHA256"), now + off, (unsigned)exp,
		    &url, &h) == -1)
			goto out;
		printf("%s\n", buf_str(&url));
	} else if (strcmp(op, "presign-get") == 0) {
		if ((argc > 5 && num(argv[5], -10000000, 10000000, &off)
		    == -1) ||
		    (argc > 6 && num(argv[6], 0, 10000000, &exp) == -1)) {
			usage();
			goto out;
		}
		if (s3_presign_get(&c, argv[4], now + off, (unsigned)exp,
		    &url) == -1)
			goto out;
		printf("%s\n", buf_str(&url));
	} else if (strcmp(op, "head") == 0) {
		if (argc > 5 && num(argv[5], 1, 10000, &count) == -1) {
			usage();
			goto out;
		}
		for (i = 0, r = 0; i < count && r == 0; i++)
			r = s3_head(&c, argv[4], now, &got, ctype,
			    sizeof(ctype));
		if (r == 0)
			printf("found %lld %s\n", got, ctype);
		else
			printf("%s\n", r == 1 ? "missing" : "error");
		if (argc > 5)
			printf("%lld heads, %lu connections\n", i,
			    outbound_connections(c.out));
		rc = r == 0 ? 0 : 1;
		goto out;
	} else if (strcmp(op, "head-sha256") == 0) {
		r = s3_head_sha256(&c, argv[4], now, &got, ctype,
		    sizeof(ctype), sum, sizeof(sum));
		if (r == 0)
			printf("found %lld %s %s\n", got, ctype,
			    sum[0] != '\0' ? sum : "-");
		else
			printf("%s\n", r == 1 ? "missing" : "error");
		rc = r == 0 ? 0 : 1;
		goto out;
	} else if (strcmp(op, "put") == 0) {
		if (argc < 7) {
			usage();
			goto out;
		}
		if (s3_put(&c, argv[4], argv[5], argv[6], strlen(argv[6]),
		    now) == -1) {
			printf("error\n");
			goto out;
		}
		printf("stored\n");
	} else if (strcmp(op, "delete") == 0) {
		if (s3_delete(&c, argv[4], now) == -1) {
			printf("error\n");
			goto out;
		}
		printf("deleted\n");
	} else {
		usage();
		goto out;
	}
	rc = 0;
out:
	json_decref(h);
	buf_free(&url);
	outbound_free(c.out);
	curl_global_cleanup();
	return rc;
}
