/* crew_link.c: a crew member's magic link: made, made again for its mail, its URL, and its page's form token */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crew_link.h"
#include "crypto.h"
#include "hex.h"
#include "links.h"
#include "valid.h"

/* Mixed into the form token's MAC so it can never equal a link token. */
static const char form_label[] = "charterd crew form v1";

int
crew_link_new(const struct config *cfg, long long crew_id,
    struct crew_link *l)
{
	unsigned char	 nonce[TOKEN_NONCE_LEN], hash[32];
	int		 rc = -1;

	memset(l, 0, sizeof(*l));
	if (random_bytes(nonce, sizeof(nonce)) == -1)
		goto out;
	if (token_derive(cfg->token_secret, cfg->token_secret_len, TOKEN_LINK,
	    crew_id, nonce, l->token) == -1)
		goto out;
	token_hash(l->token, hash);
	hex_encode(hash, sizeof(hash), l->hash_hex);
	hex_encode(nonce, sizeof(nonce), l->nonce_hex);
	rc = 0;
out:
	OPENSSL_cleanse(nonce, sizeof(nonce));
	if (rc == -1)
		OPENSSL_cleanse(l, sizeof(*l));
	return rc;
}

int
crew_offer_token_new(const struct config *cfg, long long crew_id,
    char token[LIMIT_TOKEN_LEN + 1], char hash_hex[65])
{
	unsigned char	 nonce[TOKEN_NONCE_LEN], hash[32];
	int		 rc = -1;

	token[0] = '\0';
	hash_hex[0] = '\0';
	if (random_bytes(nonce, sizeof(nonce)) == -1 ||
	    token_derive(cfg->token_secret, cfg->token_secret_len,
	    TOKEN_OFFER, crew_id, nonce, token) == -1)
		goto out;
	token_hash(token, hash);
	hex_encode(hash, sizeof(hash), hash_hex);
	rc = 0;
out:
	OPENSSL_cleanse(nonce, sizeof(nonce));
	if (rc == -1)
		OPENSSL_cleanse(token, LIMIT_TOKEN_LEN + 1);
	return rc;
}

int
crew_link_token(const struct config *cfg, long long crew_id,
    const char *nonce_hex, char token[LIMIT_TOKEN_LEN + 1])
{
	unsigned char	 nonce[TOKEN_NONCE_LEN];
	int		 rc;

	token[0] = '\0';
	if (nonce_hex == NULL || strlen(nonce_hex) != 2 * TOKEN_NONCE_LEN ||
	    hex_decode(nonce_hex, nonce, sizeof(nonce)) == -1)
		return -1;
	rc = token_derive(cfg->token_secret, cfg->token_secret_len,
	    TOKEN_LINK, crew_id, nonce, token);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	return rc;
}

int
crew_link_url(const struct config *cfg, const char *token, char *out,
    size_t len)
{
	return link_url(out, len, cfg->public_url, LINK_CREW, token);
}

int
crew_form_token(const struct config *cfg, const char *token,
    char out[LIMIT_TOKEN_LEN + 1])
{
	unsigned char	 msg[sizeof(form_label) + LIMIT_TOKEN_LEN], mac[32];
	unsigned int	 maclen = 0;
	size_t		 n;

	out[0] = '\0';
	if (cfg->token_secret_len < TOKEN_SECRET_MIN || !valid_token(token))
		return -1;
	/* label, NUL, token: unambiguous, as token_derive's input. */
	memcpy(msg, form_label, sizeof(form_label));
	n = sizeof(form_label);
	memcpy(msg + n, token, LIMIT_TOKEN_LEN);
	n += LIMIT_TOKEN_LEN;
	if (HMAC(EVP_sha256(), cfg->token_secret, (int)cfg->token_secret_len,
	    msg, n, mac, &maclen) == NULL || maclen != sizeof(mac))
		return -1;
	base64url(mac, sizeof(mac), out);
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}

int
crew_form_token_ok(const struct config *cfg, const char *token,
    const char *given)
{
	char	 want[LIMIT_TOKEN_LEN + 1];
	int	 ok;

	if (given == NULL || strlen(given) != LIMIT_TOKEN_LEN ||
	    crew_form_token(cfg, token, want) == -1)
		return 0;
	ok = CRYPTO_memcmp(want, given, LIMIT_TOKEN_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}
