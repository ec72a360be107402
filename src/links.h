/* links.h: every link charterd hands out (guest page, crew magic link, crew calendar feed, admin), built from CHARTER_PUBLIC_URL */
#ifndef CHARTERD_LINKS_H
#define CHARTERD_LINKS_H

#include <stddef.h>

/* What a link leads to; each takes one argument of a fixed shape. */
enum link_kind {
	LINK_GUEST,		/* /g/<slug>: valid_slug */
	LINK_CREW,		/* /c/<token>: valid_token (magic link) */
	LINK_CREW_OPEN,		/* /c/<token>/open: open slots */
	LINK_CREW_CALENDAR,	/* /c/<feed-token>/calendar.ics: valid_token */
	LINK_CREW_SETTLE,	/* /c/<token>/settle: the captain's settlement */
	LINK_CREW_RECEIPT,	/* /c/<token>/settle/receipt: its photo upload */
	LINK_ADMIN,		/* /admin/: no argument (NULL) */
	LINK_ADMIN_BOOKING,	/* /admin/bookings/<id>: valid_id */
	LINK__MAX
};

/*
 * The one way a URL is made: base (CHARTER_PUBLIC_URL, http:// or
 * https://, trailing slashes ignored, no query, fragment, space or
 * control character) joined to kind's path with arg in it, into out
 * (len bytes, NUL-terminated). arg must have the shape kind names, so it
 * needs no escaping and cannot add a path segment, a query or a second
 * slash. Returns 0, or -1 (out set to "") on a bad base, a bad arg, an
 * unknown kind, or a URL that does not fit: never a truncated link.
 */
int	link_url(char *out, size_t len, const char *base, enum link_kind kind,
	    const char *arg);

/*
 * The host of base (as link_url takes it), without port or path, into out
 * (len bytes): what names the site in identifiers that are not links, such
 * as calendar UIDs ("booking-7-crew-3@harborlight.example"). Returns 0, or
 * -1 (out set to "") on a bad base or a host that does not fit.
 */
int	link_host(char *out, size_t len, const char *base);

#endif
