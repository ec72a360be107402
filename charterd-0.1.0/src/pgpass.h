/* pgpass.h: finding a role's password in a libpq password file */
#ifndef CHARTERD_PGPASS_H
#define CHARTERD_PGPASS_H

#include <stddef.h>

/*
 * Looks up the password libpq would use for (host, port, db, user) in the
 * len bytes of a password file (pure: no I/O). Lines are
 * hostname:port:database:username:password; each of the first four is a
 * literal or "*"; "\:" and "\\" escape; the password ends at the next
 * unescaped ':'; lines starting with '#', blank
 * lines and lines with fewer than five fields are skipped; the first
 * matching line wins, as in libpq. A host that is the default unix-socket
 * folder matches "localhost", as in libpq.
 * Returns 1 with the password in out (NUL-terminated), 0 when no line
 * matches, -1 when the password does not fit in outlen bytes.
 */
int	pgpass_lookup(const char *text, size_t len, const char *host,
	    const char *port, const char *db, const char *user, char *out,
	    size_t outlen);

#endif
