/* dynamo.c: a DynamoDB JSON API client (SigV4, service dynamodb) and `charterd dynamo create-table` */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "dynamo.h"
#include "dynamo_json.h"
#include "limits.h"
#include "outbound.h"

#define DYNAMO_TARGET_PREFIX	"DynamoDB_20120810."
#define DYNAMO_CONTENT_TYPE	"application/x-amz-json-1.0"
#define DYNAMO_REGION_MAX	32
#define DYNAMO_POLL_MS		250	/* between DescribeTable calls */

/* Errors a client should try again later: AWS's throttling family. */
static const char *const dynamo_throttles[] = {
	"ThrottlingException", "ProvisionedThroughputExceededException",
	"RequestLimitExceeded", "LimitExceededException", NULL
};

int
dynamo_url(const char *endpoint, const char *region, char *url,
    size_t urllen)
{
	struct buf	 host = { 0 };
	const char	*scheme, *auth;
	size_t		 len;
	int		 rc = -1, n;

	if (endpoint == NULL) {
		len = region ? strlen(region) : 0;
		if (len == 0 || len > DYNAMO_REGION_MAX || strspn(region,
		    "abcdefghijklmnopqrstuvwxyz0123456789-") != len)
			return -1;
		n = snprintf(url, urllen, "https://dynamodb.%s.amazonaws.com/",
		    region);
		return n < 0 || (size_t)n >= urllen ? -1 : 0;
	}
	if (strncmp(endpoint, "https://", 8) == 0) {
		scheme = "https";
		auth = endpoint + 8;
	} else if (strncmp(endpoint, "http://", 7) == 0) {
		scheme = "http";
		auth = endpoint + 7;
	} else
		return -1;
	len = strcspn(auth, "/?#@");
	/* Nothing after the authority but one "/". */
	if (!(auth[len] == '\0' || (auth[len] == '/' && auth[len + 1] ==
	    '\0')))
		return -1;
	if (sigv4_host(&host, scheme, auth, len) == -1)
		goto out;
	n = snprintf(url, urllen, "%s://%.*s/", scheme, (int)len, auth);
	rc = n < 0 || (size_t)n >= urllen ? -1 : 0;
out:
	buf_free(&host);
	return rc;
}

int
dynamo_open(struct dynamo *d, const struct config *cfg, long connect_ms,
    long total_ms, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	if (cfg->dynamo_table == NULL) {
		snprintf(err, errlen, "CHARTER_DYNAMO_TABLE is not set");
		return -1;
	}
	if (cfg->aws_access_key == NULL || cfg->aws_secret_key == NULL) {
		snprintf(err, errlen, "AWS_ACCESS_KEY_ID and "
		    "AWS_SECRET_ACCESS_KEY are needed for DynamoDB");
		return -1;
	}
	if (dynamo_url(cfg->dynamo_endpoint, cfg->aws_region, d->url,
	    sizeof(d->url)) == -1) {
		snprintf(err, errlen, cfg->dynamo_endpoint ?
		    "CHARTER_DYNAMO_ENDPOINT must be http(s)://host[:port]" :
		    "CHARTER_AWS_REGION is not a region name");
		return -1;
	}
	if ((d->out = outbound_new("dynamodb", connect_ms, total_ms)) ==
	    NULL) {
		snprintf(err, errlen, "cannot set up the HTTP client");
		return -1;
	}
	d->key.access_key = cfg->aws_access_key;
	d->key.secret_key = cfg->aws_secret_key;
	d->key.session_token = cfg->aws_session_token;
	d->key.region = cfg->aws_region;
	d->key.service = "dynamodb";
	d->table = cfg->dynamo_table;
	return 0;
}

void
dynamo_close(struct dynamo *d)
{
	outbound_free(d->out);
	d->out = NULL;
}

enum dynamo_outcome
dynamo_classify(long status, const char *type)
{
	size_t	 i;

	if (status >= 200 && status <= 299)
		return DYNAMO_OK;
	if (status == 408 || status == 429 || status >= 500)
		return DYNAMO_RETRY;
	if (status < 400 || status > 499)
		return DYNAMO_RETRY;	/* not an answer DynamoDB gives */
	if (type == NULL)
		return DYNAMO_FAIL;
	if (status == 400 && strcmp(type, "ConditionalCheckFailedException")
	    == 0)
		return DYNAMO_CONDITION;
	for (i = 0; dynamo_throttles[i] != NULL; i++)
		if (strcmp(type, dynamo_throttles[i]) == 0)
			return DYNAMO_RETRY;
	return DYNAMO_FAIL;
}

void
dynamo_result_free(struct dynamo_result *res)
{
	json_decref(res->answer);
	memset(res, 0, sizeof(*res));
}

enum dynamo_outcome
dynamo_call(struct dynamo *d, const char *op, const json_t *req,
    struct dynamo_result *res)
{
	struct outbound_request	 rq;
	struct outbound_response resp;
	struct sigv4_header	 hdr[2];
	char			 target[64], msg[DYNAMO_MESSAGE_MAX];
	char			*body;

	memset(res, 0, sizeof(*res));
	memset(&resp, 0, sizeof(resp));
	res->outcome = DYNAMO_RETRY;
	snprintf(target, sizeof(target), DYNAMO_TARGET_PREFIX "%s", op);
	if ((body = json_dumps(req, JSON_COMPACT)) == NULL) {
		snprintf(res->error, sizeof(res->error), "%s: the request "
		    "cannot be encoded", op);
		return res->outcome = DYNAMO_FAIL;
	}
	hdr[0].name = "Content-Type";
	hdr[0].value = DYNAMO_CONTENT_TYPE;
	hdr[1].name = "X-Amz-Target";
	hdr[1].value = target;
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.url = d->url;
	rq.headers = hdr;
	rq.nheaders = 2;
	rq.body = body;
	rq.body_len = strlen(body);
	rq.sign = &d->key;	/* the body's SHA-256 is signed */
	rq.now = time(NULL);	/* the clock, read at the edge */
	rq.body_max = LIMIT_DYNAMO_ANSWER;
	if (outbound_request(d->out, &rq, &resp) == -1) {
		snprintf(res->error, sizeof(res->error), "%s: %s", op,
		    resp.error);
		goto out;
	}
	res->status = resp.status;
	if (resp.status >= 200 && resp.status <= 299) {
		if ((res->answer = json_loadb(resp.body.data, resp.body.len,
		    0, NULL)) == NULL) {
			snprintf(res->error, sizeof(res->error), "%s: %ld "
			    "with an answer that is not JSON", op,
			    resp.status);
			goto out;
		}
		res->outcome = DYNAMO_OK;
		goto out;
	}
	dynamo_json_error(resp.body.data, resp.body.len, res->type,
	    sizeof(res->type), msg, sizeof(msg));
	res->outcome = dynamo_classify(resp.status, res->type);
	snprintf(res->error, sizeof(res->error), "%s: %ld%s%s%s%s", op,
	    resp.status, res->type[0] ? " " : "", res->type,
	    msg[0] ? ": " : "", msg);
out:
	free(body);
	outbound_response_free(&resp);
	return res->outcome;
}

/* -- charterd dynamo create-table ---------------------------------------- */

/* {"TableName": table}: what DescribeTable and CreateTable start from. */
static json_t *
table_request(const struct dynamo *d)
{
	return json_pack("{s:s}", "TableName", d->table);
}

/* 1 when the table's keys are pk (S, HASH) and sk (S, RANGE). */
static int
keys_ok(const json_t *table)
{
	json_t		*e;
	size_t		 i;
	int		 hash = 0, range = 0, pk_s = 0, sk_s = 0;
	const char	*name, *kt;

	json_array_foreach(json_object_get(table, "KeySchema"), i, e) {
		name = json_string_value(json_object_get(e, "AttributeName"));
		kt = json_string_value(json_object_get(e, "KeyType"));
		if (name == NULL || kt == NULL)
			return 0;
		if (strcmp(name, "pk") == 0 && strcmp(kt, "HASH") == 0)
			hash++;
		else if (strcmp(name, "sk") == 0 && strcmp(kt, "RANGE") == 0)
			range++;
		else
			return 0;
	}
	json_array_foreach(json_object_get(table, "AttributeDefinitions"), i,
	    e) {
		name = json_string_value(json_object_get(e, "AttributeName"));
		kt = json_string_value(json_object_get(e, "AttributeType"));
		if (name != NULL && kt != NULL && strcmp(kt, "S") == 0) {
			pk_s += strcmp(name, "pk") == 0;
			sk_s += strcmp(name, "sk") == 0;
		}
	}
	return hash == 1 && range == 1 && pk_s == 1 && sk_s == 1;
}

/*
 * DescribeTable: 1 with the status in status (e.g. "ACTIVE") when the
 * table exists with our keys, 0 when it does not exist, -1 on an error
 * (said on stderr), -2 when it may be asked again (throttled, 5xx).
 */
static int
describe(struct dynamo *d, char *status, size_t statuslen)
{
	struct dynamo_result res;
	json_t		*req, *table;
	const char	*st;
	int		 r = -1;

	if ((req = table_request(d)) == NULL)
		return -1;
	dynamo_call(d, "DescribeTable", req, &res);
	json_decref(req);
	if (res.outcome == DYNAMO_FAIL &&
	    strcmp(res.type, "ResourceNotFoundException") == 0)
		r = 0;
	else if (res.outcome == DYNAMO_RETRY && res.status != 0)
		r = -2;		/* throttled or 5xx: ask again */
	else if (res.outcome != DYNAMO_OK)
		fprintf(stderr, "charterd dynamo create-table: %s\n",
		    res.error);
	else {
		table = json_object_get(res.answer, "Table");
		st = json_string_value(json_object_get(table, "TableStatus"));
		if (st == NULL)
			fprintf(stderr, "charterd dynamo create-table: "
			    "DescribeTable answered without a TableStatus\n");
		else if (!keys_ok(table))
			fprintf(stderr, "charterd dynamo create-table: table "
			    "%s exists with other keys; charterd needs pk (S, "
			    "HASH) and sk (S, RANGE)\n", d->table);
		else {
			snprintf(status, statuslen, "%s", st);
			r = 1;
		}
	}
	dynamo_result_free(&res);
	return r;
}

/* CreateTable: 0 when created or already there, -1 on an error. */
static int
create(struct dynamo *d)
{
	struct dynamo_result res;
	json_t		*req;
	int		 rc = -1;

	req = json_pack("{s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}], "
	    "s:[{s:s, s:s}, {s:s, s:s}]}", "TableName", d->table,
	    "BillingMode", "PAY_PER_REQUEST",
	    "AttributeDefinitions",
	    "AttributeName", "pk", "AttributeType", "S",
	    "AttributeName", "sk", "AttributeType", "S",
	    "KeySchema",
	    "AttributeName", "pk", "KeyType", "HASH",
	    "AttributeName", "sk", "KeyType", "RANGE");
	if (req == NULL)
		return -1;
	dynamo_call(d, "CreateTable", req, &res);
	json_decref(req);
	if (res.outcome == DYNAMO_OK) {
		printf("table %s: created\n", d->table);
		rc = 0;
	} else if (res.outcome == DYNAMO_FAIL &&
	    strcmp(res.type, "ResourceInUseException") == 0) {
		/* Someone else made it since our DescribeTable. */
		printf("table %s: exists already\n", d->table);
		rc = 0;
	} else
		fprintf(stderr, "charterd dynamo create-table: %s\n",
		    res.error);
	dynamo_result_free(&res);
	return rc;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
dynamo_create_table(const struct config *cfg)
{
	struct dynamo	 d;
	char		 err[DYNAMO_ERROR_MAX], status[32] = "";
	long long	 start = now_ms(), deadline;
	int		 rc = -1, r, seen = 0;	/* the table is there */

	if (dynamo_open(&d, cfg, LIMIT_OUT_SYNC_CONNECT_MS,
	    LIMIT_OUT_SYNC_TOTAL_MS, err, sizeof(err)) == -1) {
		fprintf(stderr, "charterd dynamo create-table: %s\n", err);
		return -1;
	}
	deadline = start + LIMIT_DYNAMO_WAIT_S * 1000LL;
	for (;;) {
		r = describe(&d, status, sizeof(status));
		if (r == -1)
			goto out;
		if (r == 0 && !seen) {
			if (create(&d) == -1)
				goto out;
			seen = 1;
			continue;
		}
		if (r == 1 && !seen) {
			printf("table %s: exists already\n", d.table);
			seen = 1;
		}
		if (r == 1 && strcmp(status, "ACTIVE") == 0) {
			printf("table %s: ACTIVE at %s after %.1f s\n",
			    d.table, d.url, (double)(now_ms() - start) /
			    1000.0);
			rc = 0;
			goto out;
		}
		if (r == 1 && strcmp(status, "CREATING") != 0 &&
		    strcmp(status, "UPDATING") != 0) {
			fprintf(stderr, "charterd dynamo create-table: table "
			    "%s is %s\n", d.table, status);
			goto out;
		}
		/* CREATING, throttled, or not visible yet after CreateTable. */
		if (now_ms() > deadline) {
			fprintf(stderr, "charterd dynamo create-table: table "
			    "%s is not ACTIVE after %d s (%s)\n", d.table,
			    LIMIT_DYNAMO_WAIT_S, status[0] ? status :
			    "not found");
			goto out;
		}
		poll(NULL, 0, DYNAMO_POLL_MS);
	}
out:
	dynamo_close(&d);
	return rc;
}
