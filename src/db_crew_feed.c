/* db_crew_feed.c: statements about crew calendar feeds: made on first use, rotated, read by their token's hash */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_crew_feed.h"
#include "hex.h"

/* PostgreSQL's hex form of bytea: "\x" and two digits a byte. */
#define BYTEA_HEX(n)	(2 + 2 * (n) + 1)

static void
bytea_hex(const unsigned char *p, size_t n, char *out)
{
	out[0] = '\\';
	out[1] = 'x';
	hex_encode(p, n, out + 2);
}

/* The unknown crew member a statement was refused for. */
static int
unknown_crew(const struct db *db)
{
	return strcmp(db->constraint, "crew_feeds_crew_exists") == 0;
}

/* Reads n bytes from the hex string at key of o. */
static int
hex_field(const json_t *o, const char *key, unsigned char *out, size_t n)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (s == NULL || strlen(s) != 2 * n)
		return -1;
	return hex_decode(s, out, n);
}

int
db_crew_feed_issue(struct db *db, long long crew_id,
    const unsigned char nonce[TOKEN_NONCE_LEN], const unsigned char hash[32],
    unsigned char live_nonce[TOKEN_NONCE_LEN], unsigned char live_hash[32])
{
	char		 id[24], n[BYTEA_HEX(TOKEN_NONCE_LEN)], h[BYTEA_HEX(32)];
	const char	*params[3] = { id, n, h };
	json_t		*row = NULL;
	int		 rc;

	snprintf(id, sizeof(id), "%lld", crew_id);
	bytea_hex(nonce, TOKEN_NONCE_LEN, n);
	bytea_hex(hash, 32, h);
	rc = db_json(db, &row, "SELECT crew_feed_issue($1, $2, $3)", 3,
	    params);
	if (rc == DB_ERROR && unknown_crew(db))
		return DB_NOT_FOUND;
	if (rc != DB_OK)
		return DB_ERROR;
	if (hex_field(row, "nonce", live_nonce, TOKEN_NONCE_LEN) == -1 ||
	    hex_field(row, "token_hash", live_hash, 32) == -1)
		rc = DB_ERROR;
	json_decref(row);
	return rc;
}

int
db_crew_feed_rotate(struct db *db, long long crew_id,
    const unsigned char nonce[TOKEN_NONCE_LEN], const unsigned char hash[32],
    const char *actor)
{
	char		 id[24], n[BYTEA_HEX(TOKEN_NONCE_LEN)], h[BYTEA_HEX(32)];
	const char	*params[4] = { id, n, h, actor };
	int		 rc;

	snprintf(id, sizeof(id), "%lld", crew_id);
	bytea_hex(nonce, TOKEN_NONCE_LEN, n);
	bytea_hex(hash, 32, h);
	rc = db_run(db, "SELECT crew_feed_rotate($1, $2, $3, $4)", 4, params);
	if (rc == DB_ERROR && unknown_crew(db))
		return DB_NOT_FOUND;
	return rc;
}

/* The feed (crew_feed_find) and, when it is to be sent, its charters in
 * the same statement: one snapshot. Columns 0-4 the feed, 5- a charter
 * (NULL when there is none: the LEFT JOIN's one row). */
static const char sql_feed[] =
	"SELECT h.state, h.reason, h.crew_id, h.nonce, h.etag, "
	"  r.booking_id, r.version, r.cancelled, r.starts_at, r.ends_at, "
	"  r.stamp, r.time_zone, r.vessel, r.meeting_point, r.notes, r.role, "
	"  r.captain "
	"FROM crew_feed_find($1, $2, $3, $4, $5) h "
	"LEFT JOIN LATERAL crew_feed_rows(CASE WHEN h.state = 'ok' "
	"  THEN h.crew_id END, $4, $5) r ON true "
	"ORDER BY r.starts_at, r.booking_id";

static const char *
col(const PGresult *res, int row, int c)
{
	return PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c);
}

static long long
col_int(const PGresult *res, int row, int c)
{
	const char	*s = col(res, row, c);
	char		*end;
	long long	 v;

	if (s == NULL)
		return 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' ? v : 0;
}

static int
col_bool(const PGresult *res, int row, int c)
{
	const char *s = col(res, row, c);

	return s != NULL && s[0] == 't';
}

/* Row i's charter into e; -1 when a required field is missing. */
static int
charter(const PGresult *res, int i, struct ics_event *e)
{
	e->booking_id = col_int(res, i, 5);
	e->version = col_int(res, i, 6);
	e->cancelled = col_bool(res, i, 7);
	e->starts_at = col_int(res, i, 8);
	e->ends_at = col_int(res, i, 9);
	e->stamp = col_int(res, i, 10);
	e->time_zone = col(res, i, 11);
	e->vessel = col(res, i, 12);
	e->meeting_point = col(res, i, 13);
	e->notes = col(res, i, 14);
	e->role = col(res, i, 15);
	e->captain = col_bool(res, i, 16);
	return e->booking_id > 0 ? 0 : -1;
}

int
db_crew_feed_read(struct db *db, const unsigned char hash[32],
    const char *known, const char *salt, int days, int max,
    struct crew_feed_found *f)
{
	char		 h[BYTEA_HEX(32)], d[16], m[16];
	const char	*params[5] = { h, known, salt, d, m }, *state, *reason;
	int		 i, n, rc = DB_ERROR;

	memset(f, 0, sizeof(*f));
	bytea_hex(hash, 32, h);
	snprintf(d, sizeof(d), "%d", days);
	snprintf(m, sizeof(m), "%d", max);
	if ((f->res = db_exec(db, sql_feed, 5, params)) == NULL)
		goto out;
	if ((n = PQntuples(f->res)) == 0) {
		rc = DB_NOT_FOUND;
		goto out;
	}
	state = col(f->res, 0, 0);
	reason = col(f->res, 0, 1);
	f->crew_id = col_int(f->res, 0, 2);
	f->nonce = col(f->res, 0, 3);
	f->etag = col(f->res, 0, 4);
	if (state == NULL)
		goto out;
	if (strcmp(state, "gone") == 0) {
		f->state = FEED_GONE;
		f->rotated = reason != NULL && strcmp(reason, "rotated") == 0;
	} else if (strcmp(state, "unchanged") == 0)
		f->state = FEED_UNCHANGED;
	else if (col(f->res, 0, 5) != NULL) {
		/* FEED_OK, with charters (none: one row of NULLs). */
		if ((f->events = calloc((size_t)n, sizeof(*f->events))) == NULL)
			goto out;
		for (i = 0; i < n; i++)
			if (charter(f->res, i, &f->events[i]) == -1)
				goto out;
		f->n = (size_t)n;
	}
	rc = DB_OK;
out:
	if (rc != DB_OK)
		db_crew_feed_found_free(f);
	return rc;
}

void
db_crew_feed_found_free(struct crew_feed_found *f)
{
	free(f->events);
	PQclear(f->res);
	memset(f, 0, sizeof(*f));
}
