/* test-valid.c: primitive input validators */
#include <stdio.h>
#include <string.h>

#include "limits.h"
#include "tap.h"
#include "valid.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char	 long_slug[LIMIT_SLUG_MAX + 1];	/* exactly 64 */
static char	 over_slug[201];			/* 200 */
static char	 long_email[LIMIT_EMAIL_LEN + 2];	/* 255 */
static char	 long_local[80];
static char	 long_tz[LIMIT_TZ_LEN + 2];

static void
fill(void)
{
	size_t	 i;

	memset(long_slug, 'a', LIMIT_SLUG_MAX);
	memset(over_slug, 'b', 200);
	/* 65 local chars: one over LIMIT_EMAIL_LOCAL */
	memset(long_local, 'x', 65);
	memcpy(long_local + 65, "@ex.com", 8);
	/* 255 total: label.label...@ with a valid shape, but too long */
	memset(long_email, 'a', sizeof(long_email) - 1);
	long_email[0] = 'u';
	long_email[1] = '@';
	for (i = 2 + 60; i < LIMIT_EMAIL_LEN + 1 - 4; i += 61)
		long_email[i] = '.';
	memcpy(long_email + LIMIT_EMAIL_LEN + 1 - 4, ".com", 4);
	long_email[LIMIT_EMAIL_LEN + 1] = '\0';
	memset(long_tz, 'Z', LIMIT_TZ_LEN + 1);
}

static const char *const slug_valids[] = {
	"abc", "a1b", "sunset-cruise-2025", "123", "a-b", "x--y",
	"0-0", long_slug,
};
static const char *const slug_invalids[] = {
	"", "a", "ab", "-ab", "ab-", "UPPER", "Sunset", "../etc/passwd",
	"a_b", "a b", "a.b", "sunset/cruise", "caf\xc3\xa9", over_slug,
	"abc\n", "%2e%2e",
};

static const char *const email_valids[] = {
	"a@b.co", "guest@example.com", "first.last@sub.example.org",
	"o'brien+charter@example.co.uk", "x_y-z@my-host.example",
	"UPPER@EXAMPLE.COM", "1234@example.com",
};
static const char *const email_invalids[] = {
	"", "plain", "@example.com", "a@", "a@b", "a@@b.com", "a@b@c.com",
	"a b@example.com", "a@exa mple.com", ".a@example.com",
	"a.@example.com", "a..b@example.com", "a@-example.com",
	"a@example-.com", "a@example..com", "a@.example.com",
	"a@example.com.", "a@1.2.3.4", "a@[127.0.0.1]", "\"a\"@example.com",
	"a@exa_mple.com", "a\n@example.com", "a@example.com\r\nBcc: x@y.z",
	"caf\xc3\xa9@example.com", "a<b>@example.com", long_local, long_email,
};

static const char *const phone_valids[] = {
	"+1 (415) 555-0100", "415.555.0100", "5550100", "+44 20 7946 0958",
	"1234",
};
static const char *const phone_invalids[] = {
	"", "123", "----", "+1 555 0100 ext 5", "555-0100+", "1+234567",
	"phone", "555\n0100", "+1 (415) 555-0100 / 555-0101",
	"12345678901234567890123456789012345678901",	/* 41 */
};

static const char *const tz_valids[] = {
	"UTC", "America/Los_Angeles", "Etc/GMT+8", "Etc/GMT-14",
	"America/Argentina/Buenos_Aires", "America/Port-au-Prince",
	"EST5EDT", "Europe/Isle_of_Man",
};
static const char *const tz_invalids[] = {
	"", "/etc/passwd", "../../etc/passwd", "America/../etc",
	"America//New_York", "America/", "Los Angeles", "UTC;DROP",
	"America/New_York\n", "+08:00", "_UTC", long_tz,
};

struct iso {
	const char	*s;
	long long	 epoch;
};

static const struct iso iso_valids[] = {
	{ "1970-01-01T00:00Z", 0 },
	{ "1970-01-01T00:00:00Z", 0 },
	{ "1970-01-01T00:00:00.999999999Z", 0 },
	{ "2000-01-01T00:00:00Z", 946684800 },
	{ "2024-02-29T12:00:00Z", 1709208000 },		/* leap year */
	{ "2000-02-29T00:00:00Z", 951782400 },		/* 400 rule */
	{ "2025-06-01T09:30:00-07:00", 1748795400 },
	{ "2025-06-01T16:30:00Z", 1748795400 },
	{ "2025-06-02T02:30:00+10:00", 1748795400 },
	{ "2025-06-01T09:30-07:00", 1748795400 },
	{ "2025-12-31T23:59:59+14:00", 1767175199 },
	{ "2025-01-01T00:00:00-14:00", 1735740000 },
	{ "2025-03-09T02:30:00+05:45", 1741466700 },
	{ "1969-12-31T23:59:59Z", -1 },
	{ "9999-12-31T23:59:59Z", 253402300799LL },
	{ "2025-06-01T09:30:00.5-00:00", 1748770200 },
};
static const char *const iso_invalids[] = {
	"", "garbage", "2025-06-01", "2025-06-01T09:30:00",	/* no offset */
	"2025-06-01T09:30", "2025-06-01 09:30:00Z", "2025-06-01t09:30:00z",
	"2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",	/* not leap */
	"2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z", "2025-00-10T00:00Z",
	"2025-01-00T00:00Z", "2025-01-32T00:00Z",
	"2025-06-01T24:00:00Z", "2025-06-01T23:60:00Z",
	"2025-06-01T23:59:60Z", "2025-06-01T09:30:00+14:01",
	"2025-06-01T09:30:00+15:00", "2025-06-01T09:30:00+0700",
	"2025-06-01T09:30:00+07", "2025-06-01T09:30:00+07:60",
	"2025-06-01T09:30:00.Z", "2025-06-01T09:30:00.1234567890Z",
	"2025-06-01T09:30.5Z", "2025-06-01T09:30:00ZZ",
	"2025-06-01T09:30:00Z ", " 2025-06-01T09:30:00Z",
	"0000-01-01T00:00:00Z", "+2025-06-01T09:30:00Z", "20250601T093000Z",
	"2025-6-01T09:30:00Z", "2025-06-01T9:30:00Z", "2025-06-01T09:30:0Z",
	"2025-06-01T09:30:00+07:00\n", "\xef\xbc\x92\xef\xbc\x90\x32\x35-06-01",
};

struct text {
	const char	*s;
	size_t		 max;
	int		 multiline;
	const char	*what;
};

static const struct text text_valids[] = {
	{ "", 10, 0, "empty" },
	{ "Sea Breeze", 10, 0, "exactly max" },
	{ "caf\xc3\xa9", 4, 0, "max counts characters, not bytes" },
	{ "\xf0\x9f\x9a\xa2 boat", 6, 0, "emoji counts as one" },
	{ "line 1\nline 2\r\n\tindented", 100, 1, "multiline controls" },
	{ "tab\tinside", 100, 1, "tab when multiline" },
};
static const struct text text_invalids[] = {
	{ "Sea Breeze!", 10, 0, "one over max" },
	{ "line\nbreak", 100, 0, "newline when single-line" },
	{ "tab\tinside", 100, 0, "tab when single-line" },
	{ "bell\a", 100, 1, "BEL even when multiline" },
	{ "esc\x1b[31m", 100, 1, "ESC even when multiline" },
	{ "del\x7f", 100, 1, "DEL" },
	{ "c1 \xc2\x85", 100, 1, "C1 control NEL" },
	{ "c1 \xc2\x9b", 100, 0, "C1 control CSI" },
	{ "bad \xc3\x28", 100, 0, "invalid UTF-8" },
	{ "overlong \xc0\xaf", 100, 0, "overlong" },
	{ "surrogate \xed\xa0\x80", 100, 1, "surrogate" },
};

int
main(void)
{
	size_t		 i;
	long long	 t;

	fill();
	is_int(strlen(long_slug), 64, "long slug is 64");
	is_int(strlen(long_email), 255, "long email is 255");

	for (i = 0; i < NELEM(slug_valids); i++)
		ok(valid_slug(slug_valids[i]), "slug valid: %.20s",
		    slug_valids[i]);
	for (i = 0; i < NELEM(slug_invalids); i++)
		ok(!valid_slug(slug_invalids[i]), "slug invalid #%zu", i);
	ok(!valid_slug(NULL), "slug invalid: NULL");

	for (i = 0; i < NELEM(email_valids); i++)
		ok(valid_email(email_valids[i]), "email valid: %s",
		    email_valids[i]);
	for (i = 0; i < NELEM(email_invalids); i++)
		ok(!valid_email(email_invalids[i]), "email invalid #%zu", i);
	long_email[LIMIT_EMAIL_LEN] = '\0';	/* 254: "...co" still valid */
	long_email[LIMIT_EMAIL_LEN - 1] = 'o';
	ok(valid_email(long_email), "email valid at exactly %d",
	    LIMIT_EMAIL_LEN);

	for (i = 0; i < NELEM(phone_valids); i++)
		ok(valid_phone(phone_valids[i]), "phone valid: %s",
		    phone_valids[i]);
	for (i = 0; i < NELEM(phone_invalids); i++)
		ok(!valid_phone(phone_invalids[i]), "phone invalid #%zu", i);

	for (i = 0; i < NELEM(tz_valids); i++)
		ok(valid_time_zone_name(tz_valids[i]), "tz valid: %s",
		    tz_valids[i]);
	for (i = 0; i < NELEM(tz_invalids); i++)
		ok(!valid_time_zone_name(tz_invalids[i]), "tz invalid #%zu",
		    i);

	for (i = 0; i < NELEM(iso_valids); i++) {
		t = 42424242;
		ok(valid_iso8601(iso_valids[i].s, &t), "iso valid: %s",
		    iso_valids[i].s);
		is_int(t, iso_valids[i].epoch, "iso epoch: %s",
		    iso_valids[i].s);
	}
	for (i = 0; i < NELEM(iso_invalids); i++) {
		t = 42;
		ok(!valid_iso8601(iso_invalids[i], &t), "iso invalid #%zu", i);
		ok(t == 42, "iso invalid #%zu leaves epoch alone", i);
	}
	ok(valid_iso8601("2025-06-01T09:30:00Z", NULL), "iso: NULL epoch ok");
	ok(!valid_iso8601(NULL, &t), "iso: NULL string invalid");

	for (i = 0; i < NELEM(text_valids); i++)
		ok(valid_text(text_valids[i].s, text_valids[i].max,
		    text_valids[i].multiline), "text valid: %s",
		    text_valids[i].what);
	for (i = 0; i < NELEM(text_invalids); i++)
		ok(!valid_text(text_invalids[i].s, text_invalids[i].max,
		    text_invalids[i].multiline), "text invalid: %s",
		    text_invalids[i].what);
	ok(!valid_textn("a\0b", 3, 10, 1), "textn: embedded NUL invalid");
	ok(valid_textn("abc", 2, 2, 0), "textn: length bounds the scan");

	return tap_done();
}
