/* db_outbox.c: statements about the outbox, the queue of changes to deliver */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db_outbox.h"
#include "log.h"

PGresult *
db_outbox_counts(struct db *db)
{
	return db_exec(db, "SELECT target, state, count(*) FROM outbox "
	    "GROUP BY 1, 2 ORDER BY 1, 2", 0, NULL);
}

void
db_outbox_job_free(struct outbox_job *job)
{
	json_decref(job->payload);
	free(job->ref);
	free(job->ref_new);
	memset(job, 0, sizeof(*job));
}

static void
copy_col(PGresult *res, int row, int col, char *out, size_t len)
{
	snprintf(out, len, "%s", PQgetisnull(res, row, col) ? "" :
	    PQgetvalue(res, row, col));
}

/* Row row of a claim's answer: id, target, kind, booking_id, crew_id,
 * version, attempts, payload, lease. 0, or -1 (the payload is not JSON). */
static int
job_from_row(PGresult *res, int row, struct outbox_job *job)
{
	json_error_t	 jerr;

	memset(job, 0, sizeof(*job));
	job->ref_known = -1;
	job->id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
	copy_col(res, row, 1, job->target, sizeof(job->target));
	copy_col(res, row, 2, job->kind, sizeof(job->kind));
	job->booking_id = strtoll(PQgetvalue(res, row, 3), NULL, 10);
	job->crew_id = strtoll(PQgetvalue(res, row, 4), NULL, 10);
	job->version = (int)strtol(PQgetvalue(res, row, 5), NULL, 10);
	job->attempts = (int)strtol(PQgetvalue(res, row, 6), NULL, 10);
	copy_col(res, row, 8, job->lease, sizeof(job->lease));
	if ((job->payload = json_loads(PQgetvalue(res, row, 7), 0, &jerr)) ==
	    NULL) {
		log_err("outbox %lld: payload is not JSON: %s", job->id,
		    jerr.text);
		return -1;
	}
	return 0;
}

int
db_outbox_claim_batch(struct db *db, const char *target, int lease_s, int max,
    struct outbox_job *jobs, int *n)
{
	char		 lease[16], maxstr[16];
	const char	*p[3] = { target, lease, maxstr };
	PGresult	*res;
	int		 i, rows, rc = DB_ERROR;

	*n = 0;
	snprintf(lease, sizeof(lease), "%d", lease_s);
	snprintf(maxstr, sizeof(maxstr), "%d", max);
	/* The stream's sync_refs row comes along: a target reads it first
	 * thing, and nobody else writes it while the stream is ours. LATERAL:
	 * one key lookup per row, not a hash of the whole table. */
	res = db_exec(db, "SELECT c.id, c.target, c.kind, c.booking_id, "
	    "c.crew_id, c.version, c.attempts, c.payload, c.lease, "
	    "s.external_id, s.version "
	    "FROM outbox_claim_batch($1, $2, $3) c LEFT JOIN LATERAL "
	    "(SELECT external_id, version FROM sync_refs r WHERE r.target = "
	    "c.target AND r.booking_id = c.booking_id) s ON true "
	    "ORDER BY c.next_attempt_at, c.id", 3, p);
	if (res == NULL)
		return DB_ERROR;
	if ((rows = PQntuples(res)) == 0) {
		rc = DB_NOT_FOUND;
		goto out;
	}
	for (i = 0; i < rows && i < max; i++) {
		if (job_from_row(res, i, &jobs[i]) == -1)
			goto fail;
		*n = i + 1;
		jobs[i].ref_known = !PQgetisnull(res, i, 9);
		jobs[i].ref_version = jobs[i].ref_known ?
		    (int)strtol(PQgetvalue(res, i, 10), NULL, 10) : 0;
		if (jobs[i].ref_known && (jobs[i].ref =
		    strdup(PQgetvalue(res, i, 9))) == NULL)
			goto fail;
	}
	rc = DB_OK;
	goto out;
fail:
	/* The rows stay leased and come back when the leases run out. */
	for (i = 0; i < *n; i++)
		db_outbox_job_free(&jobs[i]);
	*n = 0;
out:
	PQclear(res);
	return rc;
}

/* Appends one element of a PostgreSQL array literal: quoted, or NULL. */
static int
array_elem(struct buf *b, const char *v)
{
	if (b->len > 1 && buf_putc(b, ',') == -1)
		return -1;
	if (v == NULL)
		return buf_puts(b, "NULL");
	if (buf_putc(b, '"') == -1)
		return -1;
	for (; *v != '\0'; v++)
		if ((*v == '"' || *v == '\\') && buf_putc(b, '\\') == -1)
			return -1;
		else if (buf_putc(b, *v) == -1)
			return -1;
	return buf_putc(b, '"');
}

int
db_outbox_finish_batch(struct db *db, const struct outbox_job *jobs,
    struct outbox_settle *done, int n, int max_attempts)
{
	static const char *const outcomes[] = {
		[OUTBOX_OK] = "ok", [OUTBOX_RETRY] = "retry",
		[OUTBOX_FAIL] = "fail", [OUTBOX_RELEASE] = "release",
	};
	struct buf	 a[8] = { { 0 } };
	char		 num[40], maxstr[16];
	const char	*p[9];
	PGresult	*res = NULL;
	int		 i, j, rc = DB_ERROR;

	for (j = 0; j < 8; j++)
		if (buf_putc(&a[j], '{') == -1)
			goto out;
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%lld", jobs[i].id);
		if (array_elem(&a[0], num) == -1 ||
		    array_elem(&a[1], jobs[i].lease) == -1 ||
		    array_elem(&a[2], outcomes[done[i].outcome]) == -1 ||
		    array_elem(&a[3], done[i].error[0] != '\0' ?
		    done[i].error : NULL) == -1)
			goto out;
		snprintf(num, sizeof(num), "%d", done[i].ms);
		if (array_elem(&a[4], num) == -1)
			goto out;
		snprintf(num, sizeof(num), "%.3f", done[i].backoff_s);
		if (array_elem(&a[5], num) == -1)
			goto out;
		snprintf(num, sizeof(num), "%d", jobs[i].ref_new_version);
		if (array_elem(&a[6], jobs[i].ref_new) == -1 ||
		    array_elem(&a[7], jobs[i].ref_new ? num : NULL) == -1)
			goto out;
	}
	for (j = 0; j < 8; j++)
		if (buf_putc(&a[j], '}') == -1)
			goto out;
	snprintf(maxstr, sizeof(maxstr), "%d", max_attempts);
	p[0] = buf_str(&a[0]);
	p[1] = buf_str(&a[1]);
	p[2] = buf_str(&a[2]);
	p[3] = buf_str(&a[3]);
	p[4] = buf_str(&a[4]);
	p[5] = maxstr;
	p[6] = buf_str(&a[5]);
	p[7] = buf_str(&a[6]);
	p[8] = buf_str(&a[7]);
	if ((res = db_exec(db, "SELECT f.id, f.state FROM outbox_finish_batch("
	    "$1, $2, $3, $4, $5, $6, $7, $8, $9) f", 9, p)) == NULL)
		goto out;
	/* Answered in the order asked, one row each. */
	if (PQntuples(res) != n)
		goto out;
	for (i = 0; i < n; i++)
		snprintf(done[i].state, sizeof(done[i].state), "%s",
		    PQgetisnull(res, i, 1) ? "lost" : PQgetvalue(res, i, 1));
	rc = DB_OK;
out:
	for (j = 0; j < 8; j++)
		buf_free(&a[j]);
	PQclear(res);
	return rc;
}

int
db_outbox_next_due(struct db *db, const char *target, double *seconds)
{
	const char	*p[1] = { target };
	PGresult	*res;

	/* CASE, not greatest(0, ...): greatest() skips a NULL and would
	 * turn "nothing waits" into "due now", a busy loop. */
	res = db_exec(db, "SELECT CASE WHEN d IS NOT NULL THEN greatest(0, "
	    "extract(epoch FROM d - clock_timestamp())) END "
	    "FROM outbox_next_due($1) AS d", 1, p);
	if (res == NULL)
		return DB_ERROR;
	*seconds = PQgetisnull(res, 0, 0) ? -1 :
	    strtod(PQgetvalue(res, 0, 0), NULL);
	PQclear(res);
	return DB_OK;
}

int
db_outbox_retry(struct db *db, long long id)
{
	char		 idstr[24];
	const char	*p[1] = { idstr };
	PGresult	*res;
	int		 rc;

	snprintf(idstr, sizeof(idstr), "%lld", id);
	if ((res = db_exec(db, "SELECT outbox_retry($1)", 1, p)) == NULL)
		return DB_ERROR;
	rc = PQgetvalue(res, 0, 0)[0] == 't' ? DB_OK : DB_NOT_FOUND;
	PQclear(res);
	return rc;
}

int
db_outbox_status(struct db *db, json_t **out)
{
	return db_json(db, out, "SELECT sync_status()", 0, NULL);
}

int
db_sync_ref_get(struct db *db, const char *target, long long booking_id,
    char *ext, size_t extlen, int *version)
{
	char		 idstr[24];
	const char	*p[2] = { target, idstr };
	PGresult	*res;
	int		 rc = DB_NOT_FOUND;

	snprintf(idstr, sizeof(idstr), "%lld", booking_id);
	if ((res = db_exec(db, "SELECT external_id, version FROM sync_refs "
	    "WHERE target = $1 AND booking_id = $2", 2, p)) == NULL)
		return DB_ERROR;
	if (PQntuples(res) == 1) {
		snprintf(ext, extlen, "%s", PQgetvalue(res, 0, 0));
		if (version != NULL)
			*version = (int)strtol(PQgetvalue(res, 0, 1), NULL, 10);
		rc = DB_OK;
	}
	PQclear(res);
	return rc;
}

int
db_sync_ref_put(struct db *db, const char *target, long long booking_id,
    const char *ext, int version)
{
	char		 idstr[24], v[16];
	const char	*p[4] = { target, idstr, ext, v };

	snprintf(idstr, sizeof(idstr), "%lld", booking_id);
	snprintf(v, sizeof(v), "%d", version);
	return db_run(db, "INSERT INTO sync_refs (target, booking_id, "
	    "external_id, version) VALUES ($1, $2, $3, $4) "
	    "ON CONFLICT (target, booking_id) DO UPDATE SET "
	    "external_id = EXCLUDED.external_id, version = EXCLUDED.version, "
	    "updated_at = now()", 4, p);
}
