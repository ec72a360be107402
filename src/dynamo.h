/* dynamo.h: a DynamoDB JSON API client (SigV4, service dynamodb) and `charterd dynamo create-table` */
#ifndef CHARTERD_DYNAMO_H
#define CHARTERD_DYNAMO_H

#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "dynamo_json.h"
#include "sigv4.h"

#define DYNAMO_URL_MAX		300
#define DYNAMO_ERROR_MAX	400	/* "PutItem: 403 Type: message" */

/* How a call went. */
enum dynamo_outcome {
	DYNAMO_OK,		/* 2xx: the answer is there */
	DYNAMO_CONDITION,	/* ConditionalCheckFailedException */
	DYNAMO_RETRY,		/* transport error, timeout, 5xx, throttling */
	DYNAMO_FAIL,		/* any other 4xx: refused for good */
};

/* One table at one endpoint, with one kept-alive connection. */
struct dynamo {
	struct outbound		*out;
	struct sigv4_key	 key;		/* points into the config */
	const char		*table;
	char			 url[DYNAMO_URL_MAX];
};

/*
 * Where requests go: endpoint ("http(s)://host[:port]", a trailing "/"
 * allowed, no path) plus "/", or https://dynamodb.<region>.amazonaws.com/
 * when endpoint is NULL. 0, or -1 on a malformed endpoint or region.
 */
int	dynamo_url(const char *endpoint, const char *region, char *url,
	    size_t urllen);

/*
 * Sets d up for cfg's table (CHARTER_DYNAMO_*, AWS_*, CHARTER_AWS_REGION)
 * with the given timeouts (LIMIT_OUT_*). 0, or -1 with a sentence in err
 * (no secret in it) when a setting is missing or malformed.
 */
int	dynamo_open(struct dynamo *d, const struct config *cfg,
	    long connect_ms, long total_ms, char *err, size_t errlen);
/* Closes the connection and frees what dynamo_open made. */
void	dynamo_close(struct dynamo *d);

/*
 * What an answer means: status 2xx is DYNAMO_OK; a 400 of type
 * ConditionalCheckFailedException DYNAMO_CONDITION; 5xx, 429, 408 and the
 * throttling types (ThrottlingException,
 * ProvisionedThroughputExceededException, RequestLimitExceeded,
 * LimitExceededException) DYNAMO_RETRY; any other 4xx DYNAMO_FAIL; no or
 * another status DYNAMO_RETRY. type is the error body's __type less its
 * namespace ("" when none). Pure.
 */
enum dynamo_outcome dynamo_classify(long status, const char *type);

/* What one call brought back. */
struct dynamo_result {
	enum dynamo_outcome outcome;
	long		 status;		/* 0: no answer arrived */
	char		 type[DYNAMO_TYPE_MAX];	/* error type, "" when none */
	json_t		*answer;		/* DYNAMO_OK: the body, owned */
	/* otherwise "Op: status Type: message" or "Op: <transport
	 * error>": one line, no secret */
	char		 error[DYNAMO_ERROR_MAX];
};

/*
 * Calls operation op ("PutItem") with body req, signed at the current
 * time, and fills *res (free it with dynamo_result_free). Returns
 * res->outcome.
 */
enum dynamo_outcome dynamo_call(struct dynamo *d, const char *op,
	    const json_t *req, struct dynamo_result *res);
void	dynamo_result_free(struct dynamo_result *res);

/*
 * `charterd dynamo create-table`: creates cfg's table (pk S HASH, sk S
 * RANGE, PAY_PER_REQUEST) unless it exists, and waits until DescribeTable
 * says ACTIVE (LIMIT_DYNAMO_WAIT_S at most). A table that exists already
 * (ResourceInUseException included) is fine when its keys are these.
 * Says what it did on stdout, what failed on stderr. 0 or -1.
 */
int	dynamo_create_table(const struct config *cfg);

#endif
