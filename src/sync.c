/* sync.c: `charterd sync`, delivering the outbox to every target */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "limits.h"
#include "log.h"
#include "prefork.h"
#include "sync.h"

const struct sync_target *const sync_targets[] = {
	&sync_publish_target,
	&sync_mail_target,
	&sync_dynamo_target,
	&sync_scc_target,
	&sync_calendar_target,
};
const size_t sync_ntargets = sizeof(sync_targets) / sizeof(sync_targets[0]);

static volatile sig_atomic_t sync_stop;

static void
on_term(int sig)
{
	(void)sig;
	sync_stop = 1;
}

enum outbox_outcome
sync_fail(struct sync_ctx *ctx, enum outbox_outcome outcome, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	va_end(ap);
	return outcome;
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Exponential backoff with jitter: base * 2^(attempts-1), capped, then
 * scaled by a random factor in [0.5, 1.5) so that rows failing together
 * do not all come back together.
 */
static double
backoff_s(const struct config *cfg, int attempts)
{
	double		 d = (double)cfg->sync_backoff_ms / 1000.0;
	unsigned char	 r[2] = { 0x80, 0 };
	int		 i;

	for (i = 1; i < attempts && d < (double)cfg->sync_backoff_max_s; i++)
		d *= 2;
	if (d > (double)cfg->sync_backoff_max_s)
		d = (double)cfg->sync_backoff_max_s;
	random_bytes(r, sizeof(r));
	return d * (0.5 + (double)((r[0] << 8) | r[1]) / 65536.0);
}

/* Sleeps until a NOTIFY arrives on the connection, timeout_ms passes, or
 * SIGTERM; notifications are drained. */
static void
wait_for_work(struct db *db, int timeout_ms)
{
	struct pollfd	 pfd;
	PGnotify	*n;

	pfd.fd = PQsocket(db->conn);
	pfd.events = POLLIN;
	if (pfd.fd < 0 || sync_stop)
		return;
	if (poll(&pfd, 1, timeout_ms) > 0 && PQconsumeInput(db->conn) == 1)
		while ((n = PQnotifies(db->conn)) != NULL)
			PQfreemem(n);
}

/* How long to sleep before looking again: until the next row falls due,
 * at most the safety poll. */
static int
idle_ms(struct sync_ctx *ctx, const char *target)
{
	double	 s = -1;
	long long poll_ms = ctx->app->cfg->sync_poll_s * 1000;

	if (db_outbox_next_due(ctx->db, target, &s) != DB_OK || s < 0)
		return (int)poll_ms;
	return s * 1000 < (double)poll_ms ? (int)(s * 1000) + 1 : (int)poll_ms;
}

/* A target that is switched off: its rows are settled, not delivered. */
static enum outbox_outcome
deliver_nowhere(struct sync_ctx *ctx, void *state, const struct outbox_job *job)
{
	(void)state;
	(void)job;
	ctx->error[0] = '\0';
	return OUTBOX_OK;
}

static int
db_connected(const struct db *db)
{
	return db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK;
}

/* ctx->job when it is the job of (target, booking_id), else NULL. */
static struct outbox_job *
stream_job(struct sync_ctx *ctx, const char *target, long long booking_id)
{
	struct outbox_job *job = ctx->job;

	if (job == NULL || job->booking_id != booking_id ||
	    strcmp(job->target, target) != 0)
		return NULL;
	return job;
}

int
sync_ref_get(struct sync_ctx *ctx, const char *target, long long booking_id,
    char *ext, size_t extlen, int *version)
{
	const struct outbox_job *job = stream_job(ctx, target, booking_id);

	if (job == NULL || job->ref_known == -1)
		return db_sync_ref_get(ctx->db, target, booking_id, ext,
		    extlen, version);
	if (!job->ref_known)
		return DB_NOT_FOUND;
	snprintf(ext, extlen, "%s", job->ref);
	if (version != NULL)
		*version = job->ref_version;
	return DB_OK;
}

int
sync_ref_put(struct sync_ctx *ctx, const char *target, long long booking_id,
    const char *ext, int version)
{
	struct outbox_job *job = stream_job(ctx, target, booking_id);

	/* Whatever happens, the copy from the claim is no longer the truth,
	 * and a write left for the finish is older than this one. */
	if (job != NULL) {
		job->ref_known = -1;
		free(job->ref_new);
		job->ref_new = NULL;
	}
	return db_sync_ref_put(ctx->db, target, booking_id, ext, version);
}

int
sync_ref_put_after(struct sync_ctx *ctx, const char *target,
    long long booking_id, const char *ext, int version)
{
	struct outbox_job *job = stream_job(ctx, target, booking_id);
	char		*a, *b;

	if (job == NULL)
		return db_sync_ref_put(ctx->db, target, booking_id, ext,
		    version);
	if ((a = strdup(ext)) == NULL || (b = strdup(ext)) == NULL) {
		free(a);
		return DB_ERROR;
	}
	free(job->ref_new);
	job->ref_new = a;
	job->ref_new_version = version;
	/* What this delivery reads from now on. */
	free(job->ref);
	job->ref = b;
	job->ref_version = version;
	job->ref_known = 1;
	return DB_OK;
}

/* Delivers one claimed job, its outcome and time in *done. */
static void
deliver_one(struct sync_ctx *ctx, const struct sync_target *t, void *state,
    int enabled, struct outbox_job *job, struct outbox_settle *done)
{
	const struct config	*cfg = ctx->app->cfg;
	long long		 start;

	ctx->error[0] = '\0';
	ctx->job = job;
	start = mono_ms();
	done->outcome = enabled ? t->deliver(ctx, state, job) :
	    deliver_nowhere(ctx, state, job);
	done->ms = (int)(mono_ms() - start);
	ctx->job = NULL;
	if (!enabled)
		snprintf(ctx->error, sizeof(ctx->error),
		    "target not configured");
	snprintf(done->error, sizeof(done->error), "%s", ctx->error);
	done->backoff_s = backoff_s(cfg, job->attempts);
}

/*
 * Claims a batch (rows of different streams), delivers them one after the
 * other and settles them in one round trip, until nothing is due; 0, or
 * -1 when the database failed (the caller reconnects). A row is started
 * only while its lease still leaves the time one delivery may take (twice
 * the request timeout, as config.c demands of the lease); the rest, and
 * all of them after SIGTERM, are released for the next claim.
 */
static int
drain_queue(struct sync_ctx *ctx, const struct sync_target *t, void *state,
    int enabled)
{
	const struct config	*cfg = ctx->app->cfg;
	struct outbox_job	 jobs[LIMIT_SYNC_BATCH];
	struct outbox_settle	 done[LIMIT_SYNC_BATCH];
	struct outbox_settle	*d;
	long long		 claimed, budget_ms;
	int			 rc, i, n, max;

	budget_ms = cfg->sync_lease_s * 1000 - 2 * cfg->sync_timeout_ms;
	/* A lease of just twice the timeout has room for one delivery. */
	max = budget_ms > 0 ? LIMIT_SYNC_BATCH : 1;
	while (!sync_stop) {
		rc = db_outbox_claim_batch(ctx->db, t->name,
		    (int)cfg->sync_lease_s, max, jobs, &n);
		if (rc == DB_NOT_FOUND)
			return 0;
		if (rc != DB_OK)
			return -1;
		claimed = mono_ms();
		for (i = 0; i < n; i++) {
			memset(&done[i], 0, sizeof(done[i]));
			/* Nor once the database is gone: what they did could
			 * not be recorded. */
			if (i > 0 && (sync_stop || !db_connected(ctx->db) ||
			    mono_ms() - claimed > budget_ms))
				done[i].outcome = OUTBOX_RELEASE;
			else
				deliver_one(ctx, t, state, enabled, &jobs[i],
				    &done[i]);
		}
		rc = db_outbox_finish_batch(ctx->db, jobs, done, n,
		    (int)cfg->sync_max_attempts);
		for (i = 0; i < n; i++) {
			d = &done[i];
			/* One line per delivery: no payload, no secret, no
			 * token. */
			if (d->outcome != OUTBOX_RELEASE)
				log_info("target=%s outbox=%lld kind=%s "
				    "booking=%lld attempt=%d outcome=%s "
				    "state=%s ms=%d%s%s", t->name, jobs[i].id,
				    jobs[i].kind, jobs[i].booking_id,
				    jobs[i].attempts, d->outcome == OUTBOX_OK ?
				    "ok" : d->outcome == OUTBOX_RETRY ? "retry" :
				    "fail", rc == DB_OK ? d->state : "unknown",
				    d->ms, d->error[0] == '\0' ? "" :
				    d->outcome == OUTBOX_OK ? " note=" :
				    " error=", d->error);
			db_outbox_job_free(&jobs[i]);
		}
		if (rc != DB_OK)
			return -1;
	}
	return 0;
}

/* One target's worker: never returns. */
static void
target_worker(struct app *app, const struct sync_target *t)
{
	struct sync_ctx		 ctx;
	struct sigaction	 sa;
	void			*state = NULL;
	int			 enabled = t->enabled(app->cfg);

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term;	/* no SA_RESTART: poll() must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	memset(&ctx, 0, sizeof(ctx));
	ctx.app = app;
	ctx.db = app_db(app, AUD_SYNC);
	/*
	 * A target that cannot start (credentials missing, a bad endpoint)
	 * says why once and tries again now and then: its rows wait, visible
	 * in GET /api/sync, rather than the worker dying and being replaced
	 * every second.
	 */
	while (enabled && !sync_stop && t->open(&ctx, &state) == -1) {
		log_err("target %s cannot start: %s; trying again in %d s",
		    t->name, ctx.error, LIMIT_SYNC_REOPEN_S);
		poll(NULL, 0, LIMIT_SYNC_REOPEN_S * 1000);
	}
	log_info("target %s %s", t->name, enabled ? "ready" :
	    "not configured: its rows are settled without delivery");
	prefork_child_ready();
	while (!sync_stop) {
		if (db_ready(ctx.db) == -1 ||
		    db_run(ctx.db, "LISTEN charterd_outbox", 0, NULL) != DB_OK) {
			wait_for_work(ctx.db, LIMIT_SYNC_RECONNECT_MS);
			if (ctx.db->conn == NULL)
				poll(NULL, 0, LIMIT_SYNC_RECONNECT_MS);
			continue;
		}
		if (drain_queue(&ctx, t, state, enabled) == -1)
			continue;
		wait_for_work(ctx.db, idle_ms(&ctx, t->name));
	}
	if (enabled)
		t->close(state);
	app_close(app);
	_exit(0);
}

struct sync_run {
	struct app	app;
};

static void
sync_child(void *arg, int slot)
{
	struct sync_run *sr = arg;

	target_worker(&sr->app, sync_targets[slot % (int)sync_ntargets]);
}

int
sync_run(const struct config *cfg)
{
	struct sync_run	 sr;
	struct tmpl_set	*tmpl;
	struct prefork	 pf;
	char		 err[512];
	int		 rc;
	struct db	 probe;
	struct metrics	*shared;

	if ((tmpl = tmpl_set_load(cfg->template_dir, err, sizeof(err))) == NULL) {
		log_err("templates in %s: %s", cfg->template_dir, err);
		return -1;
	}
	/* Before the workers drop privileges: they may not read the file. */
	db_passwords_load(cfg->database_url);
	/* A role that could do more than its grants is never used. */
	memset(&probe, 0, sizeof(probe));
	if (db_open(&probe, cfg->database_url, db_role_name(AUD_SYNC)) == -1 &&
	    probe.refused) {
		tmpl_set_free(tmpl);
		return -1;
	}
	db_close(&probe);
	/* Shared so that an outage is logged once, not by every worker. */
	if ((shared = metrics_new()) == NULL) {
		log_err("cannot map shared memory");
		tmpl_set_free(tmpl);
		return -1;
	}
	app_init(&sr.app, cfg, tmpl, shared);
	memset(&pf, 0, sizeof(pf));
	pf.name = "sync worker";
	pf.nchildren = (int)sync_ntargets;
	pf.user = cfg->user;
	pf.child = sync_child;
	pf.arg = &sr;
	rc = prefork_run(&pf);
	tmpl_set_free(tmpl);
	return rc;
}
