/* db_outbox.c: statements about the outbox, the queue of changes to deliver */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	memset(job, 0, sizeof(*job));
}

static void
copy_col(PGresult *res, int col, char *out, size_t len)
{
	snprintf(out, len, "%s", PQgetisnull(res, 0, col) ? "" :
	    PQgetvalue(res, 0, col));
}

int
db_outbox_claim(struct db *db, const char *target, int lease_s,
    struct outbox_job *job)
{
	char		 lease[16];
	const char	*p[2] = { target, lease };
	PGresult	*res;
	json_error_t	 jerr;
	int		 rc = DB_ERROR;

	memset(job, 0, sizeof(*job));
	snprintf(lease, sizeof(lease), "%d", lease_s);
	res = db_exec(db, "SELECT c.id, c.target, c.kind, c.booking_id, "
	    "c.crew_id, c.version, c.attempts, c.payload, c.lease "
	    "FROM outbox_claim($1, $2) c WHERE c.id IS NOT NULL", 2, p);
	if (res == NULL)
		return DB_ERROR;
	if (PQntuples(res) == 0) {
		rc = DB_NOT_FOUND;
		goto out;
	}
	job->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	copy_col(res, 1, job->target, sizeof(job->target));
	copy_col(res, 2, job->kind, sizeof(job->kind));
	job->booking_id = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	job->crew_id = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
	job->version = (int)strtol(PQgetvalue(res, 0, 5), NULL, 10);
	job->attempts = (int)strtol(PQgetvalue(res, 0, 6), NULL, 10);
	copy_col(res, 8, job->lease, sizeof(job->lease));
	if ((job->payload = json_loads(PQgetvalue(res, 0, 7), 0, &jerr)) == NULL) {
		log_err("outbox %lld: payload is not JSON: %s", job->id, jerr.text);
		goto out;
	}
	rc = DB_OK;
out:
	PQclear(res);
	return rc;
}

int
db_outbox_finish(struct db *db, const struct outbox_job *job,
    enum outbox_outcome outcome, const char *error, int ms, int max_attempts,
    double backoff_s, char state[16])
{
	static const char *const outcomes[] = {
		[OUTBOX_OK] = "ok", [OUTBOX_RETRY] = "retry",
		[OUTBOX_FAIL] = "fail",
	};
	char		 id[24], msstr[16], maxstr[16], back[32];
	const char	*p[7] = { id, job->lease, outcomes[outcome],
			    error != NULL && *error != '\0' ? error : NULL,
			    msstr, maxstr, back };
	PGresult	*res;

	snprintf(id, sizeof(id), "%lld", job->id);
	snprintf(msstr, sizeof(msstr), "%d", ms);
	snprintf(maxstr, sizeof(maxstr), "%d", max_attempts);
	snprintf(back, sizeof(back), "%.3f", backoff_s);
	res = db_exec(db, "SELECT outbox_finish($1, $2, $3, $4, $5, $6, $7)",
	    7, p);
	if (res == NULL)
		return DB_ERROR;
	snprintf(state, 16, "%s", PQgetisnull(res, 0, 0) ? "lost" :
	    PQgetvalue(res, 0, 0));
	PQclear(res);
	return DB_OK;
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
