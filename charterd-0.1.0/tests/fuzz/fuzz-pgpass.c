/* fuzz-pgpass.c: libFuzzer target for the password-file parser */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pgpass.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 pw[128];
	int	 rc;

	rc = pgpass_lookup((const char *)data, size, "localhost", "5432",
	    "charterd", "charterd_api", pw, sizeof(pw));
	if (rc == 1 && strlen(pw) >= sizeof(pw))
		__builtin_trap();
	rc = pgpass_lookup((const char *)data, size, "/tmp/s", "1", "d",
	    "u", pw, 2);
	if (rc == 1 && strlen(pw) >= 2)
		__builtin_trap();
	return 0;
}
