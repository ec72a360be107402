/* password.c: staff passwords, hashed with Argon2id (libargon2) */
#include <stdio.h>
#include <string.h>

#include <argon2.h>

#include "crypto.h"
#include "limits.h"
#include "password.h"
#include "utf8.h"

#define PASSWORD_SALT_LEN	16
#define PASSWORD_HASH_LEN	32

/* Checked against when the account does not exist: made once per process. */
static char dummy[PASSWORD_ENCODED_MAX];

int
password_hash(const char *pw, char *out, size_t outlen)
{
	unsigned char	 salt[PASSWORD_SALT_LEN];
	size_t		 len = pw ? strlen(pw) : 0;

	if (pw == NULL || len > LIMIT_PASSWORD_INPUT ||
	    random_bytes(salt, sizeof(salt)) == -1)
		return -1;
	return argon2id_hash_encoded(LIMIT_ARGON2_T, LIMIT_ARGON2_M_KIB,
	    LIMIT_ARGON2_P, pw, len, salt, sizeof(salt), PASSWORD_HASH_LEN,
	    out, outlen) == ARGON2_OK ? 0 : -1;
}

void
password_init(void)
{
	if (dummy[0] == '\0' && password_hash("", dummy, sizeof(dummy)) == -1)
		dummy[0] = '\0';
}

int
password_verify(const char *encoded, const char *pw)
{
	size_t	 len = pw ? strlen(pw) : 0;
	int	 rc;

	if (pw == NULL || len > LIMIT_PASSWORD_INPUT)
		len = 0;
	if (encoded == NULL) {
		password_init();
		if (dummy[0] != '\0')
			(void)argon2id_verify(dummy, pw ? pw : "", len);
		return 0;
	}
	if (strncmp(encoded, "$argon2id$", 10) != 0)
		return -1;
	rc = argon2id_verify(encoded, pw ? pw : "", len);
	if (rc == ARGON2_OK)
		return pw != NULL && strlen(pw) <= LIMIT_PASSWORD_INPUT;
	return rc == ARGON2_VERIFY_MISMATCH ? 0 : -1;
}

int
password_needs_rehash(const char *encoded)
{
	unsigned	 m = 0, t = 0, p = 0;
	const char	*s;

	if (encoded == NULL || strncmp(encoded, "$argon2id$", 10) != 0 ||
	    (s = strstr(encoded, "$m=")) == NULL ||
	    sscanf(s, "$m=%u,t=%u,p=%u", &m, &t, &p) != 3)
		return 1;
	return m < LIMIT_ARGON2_M_KIB || t < LIMIT_ARGON2_T ||
	    p < LIMIT_ARGON2_P;
}

int
password_acceptable(const char *pw, char *why, size_t whylen)
{
	size_t len = pw ? strlen(pw) : 0;

	if (pw == NULL || !utf8_valid(pw, len) ||
	    utf8_chars(pw, len) < LIMIT_PASSWORD_MIN) {
		snprintf(why, whylen, "A password needs at least %d characters.",
		    LIMIT_PASSWORD_MIN);
		return 0;
	}
	if (len > LIMIT_PASSWORD_INPUT) {
		snprintf(why, whylen, "A password may be at most %d bytes.",
		    LIMIT_PASSWORD_INPUT);
		return 0;
	}
	return 1;
}

int
password_generate(char *out, size_t outlen)
{
	char	 group[5];
	size_t	 i, n = 0;

	if (outlen < 25)
		return -1;
	for (i = 0; i < 5; i++) {
		if (random_base36(group, 4) == -1)
			return -1;
		memcpy(out + n, group, 4);
		n += 4;
		if (i < 4)
			out[n++] = '-';
	}
	out[n] = '\0';
	return 0;
}
