/* crew_pages.c: what every crew-link page shares: the refusals (404, 410 saying why) and the checks a POST passes before anything else */
#include <string.h>

#include "app.h"
#include "crew_link.h"
#include "crew_pages.h"
#include "kv.h"

/* Bytes of CHARTER_PUBLIC_URL that make its origin (scheme://host:port). */
static size_t
origin_len(const char *url)
{
	const char *host = strstr(url, "://");

	if (host == NULL)
		return strlen(url);
	host += 3;
	return (size_t)(host - url) + strcspn(host, "/");
}

/* The browser's word on where the POST comes from (crew_post_ok). */
static int
same_origin(const struct request *req)
{
	const char	*site = http_param(req, "HTTP_SEC_FETCH_SITE");
	const char	*origin = http_param(req, "HTTP_ORIGIN");
	const char	*base = req->app->cfg->public_url;
	size_t		 n = origin_len(base);

	if (site != NULL && *site != '\0' && strcmp(site, "same-origin") != 0)
		return 0;
	if (origin == NULL || *origin == '\0' || strcmp(origin, "null") == 0)
		return 1;
	return strlen(origin) == n && strncmp(origin, base, n) == 0;
}

int
crew_post_ok(const struct request *req)
{
	return same_origin(req) && crew_form_token_ok(req->app->cfg,
	    req->p.token, kv_get(&req->form, "form_token"));
}

void
crew_link_not_found(struct request *req)
{
	resp_error(req, 404, "not_found", "There is no crew page at this "
	    "address. Check that you opened the whole link from your "
	    "newest invitation.");
}

void
crew_link_gone(struct request *req, const json_t *answer)
{
	const char	*why = json_string_value(json_object_get(answer, "reason"));
	json_t		*ctx;

	ctx = json_pack("{s:s, s:b, s:O, s:b, s:b, s:b, s:b}", "title",
	    "This crew link no longer works", "noindex", 1, "charter",
	    json_object_get(answer, "charter"),
	    "expired", why != NULL && strcmp(why, "expired") == 0,
	    "reissued", why != NULL && strcmp(why, "reissued") == 0,
	    "unassigned", why != NULL && strcmp(why, "unassigned") == 0,
	    "cancelled", why != NULL && strcmp(why, "cancelled") == 0);
	resp_page(req, 410, "crew_gone.html", ctx);
}
