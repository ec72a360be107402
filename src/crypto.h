/* crypto.h: randomness, hashing and comparison that fail closed */
#ifndef CHARTERD_CRYPTO_H
#define CHARTERD_CRYPTO_H

#include <stddef.h>

/* Fills p with n cryptographically random bytes; -1 if the RNG fails. */
int	random_bytes(void *p, size_t n);
/* Writes n random characters from [a-z0-9] plus a NUL; -1 on RNG failure. */
int	random_base36(char *out, size_t n);
/* Writes 2*n lowercase hex characters of n random bytes plus a NUL. */
int	random_hex(char *out, size_t n);
/* SHA-256 of p into out (32 bytes). */
void	sha256(const void *p, size_t n, unsigned char out[32]);
/* Lowercase hex of n bytes into out (2n+1 bytes). */
void	hex_encode(const unsigned char *p, size_t n, char *out);
/* Decodes exactly 2n hex characters; -1 on length or character error. */
int	hex_decode(const char *s, unsigned char *out, size_t n);
/* 1 when SHA-256(secret) equals want, compared in constant time. */
int	secret_matches(const char *secret, const unsigned char want[32]);

#endif
