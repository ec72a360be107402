/* receipt.h: a settlement's receipt photo in the photo store: what an upload may be, its presigned PUT, the check of what arrived, a link to see it */
#ifndef CHARTERD_RECEIPT_H
#define CHARTERD_RECEIPT_H

#include <time.h>

#include <jansson.h>

#include "http.h"
#include "kv.h"
#include "s3.h"

struct config;

#define RECEIPT_PUT_SECONDS	900	/* a presigned PUT lives 15 minutes */
#define RECEIPT_GET_SECONDS	900	/* so does a link to see one */

/* An upload as the browser announces it, checked. */
struct receipt_upload {
	char		 id[33];	/* random, 32 hex digits: the key's name */
	const char	*content_type;	/* one of jpeg, png, webp, heic */
	const char	*ext;		/* its extension */
	long long	 size;		/* bytes, 1 .. max */
	char		 sha256[45];	/* base64 SHA-256 of the bytes */
};

/*
 * Reads form fields content_type, size and sha256 (what static/settle.js
 * sends) into *u with a fresh random id: 0, or -1 with a sentence for
 * the person in msg (a type that is no photo, a size over max_bytes, a
 * malformed SHA-256, no randomness).
 */
int	receipt_upload_read(const struct kvlist *, long long max_bytes,
	    struct receipt_upload *u, char *msg, size_t msglen);

/*
 * Answers 201 {receipt_id, upload {method, url, headers}, expires_at}
 * for u, reserved (receipt_reserve()'s ok answer: key, expires_at), by a
 * PUT URL that signs type, size and SHA-256 and lives until the
 * reservation expires; 500 if it cannot be made.
 */
void	receipt_presign_answer(struct request *, const struct s3_config *,
	    const struct receipt_upload *u, const json_t *reserved, time_t now);

/*
 * Whether the store holds exactly the reservation found
 * (receipt_find()'s ok answer: key, content_type, size, sha256): 0 when
 * it does, 1 when it is not there or other bytes are, -1 when the store
 * did not answer.
 */
int	receipt_arrived(const struct s3_config *, const json_t *found,
	    time_t now);

/* A link to see the receipt under key, into url: 0, or -1. */
int	receipt_link(const struct s3_config *, const char *key, time_t now,
	    struct buf *url);

#endif
