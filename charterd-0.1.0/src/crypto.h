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
/* SHA-256 of p as 64 lowercase hex characters plus a NUL. */
void	sha256_hex(const void *p, size_t n, char out[65]);
/* 1 when SHA-256(secret) equals want, compared in constant time. */
int	secret_matches(const char *secret, const unsigned char want[32]);

#endif
