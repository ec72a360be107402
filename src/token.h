/* token.h: magic-link, calendar-feed and offer tokens, derived so the database never holds one */
#ifndef CHARTERD_TOKEN_H
#define CHARTERD_TOKEN_H

#include <stddef.h>

#define TOKEN_NONCE_LEN		32	/* random bytes stored per token */
#define TOKEN_SECRET_MIN	32	/* bytes of CHARTER_TOKEN_SECRET, at least */

/* What a token opens: mixed into the derivation, so one kind can never
 * stand for another. */
enum token_purpose {
	TOKEN_LINK,		/* a crew member's link to one booking (/c/<token>) */
	TOKEN_FEED,		/* a crew member's calendar feed */
	TOKEN_OFFER,		/* an open-place offer's link (/c/<token>/open) */
	TOKEN__MAX
};

/*
 * token = base64url(HMAC-SHA256(secret, purpose label, id, nonce)): 43
 * characters (LIMIT_TOKEN_LEN) of 256 bits. The database keeps the nonce
 * (useless without the secret, which only charterd's processes hold) and
 * the token's SHA-256 (for lookups): never the token. Forgetting the nonce
 * makes the token impossible to build again. Returns 0, or -1 on a bad
 * argument. out needs LIMIT_TOKEN_LEN + 1 bytes.
 */
int	token_derive(const unsigned char *secret, size_t secretlen,
	    enum token_purpose, long long id,
	    const unsigned char nonce[TOKEN_NONCE_LEN], char *out);
/* SHA-256 of the token's text, what the database stores and looks up. */
void	token_hash(const char *token, unsigned char out[32]);
/* Appends base64url (RFC 4648 section 5, no padding) of n bytes to out
 * (room for 4 * ceil(n / 3) + 1 bytes). Pure. */
void	base64url(const unsigned char *p, size_t n, char *out);

#endif
