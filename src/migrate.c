/* migrate.c: `charterd migrate`, applying sql/NNN_*.sql in order, once each,
 * then sql/roles.sql (every role and grant) on every run */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "db_migrate.h"
#include "db_roles.h"
#include "limits.h"
#include "log.h"
#include "migrate.h"

#define MIGRATE_ROLES_FILE	"roles.sql"	/* applied on every run */

/* Migration files are named NNN_words.sql. */
static int
migration_name(const char *name)
{
	size_t len = strlen(name);

	return len > 8 && len < 128 && name[0] >= '0' && name[0] <= '9' &&
	    name[1] >= '0' && name[1] <= '9' && name[2] >= '0' &&
	    name[2] <= '9' && name[3] == '_' &&
	    strcmp(name + len - 4, ".sql") == 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
read_file(const char *path, struct buf *b)
{
	FILE	*f;
	char	 chunk[8192];
	size_t	 n;
	int	 rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		log_err("cannot open %s", path);
		return -1;
	}
	b->max = LIMIT_MIGRATION_BYTES;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(b, chunk, n) == -1) {
			log_err("%s is larger than %d bytes", path,
			    LIMIT_MIGRATION_BYTES);
			rc = -1;
			break;
		}
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

/* Applies one file in its own transaction unless it is recorded already. */
static int
apply_one(struct db *db, const char *dir, const char *name, int *applied)
{
	char		 path[4096];
	struct buf	 sql = { 0 };
	int		 rc = -1;

	if (db_begin(db) == DB_ERROR)
		return -1;
	switch (db_migrate_applied(db, name)) {
	case DB_OK:
		rc = 0;
		goto out;
	case DB_ERROR:
		goto out;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path) || read_file(path, &sql) == -1)
		goto out;
	if (db_migrate_script(db, name, buf_str(&sql)) != DB_OK ||
	    db_migrate_record(db, name) != DB_OK)
		goto out;
	if (db_commit(db) == -1)
		goto out;
	log_info("applied %s", name);
	(*applied)++;
	rc = 0;
out:
	db_rollback(db);
	buf_free(&sql);
	return rc;
}

/* Applies the roles and grants file in a transaction of its own. */
static int
apply_roles(struct db *db, const char *dir)
{
	char		 path[4096];
	struct buf	 sql = { 0 };
	int		 rc = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
	    MIGRATE_ROLES_FILE) >= sizeof(path) || read_file(path, &sql) == -1)
		goto out;
	if (db_begin(db) == DB_ERROR ||
	    db_migrate_script(db, MIGRATE_ROLES_FILE, buf_str(&sql)) != DB_OK ||
	    db_commit(db) == DB_ERROR)
		goto out;
	rc = 0;
out:
	db_rollback(db);
	buf_free(&sql);
	return rc;
}

int
migrate_run(const struct config *cfg)
{
	struct db	 db = { 0 };
	DIR		*d = NULL;
	struct dirent	*e;
	char		*names[LIMIT_MIGRATIONS];
	size_t		 n = 0, i;
	int		 rc = -1, applied = 0;

	if ((d = opendir(cfg->sql_dir)) == NULL) {
		log_err("cannot open the migrations folder %s (set "
		    "CHARTER_SQL_DIR)", cfg->sql_dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL && n < LIMIT_MIGRATIONS)
		if (migration_name(e->d_name) &&
		    (names[n] = strdup(e->d_name)) != NULL)
			n++;
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);

	if (db_open(&db, cfg->database_url, NULL) == -1)
		goto out;
	if (db_migrate_begin(&db) != DB_OK)
		goto out;
	for (i = 0; i < n; i++)
		if (apply_one(&db, cfg->sql_dir, names[i], &applied) == -1)
			goto out;
	log_info("%d migration(s) applied, %zu known", applied, n);
	if (apply_roles(&db, cfg->sql_dir) == -1 ||
	    db_roles_set_passwords(&db) != DB_OK)
		goto out;
	log_info("roles and grants set from %s", MIGRATE_ROLES_FILE);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	db_close(&db);
	return rc;
}
