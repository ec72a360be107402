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
	/* sync_refs for (target, booking) as the claim found it: ref_known
	 * 1 with ref (owned) and ref_version, 0 when there is none, -1 when
	 * not looked up (ask the database). */
	int		 ref_known;
	char		*ref;
	int		 ref_version;
	/* sync_refs to write with the finish (owned; NULL: nothing). */
	char		*ref_new;
	int		 ref_new_version;
};

/* How a delivery went, as outbox_finish_batch() records it. */
enum outbox_outcome {
	OUTBOX_OK,		/* delivered */
	OUTBOX_RETRY,		/* try again after a backoff (dead after the last) */
	OUTBOX_FAIL,		/* refused for good: dead now, with the message */
	OUTBOX_RELEASE,		/* not tried (the worker stops, or its lease would
				 * not last): pending again at once, attempt given
				 * back; the sync loop's, never a target's */
};

/* How one claimed job of a batch went, for db_outbox_finish_batch(). */
struct outbox_settle {
	enum outbox_outcome outcome;
	int		 ms;
	double		 backoff_s;
	char		 error[512];
	char		 state[16];	/* set by the finish: done, pending, dead, lost */
};

/* Outbox rows by target and state: a PGresult of (target, state, count)
 * the caller clears, or NULL on error. */
PGresult *db_outbox_counts(struct db *);

/*
 * Claims up to max rows target may deliver, each the oldest owed row of a
 * different stream (superseded upserts collapsed), each under a lease of
 * lease_s seconds, with the stream's sync_refs row. DB_OK with jobs[0 ..
 * *n - 1] filled (free each with db_outbox_job_free), DB_NOT_FOUND when
 * nothing is due, DB_ERROR.
 */
int	db_outbox_claim_batch(struct db *, const char *target, int lease_s,
	    int max, struct outbox_job *jobs, int *n);
/*
 * Records the outcomes of n claimed jobs in one transaction, and the
 * sync_refs each job left to write (ref_new) for the rows whose lease is
 * still ours; done[i].state gets the row's new state ("done", "pending",
 * "dead"), or "lost" when its lease ran out and someone else holds it
 * now. DB_OK or DB_ERROR (no state set).
 */
int	db_outbox_finish_batch(struct db *, const struct outbox_job *jobs,
	    struct outbox_settle *done, int n, int max_attempts);
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
