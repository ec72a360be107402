/* smtp.h: one kept-alive SMTP client over libcurl, for the mail target */
#ifndef CHARTERD_SMTP_H
#define CHARTERD_SMTP_H

#include <stddef.h>

struct smtp;

/* How a submission went. */
enum smtp_rc {
	SMTP_SENT,		/* the server took it (250 after DATA) */
	SMTP_RETRY,		/* a 4xx reply, a transport error or timeout */
	SMTP_REFUSED,		/* a 5xx reply: it will refuse it again */
};

/*
 * A client for url: smtp://[user:password@]host[:port][/helo-domain] or
 * smtps://. smtps:// is TLS from the start. smtp:// to a loopback host
 * (127.0.0.0/8, ::1, localhost) is plain: a relay on this host; to any
 * other host it must upgrade with STARTTLS (CURLUSESSL_ALL), so a mail
 * and the password in the URL never cross a network in clear. The
 * certificate is always verified. Timeouts connect_ms and total_ms per
 * mail. One libcurl handle, reused: libcurl keeps the SMTP connection
 * open between mails. Returns NULL with a sentence in err (no secret in
 * it) on a URL of another scheme or without a host, or no memory.
 */
struct smtp	*smtp_new(const char *url, long connect_ms, long total_ms,
		    char *err, size_t errlen);

/*
 * Submits msg (len bytes, CRLF lines; libcurl dot-stuffs) from the
 * envelope sender from to the recipient to (bare addresses). On
 * SMTP_RETRY and SMTP_REFUSED, why says what happened: the server's
 * reply as it sent it ("550 5.1.1 No such mailbox"), or the transport
 * error with the host; never the URL. A kept-alive connection the server
 * has closed meanwhile is replaced at once, once, when nothing of the
 * mail was taken. Logs each new connection (host only).
 */
enum smtp_rc	 smtp_send(struct smtp *, const char *from, const char *to,
		    const char *msg, size_t len, char *why, size_t whylen);

/* Connections opened so far (each reused one counts once). */
unsigned long	 smtp_connections(const struct smtp *);

/* The server's host name, for logs. */
const char	*smtp_host(const struct smtp *);

/* Ends the session (QUIT) and frees the client; NULL is fine. */
void		 smtp_free(struct smtp *);

#endif
