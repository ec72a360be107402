/* db_crew_feed.c: statements about crew calendar feeds: made on first use, rotated, read by their token's hash */
#include <stdio.h>
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

int
db_crew_feed_read(struct db *db, const unsigned char hash[32],
    const char *known, const char *salt, int days, int max, json_t **out)
{
	char		 h[BYTEA_HEX(32)], d[16], m[16];
	const char	*params[5] = { h, known, salt, d, m };

	bytea_hex(hash, 32, h);
	snprintf(d, sizeof(d), "%d", days);
	snprintf(m, sizeof(m), "%d", max);
	return db_json(db, out, "SELECT crew_feed($1, $2, $3, $4, $5)", 5,
	    params);
}
