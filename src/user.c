/* user.c: `charterd user`: staff accounts from the command line */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "db.h"
#include "db_staff.h"
#include "limits.h"
#include "log.h"
#include "password.h"
#include "user.h"
#include "valid.h"

#define USAGE \
	"usage: charterd user add <email> [--role owner|staff] [--name NAME]\n" \
	"       charterd user passwd <email>\n" \
	"       charterd user disable <email> | enable <email>\n" \
	"       charterd user list\n"

/* The new password: stdin's first line when stdin is not a terminal,
 * else a generated one (*generated set). 0, or -1 (said why). */
static int
read_password(char *pw, size_t len, int *generated)
{
	char	 why[128];
	size_t	 n;

	*generated = 0;
	if (!isatty(STDIN_FILENO) && fgets(pw, (int)len, stdin) != NULL) {
		n = strcspn(pw, "\r\n");
		pw[n] = '\0';
		if (n > 0) {
			if (!password_acceptable(pw, why, sizeof(why))) {
				fprintf(stderr, "charterd user: %s\n", why);
				return -1;
			}
			return 0;
		}
	}
	*generated = 1;
	return password_generate(pw, len);
}

/* Hashes a new password for email into hash; prints it when generated. */
static int
new_hash(char *hash, size_t len)
{
	char	 pw[LIMIT_PASSWORD_INPUT + 2];
	int	 generated, rc = -1;

	if (read_password(pw, sizeof(pw), &generated) == -1)
		goto out;
	if (password_hash(pw, hash, len) == -1) {
		fprintf(stderr, "charterd user: the password could not be hashed\n");
		goto out;
	}
	/* Shown once, to the operator's terminal; never logged. */
	if (generated)
		printf("password: %s\n", pw);
	rc = 0;
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	return rc;
}

static int
user_add(struct db *db, int argc, char **argv)
{
	const char	*email = NULL, *role = "staff", *name = "";
	char		 hash[PASSWORD_ENCODED_MAX];
	int		 i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (argv[i][0] != '-' && email == NULL)
			email = argv[i];
		else
			return 2;
	}
	if (email == NULL || !valid_email(email) ||
	    (strcmp(role, "owner") != 0 && strcmp(role, "staff") != 0) ||
	    !valid_text(name, LIMIT_NAME_LEN, 0)) {
		fprintf(stderr, "charterd user add: give a valid email, --role "
		    "owner or staff, and a one-line --name\n");
		return 2;
	}
	if (new_hash(hash, sizeof(hash)) == -1)
		return 1;
	if (db_staff_add(db, email, name, role, hash) != DB_OK) {
		fprintf(stderr, "charterd user add: %s\n",
		    db_failed_with(db, "23505") ? "that email has an account "
		    "already" : "the account could not be saved");
		return 1;
	}
	printf("added %s (%s)\n", email, role);
	return 0;
}

/* passwd, disable, enable: one account by email. */
static int
user_update(struct db *db, const char *sub, const char *email)
{
	char	 hash[PASSWORD_ENCODED_MAX];
	int	 pw = strcmp(sub, "passwd") == 0, rc;

	if (pw && new_hash(hash, sizeof(hash)) == -1)
		return 1;
	rc = db_staff_update(db, email, pw ? hash : NULL, pw ? -1 :
	    strcmp(sub, "enable") == 0);
	if (rc == DB_NOT_FOUND)
		fprintf(stderr, "charterd user: no account for %s\n", email);
	if (rc != DB_OK)
		return 1;
	printf("%s %s%s\n", pw ? "new password for" : strcmp(sub, "enable") == 0 ?
	    "enabled" : "disabled", email, strcmp(sub, "enable") == 0 ? "" :
	    " (every session ended)");
	return 0;
}

static int
user_list(struct db *db)
{
	PGresult	*res;
	int		 i;

	if ((res = db_staff_list(db)) == NULL)
		return 1;
	for (i = 0; i < PQntuples(res); i++)
		printf("%-40s %-6s %-9s %s  %s\n", PQgetvalue(res, i, 0),
		    PQgetvalue(res, i, 1), PQgetvalue(res, i, 3),
		    PQgetvalue(res, i, 4), PQgetvalue(res, i, 2));
	PQclear(res);
	return 0;
}

int
user_run(const struct config *cfg, int argc, char **argv)
{
	struct db	 db;
	const char	*sub = argc > 1 ? argv[1] : "";
	int		 rc = 2;

	memset(&db, 0, sizeof(db));
	if (strcmp(sub, "add") == 0 || strcmp(sub, "list") == 0 ||
	    ((strcmp(sub, "passwd") == 0 || strcmp(sub, "disable") == 0 ||
	    strcmp(sub, "enable") == 0) && argc == 3)) {
		/* The owner's login: the runtime roles cannot write accounts. */
		if (db_open(&db, cfg->database_url, NULL) == -1)
			return 1;
		if (strcmp(sub, "add") == 0)
			rc = user_add(&db, argc, argv);
		else if (strcmp(sub, "list") == 0)
			rc = argc == 2 ? user_list(&db) : 2;
		else
			rc = user_update(&db, sub, argv[2]);
		db_close(&db);
	}
	if (rc == 2)
		fputs(USAGE, stderr);
	return rc;
}
