/* test-crypto.c: hashing, hex, secrets compared as hashes, randomness */
#include <string.h>

#include "crypto.h"
#include "hex.h"
#include "tap.h"

int
main(void)
{
	unsigned char	 h[32], want[32];
	char		 hex[65], a[33], b[33], t[9];
	size_t		 i;
	int		 alpha = 1;

	sha256("abc", 3, h);
	hex_encode(h, 32, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "SHA-256 of abc (FIPS 180-2 example)");
	ok(hex_decode(hex, want, 32) == 0 && memcmp(h, want, 32) == 0,
	    "hex round trip");
	ok(hex_decode("ABCDEF", want, 3) == 0 && want[0] == 0xab,
	    "upper-case hex accepted");
	ok(hex_decode("abc", want, 2) == -1, "short hex refused");
	ok(hex_decode("zz", want, 1) == -1, "non-hex refused");
	ok(hex_decode(hex, want, 31) == -1, "long hex refused");
	ok(secret_matches("abc", h), "matching secret");
	ok(!secret_matches("abd", h), "wrong secret");
	ok(!secret_matches("", h), "empty secret");
	ok(random_hex(a, 16) == 0 && random_hex(b, 16) == 0, "random hex");
	is_int(strlen(a), 32, "16 random bytes are 32 hex characters");
	ok(strcmp(a, b) != 0, "two random values differ");
	ok(random_base36(t, 8) == 0, "random base36");
	for (i = 0; i < 8; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9')))
			alpha = 0;
	ok(alpha && strlen(t) == 8, "base36 alphabet and length");
	return tap_done();
}
