/* db_crew_slots.c: statements of open places and the crewing gate: the open-places page, taking a place, the gate's mails, the API's list with crewing */
#include <stdio.h>
#include <string.h>

#include "db_crew_slots.h"

int
db_crew_open_page(struct db *db, const unsigned char hash[32],
    long long now_us, int cutoff_h, json_t **out)
{
	char		 h[67], ts[32], cut[16];
	const char	*p[3] = { h, ts, cut };

	db_hash_param(hash, h);
	db_ts_param(now_us, ts);
	snprintf(cut, sizeof(cut), "%d", cutoff_h);
	return db_outcome_json(db, out, "SELECT crew_open_page($1::bytea, "
	    "to_timestamp($2), $3)", 3, p);
}

int
db_crew_open_who(struct db *db, const unsigned char hash[32],
    long long now_us, json_t **out)
{
	char		 h[67], ts[32];
	const char	*p[2] = { h, ts };

	db_hash_param(hash, h);
	db_ts_param(now_us, ts);
	return db_json(db, out, "SELECT json_build_object('crew_id', crew_id, "
	    "'reason', reason) FROM crew_open_who($1::bytea, to_timestamp($2))",
	    2, p) == DB_OK ? DB_OK : DB_ERROR;
}

int
db_crew_take(struct db *db, const unsigned char hash[32], long long slot_id,
    const struct crew_link *link, int ttl_days, long long now_us,
    int cutoff_h, json_t **out)
{
	char		 h[67], slot[24], lh[67], ln[67], ttl[16], ts[32], cut[16];
	const char	*p[7] = { h, slot, lh, ln, ttl, ts, cut };
	int		 rc;

	db_hash_param(hash, h);
	snprintf(slot, sizeof(slot), "%lld", slot_id);
	snprintf(lh, sizeof(lh), "\\x%s", link->hash_hex);
	snprintf(ln, sizeof(ln), "\\x%s", link->nonce_hex);
	snprintf(ttl, sizeof(ttl), "%d", ttl_days);
	db_ts_param(now_us, ts);
	snprintf(cut, sizeof(cut), "%d", cutoff_h);
	rc = db_outcome_json(db, out, "SELECT crew_take($1::bytea, $2, $3::bytea, "
	    "$4::bytea, $5, to_timestamp($6), $7)", 7, p);
	/* The nonce makes the link's token: no copy left in this frame. */
	memset(ln, 0, sizeof(ln));
	return rc;
}

int
db_crew_offer_mail(struct db *db, long long slot_id, long long crew_id,
    long long now_us, int cutoff_h, json_t **out)
{
	char		 slot[24], crew[24], ts[32], cut[16];
	const char	*p[4] = { slot, crew, ts, cut };

	snprintf(slot, sizeof(slot), "%lld", slot_id);
	snprintf(crew, sizeof(crew), "%lld", crew_id);
	db_ts_param(now_us, ts);
	snprintf(cut, sizeof(cut), "%d", cutoff_h);
	return db_outcome_json(db, out, "SELECT crew_offer_mail($1, $2, "
	    "to_timestamp($3), $4)", 4, p);
}

int
db_crew_offer_link_add(struct db *db, long long outbox_id, long long crew_id,
    long long booking_id, long long slot_id, const char *hash_hex,
    long long expires)
{
	char		 o[24], c[24], b[24], s[24], h[67], e[24];
	const char	*p[6] = { o, c, b, s, h, e };

	snprintf(o, sizeof(o), "%lld", outbox_id);
	snprintf(c, sizeof(c), "%lld", crew_id);
	snprintf(b, sizeof(b), "%lld", booking_id);
	snprintf(s, sizeof(s), "%lld", slot_id);
	snprintf(h, sizeof(h), "\\x%s", hash_hex);
	snprintf(e, sizeof(e), "%lld", expires);
	return db_run(db, "SELECT crew_offer_link_add($1, $2, $3, $4, "
	    "$5::bytea, to_timestamp($6))", 6, p);
}

int
db_crew_reminder_mail(struct db *db, long long booking_id, long long crew_id,
    long long now_us, int cutoff_h, json_t **out)
{
	char		 b[24], c[24], ts[32], cut[16];
	const char	*p[4] = { b, c, ts, cut };

	snprintf(b, sizeof(b), "%lld", booking_id);
	snprintf(c, sizeof(c), "%lld", crew_id);
	db_ts_param(now_us, ts);
	snprintf(cut, sizeof(cut), "%d", cutoff_h);
	return db_outcome_json(db, out, "SELECT crew_reminder_mail($1, $2, "
	    "to_timestamp($3), $4)", 4, p);
}

int
db_crewing_mail(struct db *db, long long booking_id, long long crew_id,
    long long offered, int alert, long long now_us, json_t **out)
{
	char		 b[24], c[24], n[24], ts[32];
	const char	*p[5] = { b, crew_id > 0 ? c : NULL, n,
			    alert ? "true" : "false", ts };

	snprintf(b, sizeof(b), "%lld", booking_id);
	snprintf(c, sizeof(c), "%lld", crew_id);
	snprintf(n, sizeof(n), "%lld", offered);
	db_ts_param(now_us, ts);
	return db_json(db, out, "SELECT crewing_mail($1, $2, $3::integer, $4, "
	    "to_timestamp($5))", 5, p);
}

int
db_bookings_list(struct db *db, long long from_us, long long to_us,
    int open_only, int limit, json_t **out)
{
	char		 f[32], t[32], lim[16];
	const char	*p[4] = { f, t, open_only ? "true" : "false", lim };

	db_ts_param(from_us, f);
	db_ts_param(to_us, t);
	snprintf(lim, sizeof(lim), "%d", limit);
	return db_json(db, out, "SELECT api_bookings_list(to_timestamp($1), "
	    "to_timestamp($2), $3, $4)", 4, p) == DB_OK ? DB_OK : DB_ERROR;
}
