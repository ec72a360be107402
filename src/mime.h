/* mime.h: one RFC 5322 message: text and HTML as multipart/alternative, RFC 2047 headers, quoted-printable bodies */
#ifndef CHARTERD_MIME_H
#define CHARTERD_MIME_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

#define MIME_FOLD	78	/* header lines are folded to this (RFC 5322 2.1.1) */
#define MIME_LINE_MAX	998	/* and never exceed this, CRLF not counted */
#define MIME_QP_LINE	76	/* quoted-printable lines (RFC 2045 6.7) */
#define MIME_NAME_MAX	256	/* a display name, in bytes */
#define MIME_ADDR_MAX	255	/* an address (LIMIT_EMAIL_LEN + NUL) */
#define MIME_ID_MAX	200	/* a Message-ID without its <> */

/* A mailbox: an optional display name and an address. */
struct mime_mailbox {
	const char	*name;	/* UTF-8, no control character; NULL or "": none */
	const char	*addr;	/* ASCII addr-spec that valid_email() accepts */
};

/* What a message says; every string is borrowed. */
struct mime_message {
	struct mime_mailbox	 from;
	struct mime_mailbox	 to;
	const struct mime_mailbox *reply_to;	/* NULL: none */
	const char		*subject;	/* UTF-8, one line */
	/* id-left@id-right without <>: printable ASCII atext and dots */
	const char		*message_id;
	time_t			 date;
	const char		*list_unsubscribe; /* a URL, or NULL: none */
	const char		*text;		/* UTF-8 body, \n or \r\n lines */
	size_t			 text_len;
	const char		*html;		/* NULL: a text/plain message */
	size_t			 html_len;
};

/*
 * Appends the whole message, ready for SMTP DATA (dot-stuffing is the
 * transport's job: libcurl does it), to out: Date, From, To, Reply-To,
 * Subject, Message-ID, MIME-Version, Content-Type, Auto-Submitted:
 * auto-generated and, when set, List-Unsubscribe; then the text (and
 * HTML) part, each quoted-printable UTF-8. Every line ends in CRLF; there
 * is no other CR or LF. Header bytes are ASCII: a name or subject that is
 * not ASCII, or that plain words cannot carry, goes as RFC 2047
 * encoded-words ("=?UTF-8?B?...?=", whole characters each). Header lines
 * are folded at MIME_FOLD, and only an address or id longer than a line
 * exceeds it (never MIME_LINE_MAX). Runs of spaces in the subject become
 * one, and it is trimmed. Returns 0; -1 with out unchanged and a sentence
 * in err saying which value cannot be sent (a control character or line
 * break in a name or the subject, invalid UTF-8, a bad address, id or
 * URL); or -2, out unchanged, when memory ran out.
 */
int	mime_build(const struct mime_message *, struct buf *out, char *err,
	    size_t errlen);

/*
 * Splits "Name <addr>", "\"Name\" <addr>", "<addr>" or "addr" (such as
 * CHARTER_MAIL_FROM) into name (unquoted; "" when none) and addr. Returns
 * 0, or -1 when the address is not one valid_email() accepts, the name
 * holds a control character, or either does not fit.
 */
int	mime_parse_mailbox(const char *s, char *name, size_t namelen,
	    char *addr, size_t addrlen);

/* Formats t as an RFC 5322 date in UTC: "Sat, 30 May 2026 16:00:00
 * +0000". Returns 0, or -1 when it does not fit in len. */
int	mime_date(char *out, size_t len, time_t t);

#endif
