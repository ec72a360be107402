/* test-token.c: magic-link, feed and offer tokens: derivation vectors, shape, purpose separation */
#include <string.h>

#include "limits.h"
#include "tap.h"
#include "token.h"
#include "valid.h"

int
main(void)
{
	unsigned char	 secret[32], nonce[TOKEN_NONCE_LEN], other[TOKEN_NONCE_LEN];
	unsigned char	 h1[32], h2[32];
	char		 t[LIMIT_TOKEN_LEN + 1], u[LIMIT_TOKEN_LEN + 1], b[16];
	size_t		 i;

	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (unsigned char)i;
	memset(nonce, 0xa5, sizeof(nonce));
	memset(other, 0xa4, sizeof(other));

	/* Vectors computed with Python's hmac and base64 modules. */
	is_int(token_derive(secret, 32, TOKEN_LINK, 42, nonce, t), 0, "a link token");
	is_str(t, "nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E",
	    "matches HMAC-SHA256 over label, id and nonce (independent vector)");
	is_int(token_derive(secret, 32, TOKEN_FEED, 7, nonce, t), 0, "a feed token");
	is_str(t, "9oAlvpYrs7UZOWhDaWSzlR7kEFHzKs0s8RjMvLAzvgA", "feed vector");
	ok(valid_token(t), "a derived token is what the route table accepts");
	is_int(token_derive(secret, 32, TOKEN_OFFER, 7, nonce, t), 0,
	    "an offer token");
	is_str(t, "e3x5yIErOJsYRbVCbZt2dwR8QPx9NbRM1myL82WJ9yI", "offer vector");
	is_int(token_derive(secret, 32, TOKEN__MAX, 7, nonce, u), -1,
	    "a purpose with no label is refused");

	token_derive(secret, 32, TOKEN_LINK, 7, nonce, t);
	token_derive(secret, 32, TOKEN_FEED, 7, nonce, u);
	ok(strcmp(t, u) != 0, "the purpose changes the token (a feed token never opens a link)");
	token_derive(secret, 32, TOKEN_OFFER, 7, nonce, u);
	ok(strcmp(t, u) != 0, "an offer token is no link token either");
	token_derive(secret, 32, TOKEN_LINK, 8, nonce, u);
	ok(strcmp(t, u) != 0, "the id changes the token");
	token_derive(secret, 32, TOKEN_LINK, 7, other, u);
	ok(strcmp(t, u) != 0, "a new nonce changes the token (re-issue revokes)");
	secret[0] ^= 1;
	token_derive(secret, 32, TOKEN_LINK, 7, nonce, u);
	ok(strcmp(t, u) != 0, "another secret makes another token");
	is_int(token_derive(secret, 31, TOKEN_LINK, 7, nonce, u), -1,
	    "a secret shorter than %d bytes is refused", TOKEN_SECRET_MIN);
	is_str(u, "", "and nothing is written");
	is_int(token_derive(secret, 32, TOKEN_LINK, -1, nonce, u), -1,
	    "a negative id is refused");

	token_hash("abc", h1);
	token_hash("abd", h2);
	ok(memcmp(h1, h2, 32) != 0, "hashes differ");
	ok(h1[0] == 0xba && h1[31] == 0xad, "token_hash is SHA-256 of the text");

	base64url((const unsigned char *)"\xfb\xff\xfe", 3, b);
	is_str(b, "-__-", "base64url uses - and _");
	base64url((const unsigned char *)"ab", 2, b);
	is_str(b, "YWI", "no padding (2 bytes)");
	base64url((const unsigned char *)"a", 1, b);
	is_str(b, "YQ", "no padding (1 byte)");
	base64url((const unsigned char *)"", 0, b);
	is_str(b, "", "empty");
	return tap_done();
}
