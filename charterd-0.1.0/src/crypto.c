/* crypto.c: randomness, hashing and comparison that fail closed */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "hex.h"

int
random_bytes(void *p, size_t n)
{
	/* No fallback to weaker randomness: callers fail the request. */
	if (n > 0x7fffffff || RAND_bytes(p, (int)n) != 1)
		return -1;
	return 0;
}

int
random_base36(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char	 b;
	size_t		 i = 0;

	while (i < n) {
		if (random_bytes(&b, 1) == -1)
			return -1;
		/* Reject 252..255 so every character is equally likely. */
		if (b >= 252)
			continue;
		out[i++] = alphabet[b % 36];
	}
	out[n] = '\0';
	return 0;
}

int
random_hex(char *out, size_t n)
{
	unsigned char b[64];

	if (n > sizeof(b) || random_bytes(b, n) == -1)
		return -1;
	hex_encode(b, n, out);
	return 0;
}

void
sha256(const void *p, size_t n, unsigned char out[32])
{
	EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL);
}

void
sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];

	sha256(p, n, md);
	hex_encode(md, sizeof(md), out);
}

int
secret_matches(const char *secret, const unsigned char want[32])
{
	unsigned char got[32];

	/* Hashing first makes the comparison length-independent. */
	sha256(secret, strlen(secret), got);
	return CRYPTO_memcmp(got, want, 32) == 0;
}
