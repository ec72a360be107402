/* db_settle.h: statements about trip settlements: the captain's (by the crew link's hash), staff's, their receipt uploads, the owner's money effect */
#ifndef CHARTERD_DB_SETTLE_H
#define CHARTERD_DB_SETTLE_H

#include <jansson.h>

#include "db.h"
#include "receipt.h"

/*
 * Each answers in one statement (sql/016_settle.sql) with a JSON object
 * {outcome, ...} in *out (caller decrefs): DB_OK with it, or DB_ERROR.
 * now_us is the request's clock; settle_days CHARTER_SETTLE_DAYS. Every
 * write is one transaction with its audit row.
 */

/* The captain's side, as charterd_crew: the link whose token's SHA-256
 * is hash. Refusals: not_found, gone {reason, charter}, not_captain. */

/* crew_settlement(): ok {state: early|open|locked|closed, ends_label,
 * closes_label, form}. Reads only. */
int	db_crew_settlement(struct db *, const unsigned char hash[32],
	    long long now_us, int settle_days, json_t **out);
/* crew_settle(): early, locked, closed, or settlement_write()'s changed,
 * unchanged, stale {version}, invalid {field, message}. */
int	db_crew_settle(struct db *, const unsigned char hash[32],
	    long long now_us, int settle_days, const json_t *input,
	    json_t **out);
/* crew_receipt_reserve(): early, locked, closed, quota, ok {key,
 * expires_at}. */
int	db_crew_receipt_reserve(struct db *, const unsigned char hash[32],
	    long long now_us, int settle_days, const struct receipt_upload *,
	    int ttl_s, int max, json_t **out);
/* crew_receipt(): ok {key, content_type, size, sha256}, not_found. */
int	db_crew_receipt(struct db *, const unsigned char hash[32],
	    long long now_us, int settle_days, const char *receipt_id,
	    json_t **out);

/* Staff's side, as charterd_staff or charterd_owner: booking id. */

/* staff_settlement(): ok {form, history}, not_found. */
int	db_staff_settlement(struct db *, long long id, long long now_us,
	    json_t **out);
/* staff_settle(): not_found, cancelled, early, or settlement_write()'s. */
int	db_staff_settle(struct db *, long long id, const char *actor,
	    long long now_us, const json_t *input, json_t **out);
/* staff_receipt_reserve(): not_found, cancelled, early, quota, ok. */
int	db_staff_receipt_reserve(struct db *, long long id, const char *actor,
	    long long now_us, const struct receipt_upload *, int ttl_s,
	    int max, json_t **out);
/* staff_receipt(): ok {key, content_type, size, sha256}, not_found. */
int	db_staff_receipt(struct db *, long long id, const char *receipt_id,
	    json_t **out);
/* owner_settlement_money(): labels of the money effect; DB_NOT_FOUND
 * without a settlement. The owner's connection only. */
int	db_owner_settlement_money(struct db *, long long id, json_t **out);

#endif
