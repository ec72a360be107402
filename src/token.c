/* token.c: magic-link, calendar-feed and offer tokens, derived so the database never holds one */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto.h"
#include "limits.h"
#include "token.h"

static const char *const labels[] = {
	[TOKEN_LINK] = "charterd magic link v1",
	[TOKEN_FEED] = "charterd crew feed v1",
	[TOKEN_OFFER] = "charterd open place offer v1",
};

void
base64url(const unsigned char *p, size_t n, char *out)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t		 i, o = 0;
	unsigned long	 v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 | p[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned long)p[i] << 16;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
	}
	out[o] = '\0';
}

int
token_derive(const unsigned char *secret, size_t secretlen,
    enum token_purpose purpose, long long id,
    const unsigned char nonce[TOKEN_NONCE_LEN], char *out)
{
	unsigned char	 msg[64 + 8 + TOKEN_NONCE_LEN], mac[32];
	unsigned int	 maclen = 0;
	size_t		 n, i;

	out[0] = '\0';
	if (secret == NULL || secretlen < TOKEN_SECRET_MIN || id < 0 ||
	    (unsigned)purpose >= TOKEN__MAX ||
	    secretlen > 0x7fffffff)
		return -1;
	/* label, NUL, id (8 bytes, big-endian), nonce: unambiguous. */
	n = strlen(labels[purpose]) + 1;
	memcpy(msg, labels[purpose], n);
	for (i = 0; i < 8; i++)
		msg[n + i] = (unsigned char)((unsigned long long)id >> (56 - 8 * i));
	n += 8;
	memcpy(msg + n, nonce, TOKEN_NONCE_LEN);
	n += TOKEN_NONCE_LEN;
	if (HMAC(EVP_sha256(), secret, (int)secretlen, msg, n, mac,
	    &maclen) == NULL || maclen != sizeof(mac))
		return -1;
	base64url(mac, sizeof(mac), out);
	OPENSSL_cleanse(mac, sizeof(mac));
	return strlen(out) == LIMIT_TOKEN_LEN ? 0 : -1;
}

void
token_hash(const char *token, unsigned char out[32])
{
	sha256(token, strlen(token), out);
}
