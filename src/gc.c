/* gc.c: `charterd gc`, one pass that deletes photo reservations left uncompleted */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_photos.h"
#include "gc.h"
#include "limits.h"
#include "log.h"
#include "outbound.h"
#include "s3.h"

#define GC_BATCH	1000	/* reservations read at a time */
#define GC_MAX_FAILURES	3	/* store failures in a row that end a pass */

struct gc_counts {
	int	due;		/* expired reservations found */
	int	deleted;	/* objects and rows deleted */
	int	completed;	/* completed (or taken) before we got to them */
	int	failed;		/* left for the next pass */
};

/* The photo bucket, its credentials and a connection to the store kept
 * for the whole pass (a batch job's timeouts); -1 when not set. */
static int
gc_store(const struct config *cfg, struct s3_config *s3)
{
	if (!s3_photo_bucket(cfg, s3)) {
		log_err("CHARTER_PHOTO_BUCKET, CHARTER_PHOTO_ACCESS_KEY_ID and "
		    "CHARTER_PHOTO_SECRET_ACCESS_KEY must be set");
		return -1;
	}
	if ((s3->out = outbound_new("photo-store", LIMIT_OUT_SYNC_CONNECT_MS,
	    LIMIT_OUT_SYNC_TOTAL_MS)) == NULL)
		return -1;
	return 0;
}

/*
 * One reservation: takes its row (locked until commit), deletes the
 * object, commits. 0 when handled, 1 when the store failed (the row
 * stays), -1 when the database failed.
 */
static int
gc_one(struct db *db, const struct s3_config *s3, const char *id,
    time_t pass_started, struct gc_counts *n)
{
	char	 key[S3_KEY_MAX + 1];
	int	 rc;

	if (db_begin(db) == DB_ERROR)
		return -1;
	rc = db_photo_gc_take(db, id, (long long)pass_started, key,
	    sizeof(key));
	if (rc == DB_NOT_FOUND) {
		db_rollback(db);
		n->completed++;
		return 0;
	}
	if (rc != DB_OK) {
		db_rollback(db);
		return -1;
	}
	/* Signed now, not when the pass began: a long pass stays valid. */
	if (s3_delete(s3, key, time(NULL)) == -1) {
		db_rollback(db);
		n->failed++;
		return 1;
	}
	/* Should the commit fail, the next pass deletes the object again
	 * (404, fine) and then the row. */
	if (db_commit(db) == DB_ERROR) {
		n->failed++;
		return -1;
	}
	n->deleted++;
	return 0;
}

/*
 * One batch of up to GC_BATCH due reservations, oldest first. 0 when every
 * one was handled, 1 when one was left for the next pass (the pass should
 * stop), -1 when the database failed. *more is 1 when the batch was full
 * and deleted something, so another may follow.
 */
static int
gc_batch(struct db *db, const struct s3_config *s3, time_t pass_started,
    struct gc_counts *n, int *more)
{
	PGresult	*due;
	int		 i, r, rc = 0, failures = 0, found, deleted = n->deleted;

	*more = 0;
	if ((due = db_photo_gc_due(db, (long long)pass_started, GC_BATCH)) ==
	    NULL)
		return -1;
	found = PQntuples(due);
	n->due += found;
	for (i = 0; i < found && rc != -1; i++) {
		r = gc_one(db, s3, PQgetvalue(due, i, 0), pass_started, n);
		if (r == -1)
			rc = -1;
		else if (r == 1) {
			rc = 1;
			if (++failures == GC_MAX_FAILURES) {
				log_err("the photo store failed %d times in a "
				    "row; stopping this pass", failures);
				break;
			}
		} else
			failures = 0;
	}
	PQclear(due);
	*more = found == GC_BATCH && n->deleted > deleted;
	return rc;
}

int
gc_run(const struct config *cfg)
{
	struct s3_config	 s3;
	struct gc_counts	 n = { 0, 0, 0, 0 };
	struct db		 db;
	time_t			 now = time(NULL);
	int			 rc, more;

	memset(&db, 0, sizeof(db));
	if (gc_store(cfg, &s3) == -1)
		return -1;
	if (db_open(&db, cfg->database_url, GC_ROLE) == -1) {
		outbound_free(s3.out);
		return -1;
	}
	/* A batch leaves none of the rows it deleted due, so the next one
	 * moves on; one with a failure, or that deleted nothing, ends the
	 * pass. */
	do
		rc = gc_batch(&db, &s3, now, &n, &more);
	while (rc == 0 && more);
	log_info("%d expired photo reservations: %d deleted (object and "
	    "row), %d completed meanwhile, %d left for the next pass (%d "
	    "failed)", n.due, n.deleted, n.completed,
	    n.due - n.deleted - n.completed, n.failed);
	db_close(&db);
	outbound_free(s3.out);
	return rc == 0 ? 0 : -1;
}
