/* crew_feed.c: a crew member's calendar feed link: made on first use, made again, rotated, checked */
#include <string.h>

#include <openssl/crypto.h>

#include "crew_feed.h"
#include "crypto.h"
#include "db_crew_feed.h"
#include "hex.h"
#include "limits.h"
#include "links.h"
#include "log.h"
#include "token.h"

/* A token as issued: what the database keeps (nonce, hash) and the token. */
struct feed_token {
	unsigned char	 nonce[TOKEN_NONCE_LEN];
	unsigned char	 hash[32];
	char		 token[LIMIT_TOKEN_LEN + 1];
};

/* A new token for crew_id from a fresh nonce. 0, or -1 (logged). */
static int
token_new(const struct config *cfg, long long crew_id, struct feed_token *t)
{
	if (random_bytes(t->nonce, sizeof(t->nonce)) == -1) {
		log_err("no randomness for a feed token");
		return -1;
	}
	if (token_derive(cfg->token_secret, cfg->token_secret_len, TOKEN_FEED,
	    crew_id, t->nonce, t->token) == -1) {
		log_err("cannot make a feed token: is CHARTER_TOKEN_SECRET set?");
		return -1;
	}
	token_hash(t->token, t->hash);
	return 0;
}

/* The URL of token t into out. 0, or -1 (logged). */
static int
token_url(const struct config *cfg, const struct feed_token *t, char *out,
    size_t len)
{
	if (link_url(out, len, cfg->public_url, LINK_CREW_CALENDAR,
	    t->token) == -1) {
		log_err("cannot build a feed URL from CHARTER_PUBLIC_URL");
		return -1;
	}
	return 0;
}

int
crew_feed_url(struct db *db, const struct config *cfg, long long crew_id,
    char *out, size_t len)
{
	struct feed_token	 cand, live;
	int			 rc = DB_ERROR;

	if (len > 0)
		out[0] = '\0';
	if (token_new(cfg, crew_id, &cand) == -1)
		goto out;
	if ((rc = db_crew_feed_issue(db, crew_id, cand.nonce, cand.hash,
	    live.nonce, live.hash)) != DB_OK)
		goto out;
	rc = DB_ERROR;
	if (token_derive(cfg->token_secret, cfg->token_secret_len, TOKEN_FEED,
	    crew_id, live.nonce, live.token) == -1)
		goto out;
	token_hash(live.token, cand.hash);
	if (CRYPTO_memcmp(cand.hash, live.hash, sizeof(live.hash)) != 0) {
		log_warnx("crew member %lld's calendar feed was made under "
		    "another CHARTER_TOKEN_SECRET: rotate it", crew_id);
		rc = DB_STALE;
		goto out;
	}
	if (token_url(cfg, &live, out, len) == -1)
		goto out;
	rc = DB_OK;
out:
	OPENSSL_cleanse(&cand, sizeof(cand));
	OPENSSL_cleanse(&live, sizeof(live));
	return rc;
}

int
crew_feed_rotate(struct db *db, const struct config *cfg, long long crew_id,
    const char *actor, char *out, size_t len)
{
	struct feed_token	 t;
	int			 rc = DB_ERROR;

	if (len > 0)
		out[0] = '\0';
	if (token_new(cfg, crew_id, &t) == -1)
		goto out;
	if ((rc = db_crew_feed_rotate(db, crew_id, t.nonce, t.hash, actor))
	    != DB_OK)
		goto out;
	/* Rotated already: a URL that cannot be built is logged, and the
	 * next crew_feed_url() makes it from the nonce kept. */
	rc = token_url(cfg, &t, out, len) == 0 ? DB_OK : DB_ERROR;
out:
	OPENSSL_cleanse(&t, sizeof(t));
	return rc;
}

int
crew_feed_token_ok(const struct config *cfg, long long crew_id,
    const char *nonce_hex, const char *token)
{
	unsigned char	 nonce[TOKEN_NONCE_LEN];
	char		 want[LIMIT_TOKEN_LEN + 1];
	int		 ok = 0;

	if (nonce_hex == NULL || token == NULL ||
	    strlen(nonce_hex) != 2 * TOKEN_NONCE_LEN ||
	    strlen(token) != LIMIT_TOKEN_LEN ||
	    hex_decode(nonce_hex, nonce, sizeof(nonce)) == -1)
		return 0;
	if (token_derive(cfg->token_secret, cfg->token_secret_len, TOKEN_FEED,
	    crew_id, nonce, want) == 0)
		ok = CRYPTO_memcmp(want, token, LIMIT_TOKEN_LEN) == 0;
	OPENSSL_cleanse(nonce, sizeof(nonce));
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}
