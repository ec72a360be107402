/* pgpass.c: finding a role's password in a libpq password file */
#include <string.h>

#include "limits.h"
#include "pgpass.h"

/* Debian's libpq: a host in this folder is "localhost" to the passfile. */
#define PGPASS_DEFAULT_SOCKET_DIR	"/var/run/postgresql"

/*
 * Copies the next field of line[*pos..end) into out, unescaping, up to a
 * ':' (consumed) or the end of the line. 1 when a ':' ended it, 0 at the
 * end of the line; -1 when the field does not fit.
 */
static int
next_field(const char *line, size_t end, size_t *pos, char *out, size_t outlen)
{
	size_t	 n = 0, i = *pos;
	char	 c;

	for (; i < end; i++) {
		c = line[i];
		if (c == ':') {
			*pos = i + 1;
			out[n] = '\0';
			return 1;
		}
		if (c == '\\' && i + 1 < end)
			c = line[++i];
		if (n + 1 >= outlen)
			return -1;
		out[n++] = c;
	}
	*pos = i;
	out[n] = '\0';
	return 0;
}

static int
field_matches(const char *field, const char *want)
{
	return strcmp(field, "*") == 0 || strcmp(field, want) == 0;
}

/* Matches one line; 1 with the password in out, 0 no match, -1 too long. */
static int
line_matches(const char *line, size_t end, const char *const want[4],
    char *out, size_t outlen)
{
	char	 field[LIMIT_PASSFILE_FIELD];
	size_t	 pos = 0;
	int	 i, more;

	for (i = 0; i < 4; i++) {
		more = next_field(line, end, &pos, field, sizeof(field));
		if (more != 1 || !field_matches(field, want[i]))
			return 0;
	}
	/* As libpq: the password ends at the next unescaped ':'. */
	if (next_field(line, end, &pos, out, outlen) == -1)
		return -1;
	return 1;
}

int
pgpass_lookup(const char *text, size_t len, const char *host,
    const char *port, const char *db, const char *user, char *out,
    size_t outlen)
{
	const char	*want[4];
	const char	*line, *nl;
	size_t		 end, rest;
	int		 rc;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	want[0] = host == NULL || host[0] == '\0' ||
	    strcmp(host, PGPASS_DEFAULT_SOCKET_DIR) == 0 ? "localhost" : host;
	want[1] = port != NULL ? port : "";
	want[2] = db != NULL ? db : "";
	want[3] = user != NULL ? user : "";
	for (line = text, rest = len; rest > 0; ) {
		nl = memchr(line, '\n', rest);
		end = nl != NULL ? (size_t)(nl - line) : rest;
		/* CRLF files are common enough to forgive. */
		if (end > 0 && line[end - 1] == '\r')
			end--;
		if (end > 0 && line[0] != '#' &&
		    (rc = line_matches(line, end, want, out, outlen)) != 0)
			return rc;
		if (nl == NULL)
			break;
		rest -= (size_t)(nl - line) + 1;
		line = nl + 1;
	}
	out[0] = '\0';
	return 0;
}
