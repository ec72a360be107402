/* cloudfront.h: CloudFront CreateInvalidation over the outbound client, SigV4-signed */
#ifndef CHARTERD_CLOUDFRONT_H
#define CHARTERD_CLOUDFRONT_H

#include <stddef.h>
#include <time.h>

struct buf;
struct outbound;

#define CLOUDFRONT_API_VERSION	"2020-05-31"
#define CLOUDFRONT_HOST		"https://cloudfront.amazonaws.com"
#define CLOUDFRONT_REGION	"us-east-1"	/* CloudFront signs here, always */
#define CLOUDFRONT_MAX_PATHS	16	/* paths in one batch we send */
#define CLOUDFRONT_PATH_MAX	1024	/* bytes of one path (a URL path) */
#define CLOUDFRONT_REF_MAX	128	/* bytes of a CallerReference */
#define CLOUDFRONT_DIST_MAX	64	/* bytes of a distribution id */
#define CLOUDFRONT_ID_MAX	64	/* an Invalidation Id, NUL included */
#define CLOUDFRONT_ANSWER_MAX	(16 * 1024) /* an answer's body, read whole */
#define CLOUDFRONT_XML_DEPTH	16	/* element nesting in an answer */

struct cloudfront_config {
	/* NULL: CLOUDFRONT_HOST.  Else "http(s)://host[:port]", no path,
	 * e.g. a local peer's "http://127.0.0.1:4570". */
	const char	*endpoint;
	const char	*distribution;	/* its id: letters and digits */
	const char	*access_key;
	const char	*secret_key;
	const char	*session_token;	/* NULL unless temporary credentials */
	struct outbound	*out;		/* one per process, kept alive */
};

/* How a CreateInvalidation went, in the outbox's terms. */
enum cloudfront_status {
	CLOUDFRONT_OK,		/* created, or the same batch found again */
	CLOUDFRONT_RETRY,	/* no answer, 5xx, throttled, or malformed */
	CLOUDFRONT_FAIL,	/* refused for good: a 4xx */
};

/*
 * Appends the request body of CreateInvalidation: an InvalidationBatch of
 * paths[0..npaths) (1..CLOUDFRONT_MAX_PATHS, each "/" then printable
 * ASCII without blanks, at most CLOUDFRONT_PATH_MAX bytes) and
 * caller_ref (printable ASCII, 1..CLOUDFRONT_REF_MAX bytes), escaped for
 * XML.  Returns 0, or -1 on a bad argument or allocation failure.
 */
int	cloudfront_batch_xml(const char *const *paths, size_t npaths,
	    const char *caller_ref, struct buf *out);

/*
 * Reads a CreateInvalidation answer (an <Invalidation> document) and
 * copies its <Id> (letters and digits) into id.  Returns 0, or -1 when
 * the body is not well-formed XML of the small kind AWS sends (no DTD,
 * no CDATA, nesting at most CLOUDFRONT_XML_DEPTH), has no Id, has two,
 * or has one that does not fit idlen.
 */
int	cloudfront_parse_invalidation(const char *body, size_t len, char *id,
	    size_t idlen);

/*
 * Reads an error answer (<ErrorResponse><Error><Code>, <Message>) into
 * code and msg; control characters in the message become blanks, and a
 * message longer than msglen is cut (it is only ever shown).  Returns 0,
 * or -1 when the body is malformed or carries no Code.
 */
int	cloudfront_parse_error(const char *body, size_t len, char *code,
	    size_t codelen, char *msg, size_t msglen);

/*
 * What an answer with this status and error code (NULL when none) means:
 * 2xx OK; 5xx, 429, 408 and the throttling codes (Throttling,
 * TooManyInvalidationsInProgress, RequestTimeTooSkewed, ...) RETRY;
 * any other 4xx FAIL; anything else RETRY.
 */
enum cloudfront_status cloudfront_classify(long status, const char *code);

/*
 * CreateInvalidation of paths for c's distribution: POST
 * <endpoint>/2020-05-31/distribution/<id>/invalidation, signed with
 * SigV4 (service "cloudfront", region us-east-1) at time now, through
 * c->out.  caller_ref makes a repeat harmless: CloudFront answers the
 * invalidation it already made for the same reference and paths.
 * OK with the Invalidation Id in id; else RETRY or FAIL with a sentence
 * in err (status, CloudFront's Code and Message; never a key).
 */
enum cloudfront_status cloudfront_invalidate(const struct cloudfront_config *,
	    const char *const *paths, size_t npaths, const char *caller_ref,
	    time_t now, char *id, size_t idlen, char *err, size_t errlen);

#endif
