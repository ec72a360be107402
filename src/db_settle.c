/* db_settle.c: statements about trip settlements: the captain's (by the crew link's hash), staff's, their receipt uploads, the owner's money effect */
#include <stdio.h>
#include <stdlib.h>

#include "db_settle.h"
#include "hex.h"

/* A timestamptz parameter (to_timestamp($n)) from microseconds. */
static void
ts_param(long long us, char out[32])
{
	snprintf(out, 32, "%lld.%06lld", us / 1000000, us % 1000000);
}

/* A bytea parameter in PostgreSQL's hex input form. */
static void
hash_param(const unsigned char hash[32], char out[67])
{
	out[0] = '\\';
	out[1] = 'x';
	hex_encode(hash, 32, out + 2);
}

/* Runs sql and checks the answer is an object with an outcome. */
static int
outcome_json(struct db *db, json_t **out, const char *sql, int n,
    const char *const *p)
{
	if (db_json(db, out, sql, n, p) != DB_OK)
		return DB_ERROR;
	if (!json_is_string(json_object_get(*out, "outcome"))) {
		json_decref(*out);
		*out = NULL;
		return DB_ERROR;
	}
	return DB_OK;
}

int
db_crew_settlement(struct db *db, const unsigned char hash[32],
    long long now_us, int settle_days, json_t **out)
{
	char		 h[67], ts[32], days[16];
	const char	*p[3] = { h, ts, days };

	hash_param(hash, h);
	ts_param(now_us, ts);
	snprintf(days, sizeof(days), "%d", settle_days);
	return outcome_json(db, out, "SELECT crew_settlement($1::bytea, "
	    "to_timestamp($2), $3)", 3, p);
}

int
db_crew_settle(struct db *db, const unsigned char hash[32], long long now_us,
    int settle_days, const json_t *input, json_t **out)
{
	char		 h[67], ts[32], days[16], *js;
	const char	*p[4] = { h, ts, days, NULL };
	int		 rc;

	if ((js = json_dumps(input, JSON_COMPACT)) == NULL)
		return DB_ERROR;
	hash_param(hash, h);
	ts_param(now_us, ts);
	snprintf(days, sizeof(days), "%d", settle_days);
	p[3] = js;
	rc = outcome_json(db, out, "SELECT crew_settle($1::bytea, "
	    "to_timestamp($2), $3, $4::jsonb)", 4, p);
	free(js);
	return rc;
}

int
db_crew_receipt_reserve(struct db *db, const unsigned char hash[32],
    long long now_us, int settle_days, const struct receipt_upload *u,
    int ttl_s, int max, json_t **out)
{
	char		 h[67], ts[32], days[16], size[24], ttl[16], mx[16];
	const char	*p[10] = { h, ts, days, u->id, u->ext, u->content_type,
			    size, u->sha256, ttl, mx };

	hash_param(hash, h);
	ts_param(now_us, ts);
	snprintf(days, sizeof(days), "%d", settle_days);
	snprintf(size, sizeof(size), "%lld", u->size);
	snprintf(ttl, sizeof(ttl), "%d", ttl_s);
	snprintf(mx, sizeof(mx), "%d", max);
	return outcome_json(db, out, "SELECT crew_receipt_reserve($1::bytea, "
	    "to_timestamp($2), $3, $4, $5, $6, $7, $8, $9, $10)", 10, p);
}

int
db_crew_receipt(struct db *db, const unsigned char hash[32], long long now_us,
    int settle_days, const char *receipt_id, json_t **out)
{
	char		 h[67], ts[32], days[16];
	const char	*p[4] = { h, ts, days, receipt_id };

	hash_param(hash, h);
	ts_param(now_us, ts);
	snprintf(days, sizeof(days), "%d", settle_days);
	return outcome_json(db, out, "SELECT crew_receipt($1::bytea, "
	    "to_timestamp($2), $3, $4)", 4, p);
}

int
db_staff_settlement(struct db *db, long long id, long long now_us,
    json_t **out)
{
	char		 idstr[24], ts[32];
	const char	*p[2] = { idstr, ts };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	ts_param(now_us, ts);
	return outcome_json(db, out, "SELECT staff_settlement($1, "
	    "to_timestamp($2))", 2, p);
}

int
db_staff_settle(struct db *db, long long id, const char *actor,
    long long now_us, const json_t *input, json_t **out)
{
	char		 idstr[24], ts[32], *js;
	const char	*p[4] = { idstr, actor, ts, NULL };
	int		 rc;

	if ((js = json_dumps(input, JSON_COMPACT)) == NULL)
		return DB_ERROR;
	snprintf(idstr, sizeof(idstr), "%lld", id);
	ts_param(now_us, ts);
	p[3] = js;
	rc = outcome_json(db, out, "SELECT staff_settle($1, $2, "
	    "to_timestamp($3), $4::jsonb)", 4, p);
	free(js);
	return rc;
}

int
db_staff_receipt_reserve(struct db *db, long long id, const char *actor,
    long long now_us, const struct receipt_upload *u, int ttl_s, int max,
    json_t **out)
{
	char		 idstr[24], ts[32], size[24], ttl[16], mx[16];
	const char	*p[10] = { idstr, actor, u->id, u->ext, u->content_type,
			    size, u->sha256, ts, ttl, mx };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	ts_param(now_us, ts);
	snprintf(size, sizeof(size), "%lld", u->size);
	snprintf(ttl, sizeof(ttl), "%d", ttl_s);
	snprintf(mx, sizeof(mx), "%d", max);
	return outcome_json(db, out, "SELECT staff_receipt_reserve($1, $2, $3, "
	    "$4, $5, $6, $7, to_timestamp($8), $9, $10)", 10, p);
}

int
db_staff_receipt(struct db *db, long long id, const char *receipt_id,
    json_t **out)
{
	char		 idstr[24];
	const char	*p[2] = { idstr, receipt_id };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return outcome_json(db, out, "SELECT staff_receipt($1, $2)", 2, p);
}

int
db_owner_settlement_money(struct db *db, long long id, json_t **out)
{
	char		 idstr[24];
	const char	*p[1] = { idstr };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return db_json(db, out, "SELECT owner_settlement_money($1)", 1, p);
}
