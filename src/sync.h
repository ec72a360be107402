/* sync.h: `charterd sync`, delivering the outbox to every target, and the target interface */
#ifndef CHARTERD_SYNC_H
#define CHARTERD_SYNC_H

#include <stddef.h>

#include "app.h"
#include "config.h"
#include "db_outbox.h"

/* What one target worker has: the process's app (templates, config, the
 * sync role's connection) and room for the reason a delivery failed. */
struct sync_ctx {
	struct app	*app;
	struct db	*db;		/* logged in as charterd_sync */
	struct outbox_job *job;		/* the job being delivered, or NULL */
	char		 error[512];	/* why the last delivery failed */
};

/*
 * A target. Each runs in a worker process of its own with one kept-alive
 * connection to its peer (its state), so a target that hangs holds up only
 * its own queue. deliver() must be idempotent at the target: a delivery
 * interrupted by SIGKILL is claimed again after its lease runs out.
 */
struct sync_target {
	const char	*name;		/* the outbox's target column */
	/* 1 when the configuration switches it on, 0 when it is off. */
	int		(*enabled)(const struct config *);
	/* Sets up *state (connections, keys); 0, or -1 with ctx->error. */
	int		(*open)(struct sync_ctx *, void **state);
	/* Delivers one job: OUTBOX_OK, OUTBOX_RETRY (transient: timeout,
	 * 5xx, 429) or OUTBOX_FAIL (refused for good: a 4xx), with the reason
	 * in ctx->error (never a secret or a token). */
	enum outbox_outcome (*deliver)(struct sync_ctx *, void *state,
			    const struct outbox_job *);
	void		(*close)(void *state);
};

/* The targets, in the order their workers start. */
extern const struct sync_target sync_publish_target;
extern const struct sync_target sync_mail_target;
extern const struct sync_target sync_dynamo_target;
extern const struct sync_target sync_scc_target;
extern const struct sync_target sync_calendar_target;
extern const struct sync_target *const sync_targets[];
extern const size_t sync_ntargets;

/* Formats a failure into ctx->error; returns outcome, for one-line returns. */
enum outbox_outcome sync_fail(struct sync_ctx *, enum outbox_outcome,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * db_sync_ref_get() and db_sync_ref_put() for targets: the get answers
 * from what the claim read along with ctx->job when it is about that
 * stream, else asks the database; the put writes through at once.
 */
int	sync_ref_get(struct sync_ctx *, const char *target, long long booking_id,
	    char *ext, size_t extlen, int *version);
int	sync_ref_put(struct sync_ctx *, const char *target, long long booking_id,
	    const char *ext, int version);
/*
 * The same put, for what a delivery records after its effect at the
 * target: written with the job's outcome, in the finish's transaction
 * (one round trip fewer), and only while the lease is still ours. Never for
 * what must be stored before the effect (a create's pending mark): a lost
 * finish loses this write, and the job is delivered again against the
 * sync_refs the delivery found. DB_OK, or DB_ERROR (out of memory).
 */
int	sync_ref_put_after(struct sync_ctx *, const char *target,
	    long long booking_id, const char *ext, int version);

/*
 * Runs `charterd sync`: one worker process per target (enabled or not: a
 * target that is off marks its rows done, "target not configured"), each
 * claiming its queue in order, woken by NOTIFY within milliseconds of a
 * commit and by a slow safety poll. SIGTERM finishes the delivery in hand
 * and exits. 0 after a clean stop, -1 when start-up fails.
 */
int	sync_run(const struct config *);

#endif
