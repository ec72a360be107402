/* crew_pages.h: what every crew-link page shares: the refusals (404, 410 saying why) and the checks a POST passes before anything else */
#ifndef CHARTERD_CREW_PAGES_H
#define CHARTERD_CREW_PAGES_H

#include <jansson.h>

#include "http.h"

/* 404 page: no link has this token. */
void	crew_link_not_found(struct request *);

/*
 * 410 page for a link that no longer opens, from a lookup's answer
 * {reason: expired|reissued|unassigned|cancelled, charter {date_label,
 * vessel}}: says which, and whom to contact.
 */
void	crew_link_gone(struct request *, const json_t *answer);

/*
 * 1 when a POST under /c/<token> may act for the link: it carries the
 * page's form token (form field form_token, an HMAC of the link's token:
 * only a page charterd rendered has it) and, where the browser says where
 * it comes from, comes from this site (Sec-Fetch-Site same-origin; Origin
 * CHARTER_PUBLIC_URL's, or "null", which browsers send from a
 * no-referrer page and which says nothing either way). Clients that send
 * neither header still need the form token.
 */
int	crew_post_ok(const struct request *);

#endif
