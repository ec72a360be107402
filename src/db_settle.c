/* db_settle.c: statements about trip settlements: the captain's (by the crew link's hash), staff's, their receipt uploads, the owner's money effect */
#include <stdio.h>
#include <stdlib.h>

#include "db_settle.h"

int
db_crew_settlement(struct db *db, const unsigned char hash[32],
    long long now_us, int settle_days, json_t **out)
{
	char		 h[67], ts[32], days[16];
	const char	*p[3] = { h, ts, days };

	db_hash_param(hash, h);
	db_ts_param(now_us, ts);
	snprintf(days, sizeof(days), "%d", settle_days);
	return db_outcome_json(db, out, "SELECT crew_settlement($1::bytea, "
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
	db_hash_param(hash, h);
	db_ts_param(now_us, ts);
	snprintf(days, sizeof(days), "%d", settle_days);
	p[3] = js;
	rc = db_outcome_json(db, out, "SELECT crew_settle($1::bytea, "
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

	db_hash_param(hash, h);
	db_ts_param(now_us, ts);
	snprintf(days, sizeof(days), "%d", settle_days);
	snprintf(size, sizeof(size), "%lld", u->size);
	snprintf(ttl, sizeof(ttl), "%d", ttl_s);
	snprintf(mx, sizeof(mx), "%d", max);
	return db_outcome_json(db, out, "SELECT crew_receipt_reserve($1::bytea, "
	    "to_timestamp($2), $3, $4, $5, $6, $7, $8, $9, $10)", 10, p);
}

int
db_crew_receipt(struct db *db, const unsigned char hash[32], long long now_us,
    int settle_days, const char *receipt_id, json_t **out)
{
	char		 h[67], ts[32], days[16];
	const char	*p[4] = { h, ts, days, receipt_id };

	db_hash_param(hash, h);
	db_ts_param(now_us, ts);
	snprintf(days, sizeof(days), "%d", settle_days);
	return db_outcome_json(db, out, "SELECT crew_receipt($1::bytea, "
	    "to_timestamp($2), $3, $4)", 4, p);
}

int
db_staff_settlement(struct db *db, long long id, long long now_us,
    json_t **out)
{
	char		 idstr[24], ts[32];
	const char	*p[2] = { idstr, ts };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	db_ts_param(now_us, ts);
	return db_outcome_json(db, out, "SELECT staff_settlement($1, "
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
	db_ts_param(now_us, ts);
	p[3] = js;
	rc = db_outcome_json(db, out, "SELECT staff_settle($1, $2, "
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
	db_ts_param(now_us, ts);
	snprintf(size, sizeof(size), "%lld", u->size);
	snprintf(ttl, sizeof(ttl), "%d", ttl_s);
	snprintf(mx, sizeof(mx), "%d", max);
	return db_outcome_json(db, out, "SELECT staff_receipt_reserve($1, $2, $3, "
	    "$4, $5, $6, $7, to_timestamp($8), $9, $10)", 10, p);
}

int
db_staff_receipt(struct db *db, long long id, const char *receipt_id,
    json_t **out)
{
	char		 idstr[24];
	const char	*p[2] = { idstr, receipt_id };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return db_outcome_json(db, out, "SELECT staff_receipt($1, $2)", 2, p);
}

int
db_owner_settlement_money(struct db *db, long long id, json_t **out)
{
	char		 idstr[24];
	const char	*p[1] = { idstr };

	snprintf(idstr, sizeof(idstr), "%lld", id);
	return db_json(db, out, "SELECT owner_settlement_money($1)", 1, p);
}
