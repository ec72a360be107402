/* smtp.c: one kept-alive SMTP client over libcurl, for the mail target */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "log.h"
#include "smtp.h"

#define REPLY_MAX	400	/* the part of a server reply kept */

struct smtp {
	CURL		*curl;
	char		 host[256];
	unsigned long	 connections;
	char		 errbuf[CURL_ERROR_SIZE];
	/* the upload in progress */
	const char	*data;
	size_t		 len, off;
	/* the server's reply in progress, lines joined by a space */
	char		 reply[REPLY_MAX];
	size_t		 replylen;
	int		 reply_done;	/* the last line was a final one */
	/* the last 4xx or 5xx reply: what went wrong, even when libcurl
	 * then says QUIT and the last reply is "221 bye" */
	char		 failure[REPLY_MAX];
};

static size_t
on_read(char *dst, size_t size, size_t n, void *arg)
{
	struct smtp	*s = arg;
	size_t		 want = size * n, left = s->len - s->off;

	if (want > left)
		want = left;
	memcpy(dst, s->data + s->off, want);
	s->off += want;
	return want;
}

/*
 * libcurl hands every line the server answers to the header callback.
 * Collects a reply: "250-..." lines continue it, "250 ..." ends it, and
 * the next line starts a new one; a final 4xx or 5xx is kept as the
 * failure. Control characters become '?'.
 */
static size_t
on_reply(char *line, size_t size, size_t n, void *arg)
{
	struct smtp	*s = arg;
	size_t		 len = size * n, i;

	if (s->reply_done) {
		s->replylen = 0;
		s->reply_done = 0;
	}
	s->reply_done = len >= 4 && line[3] == ' ';
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (s->replylen > 0 && s->replylen + 1 < sizeof(s->reply))
		s->reply[s->replylen++] = ' ';
	for (i = 0; i < len && s->replylen + 1 < sizeof(s->reply); i++)
		s->reply[s->replylen++] = (unsigned char)line[i] < 0x20 ||
		    (unsigned char)line[i] == 0x7f ? '?' : line[i];
	s->reply[s->replylen] = '\0';
	if (s->reply_done && (line[0] == '4' || line[0] == '5'))
		memcpy(s->failure, s->reply, s->replylen + 1);
	return size * n;
}

static int
loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "[::1]") == 0 || strcasecmp(host, "localhost") == 0;
}

/* Sets s->host and *tls from url; -1 when it is not smtp(s)://host. */
static int
parse_url(struct smtp *s, const char *url, long *tls, char *err,
    size_t errlen)
{
	CURLU	*u;
	char	*scheme = NULL, *host = NULL;
	int	 rc = -1;

	if ((u = curl_url()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0)) {
		snprintf(err, errlen, "CHARTER_SMTP_URL must be smtp://host "
		    "or smtps://host (credentials may go before the host)");
		goto out;
	}
	snprintf(s->host, sizeof(s->host), "%s", host);
	*tls = strcmp(scheme, "smtp") == 0 && loopback(host) ? CURLUSESSL_NONE :
	    CURLUSESSL_ALL;
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

struct smtp *
smtp_new(const char *url, long connect_ms, long total_ms, char *err,
    size_t errlen)
{
	struct smtp	*s;
	long		 tls = CURLUSESSL_ALL;
	CURL		*c;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (parse_url(s, url, &tls, err, errlen) == -1)
		goto fail;
	if ((c = s->curl = curl_easy_init()) == NULL ||
	    curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps") !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USE_SSL, tls) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total_ms) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_READDATA, s) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_reply) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERDATA, s) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf) != CURLE_OK) {
		snprintf(err, errlen, "cannot set up libcurl for SMTP");
		goto fail;
	}
	return s;
fail:
	smtp_free(s);
	return NULL;
}

/* One transfer: the libcurl code, and how many connections it opened. */
static CURLcode
transfer(struct smtp *s, int fresh, long *code, long *opened)
{
	CURLcode rc;

	s->off = 0;
	s->replylen = 0;
	s->reply[0] = '\0';
	s->reply_done = 0;
	s->failure[0] = '\0';
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_FRESH_CONNECT, (long)fresh);
	rc = curl_easy_perform(s->curl);
	*code = 0;
	*opened = 0;
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, code);
	curl_easy_getinfo(s->curl, CURLINFO_NUM_CONNECTS, opened);
	if (*opened > 0) {
		s->connections += (unsigned long)*opened;
		log_info("mail: connection %lu to %s", s->connections,
		    s->host);
	}
	return rc;
}

/*
 * A kept-alive connection the server closed while it was idle: it fails
 * before any reply, or with the 421 the server sent as it hung up (RFC
 * 5321 3.8: "closing transmission channel"; smtp-server does this after
 * its idle timeout).
 */
static int
stale(CURLcode rc, long code)
{
	if (code == 421)
		return 1;
	return code == 0 && (rc == CURLE_SEND_ERROR ||
	    rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
	    rc == CURLE_WEIRD_SERVER_REPLY);
}

enum smtp_rc
smtp_send(struct smtp *s, const char *from, const char *to, const char *msg,
    size_t len, char *why, size_t whylen)
{
	struct curl_slist	*rcpt = NULL;
	char			 addr[300];
	CURLcode		 rc;
	long			 code, opened;
	enum smtp_rc		 out = SMTP_RETRY;

	why[0] = '\0';
	snprintf(addr, sizeof(addr), "<%s>", to);
	if ((rcpt = curl_slist_append(NULL, addr)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return SMTP_RETRY;
	}
	snprintf(addr, sizeof(addr), "<%s>", from);
	s->data = msg;
	s->len = len;
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = transfer(s, 0, &code, &opened);
	/*
	 * A mail is taken only by the reply to its final ".": a reused
	 * connection that failed before any reply, or with a 421, took
	 * nothing, so a new connection at once cannot send it twice.
	 */
	if (rc != CURLE_OK && opened == 0 && stale(rc, code))
		rc = transfer(s, 1, &code, &opened);
	if (rc == CURLE_OK) {
		out = SMTP_SENT;
	} else if (code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED) {
		/* 5xx to MAIL, RCPT or DATA: it will be refused again. */
		snprintf(why, whylen, "%s refused it: %s", s->host,
		    s->failure[0] ? s->failure : "(no reply text)");
		out = SMTP_REFUSED;
	} else if (code >= 400 && code < 600) {
		/* 4xx, or a refused login: the server or our settings,
		 * not this mail; it waits until they are right. */
		snprintf(why, whylen, "%s: %s", s->host, s->failure[0] ?
		    s->failure : curl_easy_strerror(rc));
	} else {
		snprintf(why, whylen, "%s: %s", s->host, s->errbuf[0] ?
		    s->errbuf : curl_easy_strerror(rc));
	}
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	s->data = NULL;
	return out;
}

unsigned long
smtp_connections(const struct smtp *s)
{
	return s->connections;
}

const char *
smtp_host(const struct smtp *s)
{
	return s->host;
}

void
smtp_free(struct smtp *s)
{
	if (s == NULL)
		return;
	if (s->curl != NULL)
		curl_easy_cleanup(s->curl);
	free(s);
}
