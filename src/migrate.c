/* migrate.c: `charterd migrate`, applying sql/NNN_*.sql in order, once each,
 * then sql/roles.sql (every role and grant) on every run */
#include <dirent.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
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

/* The roles file, then the runtime roles' passwords: 0 or -1. */
static int
roles_and_passwords(struct db *db, const char *dir)
{
	if (apply_roles(db, dir) == -1 || db_roles_set_passwords(db) != DB_OK)
		return -1;
	return 0;
}

/*
 * 1 when the last failure was another migration of the same cluster
 * changing the same roles at the same time. Roles belong to the cluster,
 * not to a database, so the advisory lock (one per database) does not keep
 * two migrations of two databases apart (a test suite runs several side by
 * side): PostgreSQL then refuses one of two concurrent changes of a role
 * ("tuple concurrently updated", XX000), finds a deadlock, or a membership
 * granted twice at once breaks a catalog's unique index. Every step runs in
 * a transaction of its own and is idempotent once committed, so the loser
 * may simply try again.
 */
static int
raced(const struct db *db)
{
	return db_failed_with(db, "XX000") || db_failed_with(db, "40P01") ||
	    db_failed_with(db, "40001") || (db_failed_with(db, "23505") &&
	    strncmp(db->constraint, "pg_", 3) == 0);
}

/* After the attempt-th race lost: a short, growing, jittered wait. */
static void
race_wait(struct db *db, const char *what, int attempt)
{
	unsigned char r[2] = { 0, 0 };

	log_warnx("%s: roles changed by another migration at the same time; "
	    "trying again (%d of %d)", what, attempt + 1,
	    LIMIT_ROLES_ATTEMPTS);
	db_rollback(db);
	(void)random_bytes(r, sizeof(r));	/* zeros: no jitter */
	usleep((useconds_t)(50000 * attempt + (r[0] << 8 | r[1]) % 50000));
}

int
migrate_run(const struct config *cfg)
{
	struct db	 db = { 0 };
	DIR		*d = NULL;
	struct dirent	*e;
	char		*names[LIMIT_MIGRATIONS];
	size_t		 n = 0, i;
	PGconn		*cluster = NULL;
	int		 rc = -1, applied = 0, attempt;

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

	cluster = db_migrate_cluster_lock(cfg->database_url);
	if (db_open(&db, cfg->database_url, NULL) == -1)
		goto out;
	if (db_migrate_begin(&db) != DB_OK)
		goto out;
	for (i = 0; i < n; i++)
		for (attempt = 1; apply_one(&db, cfg->sql_dir, names[i],
		    &applied) == -1; attempt++) {
			if (attempt == LIMIT_ROLES_ATTEMPTS || !raced(&db))
				goto out;
			race_wait(&db, names[i], attempt);
		}
	log_info("%d migration(s) applied, %zu known", applied, n);
	for (attempt = 1; roles_and_passwords(&db, cfg->sql_dir) == -1;
	    attempt++) {
		if (attempt == LIMIT_ROLES_ATTEMPTS || !raced(&db))
			goto out;
		race_wait(&db, MIGRATE_ROLES_FILE, attempt);
	}
	log_info("roles and grants set from %s", MIGRATE_ROLES_FILE);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	db_close(&db);
	db_migrate_cluster_unlock(cluster);
	return rc;
}
