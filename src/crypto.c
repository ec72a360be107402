/* crypto.c: randomness, hashing and comparison that fail closed */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto.h"

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
hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *s, unsigned char *out, size_t n)
{
	size_t	i;
	int	hi, lo;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((hi = hexval(s[2 * i])) < 0 || (lo = hexval(s[2 * i + 1])) < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
secret_matches(const char *secret, const unsigned char want[32])
{
	unsigned char got[32];

	/* Hashing first makes the comparison length-independent. */
	sha256(secret, strlen(secret), got);
	return CRYPTO_memcmp(got, want, 32) == 0;
}
