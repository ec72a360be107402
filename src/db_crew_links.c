/* db_crew_links.c: statements about crew links: issuing them, the crew page, a crew member's answer, the invitation mail */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "db_crew_links.h"

int
db_crew_invite_targets(struct db *db, long long booking_id, const json_t *want,
    long long now_us, int ttl_days, json_t **out)
{
	struct buf	 ids = { 0 };
	char		 idstr[24], ts[32], ttl[16];
	const char	*p[4] = { idstr, NULL, ts, ttl };
	size_t		 i;
	int		 rc, bad = 0;

	*out = NULL;
	snprintf(idstr, sizeof(idstr), "%lld", booking_id);
	db_ts_param(now_us, ts);
	snprintf(ttl, sizeof(ttl), "%d", ttl_days);
	if (want != NULL) {
		bad |= buf_puts(&ids, "{");
		for (i = 0; i < json_array_size(want); i++)
			bad |= buf_printf(&ids, "%s%lld", i ? "," : "",
			    (long long)json_integer_value(json_array_get(want, i)));
		bad |= buf_puts(&ids, "}");
		p[1] = buf_str(&ids);
	}
	if (bad) {
		buf_free(&ids);
		return DB_ERROR;
	}
	rc = db_outcome_json(db, out, "SELECT crew_invitation_targets($1, "
	    "$2::bigint[], to_timestamp($3), $4)", 4, p);
	buf_free(&ids);
	return rc;
}

int
db_crew_links_issue(struct db *db, long long booking_id,
    const long long *crew_ids, const struct crew_link *links, size_t n,
    int ttl_days, const char *actor, long long now_us, json_t **out)
{
	struct buf	 ids = { 0 }, hashes = { 0 }, nonces = { 0 };
	char		 idstr[24], ts[32], ttl[16];
	const char	*p[7];
	size_t		 i;
	int		 rc = DB_ERROR, bad = 0;

	*out = NULL;
	snprintf(idstr, sizeof(idstr), "%lld", booking_id);
	db_ts_param(now_us, ts);
	snprintf(ttl, sizeof(ttl), "%d", ttl_days);
	/* Array literals of digits and hex: nothing in them needs quoting. */
	bad |= buf_puts(&ids, "{") | buf_puts(&hashes, "{") |
	    buf_puts(&nonces, "{");
	for (i = 0; i < n; i++) {
		bad |= buf_printf(&ids, "%s%lld", i ? "," : "", crew_ids[i]);
		bad |= buf_printf(&hashes, "%s%s", i ? "," : "",
		    links[i].hash_hex);
		bad |= buf_printf(&nonces, "%s%s", i ? "," : "",
		    links[i].nonce_hex);
	}
	bad |= buf_puts(&ids, "}") | buf_puts(&hashes, "}") |
	    buf_puts(&nonces, "}");
	if (bad)
		goto out;
	p[0] = idstr;
	p[1] = buf_str(&ids);
	p[2] = buf_str(&hashes);
	p[3] = buf_str(&nonces);
	p[4] = ttl;
	p[5] = actor;
	p[6] = ts;
	rc = db_outcome_json(db, out, "SELECT crew_links_issue($1, $2::bigint[], "
	    "$3::text[], $4::text[], $5, $6, to_timestamp($7))", 7, p);
out:
	buf_free(&ids);
	buf_free(&hashes);
	/* The nonces make tokens: do not leave them in freed memory. */
	if (nonces.data != NULL)
		memset(nonces.data, 0, nonces.cap);
	buf_free(&nonces);
	return rc;
}

int
db_crew_page(struct db *db, const unsigned char hash[32], long long now_us,
    int cutoff_h, json_t **out)
{
	char		 h[67], ts[32], cut[16];
	const char	*p[3] = { h, ts, cut };

	db_hash_param(hash, h);
	db_ts_param(now_us, ts);
	snprintf(cut, sizeof(cut), "%d", cutoff_h);
	return db_outcome_json(db, out, "SELECT crew_page($1::bytea, "
	    "to_timestamp($2), $3)", 3, p);
}

int
db_crew_respond(struct db *db, const unsigned char hash[32],
    const char *action, const char *note, long long now_us, int cutoff_h,
    json_t **out)
{
	char		 h[67], ts[32], cut[16];
	const char	*p[5] = { h, action, note, ts, cut };

	db_hash_param(hash, h);
	db_ts_param(now_us, ts);
	snprintf(cut, sizeof(cut), "%d", cutoff_h);
	return db_outcome_json(db, out, "SELECT crew_respond($1::bytea, $2, $3, "
	    "to_timestamp($4), $5)", 5, p);
}

int
db_crew_invitation_mail(struct db *db, long long link_id, long long now_us,
    int cutoff_h, json_t **out)
{
	char		 idstr[24], ts[32], cut[16];
	const char	*p[3] = { idstr, ts, cut };

	snprintf(idstr, sizeof(idstr), "%lld", link_id);
	db_ts_param(now_us, ts);
	snprintf(cut, sizeof(cut), "%d", cutoff_h);
	return db_outcome_json(db, out, "SELECT crew_invitation_mail($1, "
	    "to_timestamp($2), $3)", 3, p);
}

int
db_crew_link_mailed(struct db *db, long long outbox_id, long long link_id)
{
	char		 ostr[24], idstr[24];
	const char	*p[2] = { ostr, idstr };

	snprintf(ostr, sizeof(ostr), "%lld", outbox_id);
	snprintf(idstr, sizeof(idstr), "%lld", link_id);
	return db_run(db, "SELECT crew_link_mailed($1, $2)", 2, p);
}
