/* test-pgpass.c: finding a role's password in a libpq password file */
#include <string.h>

#include "pgpass.h"
#include "tap.h"

static const char file[] =
	"# charterd stack\n"
	"\n"
	"db.example:5432:charterd:charterd_api:api-secret\n"
	"*:*:*:charterd_guest:guest\\:pw\\\\x:tail\n"
	"/tmp/sock:6000:charterd:charterd_crew:crew-on-socket\r\n"
	"localhost:6000:charterd:charterd_crew:crew-local\n"
	"*:*:*:charterd_crew:crew-anywhere\n"
	"short:line\n"
	"*:*:other:charterd_staff:not-this-db\n"
	"*:*:charterd:charterd_staff:";

int
main(void)
{
	static const struct {
		const char	*host, *port, *db, *user;
		int		 rc;
		const char	*pw;
		const char	*what;
	} cases[] = {
		{ "db.example", "5432", "charterd", "charterd_api", 1,
		  "api-secret", "exact host, port, database and user" },
		{ "db.example", "5433", "charterd", "charterd_api", 0, "",
		  "another port does not match" },
		{ "x", "1", "y", "charterd_guest", 1, "guest:pw\\x",
		  "wildcards; escaped colon and backslash; ends at a colon" },
		{ "/tmp/sock", "6000", "charterd", "charterd_crew", 1,
		  "crew-on-socket", "a socket folder is a host; CRLF forgiven" },
		{ "/var/run/postgresql", "6000", "charterd", "charterd_crew", 1,
		  "crew-local", "the default socket folder is localhost" },
		{ "", "6000", "charterd", "charterd_crew", 1, "crew-local",
		  "no host is localhost" },
		{ "other", "1", "charterd", "charterd_crew", 1, "crew-anywhere",
		  "the first matching line wins, later ones still match" },
		{ "h", "1", "charterd", "charterd_staff", 1, "",
		  "an empty password at the end of the file" },
		{ "h", "1", "charterd", "nobody", 0, "", "an unknown user" },
		{ "short", "line", "x", "y", 0, "", "a line of two fields" },
	};
	char	 pw[64], tiny[4];
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		is_int(pgpass_lookup(file, strlen(file), cases[i].host,
		    cases[i].port, cases[i].db, cases[i].user, pw, sizeof(pw)),
		    cases[i].rc, "%s", cases[i].what);
		is_str(pw, cases[i].pw, "%s: password", cases[i].what);
	}
	is_int(pgpass_lookup(file, strlen(file), "db.example", "5432",
	    "charterd", "charterd_api", tiny, sizeof(tiny)), -1,
	    "a password longer than the buffer is an error, not a truncation");
	is_int(pgpass_lookup("", 0, "h", "1", "d", "u", pw, sizeof(pw)), 0,
	    "an empty file has nothing");
	is_int(pgpass_lookup("*:*:*:u:p", 4, "h", "1", "d", "u", pw,
	    sizeof(pw)), 0, "only len bytes are read");
	return tap_done();
}
