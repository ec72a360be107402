/* test-links.c: every link is built by link_url() from the public URL: shapes, refusals, no double slash */
#include <string.h>

#include "links.h"
#include "tap.h"

#define TOKEN	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234"	/* 43 */

static const struct {
	const char	*base;
	enum link_kind	 kind;
	const char	*arg;
	const char	*want;		/* NULL: refused */
} cases[] = {
	{ "https://harborlight.example", LINK_GUEST, "ada-k3f9qz2m",
	  "https://harborlight.example/g/ada-k3f9qz2m" },
	{ "https://harborlight.example/", LINK_GUEST, "ada-k3f9qz2m",
	  "https://harborlight.example/g/ada-k3f9qz2m" },
	{ "https://harborlight.example///", LINK_GUEST, "ada-k3f9qz2m",
	  "https://harborlight.example/g/ada-k3f9qz2m" },
	{ "http://127.0.0.1:8080", LINK_GUEST, "abc",
	  "http://127.0.0.1:8080/g/abc" },
	{ "https://example.com/charter", LINK_GUEST, "abc",
	  "https://example.com/charter/g/abc" },
	{ "https://example.com/charter/", LINK_CREW, TOKEN,
	  "https://example.com/charter/c/" TOKEN },
	{ "https://x.example", LINK_CREW_OPEN, TOKEN,
	  "https://x.example/c/" TOKEN "/open" },
	{ "https://x.example", LINK_CREW_CALENDAR, TOKEN,
	  "https://x.example/c/" TOKEN "/calendar.ics" },
	{ "https://x.example", LINK_ADMIN, NULL, "https://x.example/admin/" },
	{ "https://x.example", LINK_ADMIN_BOOKING, "42",
	  "https://x.example/admin/bookings/42" },
	/* Arguments of the wrong shape. */
	{ "https://x.example", LINK_GUEST, "Ada", NULL },
	{ "https://x.example", LINK_GUEST, "ab", NULL },
	{ "https://x.example", LINK_GUEST, "-abc", NULL },
	{ "https://x.example", LINK_GUEST, "abc/../admin", NULL },
	{ "https://x.example", LINK_GUEST, "abc?x=1", NULL },
	{ "https://x.example", LINK_GUEST, "/abc", NULL },
	{ "https://x.example", LINK_GUEST, NULL, NULL },
	{ "https://x.example", LINK_GUEST, "", NULL },
	{ "https://x.example", LINK_CREW, "short", NULL },
	{ "https://x.example", LINK_CREW, TOKEN "x", NULL },
	{ "https://x.example", LINK_CREW, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_0123/",
	  NULL },
	{ "https://x.example", LINK_CREW_CALENDAR, "abcdefghijklmnopqrstuvwxyz"
	  "ABCDEFGHIJ+/0123", NULL },
	{ "https://x.example", LINK_ADMIN, "x", NULL },
	{ "https://x.example", LINK_ADMIN_BOOKING, "042", NULL },
	{ "https://x.example", LINK_ADMIN_BOOKING, "-1", NULL },
	{ "https://x.example", LINK_ADMIN_BOOKING, "1/2", NULL },
	{ "https://x.example", LINK__MAX, "abc", NULL },
	/* Bases that are not an origin with an optional path. */
	{ "ftp://x.example", LINK_GUEST, "abc", NULL },
	{ "x.example", LINK_GUEST, "abc", NULL },
	{ "https://", LINK_GUEST, "abc", NULL },
	{ "https:///x", LINK_GUEST, "abc", NULL },
	{ "https://x.example//charter", LINK_GUEST, "abc", NULL },
	{ "https://x.example/?q=1", LINK_GUEST, "abc", NULL },
	{ "https://x.example/#top", LINK_GUEST, "abc", NULL },
	{ "https://x.example/a b", LINK_GUEST, "abc", NULL },
	{ "https://x.example\r\n", LINK_GUEST, "abc", NULL },
	{ NULL, LINK_GUEST, "abc", NULL },
};

/* link_host: the host alone, for identifiers such as calendar UIDs. */
static const struct {
	const char	*base;
	const char	*want;		/* NULL: refused */
} hosts[] = {
	{ "https://harborlight.example", "harborlight.example" },
	{ "https://harborlight.example/", "harborlight.example" },
	{ "http://127.0.0.1:8080", "127.0.0.1" },
	{ "https://example.com/charter/", "example.com" },
	{ "https://example.com:8443/charter", "example.com" },
	{ "http://[::1]:8080/x", "[::1]" },
	{ "http://[::1", NULL },
	{ "https://user@example.com", NULL },
	{ "https://", NULL },
	{ "https:///x", NULL },
	{ "ftp://x.example", NULL },
	{ "https://:8080", NULL },
	{ NULL, NULL },
};

int
main(void)
{
	char	 out[256], small[24];
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = link_url(out, sizeof(out), cases[i].base, cases[i].kind,
		    cases[i].arg);
		if (cases[i].want == NULL) {
			ok(rc == -1 && out[0] == '\0', "refused: case %zu",
			    i);
			continue;
		}
		ok(rc == 0, "built: %s", cases[i].want);
		is_str(out, cases[i].want, "  as expected");
		ok(strstr(out + 8, "//") == NULL, "  no double slash");
	}
	/* Never a truncated link. */
	ok(link_url(small, sizeof(small), "https://harborlight.example",
	    LINK_GUEST, "ada-k3f9qz2m") == -1 && small[0] == '\0',
	    "a link that does not fit is refused, not cut");
	ok(link_url(small, 0, "https://x.example", LINK_GUEST, "abc") == -1,
	    "an empty buffer is refused");
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		rc = link_host(out, sizeof(out), hosts[i].base);
		if (hosts[i].want == NULL) {
			ok(rc == -1 && out[0] == '\0', "host refused: %s",
			    hosts[i].base ? hosts[i].base : "(null)");
			continue;
		}
		ok(rc == 0, "host of %s", hosts[i].base);
		is_str(out, hosts[i].want, "  is %s", hosts[i].want);
	}
	ok(link_host(small, 5, "https://harborlight.example") == -1 &&
	    small[0] == '\0', "a host that does not fit is refused, not cut");
	return tap_done();
}
