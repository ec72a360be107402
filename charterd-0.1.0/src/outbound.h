/* outbound.h: one reusable HTTP client per outbound target (S3, DynamoDB, SCC, ...) */
#ifndef CHARTERD_OUTBOUND_H
#define CHARTERD_OUTBOUND_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "sigv4.h"

#define OUTBOUND_MAX_HEADERS	SIGV4_MAX_HEADERS /* caller headers */
#define OUTBOUND_MAX_CAPTURE	8	/* extra answer headers kept */
#define OUTBOUND_ERROR_LEN	128	/* a transport error's reason */

/*
 * One target: a libcurl handle reused for every request, so the
 * connection stays open between them (keep-alive), with the connect and
 * total timeouts of the context it serves (a web worker's are short, the
 * sync process's longer).  Not to be shared across fork(): make it in
 * the process that uses it.
 */
struct outbound;

struct outbound_request {
	const char		*method;	/* an HTTP token: "GET", "PUT" */
	/* http:// or https://, exactly as it goes on the wire (already
	 * percent-encoded); no user info, no fragment */
	const char		*url;
	/* sent as given and, when signed, all signed; the module owns Host,
	 * Content-Length, Transfer-Encoding, Expect and Connection */
	const struct sigv4_header *headers;
	size_t			 nheaders;
	const void		*body;		/* NULL: no body */
	size_t			 body_len;
	/* Non-NULL: SigV4 header form at time now.  The module hashes the
	 * body and adds X-Amz-Date, Authorization, X-Amz-Security-Token
	 * and, for service "s3", X-Amz-Content-Sha256.  For "s3" the URL's
	 * path must be encoded as sigv4_uri_encode(path, 0) encodes it. */
	const struct sigv4_key	*sign;
	time_t			 now;
	/* names of answer headers to keep besides the usual three, NULL
	 * terminated (at most OUTBOUND_MAX_CAPTURE); or NULL */
	const char *const	*capture;
	/* answer body kept up to this many bytes; more is an error, never a
	 * truncation.  0: the body is read and dropped. */
	size_t			 body_max;
};

/* Zero it before first use; outbound_request() frees a previous answer. */
struct outbound_response {
	long		 status;		/* 0 when no answer arrived */
	long long	 content_length;	/* -1 when absent or malformed */
	char		*content_type;		/* NULL when absent */
	char		*etag;			/* NULL when absent */
	char		*captured[OUTBOUND_MAX_CAPTURE]; /* per capture[] */
	struct buf	 body;
	char		 error[OUTBOUND_ERROR_LEN]; /* why -1; "" otherwise */
};

/*
 * A new target named name (for logs; copied), with connect_ms and
 * total_ms timeouts (both > 0; see LIMIT_OUT_* in limits.h).
 * Returns NULL on bad arguments or allocation failure.
 */
struct outbound	*outbound_new(const char *name, long connect_ms,
		    long total_ms);

/* Closes the connection and frees the target; NULL is fine. */
void		 outbound_free(struct outbound *);

/*
 * Performs one request and fills resp.  Returns 0 when an HTTP answer
 * arrived, whatever its status; -1 on invalid input, a transport error
 * (connect, timeout, TLS), or a body over body_max, with a short reason
 * in resp->error (no secrets in it; fit to keep as a last_error).
 * Logs the target's name, method, host and status; never a header value.
 */
int		 outbound_request(struct outbound *,
		    const struct outbound_request *, struct outbound_response *);

/* Frees what an answer holds and zeroes it. */
void		 outbound_response_free(struct outbound_response *);

/* Connections opened so far (a reused one counts once); for tests and
 * metrics. */
unsigned long	 outbound_connections(const struct outbound *);

#endif
