/* db_outbox.h: statements about the outbox, the queue of changes to deliver */
#ifndef CHARTERD_DB_OUTBOX_H
#define CHARTERD_DB_OUTBOX_H

#include <jansson.h>

#include "db.h"

/* One claimed row: what a target delivers (sql/007_sync.sql). */
struct outbox_job {
	long long	 id;
	char		 target[16];
	char		 kind[48];		/* booking.upsert, mail.guest_confirmation, ... */
	long long	 booking_id;
	long long	 crew_id;		/* 0 when none */
	int		 version;
	int		 attempts;		/* this one included */
	json_t		*payload;		/* owned: db_outbox_job_free */
	char		 lease[40];
};

/* How a delivery went, as outbox_finish() records it. */
enum outbox_outcome {
	OUTBOX_OK,		/* delivered */
	OUTBOX_RETRY,		/* try again after a backoff (dead after the last) */
	OUTBOX_FAIL,		/* refused for good: dead now, with the message */
};

/* Outbox rows by target and state: a PGresult of (target, state, count)
 * the caller clears, or NULL on error. */
PGresult *db_outbox_counts(struct db *);

/*
 * Claims the next row target may deliver (its stream's oldest, superseded
 * upserts collapsed into the newest) under a lease of lease_s seconds.
 * DB_OK with *job filled, DB_NOT_FOUND when nothing is due, DB_ERROR.
 */
int	db_outbox_claim(struct db *, const char *target, int lease_s,
	    struct outbox_job *job);
/*
 * Records the outcome of a claimed job. state gets the row's new state
 * ("done", "pending", "dead"), or "lost" when its lease ran out and someone
 * else holds it now. DB_OK or DB_ERROR.
 */
int	db_outbox_finish(struct db *, const struct outbox_job *,
	    enum outbox_outcome, const char *error, int ms, int max_attempts,
	    double backoff_s, char state[16]);
/* Seconds until the next row of target falls due (0 if one is due now);
 * -1 when none waits. DB_OK or DB_ERROR. */
int	db_outbox_next_due(struct db *, const char *target, double *seconds);
/* Puts a dead row back in the queue: DB_OK, DB_NOT_FOUND (no dead row
 * with that id), DB_ERROR. */
int	db_outbox_retry(struct db *, long long id);
/* GET /api/sync's answer, per target: DB_OK with *out, or DB_ERROR. */
int	db_outbox_status(struct db *, json_t **out);
void	db_outbox_job_free(struct outbox_job *);

/*
 * Where a booking lives in a target (sync_refs): the external id, e.g. an
 * SCC event id or the slug last published. DB_OK with it in ext (at most
 * extlen - 1 bytes) and, when version is not NULL, the booking version it
 * was stored for; DB_NOT_FOUND, DB_ERROR.
 */
int	db_sync_ref_get(struct db *, const char *target, long long booking_id,
	    char *ext, size_t extlen, int *version);
/* Stores it (insert or update) with the version it reflects. */
int	db_sync_ref_put(struct db *, const char *target, long long booking_id,
	    const char *ext, int version);

#endif
