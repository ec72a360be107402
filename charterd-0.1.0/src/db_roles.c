/* db_roles.c: the runtime roles' passwords, set by `charterd migrate` from the passfile */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db_roles.h"
#include "limits.h"
#include "log.h"
#include "pgpass.h"


static const char sql_runtime_roles[] =
	"SELECT rolname FROM pg_roles WHERE rolname LIKE 'charterd\\_%' "
	"AND rolcanlogin AND rolname <> current_user ORDER BY 1";

/* The statement is quoted by the server from parameters: no SQL is
 * assembled here. */
static const char sql_alter_password[] =
	"SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)";

/* The passfile libpq uses for this connection; "" when there is none. */
static void
passfile_path(PGconn *conn, char *out, size_t len)
{
	PQconninfoOption *opts, *o;

	out[0] = '\0';
	if ((opts = PQconninfo(conn)) == NULL)
		return;
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "passfile") == 0 && o->val != NULL)
			snprintf(out, len, "%s", o->val);
	PQconninfoFree(opts);
}

/* Reads the passfile; 1 read, 0 absent, -1 unreadable or too large. */
static int
passfile_read(const char *path, struct buf *text)
{
	FILE	*f;
	char	 chunk[4096];
	size_t	 n;
	int	 rc = 1;

	if ((f = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	text->max = LIMIT_PASSFILE_BYTES;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(text, chunk, n) == -1) {
			rc = -1;
			break;
		}
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

/* Sets one role's password as a SCRAM verifier; DB_OK or DB_ERROR. */
static int
set_password(struct db *db, const char *role, const char *password)
{
	const char	*p[2];
	char		*verifier;
	PGresult	*res = NULL;
	int		 rc = DB_ERROR;

	if ((verifier = PQencryptPasswordConn(db->conn, password, role,
	    NULL)) == NULL) {
		log_err("cannot encrypt the password of %s: %s", role,
		    PQerrorMessage(db->conn));
		return DB_ERROR;
	}
	p[0] = role;
	p[1] = verifier;
	if ((res = db_exec(db, sql_alter_password, 2, p)) == NULL ||
	    PQntuples(res) != 1)
		goto out;
	rc = db_run(db, PQgetvalue(res, 0, 0), 0, NULL);
out:
	PQclear(res);
	PQfreemem(verifier);
	return rc;
}

int
db_roles_set_passwords(struct db *db)
{
	struct buf	 text = { 0 };
	PGresult	*roles = NULL;
	char		 path[4096], pw[LIMIT_PASSWORD_LEN + 1];
	const char	*role;
	int		 i, found, rc = DB_ERROR;

	passfile_path(db->conn, path, sizeof(path));
	switch (path[0] == '\0' ? 0 : passfile_read(path, &text)) {
	case 0:
		log_info("no passfile: the runtime roles keep their passwords");
		return DB_OK;
	case -1:
		log_err("cannot read the passfile %s", path);
		return DB_ERROR;
	}
	if ((roles = db_exec(db, sql_runtime_roles, 0, NULL)) == NULL)
		goto out;
	for (i = 0; i < PQntuples(roles); i++) {
		role = PQgetvalue(roles, i, 0);
		found = pgpass_lookup(buf_str(&text), text.len,
		    PQhost(db->conn), PQport(db->conn), PQdb(db->conn), role,
		    pw, sizeof(pw));
		if (found == -1) {
			log_err("the password of %s in %s is longer than %d "
			    "bytes", role, path, LIMIT_PASSWORD_LEN);
			goto out;
		}
		if (found == 0) {
			log_info("%s has no line in %s: it keeps its password",
			    role, path);
			continue;
		}
		if (set_password(db, role, pw) != DB_OK)
			goto out;
		log_info("password of %s set from %s", role, path);
	}
	rc = DB_OK;
out:
	explicit_bzero(pw, sizeof(pw));
	if (text.data != NULL)
		explicit_bzero(text.data, text.cap);
	buf_free(&text);
	PQclear(roles);
	return rc;
}
