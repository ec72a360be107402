/* mime.c: one RFC 5322 message: text and HTML as multipart/alternative, RFC 2047 headers, quoted-printable bodies */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mime.h"
#include "utf8.h"
#include "valid.h"

#define EW_HEAD		"=?UTF-8?B?"
#define EW_OVERHEAD	12	/* "=?UTF-8?B?" and "?=" */
#define EW_MAX		75	/* one encoded-word, at most (RFC 2047 2) */
#define URL_MAX		900	/* a List-Unsubscribe URL */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char hexdig[] = "0123456789ABCDEF";

/* A header being written: how long its current line is. */
struct hdr {
	struct buf	*out;
	size_t		 col;		/* bytes on the current line */
	size_t		 first;		/* col just after "Name:" */
	int		 failed;	/* an append failed */
};

static void
hdr_begin(struct hdr *h, struct buf *out, const char *name)
{
	h->out = out;
	h->failed = buf_puts(out, name) == -1 || buf_putc(out, ':') == -1;
	h->col = h->first = strlen(name) + 1;
}

/* Starts a continuation line: the CRLF of folding white space. */
static void
hdr_fold(struct hdr *h)
{
	if (buf_append(h->out, "\r\n", 2) == -1)
		h->failed = 1;
	h->col = 0;
}

/*
 * Appends " tok", on a new line when this one would pass MIME_FOLD. A
 * token is never split: one longer than a line (an address) makes that
 * line long, and the callers keep every token under MIME_LINE_MAX.
 */
static void
hdr_word(struct hdr *h, const char *tok, size_t len)
{
	if (h->col > h->first && h->col + 1 + len > MIME_FOLD)
		hdr_fold(h);
	if (buf_putc(h->out, ' ') == -1 || buf_append(h->out, tok, len) == -1)
		h->failed = 1;
	h->col += 1 + len;
}

static int
hdr_end(struct hdr *h)
{
	if (buf_append(h->out, "\r\n", 2) == -1)
		h->failed = 1;
	return h->failed ? -1 : 0;
}

static size_t
b64_encode(const unsigned char *p, size_t n, char *out)
{
	size_t		 i, o = 0;
	uint32_t	 v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	return o;
}

/*
 * Appends valid UTF-8 s as RFC 2047 B encoded-words, each filling what is
 * left of its line (at most EW_MAX) and holding whole characters only,
 * so each decodes on its own (RFC 2047 5). The white space between them
 * is not part of the text when decoded.
 */
static void
hdr_encoded(struct hdr *h, const char *s, size_t len)
{
	char	 word[EW_MAX + 1];
	size_t	 pos = 0, room, max, n, w;

	while (pos < len && !h->failed) {
		room = h->col + 1 < MIME_FOLD ? MIME_FOLD - h->col - 1 : 0;
		if (room > EW_MAX)
			room = EW_MAX;
		max = room >= EW_OVERHEAD + 4 ? (room - EW_OVERHEAD) / 4 * 3 : 0;
		n = len - pos < max ? len - pos : max;
		while (n > 0 && pos + n < len &&
		    ((unsigned char)s[pos + n] & 0xc0) == 0x80)
			n--;
		if (n == 0) {
			/* Not one character fits here; a new line has room
			 * for 45 bytes, and a character takes at most 4. */
			hdr_fold(h);
			continue;
		}
		memcpy(word, EW_HEAD, sizeof(EW_HEAD) - 1);
		w = sizeof(EW_HEAD) - 1;
		w += b64_encode((const unsigned char *)s + pos, n, word + w);
		word[w++] = '?';
		word[w++] = '=';
		hdr_word(h, word, w);
		pos += n;
	}
}

static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* 1 when s (len bytes) is printable ASCII, spaces included. */
static int
is_printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

/* A value a header may carry: UTF-8 without a control character or a
 * line or paragraph separator. */
static int
header_safe(const char *s, size_t len)
{
	return utf8_valid(s, len) && buf_header_bad(s, len) == len;
}

/*
 * Subject: words as they are when the value is ASCII, holds no "=?" and
 * has no word too long to fold; else encoded-words throughout, so no
 * white space between plain and encoded text has to be reasoned about.
 * s has single spaces between words and none at either end.
 */
static void
hdr_unstructured(struct hdr *h, const char *s, size_t len)
{
	const char	*w, *end = s + len, *sp;
	int		 plain = is_printable(s, len) &&
			    memmem(s, len, "=?", 2) == NULL;

	for (w = s; plain && w < end; w = sp + 1) {
		if ((sp = memchr(w, ' ', (size_t)(end - w))) == NULL)
			sp = end;
		if (h->first + 1 + (size_t)(sp - w) > MIME_FOLD)
			plain = 0;
	}
	if (!plain) {
		hdr_encoded(h, s, len);
		return;
	}
	for (w = s; w < end; w = sp + 1) {
		if ((sp = memchr(w, ' ', (size_t)(end - w))) == NULL)
			sp = end;
		hdr_word(h, w, (size_t)(sp - w));
	}
}

/*
 * A display name: atoms when it is words of atext, a quoted-string when
 * it is other printable ASCII that fits the line, else encoded-words.
 */
static void
hdr_phrase(struct hdr *h, const char *s, size_t len)
{
	char	 q[MIME_FOLD + 1];
	size_t	 i, n = 0;
	int	 atoms = len > 0 && s[0] != ' ' && s[len - 1] != ' ';

	for (i = 0; i < len && atoms; i++)
		if (!is_atext((unsigned char)s[i]) &&
		    !(s[i] == ' ' && s[i + 1] != ' '))
			atoms = 0;
	if (atoms) {
		hdr_unstructured(h, s, len);
		return;
	}
	if (is_printable(s, len) && memmem(s, len, "=?", 2) == NULL) {
		q[n++] = '"';
		for (i = 0; i < len && n + 3 < sizeof(q); i++) {
			if (s[i] == '"' || s[i] == '\\')
				q[n++] = '\\';
			q[n++] = s[i];
		}
		q[n++] = '"';
		if (i == len && h->col + 1 + n <= MIME_FOLD) {
			hdr_word(h, q, n);
			return;
		}
	}
	hdr_encoded(h, s, len);
}

/* Name: "display name" <addr>, or addr alone. */
static int
hdr_mailbox(struct buf *out, const char *field, const struct mime_mailbox *mb)
{
	struct hdr	 h;
	char		 angle[MIME_ADDR_MAX + 2];
	size_t		 alen = strlen(mb->addr);

	hdr_begin(&h, out, field);
	if (mb->name == NULL || mb->name[0] == '\0') {
		hdr_word(&h, mb->addr, alen);
		return hdr_end(&h);
	}
	hdr_phrase(&h, mb->name, strlen(mb->name));
	angle[0] = '<';
	memcpy(angle + 1, mb->addr, alen);
	angle[alen + 1] = '>';
	hdr_word(&h, angle, alen + 2);
	return hdr_end(&h);
}

static int
hdr_simple(struct buf *out, const char *field, const char *value)
{
	struct hdr h;

	hdr_begin(&h, out, field);
	hdr_word(&h, value, strlen(value));
	return hdr_end(&h);
}

/* id-left "@" id-right, each dot-atom-text (RFC 5322 3.6.4). */
static int
valid_msg_id(const char *s)
{
	const char	*at;
	size_t		 i, len;

	if (s == NULL || (len = strlen(s)) < 3 || len > MIME_ID_MAX ||
	    (at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	for (i = 0; i < len; i++) {
		if (s + i == at)
			continue;
		if (s[i] == '.') {
			if (i == 0 || i + 1 == len || s[i - 1] == '.' ||
			    s[i - 1] == '@' || s[i + 1] == '@')
				return 0;
		} else if (!is_atext((unsigned char)s[i]))
			return 0;
	}
	return at != s && at[1] != '\0';
}

static int
valid_url(const char *s)
{
	size_t i, len;

	if (s == NULL || (len = strlen(s)) == 0 || len > URL_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] > 0x7e ||
		    s[i] == '<' || s[i] == '>' || s[i] == '"')
			return 0;
	return 1;
}

static int
valid_mailbox(const struct mime_mailbox *mb)
{
	return mb->addr != NULL && valid_email(mb->addr) &&
	    (mb->name == NULL || (strlen(mb->name) < MIME_NAME_MAX &&
	    header_safe(mb->name, strlen(mb->name))));
}

/* Says what is wrong with m, or returns NULL when it can be sent. */
static const char *
check(const struct mime_message *m)
{
	if (!valid_mailbox(&m->from))
		return "the sender's address or name cannot be sent";
	if (!valid_mailbox(&m->to))
		return "the recipient's address is invalid, or their name "
		    "holds a line break or control character";
	if (m->reply_to != NULL && !valid_mailbox(m->reply_to))
		return "the Reply-To address or name cannot be sent";
	if (m->subject == NULL || !header_safe(m->subject, strlen(m->subject)))
		return "the subject holds a line break, a control character "
		    "or invalid UTF-8";
	if (!valid_msg_id(m->message_id))
		return "the Message-ID is not id@domain";
	if (m->list_unsubscribe != NULL && !valid_url(m->list_unsubscribe))
		return "the List-Unsubscribe URL cannot be sent";
	if (m->text == NULL || !utf8_valid(m->text, m->text_len))
		return "the text part is not UTF-8";
	if (m->html != NULL && !utf8_valid(m->html, m->html_len))
		return "the HTML part is not UTF-8";
	return NULL;
}

/* 1 when position j of s starts a line break or is the end. */
static int
at_line_end(const char *s, size_t len, size_t j)
{
	return j == len || s[j] == '\n' ||
	    (s[j] == '\r' && j + 1 < len && s[j + 1] == '\n');
}

/*
 * Appends s quoted-printable (RFC 2045 6.7): \n and \r\n become CRLF; '=',
 * bytes outside printable ASCII (a lone \r too) and a space or tab
 * before a line end become =XX; lines are soft-broken at MIME_QP_LINE.
 */
static int
qp_append(struct buf *out, const char *s, size_t len)
{
	char		 piece[3];
	size_t		 i, n, col = 0;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\n' || (c == '\r' && at_line_end(s, len, i))) {
			if (c == '\r')
				i++;
			if (buf_append(out, "\r\n", 2) == -1)
				return -1;
			col = 0;
			continue;
		}
		if ((c > ' ' && c < 0x7f && c != '=') || ((c == ' ' ||
		    c == '\t') && !at_line_end(s, len, i + 1))) {
			piece[0] = (char)c;
			n = 1;
		} else {
			piece[0] = '=';
			piece[1] = hexdig[c >> 4];
			piece[2] = hexdig[c & 15];
			n = 3;
		}
		/* Room for the piece and the '=' of a soft break. */
		if (col + n > MIME_QP_LINE - 1) {
			if (buf_append(out, "=\r\n", 3) == -1)
				return -1;
			col = 0;
		}
		if (buf_append(out, piece, n) == -1)
			return -1;
		col += n;
	}
	return 0;
}

static int
part(struct buf *out, const char *type, const char *s, size_t len)
{
	if (buf_printf(out, "Content-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", type) == -1)
		return -1;
	return qp_append(out, s, len);
}

/*
 * The boundary: "=_" cannot occur in quoted-printable text (an '=' there
 * is followed by hex digits or a line end), so no part can contain it;
 * the hash of the Message-ID makes it differ between messages.
 */
static void
boundary_of(const char *message_id, char out[20])
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	int		 i;

	for (; *message_id != '\0'; message_id++)
		h = (h ^ (unsigned char)*message_id) * 0x100000001b3ULL;
	out[0] = '=';
	out[1] = '_';
	for (i = 0; i < 16; i++)
		out[2 + i] = hexdig[(h >> (60 - 4 * i)) & 15];
	out[18] = '\0';
}

/* Copies s with runs of spaces made one and both ends trimmed. */
static int
squeeze(const char *s, struct buf *out)
{
	for (; *s == ' '; s++)
		;
	for (; *s != '\0'; s++) {
		if (*s == ' ' && (s[1] == ' ' || s[1] == '\0'))
			continue;
		if (buf_putc(out, *s) == -1)
			return -1;
	}
	return 0;
}

static int
headers(const struct mime_message *m, const char *boundary, struct buf *out)
{
	struct buf	 subj = { 0 };
	struct hdr	 h;
	char		 date[40], ct[64], id[MIME_ID_MAX + 3], url[URL_MAX + 3];
	int		 rc = -1;

	if (mime_date(date, sizeof(date), m->date) == -1 ||
	    squeeze(m->subject, &subj) == -1)
		goto out;
	snprintf(id, sizeof(id), "<%s>", m->message_id);
	if (hdr_simple(out, "Date", date) == -1 ||
	    hdr_mailbox(out, "From", &m->from) == -1 ||
	    hdr_mailbox(out, "To", &m->to) == -1 ||
	    (m->reply_to != NULL &&
	    hdr_mailbox(out, "Reply-To", m->reply_to) == -1))
		goto out;
	hdr_begin(&h, out, "Subject");
	hdr_unstructured(&h, buf_str(&subj), subj.len);
	if (hdr_end(&h) == -1 || hdr_simple(out, "Message-ID", id) == -1 ||
	    hdr_simple(out, "MIME-Version", "1.0") == -1 ||
	    hdr_simple(out, "Auto-Submitted", "auto-generated") == -1)
		goto out;
	if (m->list_unsubscribe != NULL) {
		snprintf(url, sizeof(url), "<%s>", m->list_unsubscribe);
		if (hdr_simple(out, "List-Unsubscribe", url) == -1)
			goto out;
	}
	if (boundary == NULL) {
		rc = 0;
		goto out;
	}
	hdr_begin(&h, out, "Content-Type");
	hdr_word(&h, "multipart/alternative;", 22);
	snprintf(ct, sizeof(ct), "boundary=\"%s\"", boundary);
	hdr_word(&h, ct, strlen(ct));
	rc = hdr_end(&h);
out:
	buf_free(&subj);
	return rc;
}

static int
body(const struct mime_message *m, const char *boundary, struct buf *out)
{
	if (boundary == NULL) {
		/* The message ends with its last line's CRLF. */
		if (part(out, "text/plain", m->text, m->text_len) == -1)
			return -1;
		if (out->len >= 2 && out->data[out->len - 1] == '\n')
			return 0;
		return buf_append(out, "\r\n", 2);
	}
	if (buf_printf(out, "\r\nThis is a message in MIME format: text and "
	    "HTML.\r\n\r\n--%s\r\n", boundary) == -1 ||
	    part(out, "text/plain", m->text, m->text_len) == -1 ||
	    buf_printf(out, "\r\n--%s\r\n", boundary) == -1 ||
	    part(out, "text/html", m->html, m->html_len) == -1 ||
	    buf_printf(out, "\r\n--%s--\r\n", boundary) == -1)
		return -1;
	return 0;
}

int
mime_build(const struct mime_message *m, struct buf *out, char *err,
    size_t errlen)
{
	const char	*why;
	char		 boundary[20];
	size_t		 start = out->len;

	if ((why = check(m)) != NULL) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	boundary_of(m->message_id, boundary);
	if (headers(m, m->html != NULL ? boundary : NULL, out) == -1 ||
	    body(m, m->html != NULL ? boundary : NULL, out) == -1) {
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
		snprintf(err, errlen, "out of memory building the message");
		return -2;
	}
	return 0;
}

/* Copies [s, e) into out (len bytes) with \" and \\ unescaped; -1 when
 * it does not fit. */
static int
copy_unquoted(const char *s, const char *e, char *out, size_t len)
{
	size_t n = 0;

	for (; s < e; s++) {
		if (*s == '\\' && s + 1 < e)
			s++;
		if (n + 1 >= len)
			return -1;
		out[n++] = *s;
	}
	out[n] = '\0';
	return 0;
}

int
mime_parse_mailbox(const char *s, char *name, size_t namelen, char *addr,
    size_t addrlen)
{
	const char	*lt, *gt, *as, *ae, *ns, *ne;

	if (s == NULL || namelen == 0 || addrlen == 0)
		return -1;
	name[0] = addr[0] = '\0';
	ns = ne = s;
	if ((lt = strrchr(s, '<')) != NULL) {
		if ((gt = strchr(lt, '>')) == NULL)
			return -1;
		for (ae = gt + 1; *ae == ' '; ae++)
			;
		if (*ae != '\0')
			return -1;
		as = lt + 1;
		ae = gt;
		ne = lt;
	} else {
		as = s;
		ae = s + strlen(s);
	}
	for (; as < ae && *as == ' '; as++)
		;
	for (; ae > as && ae[-1] == ' '; ae--)
		;
	for (; ns < ne && *ns == ' '; ns++)
		;
	for (; ne > ns && ne[-1] == ' '; ne--)
		;
	if (ne - ns >= 2 && *ns == '"' && ne[-1] == '"') {
		ns++;
		ne--;
	}
	if ((size_t)(ae - as) + 1 > addrlen)
		return -1;
	memcpy(addr, as, (size_t)(ae - as));
	addr[ae - as] = '\0';
	if (!valid_email(addr) || copy_unquoted(ns, ne, name, namelen) == -1 ||
	    !header_safe(name, strlen(name))) {
		name[0] = addr[0] = '\0';
		return -1;
	}
	return 0;
}

int
mime_date(char *out, size_t len, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	int		 n;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 1900)
		return -1;
	n = snprintf(out, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
