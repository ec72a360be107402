/* password.h: staff passwords, hashed with Argon2id (libargon2) */
#ifndef CHARTERD_PASSWORD_H
#define CHARTERD_PASSWORD_H

#include <stddef.h>

#define PASSWORD_ENCODED_MAX	128	/* "$argon2id$v=19$m=...$salt$hash" */

/*
 * Hashes pw with Argon2id at the current cost (LIMIT_ARGON2_*: at least
 * OWASP's m=19 MiB, t=2, p=1) and a fresh 16-byte salt, into out in the
 * PHC string form, which carries its parameters so they can be raised
 * later. 0, or -1 (bad length, no randomness, hashing failed).
 */
int	password_hash(const char *pw, char *out, size_t outlen);
/*
 * 1 when pw matches the encoded hash, 0 when it does not, -1 when encoded
 * is not an Argon2id hash. With encoded NULL it checks against a hash of
 * nothing at the current cost and returns 0: an unknown account takes as
 * long as a known one.
 */
int	password_verify(const char *encoded, const char *pw);
/* Makes the hash unknown accounts are checked against; call before
 * forking workers so each does not pay for it on its first login. */
void	password_init(void);
/* 1 when encoded was made at a lower cost than the current one. */
int	password_needs_rehash(const char *encoded);
/* 1 when pw is acceptable as a new password (length and UTF-8), else 0
 * with a sentence in why. */
int	password_acceptable(const char *pw, char *why, size_t whylen);
/* A random password of 5 groups of 4 lowercase letters and digits
 * (~103 bits), e.g. "k3f9-qz7a-...", for `charterd user add` to print. */
int	password_generate(char *out, size_t outlen);

#endif
