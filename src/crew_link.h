/* crew_link.h: a crew member's magic link: made, made again for its mail, its URL, and its page's form token */
#ifndef CHARTERD_CREW_LINK_H
#define CHARTERD_CREW_LINK_H

#include <stddef.h>

#include "config.h"
#include "limits.h"
#include "token.h"

/* A link as issued: what the database keeps (hash, nonce) and the token. */
struct crew_link {
	char	token[LIMIT_TOKEN_LEN + 1];
	char	hash_hex[65];			/* SHA-256 of the token */
	char	nonce_hex[2 * TOKEN_NONCE_LEN + 1];
};

/*
 * A new link to one booking for crew member crew_id: a fresh 32-byte nonce
 * from OpenSSL, the token derived from it under CHARTER_TOKEN_SECRET
 * (token_derive, TOKEN_LINK) and the token's hash. 0, or -1 when there is
 * no randomness or no secret (nothing is filled then).
 */
int	crew_link_new(const struct config *, long long crew_id,
	    struct crew_link *);

/*
 * The token of a link again, from the nonce the database kept (64 hex
 * digits): what the mail target puts in the invitation. 0, or -1 on a bad
 * nonce or no secret.
 */
int	crew_link_token(const struct config *, long long crew_id,
	    const char *nonce_hex, char token[LIMIT_TOKEN_LEN + 1]);

/*
 * An open-place offer's link for crew member crew_id (the mail target
 * makes one per offer it sends): a fresh 32-byte nonce, the token derived
 * from it (token_derive, TOKEN_OFFER) and the token's SHA-256 in hex. The
 * nonce is forgotten at once: the database keeps the hash only, and the
 * mail is the token's one copy. 0, or -1 when there is no randomness or
 * no secret (nothing is filled then).
 */
int	crew_offer_token_new(const struct config *, long long crew_id,
	    char token[LIMIT_TOKEN_LEN + 1], char hash_hex[65]);

/*
 * The URL of a crew link, CHARTER_PUBLIC_URL + "/c/" + token, into out
 * (len bytes), by link_url() (links.h), which makes every link charterd
 * hands out. 0, or -1 (out "") for a token of the wrong shape, a bad
 * CHARTER_PUBLIC_URL or a URL that does not fit: never a truncated link.
 */
int	crew_link_url(const struct config *, const char *token, char *out,
	    size_t len);

/*
 * The form token a crew page carries in its forms: base64url of
 * HMAC-SHA256(secret, label, token). Only charterd can make it, and only
 * for a token it is shown. 0, or -1 with no secret.
 */
int	crew_form_token(const struct config *, const char *token,
	    char out[LIMIT_TOKEN_LEN + 1]);
/* 1 when given is token's form token (compared in constant time), else 0. */
int	crew_form_token_ok(const struct config *, const char *token,
	    const char *given);

#endif
