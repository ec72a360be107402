/* test-mime.c: the messages mime.c builds: headers, encoded-words, quoted-printable, refusals */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime.h"
#include "tap.h"

#include "mime-check.h"

static const char plain_text[] = "Hello Ada,\nyour charter is confirmed.\n";
static const char plain_html[] = "<p>Hello Ada,</p>\n<p>confirmed.</p>\n";

/* A message every case starts from. */
static struct mime_message
base(void)
{
	struct mime_message m;

	memset(&m, 0, sizeof(m));
	m.from.name = "Harbor Light";
	m.from.addr = "crew@harborlight.example";
	m.to.name = "Ada Lovelace";
	m.to.addr = "ada@example.com";
	m.subject = "Your charter is confirmed";
	m.message_id = "outbox-12.0123456789abcdef@harborlight.example";
	m.date = 1780156800;
	m.text = plain_text;
	m.text_len = strlen(plain_text);
	m.html = plain_html;
	m.html_len = strlen(plain_html);
	return m;
}

/* Builds m; checks the shape every message has; returns the message
 * (caller frees) or NULL when mime_build refused it (err says why). */
static char *
build(const struct mime_message *m, char *err, size_t errlen, size_t *longest)
{
	struct buf	 out = { 0 };
	const char	*why;

	err[0] = '\0';
	if (mime_build(m, &out, err, errlen) == -1) {
		ok(out.len == 0, "a refused message leaves nothing behind");
		buf_free(&out);
		return NULL;
	}
	why = mc_shape(out.data, out.len, longest);
	ok(why == NULL, "message is well formed (%s)", why ? why : "ok");
	return out.data;
}

/* The decoded value of header name in msg ("" when absent). */
static void
decoded(const char *msg, const char *name, char *out, size_t len, int *words)
{
	char		*v = mc_header(msg, name);
	struct buf	 d = { 0 };

	*words = -1;
	out[0] = '\0';
	if (v != NULL && mc_decode_words(v, &d, words) == 0)
		snprintf(out, len, "%s", buf_str(&d));
	free(v);
	buf_free(&d);
}

static void
test_headers(void)
{
	struct mime_message	 m = base();
	char			 err[256], *msg, *v;
	size_t			 longest;

	msg = build(&m, err, sizeof(err), &longest);
	if (msg == NULL) {
		ok(0, "plain message builds: %s", err);
		return;
	}
	ok(longest <= MIME_FOLD, "header lines within %d (%zu)", MIME_FOLD,
	    longest);
	v = mc_header(msg, "Date");
	is_str(v, "Sat, 30 May 2026 16:00:00 +0000", "Date is RFC 5322");
	free(v);
	v = mc_header(msg, "From");
	is_str(v, "Harbor Light <crew@harborlight.example>", "From");
	free(v);
	v = mc_header(msg, "To");
	is_str(v, "Ada Lovelace <ada@example.com>", "To with an ASCII name");
	free(v);
	v = mc_header(msg, "Subject");
	is_str(v, "Your charter is confirmed", "ASCII subject as it is");
	free(v);
	v = mc_header(msg, "Message-ID");
	is_str(v, "<outbox-12.0123456789abcdef@harborlight.example>",
	    "Message-ID in angle brackets");
	free(v);
	v = mc_header(msg, "MIME-Version");
	is_str(v, "1.0", "MIME-Version");
	free(v);
	v = mc_header(msg, "Auto-Submitted");
	is_str(v, "auto-generated", "Auto-Submitted: auto-generated");
	free(v);
	v = mc_header(msg, "Content-Type");
	ok(v != NULL && strncmp(v, "multipart/alternative; boundary=\"=_", 35)
	    == 0, "multipart/alternative with a =_ boundary (%s)", v);
	free(v);
	v = mc_header(msg, "List-Unsubscribe");
	ok(v == NULL, "no List-Unsubscribe unless asked");
	free(v);
	v = mc_header(msg, "Reply-To");
	ok(v == NULL, "no Reply-To unless asked");
	free(v);
	ok(strncmp(msg, "Date: ", 6) == 0, "starts with a header");
	free(msg);

	m.list_unsubscribe = "https://harborlight.example/c/abc/prefs";
	m.reply_to = &m.from;
	m.from.name = NULL;
	msg = build(&m, err, sizeof(err), &longest);
	v = msg ? mc_header(msg, "List-Unsubscribe") : NULL;
	is_str(v, "<https://harborlight.example/c/abc/prefs>",
	    "List-Unsubscribe when asked");
	free(v);
	v = msg ? mc_header(msg, "From") : NULL;
	is_str(v, "crew@harborlight.example", "From without a name");
	free(v);
	v = msg ? mc_header(msg, "Reply-To") : NULL;
	is_str(v, "crew@harborlight.example", "Reply-To when asked");
	free(v);
	free(msg);
}

/* Display names and subjects: what the header says when decoded, and
 * how (plain, quoted, encoded). */
static const struct {
	const char	*name;
	const char	*subject;
	const char	*want_name;	/* decoded */
	const char	*want_subject;	/* decoded */
	int		 encoded;	/* encoded-words expected in To */
	const char	*raw_to;	/* raw To value, NULL: not checked */
} names[] = {
	{ "Zoë Ñúñez", "Your charter, Zoë Ñúñez, is confirmed",
	  "Zoë Ñúñez", "Your charter, Zoë Ñúñez, is confirmed", 1, NULL },
	{ "Ada ⛵🎉", "Party time 🎉🎉🎉 on the water ⛵",
	  "Ada ⛵🎉", "Party time 🎉🎉🎉 on the water ⛵", 1, NULL },
	{ "Smith, John", "Dock B, 9:00", "Smith, John", "Dock B, 9:00", 0,
	  "\"Smith, John\" <ada@example.com>" },
	{ "Say \"hi\" \\o/", "plain", "Say \"hi\" \\o/", "plain", 0,
	  "\"Say \\\"hi\\\" \\\\o/\" <ada@example.com>" },
	{ "=?UTF-8?B?QQ==?=", "=?UTF-8?B?QQ==?= is not a word here",
	  "=?UTF-8?B?QQ==?=", "=?UTF-8?B?QQ==?= is not a word here", 1, NULL },
	{ "John Q. Public", "  spaces   squeezed  ", "John Q. Public",
	  "spaces squeezed", 0, "\"John Q. Public\" <ada@example.com>" },
	{ "O'Brien", "x", "O'Brien", "x", 0, "O'Brien <ada@example.com>" },
};

/* A quoted-string display name as a reader shows it: quotes dropped,
 * backslash escapes undone. */
static void
unquote(char *s)
{
	char	*r, *w;

	if (s[0] != '"')
		return;
	for (r = s + 1, w = s; *r != '\0' && *r != '"'; r++) {
		if (*r == '\\' && r[1] != '\0')
			r++;
		*w++ = *r;
	}
	if (*r == '"')
		r++;
	memmove(w, r, strlen(r) + 1);
}

static void
test_names(void)
{
	struct mime_message	 m;
	char			 err[256], got[1024], *msg, *v;
	size_t			 i, longest;
	int			 words;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		m = base();
		m.to.name = names[i].name;
		m.subject = names[i].subject;
		msg = build(&m, err, sizeof(err), &longest);
		if (msg == NULL) {
			ok(0, "%s: builds (%s)", names[i].name, err);
			continue;
		}
		ok(longest <= MIME_FOLD, "%s: header lines within 78 (%zu)",
		    names[i].name, longest);
		decoded(msg, "To", got, sizeof(got), &words);
		unquote(got);
		snprintf(err, sizeof(err), "%s <ada@example.com>",
		    names[i].want_name);
		is_str(got, err, "%s: To decodes to the name", names[i].name);
		ok((words > 0) == names[i].encoded, "%s: To %s encoded-words "
		    "(%d)", names[i].name, names[i].encoded ? "uses" : "has no",
		    words);
		if (names[i].raw_to != NULL) {
			v = mc_header(msg, "To");
			is_str(v, names[i].raw_to, "%s: To as written",
			    names[i].name);
			free(v);
		}
		decoded(msg, "Subject", got, sizeof(got), &words);
		is_str(got, names[i].want_subject, "%s: Subject decodes",
		    names[i].name);
		free(msg);
	}
}

/* Long values fold at 78, and every encoded-word holds whole characters
 * (mc_decode_words checks each decodes to UTF-8 by itself). */
static void
test_folding(void)
{
	struct mime_message	 m = base();
	struct buf		 subj = { 0 }, name = { 0 };
	char			 err[256], got[4096], *msg;
	size_t			 i, longest;
	int			 words;

	for (i = 0; i < 30; i++)
		buf_puts(&subj, "charter ");
	buf_puts(&subj, "end");
	m.subject = buf_str(&subj);
	msg = build(&m, err, sizeof(err), &longest);
	ok(msg != NULL && longest <= MIME_FOLD, "long ASCII subject folded "
	    "within 78 (%zu)", longest);
	decoded(msg ? msg : "", "Subject", got, sizeof(got), &words);
	is_str(got, buf_str(&subj), "long ASCII subject unfolds to itself");
	is_int(words, 0, "and is not encoded");
	free(msg);

	buf_reset(&subj);
	for (i = 0; i < 40; i++)
		buf_puts(&subj, "Zoë🎉Ñ");
	m.subject = buf_str(&subj);
	for (i = 0; i < 25; i++)
		buf_puts(&name, "Ñúñez ");
	buf_puts(&name, "⛵");
	m.to.name = buf_str(&name);
	msg = build(&m, err, sizeof(err), &longest);
	ok(msg != NULL && longest <= MIME_FOLD, "long UTF-8 subject and name "
	    "folded within 78 (%zu)", longest);
	decoded(msg ? msg : "", "Subject", got, sizeof(got), &words);
	is_str(got, buf_str(&subj), "long UTF-8 subject decodes, each word "
	    "whole characters");
	ok(words > 5, "in several encoded-words (%d)", words);
	decoded(msg ? msg : "", "To", got, sizeof(got), &words);
	snprintf(err, sizeof(err), "%s <ada@example.com>", buf_str(&name));
	is_str(got, err, "long UTF-8 name decodes");
	free(msg);

	/* One word too long for any line cannot be folded: encoded. */
	buf_reset(&subj);
	for (i = 0; i < 100; i++)
		buf_putc(&subj, 'x');
	m.subject = buf_str(&subj);
	m.to.name = "Ada";
	msg = build(&m, err, sizeof(err), &longest);
	ok(msg != NULL && longest <= MIME_FOLD, "a 100-letter word within 78 "
	    "(%zu)", longest);
	decoded(msg ? msg : "", "Subject", got, sizeof(got), &words);
	is_str(got, buf_str(&subj), "and decodes");
	ok(words >= 2, "as encoded-words (%d)", words);
	free(msg);
	buf_free(&subj);
	buf_free(&name);
}

/* Quoted-printable bodies: input -> what the part decodes to (CRLF line
 * ends) and fragments the raw message must hold. */
static const struct {
	const char	*text;
	const char	*want;		/* decoded */
	const char	*raw;		/* in the raw message, or NULL */
	const char	*desc;
} bodies[] = {
	{ "a=b\n", "a=b\r\n", "a=3Db\r\n", "'=' as =3D" },
	{ "trailing   \nnext\n", "trailing   \r\nnext\r\n",
	  "trailing  =20\r\nnext", "trailing spaces kept as =20" },
	{ "tab\t\n", "tab\t\r\n", "tab=09\r\n", "trailing tab as =09" },
	{ "Zoë\n", "Zoë\r\n", "Zo=C3=AB", "UTF-8 as =XX" },
	{ "crlf\r\nlf\nend", "crlf\r\nlf\r\nend", NULL, "CRLF and LF both "
	  "become CRLF" },
	{ "lone\rcr\n", "lone\rcr\r\n", "lone=0Dcr", "a lone CR is encoded, "
	  "never bare" },
	{ ".\n.dot\n", ".\r\n.dot\r\n", "\r\n.\r\n.dot\r\n", "a leading dot "
	  "is left to the transport (libcurl stuffs it)" },
	{ "x=_y --=_z\n", "x=_y --=_z\r\n", "x=3D_y --=3D_z", "'=_' of the "
	  "boundary cannot occur in a part" },
	{ "", "", NULL, "empty body" },
};

static void
test_bodies(void)
{
	struct mime_message	 m;
	struct buf		 d = { 0 };
	char			 err[256], *msg;
	size_t			 i, longest;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		m = base();
		m.text = bodies[i].text;
		m.text_len = strlen(bodies[i].text);
		msg = build(&m, err, sizeof(err), &longest);
		buf_reset(&d);
		ok(msg != NULL && mc_part(msg, "text/plain", &d) == 0,
		    "%s: text part decodes", bodies[i].desc);
		is_str(buf_str(&d), bodies[i].want, "%s: text as given",
		    bodies[i].desc);
		if (bodies[i].raw != NULL)
			ok(msg != NULL && strstr(msg, bodies[i].raw) != NULL,
			    "%s: raw", bodies[i].desc);
		buf_reset(&d);
		ok(msg != NULL && mc_part(msg, "text/html", &d) == 0 &&
		    strcmp(buf_str(&d), "<p>Hello Ada,</p>\r\n<p>confirmed."
		    "</p>\r\n") == 0, "%s: HTML part too", bodies[i].desc);
		free(msg);
	}
	buf_free(&d);
}

/* A 500-byte line: soft breaks at 76, decodes back whole. */
static void
test_long_lines(void)
{
	struct mime_message	 m = base();
	struct buf		 text = { 0 }, want = { 0 }, d = { 0 };
	char			 err[256], *msg, *p;
	size_t			 i, longest, line, maxline = 0;

	for (i = 0; i < 100; i++)
		buf_puts(&text, "ab=ë ");
	buf_puts(&text, "\n");
	buf_append(&want, text.data, text.len - 1);
	buf_puts(&want, "\r\n");
	m.text = text.data;
	m.text_len = text.len;
	msg = build(&m, err, sizeof(err), &longest);
	ok(msg != NULL && mc_part(msg, "text/plain", &d) == 0 &&
	    strcmp(buf_str(&d), buf_str(&want)) == 0,
	    "a 600-byte line decodes back whole");
	for (p = msg ? strstr(msg, "\r\n\r\n") : NULL; p != NULL && *p;
	    p += line + 2) {
		line = strcspn(p, "\r");
		if (line > maxline)
			maxline = line;
		if (p[line] == '\0')
			break;
	}
	ok(maxline <= MIME_QP_LINE, "body lines within 76 (%zu)", maxline);
	free(msg);
	buf_free(&text);
	buf_free(&want);
	buf_free(&d);
}

static void
test_text_only(void)
{
	struct mime_message	 m = base();
	struct buf		 d = { 0 };
	char			 err[256], *msg, *v;
	size_t			 longest;

	m.html = NULL;
	msg = build(&m, err, sizeof(err), &longest);
	v = msg ? mc_header(msg, "Content-Type") : NULL;
	is_str(v, "text/plain; charset=UTF-8", "text only: text/plain");
	free(v);
	v = msg ? mc_header(msg, "Content-Transfer-Encoding") : NULL;
	is_str(v, "quoted-printable", "quoted-printable");
	free(v);
	ok(msg != NULL && mc_part(msg, "text/plain", &d) == 0 &&
	    strcmp(buf_str(&d), "Hello Ada,\r\nyour charter is confirmed.\r\n")
	    == 0, "the body decodes");
	free(msg);
	buf_free(&d);
}

/* What must never be sent: header injection and bad addresses. */
static void
test_refusals(void)
{
	static const struct {
		const char *name, *addr, *subject, *id, *unsub, *why;
	} bad[] = {
		{ "Eve\r\nBcc: victim@example.com", NULL, NULL, NULL, NULL,
		  "a name with CR LF (header injection)" },
		{ "Eve\nBcc: victim@example.com", NULL, NULL, NULL, NULL,
		  "a name with LF" },
		{ "Eve\rX", NULL, NULL, NULL, NULL, "a name with CR" },
		{ "Eve\tX", NULL, NULL, NULL, NULL, "a name with a tab" },
		{ "Eve\xe2\x80\xa8X", NULL, NULL, NULL, NULL,
		  "a name with U+2028" },
		{ "Eve\xc2\x85X", NULL, NULL, NULL, NULL, "a name with NEL" },
		{ "Ev\xff", NULL, NULL, NULL, NULL, "a name not UTF-8" },
		{ NULL, NULL, "Hi\r\nBcc: x@example.com", NULL, NULL,
		  "a subject with CR LF" },
		{ NULL, NULL, "Hi\x7f", NULL, NULL, "a subject with DEL" },
		{ NULL, "ada@example", NULL, NULL, NULL, "an address without "
		  "a dot in its domain" },
		{ NULL, "ada@example.com\r\nBcc: x@example.com", NULL, NULL,
		  NULL, "an address with CR LF" },
		{ NULL, "<ada@example.com>", NULL, NULL, NULL, "an address in "
		  "brackets" },
		{ NULL, "ada lovelace@example.com", NULL, NULL, NULL,
		  "an address with a space" },
		{ NULL, "zoë@example.com", NULL, NULL, NULL, "a non-ASCII "
		  "address (no SMTPUTF8)" },
		{ NULL, NULL, NULL, "no-at-sign", NULL, "a Message-ID without "
		  "@" },
		{ NULL, NULL, NULL, "a b@example.com", NULL, "a Message-ID "
		  "with a space" },
		{ NULL, NULL, NULL, "a>@example.com", NULL, "a Message-ID "
		  "with >" },
		{ NULL, NULL, NULL, NULL, "https://x.example/a b", "a "
		  "List-Unsubscribe URL with a space" },
		{ NULL, NULL, NULL, NULL, "https://x.example/>\r\nBcc: x",
		  "a List-Unsubscribe URL with CR LF" },
	};
	struct mime_message	 m;
	struct buf		 out = { 0 };
	char			 err[256];
	size_t			 i;

	buf_puts(&out, "kept");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = base();
		if (bad[i].name)
			m.to.name = bad[i].name;
		if (bad[i].addr)
			m.to.addr = bad[i].addr;
		if (bad[i].subject)
			m.subject = bad[i].subject;
		if (bad[i].id)
			m.message_id = bad[i].id;
		if (bad[i].unsub)
			m.list_unsubscribe = bad[i].unsub;
		err[0] = '\0';
		ok(mime_build(&m, &out, err, sizeof(err)) == -1 &&
		    strcmp(buf_str(&out), "kept") == 0 && err[0] != '\0',
		    "refused: %s (%s)", bad[i].why, err);
	}
	m = base();
	m.to.name = "Eve\r\nBcc: victim@example.com";
	mime_build(&m, &out, err, sizeof(err));
	ok(strstr(err, "name") != NULL, "the reason names the name: %s", err);
	m = base();
	m.text = "bad \xc3";
	m.text_len = 5;
	ok(mime_build(&m, &out, err, sizeof(err)) == -1, "a text part not "
	    "UTF-8 is refused (%s)", err);
	buf_free(&out);
	m = base();
	out.max = 300;
	buf_puts(&out, "kept");
	is_int(mime_build(&m, &out, err, sizeof(err)), -2, "out of room: -2");
	is_str(buf_str(&out), "kept", "and the buffer is as it was");
	buf_free(&out);
}

static void
test_parse_mailbox(void)
{
	static const struct {
		const char *in, *name, *addr;
		int rc;
	} cases[] = {
		{ "Harbor Light <crew@harborlight.example>", "Harbor Light",
		  "crew@harborlight.example", 0 },
		{ "\"Light, Harbor\" <a@b.co>", "Light, Harbor", "a@b.co", 0 },
		{ "\"Say \\\"hi\\\"\" <a@b.co>", "Say \"hi\"", "a@b.co", 0 },
		{ "a@b.co", "", "a@b.co", 0 },
		{ "  <a@b.co>  ", "", "a@b.co", 0 },
		{ "Zoë <a@b.co>", "Zoë", "a@b.co", 0 },
		{ "Bad <a@b>", "", "", -1 },
		{ "Name <a@b.co> trailing", "", "", -1 },
		{ "Name <a@b.co", "", "", -1 },
		{ "Na\r\nme <a@b.co>", "", "", -1 },
		{ "", "", "", -1 },
	};
	char	 name[MIME_NAME_MAX], addr[MIME_ADDR_MAX];
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = mime_parse_mailbox(cases[i].in, name, sizeof(name), addr,
		    sizeof(addr));
		is_int(rc, cases[i].rc, "parse case %zu", i);
		is_str(name, cases[i].name, "  name");
		is_str(addr, cases[i].addr, "  address");
	}
	ok(mime_parse_mailbox("a@b.co", name, sizeof(name), addr, 4) == -1,
	    "an address that does not fit is refused");
}

static void
test_date(void)
{
	char out[40];

	ok(mime_date(out, sizeof(out), 0) == 0, "epoch formats");
	is_str(out, "Thu, 01 Jan 1970 00:00:00 +0000", "the epoch");
	mime_date(out, sizeof(out), 951868799);
	is_str(out, "Tue, 29 Feb 2000 23:59:59 +0000", "a leap day");
	ok(mime_date(out, 10, 0) == -1, "too small a buffer fails");
}

int
main(void)
{
	test_headers();
	test_names();
	test_folding();
	test_bodies();
	test_long_lines();
	test_text_only();
	test_refusals();
	test_parse_mailbox();
	test_date();
	return tap_done();
}
