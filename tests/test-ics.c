/* test-ics.c: the crew calendar from libical: UIDs, SEQUENCE, STATUS, wall-clock times in the boat's zone with its VTIMEZONE, escaping, folding, same bytes each time */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ics.h"
#include "tap.h"

static const struct ics_feed feed = {
	.crew_id = 3, .uid_host = "harborlight.example",
	.name = "Harborlight charters",
	.contact = "Questions: ops@harborlight.example, +1 619 555 0100",
};

/* One charter as crew_feed_rows() lists it. */
static struct ics_event
event(long long id, long long version, int cancelled, long long start,
    long long end, const char *tz, const char *vessel, const char *notes)
{
	return (struct ics_event){ .booking_id = id, .version = version,
	    .cancelled = cancelled, .starts_at = start, .ends_at = end,
	    .stamp = 1780000000, .time_zone = tz, .vessel = vessel,
	    .meeting_point = "Harbor Island West Marina, dock B",
	    .notes = notes, .role = "deckhand", .captain = id == 8 };
}

static int
has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

static int
count(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* Every line ends with CRLF and is at most 75 octets (RFC 5545 3.1). */
static int
lines_ok(const char *s)
{
	const char *eol;

	while (*s != '\0') {
		if ((eol = strstr(s, "\r\n")) == NULL || eol - s > 75 ||
		    memchr(s, '\n', (size_t)(eol - s)) != NULL)
			return 0;
		s = eol + 2;
	}
	return 1;
}

/* s with its folds undone (RFC 5545 3.1: CRLF and one space or tab). */
static char *
unfold(const char *s)
{
	char	*u = strdup(s), *o = u;

	for (; u != NULL && *s != '\0'; s++) {
		if (s[0] == '\r' && s[1] == '\n' && (s[2] == ' ' || s[2] == '\t')) {
			s += 2;
			continue;
		}
		*o++ = *s;
	}
	if (u != NULL)
		*o = '\0';
	return u;
}

int
main(void)
{
	struct ics_event events[6], bad;
	struct buf	 out = { 0 }, again = { 0 };
	const char	*s;
	char		 notes[600], *u;

	memset(notes, 'x', sizeof(notes) - 1);
	notes[sizeof(notes) - 1] = '\0';
	memcpy(notes, "Bring gloves.\r\nSkipper: Sam\rÜber-long: ", 40);
	/* 10:00-14:00 in Los Angeles in summer (PDT, UTC-7) */
	events[0] = event(7, 4, 0, 1782925200, 1782939600, "America/Los_Angeles",
	    "Jada", notes);
	/* 10:00-14:00 in Los Angeles in winter (PST, UTC-8), cancelled */
	events[1] = event(8, 2, 1, 1796320800, 1796335200, "America/Los_Angeles",
	    "Jada, the; big \\ one", "");
	/* 01:30 on the night DST ends, first time round (PDT) */
	events[2] = event(9, 1, 0, 1793521800, 1793529000, "America/Los_Angeles",
	    "Jada", "");
	/* 01:30 again, second time round (PST): no TZID wall clock names
	 * it (RFC 5545 takes the first), so UTC */
	events[3] = event(10, 1, 0, 1793525400, 1793529000, "America/Los_Angeles",
	    "Jada", "");
	events[4] = event(11, 1, 0, 1781956800, 1781967600, "Mars/Olympus_Mons",
	    "Rover", "");
	events[5] = event(12, 1, 0, 1781956800, 1781967600, "UTC", "Zulu", "");
	ok(ics_render(&feed, events, 6, &out) == 0, "the calendar renders");
	s = buf_str(&out);
	ok(strncmp(s, "BEGIN:VCALENDAR\r\n", 17) == 0, "a VCALENDAR");
	ok(out.len > 15 && strcmp(s + out.len - 15, "END:VCALENDAR\r\n") == 0,
	    "  ending with END:VCALENDAR");
	ok(has(s, "\r\nVERSION:2.0\r\n") && has(s, "\r\nPRODID:"),
	    "VERSION and PRODID");
	ok(has(s, "\r\nX-WR-CALNAME:Harborlight charters\r\n"), "its name");
	ok(has(s, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n"),
	    "REFRESH-INTERVAL as a DURATION");
	ok(lines_ok(s), "every line CRLF-terminated, at most 75 octets");
	is_int(count(s, "BEGIN:VEVENT"), 6, "one VEVENT per charter");
	is_int(count(s, "BEGIN:VTIMEZONE"), 1, "one VTIMEZONE: LA's");
	ok(has(s, "\r\nTZID:America/Los_Angeles\r\n"),
	    "  named by the plain zone name");
	ok(!has(s, "freeassociation"), "  without libical's prefix");
	ok(has(s, "\r\nUID:booking-7-crew-3@harborlight.example\r\n"),
	    "UID booking-<id>-crew-<crew>@host");
	ok(has(s, "\r\nSEQUENCE:4\r\n") && has(s, "\r\nSEQUENCE:2\r\n"),
	    "SEQUENCE is the booking's version");
	ok(has(s, "\r\nDTSTART;TZID=America/Los_Angeles:20260701T100000\r\n"),
	    "summer: 17:00Z is 10:00 in Los Angeles");
	ok(has(s, "\r\nDTEND;TZID=America/Los_Angeles:20260701T140000\r\n"),
	    "  ends 14:00");
	ok(has(s, "\r\nDTSTART;TZID=America/Los_Angeles:20261203T100000\r\n"),
	    "winter: 18:00Z is 10:00 in Los Angeles");
	ok(has(s, "\r\nDTSTART;TZID=America/Los_Angeles:20261101T013000\r\n"),
	    "01:30 PDT on the night DST ends");
	ok(has(s, "\r\nDTSTART:20261101T093000Z\r\n"),
	    "01:30 PST, ambiguous as a wall clock, in UTC");
	ok(has(s, "\r\nDTSTART:20260620T120000Z\r\n"),
	    "a zone libical does not know: UTC");
	is_int(count(s, "DTSTART:20260620T120000Z"), 2, "  and UTC itself too");
	ok(has(s, "\r\nDTSTAMP:20260528T202640Z\r\n"), "DTSTAMP in UTC");
	is_int(count(s, "STATUS:CANCELLED"), 1, "the cancelled one is CANCELLED");
	is_int(count(s, "STATUS:CONFIRMED"), 5, "the others CONFIRMED");
	ok(has(s, "\r\nSUMMARY:Cancelled: Jada\\, the\\; big \\\\ one charter "
	    "(deckhand\\, captain)\r\n"), "SUMMARY escaped by libical");
	ok(has(s, "\r\nLOCATION:Harbor Island West Marina\\, dock B\r\n"),
	    "LOCATION is the meeting point");
	u = unfold(s);
	ok(u != NULL && !has(u, "\r\n "), "unfolded");
	s = u;
	ok(has(s, "DESCRIPTION:Role: deckhand\\nVessel: Jada\\nMeeting point: "),
	    "DESCRIPTION: role, vessel, meeting point");
	ok(has(s, "Bring gloves.\\nSkipper: Sam\\nÜber"),
	    "  notes with their line breaks, CR and CRLF alike");
	ok(has(s, "This charter was cancelled."), "  a cancelled one says so");
	is_int(count(s, "\\n\\nQuestions: ops@harborlight.example\\, "
	    "+1 619 555 0100\r\n"), 6, "  and whom to ask");
	ok(!has(s, "URL"), "no link: a feed must not carry a magic link");
	ok(ics_render(&feed, events, 6, &again) == 0 && again.len == out.len &&
	    memcmp(again.data, out.data, out.len) == 0,
	    "the same input gives the same bytes");
	free(u);

	buf_reset(&out);
	ok(ics_render(&feed, NULL, 0, &out) == 0 &&
	    count(buf_str(&out), "BEGIN:") == 1, "no charters: an empty calendar");
	bad = event(13, 1, 0, 1781956800, 1781956800, "UTC", "Zulu", "");
	buf_reset(&out);
	ok(ics_render(&feed, &bad, 1, &out) == -1,
	    "a charter that ends as it starts is refused");
	bad = event(13, 1, 0, 1781956800, 1781967600, NULL, "Zulu", "");
	buf_reset(&out);
	ok(ics_render(&feed, &bad, 1, &out) == -1,
	    "a charter without a zone is refused");
	buf_free(&out);
	buf_free(&again);
	return tap_done();
}
