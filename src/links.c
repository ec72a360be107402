/* links.c: every link charterd hands out, built from CHARTER_PUBLIC_URL by one function */
#include <stdio.h>
#include <string.h>

#include "links.h"
#include "valid.h"

static int
arg_none(const char *arg)
{
	return arg == NULL;
}

static int
arg_id(const char *arg)
{
	return valid_id(arg, NULL);
}

/* Per kind: the path around its argument and the argument's shape. */
static const struct {
	const char	*before;
	const char	*after;
	int		(*valid)(const char *);
} links[LINK__MAX] = {
	[LINK_GUEST] = { "/g/", "", valid_slug },
	[LINK_CREW] = { "/c/", "", valid_token },
	[LINK_CREW_OPEN] = { "/c/", "/open", valid_token },
	[LINK_CREW_CALENDAR] = { "/c/", "/calendar.ics", valid_token },
	[LINK_CREW_SETTLE] = { "/c/", "/settle", valid_token },
	[LINK_CREW_RECEIPT] = { "/c/", "/settle/receipt", valid_token },
	[LINK_ADMIN] = { "/admin/", "", arg_none },
	[LINK_ADMIN_BOOKING] = { "/admin/bookings/", "", arg_id },
};

/* The length of base without its trailing slashes; 0 when base is not a
 * bare http(s) origin with an optional path. */
static size_t
base_len(const char *base)
{
	size_t	 len, i, start;

	if (base == NULL)
		return 0;
	if (strncmp(base, "https://", 8) == 0)
		start = 8;
	else if (strncmp(base, "http://", 7) == 0)
		start = 7;
	else
		return 0;
	len = strlen(base);
	for (i = 0; i < len; i++)
		if ((unsigned char)base[i] <= ' ' || base[i] == 0x7f ||
		    base[i] == '?' || base[i] == '#' || base[i] == '\\')
			return 0;
	while (len > start && base[len - 1] == '/')
		len--;
	/* A host is needed ("http:///x" has none), and a path of its own
	 * must not hold an empty segment: no "//" anywhere after the scheme. */
	if (len == start || base[start] == '/' ||
	    memmem(base + start, len - start, "//", 2) != NULL)
		return 0;
	return len;
}

int
link_url(char *out, size_t len, const char *base, enum link_kind kind,
    const char *arg)
{
	size_t	 blen;
	int	 n;

	if (len == 0)
		return -1;
	out[0] = '\0';
	if ((unsigned)kind >= LINK__MAX || (blen = base_len(base)) == 0 ||
	    !links[kind].valid(arg))
		return -1;
	n = snprintf(out, len, "%.*s%s%s%s", (int)blen, base,
	    links[kind].before, arg != NULL ? arg : "", links[kind].after);
	if (n < 0 || (size_t)n >= len) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int
link_host(char *out, size_t len, const char *base)
{
	size_t	 blen, start, n;

	if (len == 0)
		return -1;
	out[0] = '\0';
	if ((blen = base_len(base)) == 0)
		return -1;
	start = strncmp(base, "https://", 8) == 0 ? 8 : 7;
	/* An IPv6 literal keeps its brackets; a port goes. */
	if (base[start] == '[') {
		n = strcspn(base + start, "]");
		if (start + n >= blen)
			return -1;
		n++;
	} else
		n = strcspn(base + start, ":/");
	if (start + n > blen)
		n = blen - start;
	/* A user name is no part of a host (and no URL of ours has one). */
	if (n == 0 || n >= len || memchr(base + start, '@', n) != NULL)
		return -1;
	memcpy(out, base + start, n);
	out[n] = '\0';
	return 0;
}
