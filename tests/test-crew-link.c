/* test-crew-link.c: crew links: made, made again from the stored nonce, their URL, and the page's form token */
#include <string.h>

#include "config.h"
#include "crew_link.h"
#include "crypto.h"
#include "tap.h"
#include "valid.h"

int
main(void)
{
	struct config		 cfg;
	struct crew_link	 l, l2;
	char			 t[LIMIT_TOKEN_LEN + 1], f[LIMIT_TOKEN_LEN + 1];
	char			 f2[LIMIT_TOKEN_LEN + 1], url[128], hex[65];
	char			 nonce[2 * TOKEN_NONCE_LEN + 1];
	size_t			 i;

	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < 32; i++)
		cfg.token_secret[i] = (unsigned char)i;
	cfg.token_secret_len = 32;
	cfg.public_url = "https://crew.example.com";

	/* Made, then made again from what the database keeps. */
	is_int(crew_link_new(&cfg, 42, &l), 0, "a new link");
	ok(valid_token(l.token), "its token has the route's shape");
	sha256_hex(l.token, strlen(l.token), hex);
	is_str(l.hash_hex, hex, "the stored hash is SHA-256 of the token");
	is_int(strlen(l.nonce_hex), 64, "the stored nonce is 32 bytes, in hex");
	is_int(crew_link_token(&cfg, 42, l.nonce_hex, t), 0, "made again from the nonce");
	is_str(t, l.token, "the mail's token is the one the API handed out");
	crew_link_token(&cfg, 43, l.nonce_hex, t);
	ok(strcmp(t, l.token) != 0, "for another crew member the nonce makes another token");
	crew_link_new(&cfg, 42, &l2);
	ok(strcmp(l.token, l2.token) != 0 && strcmp(l.nonce_hex, l2.nonce_hex) != 0,
	    "every new link has a nonce and a token of its own");
	/* The vector of test-token.c: nonce 32 x 0xa5, id 42. */
	memset(nonce, 0, sizeof(nonce));
	for (i = 0; i < 64; i += 2)
		memcpy(nonce + i, "a5", 2);
	crew_link_token(&cfg, 42, nonce, t);
	is_str(t, "nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E",
	    "a link is token_derive(TOKEN_LINK, crew id, nonce)");
	is_int(crew_link_token(&cfg, 42, "a5a5", t), -1, "a short nonce is refused");
	is_str(t, "", "and nothing is written");
	nonce[5] = 'x';
	is_int(crew_link_token(&cfg, 42, nonce, t), -1, "a nonce that is not hex is refused");
	is_int(crew_link_token(&cfg, 42, NULL, t), -1, "no nonce (mailed already) is refused");

	/* The URL: one function for every crew link. */
	is_int(crew_link_url(&cfg, l.token, url, sizeof(url)), 0, "a URL");
	ok(strncmp(url, "https://crew.example.com/c/", 27) == 0 &&
	    strcmp(url + 27, l.token) == 0, "CHARTER_PUBLIC_URL/c/<token> (%s)", url);
	is_int(crew_link_url(&cfg, "../admin", url, sizeof(url)), -1,
	    "a token of the wrong shape makes no URL");
	is_str(url, "", "and nothing is written");
	is_int(crew_link_url(&cfg, l.token, url, 40), -1, "a URL that does not fit is refused, not cut");
	is_str(url, "", "nothing is written");

	/* The form token. */
	is_int(crew_form_token(&cfg, "nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E", f), 0,
	    "a form token");
	is_str(f, "qgYSFNIW7YkgSzj6Ti6s-PsWU7WqtrHgcT3HVNrch3w",
	    "HMAC-SHA256(secret, label, token), base64url (Python's vector)");
	ok(crew_form_token_ok(&cfg, "nl3FnQITaIAOYFHcGnP9Ol7vwRhF9zjroiQDOt3gQ6E", f),
	    "it checks");
	crew_form_token(&cfg, l.token, f2);
	ok(strcmp(f, f2) != 0, "each link has its own");
	ok(!crew_form_token_ok(&cfg, l.token, f), "another link's form token does not check");
	f2[0] = f2[0] == 'A' ? 'B' : 'A';
	ok(!crew_form_token_ok(&cfg, l.token, f2), "a changed one does not check");
	ok(!crew_form_token_ok(&cfg, l.token, ""), "an empty one does not check");
	ok(!crew_form_token_ok(&cfg, l.token, NULL), "a missing one does not check");
	ok(strcmp(f, l.token) != 0, "a form token is not the link's token");

	/* Without the secret nothing is made. */
	cfg.token_secret_len = 0;
	is_int(crew_link_new(&cfg, 42, &l), -1, "no secret: no link");
	is_str(l.token, "", "and nothing is left in it");
	is_int(crew_form_token(&cfg, l2.token, f), -1, "no secret: no form token");
	ok(!crew_form_token_ok(&cfg, l2.token, f2), "and none checks");
	return tap_done();
}
