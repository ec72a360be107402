/* test-password.c: Argon2id hashing of staff passwords, and the same work for unknown accounts */
#include <string.h>
#include <sys/resource.h>

#include "limits.h"
#include "password.h"
#include "tap.h"

/* This process's CPU seconds so far: unlike the wall clock, what other
 * processes on a loaded machine do does not count. */
static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds of n checks of pw against encoded (NULL: an unknown account). */
static double
cost(const char *encoded, const char *pw, int n)
{
	double t0 = cpu_seconds();

	while (n-- > 0)
		(void)password_verify(encoded, pw);
	return cpu_seconds() - t0;
}

int
main(void)
{
	char	 h[PASSWORD_ENCODED_MAX], h2[PASSWORD_ENCODED_MAX], gen[64];
	char	 params[64], why[160], longpw[LIMIT_PASSWORD_INPUT + 2];
	double	 known, unknown;

	is_int(password_hash("correct horse battery", h, sizeof(h)), 0, "hash");
	snprintf(params, sizeof(params), "$argon2id$v=19$m=%d,t=%d,p=%d$",
	    LIMIT_ARGON2_M_KIB, LIMIT_ARGON2_T, LIMIT_ARGON2_P);
	ok(strncmp(h, params, strlen(params)) == 0,
	    "the hash carries its parameters (%s)", params);
	ok(LIMIT_ARGON2_M_KIB >= 19456 && LIMIT_ARGON2_T >= 2 &&
	    LIMIT_ARGON2_P >= 1, "at least OWASP's m=19 MiB, t=2, p=1");
	is_int(password_hash("correct horse battery", h2, sizeof(h2)), 0,
	    "the same password again");
	ok(strcmp(h, h2) != 0, "gives another hash (a fresh salt)");
	ok(strstr(h, "correct") == NULL, "and holds no password");

	is_int(password_verify(h, "correct horse battery"), 1, "right password: 1");
	is_int(password_verify(h, "correct horse batterY"), 0, "wrong one: 0");
	is_int(password_verify(h, ""), 0, "empty: 0");
	is_int(password_verify(NULL, "correct horse battery"), 0,
	    "an unknown account: 0, whatever the password");
	is_int(password_verify("$2y$10$abcdefghijklmnopqrstuv", "x"), -1,
	    "a hash of another kind: -1");
	memset(longpw, 'a', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	is_int(password_hash(longpw, h2, sizeof(h2)), -1,
	    "a password over LIMIT_PASSWORD_INPUT is not hashed");
	is_int(password_verify(h, longpw), 0, "nor does it ever match");
	is_int(password_needs_rehash(h), 0, "a hash at today's cost needs no rehash");
	is_int(password_needs_rehash("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"),
	    1, "one at a lower cost does");
	is_int(password_acceptable("short", why, sizeof(why)), 0,
	    "a short password is refused");
	ok(why[0] != '\0', "  with a reason: %s", why);
	is_int(password_generate(gen, sizeof(gen)), 0, "a generated password");
	is_int(password_acceptable(gen, why, sizeof(why)), 1, "  is acceptable");

	/* An unknown account costs an Argon2id check too: the login answers
	 * as slowly as for a known one, so timing tells no account apart.
	 * Measured in this process's CPU time, interleaved, best of three. */
	password_init();
	(void)cost(NULL, "warm", 1);
	known = unknown = 1e9;
	for (int i = 0; i < 3; i++) {
		double k = cost(h, "wrong password", 3);
		double u = cost(NULL, "wrong password", 3);

		known = k < known ? k : known;
		unknown = u < unknown ? u : unknown;
	}
	ok(unknown >= known * 0.6 && unknown <= known * 1.6,
	    "an unknown account costs what a known one does "
	    "(3 checks: %.3f s vs %.3f s CPU)", unknown, known);
	return tap_done();
}
