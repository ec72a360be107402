/* cloudfront.c: CloudFront CreateInvalidation over the outbound client, SigV4-signed */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cloudfront.h"
#include "log.h"
#include "outbound.h"
#include "sigv4.h"
#include "utf8.h"

#define XML_NAME_MAX	64	/* an element or attribute name */

/*
 * The answers are read with a small scanner rather than an XML library:
 * we need the text of two or three elements, and an answer that is not
 * the plain XML AWS sends (a DTD, CDATA, a second root, tags that do not
 * match, nesting past CLOUDFRONT_XML_DEPTH) is refused whole.
 */

/* One element whose text is wanted, named by its path from the root. */
struct xml_want {
	const char *const *path;	/* NULL-terminated */
	char		*out;
	size_t		 outlen;	/* > 0 */
	int		 cut;		/* 1: longer text is cut, not refused */
	int		 found;
	size_t		 len;		/* bytes in out so far */
};

struct xml_scan {
	const char	*p, *end;
	const char	*name[CLOUDFRONT_XML_DEPTH];	/* open elements */
	size_t		 namelen[CLOUDFRONT_XML_DEPTH];
	int		 depth;
	int		 roots;
	struct xml_want	*want;
	size_t		 nwant;
	struct xml_want	*cur;		/* the wanted element being read */
};

static int
xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
xml_skip_space(struct xml_scan *s)
{
	while (s->p < s->end && xml_space(*s->p))
		s->p++;
}

static int
xml_starts(const struct xml_scan *s, const char *lit)
{
	size_t	 n = strlen(lit);

	return (size_t)(s->end - s->p) >= n && memcmp(s->p, lit, n) == 0;
}

/* A name (ASCII letters, digits, '_', ':', '.', '-'); its length, 0 if none. */
static size_t
xml_name(struct xml_scan *s)
{
	const char	*q = s->p;
	char		 c;

	while (q < s->end && (size_t)(q - s->p) <= XML_NAME_MAX) {
		c = *q;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '_' || c == ':' || (q > s->p && ((c >= '0' &&
		    c <= '9') || c == '.' || c == '-'))))
			break;
		q++;
	}
	if (q == s->p || (size_t)(q - s->p) > XML_NAME_MAX)
		return 0;
	return (size_t)(q - s->p);
}

/* Appends code point cp as UTF-8 to the wanted element being read. */
static int
xml_emit(struct xml_scan *s, unsigned long cp)
{
	struct xml_want	*w = s->cur;
	unsigned char	 u[4];
	size_t		 n;

	if (w == NULL)
		return 0;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (w->len + n >= w->outlen)
		return w->cut ? 0 : -1;
	memcpy(w->out + w->len, u, n);
	w->len += n;
	w->out[w->len] = '\0';
	return 0;
}

/* XML 1.0's Char production. */
static int
xml_char_ok(unsigned long cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd ||
	    (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
	    (cp >= 0x10000 && cp <= 0x10ffff);
}

/* A reference after '&': the five named ones or &#N; / &#xH;. */
static int
xml_ref(struct xml_scan *s, unsigned long *cp)
{
	static const struct { const char *name; char c; } named[] = {
		{ "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	size_t		 i, digits = 0;
	int		 hex;
	unsigned long	 v = 0, d;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (xml_starts(s, named[i].name)) {
			s->p += strlen(named[i].name);
			*cp = (unsigned char)named[i].c;
			return 0;
		}
	if (!xml_starts(s, "#"))
		return -1;
	s->p++;
	hex = xml_starts(s, "x");
	s->p += hex;
	for (; s->p < s->end && *s->p != ';'; s->p++, digits++) {
		if (*s->p >= '0' && *s->p <= '9')
			d = (unsigned long)(*s->p - '0');
		else if (hex && *s->p >= 'a' && *s->p <= 'f')
			d = (unsigned long)(*s->p - 'a' + 10);
		else if (hex && *s->p >= 'A' && *s->p <= 'F')
			d = (unsigned long)(*s->p - 'A' + 10);
		else
			return -1;
		if (digits >= 8)
			return -1;
		v = v * (hex ? 16 : 10) + d;
	}
	if (s->p >= s->end || digits == 0 || !xml_char_ok(v))
		return -1;
	s->p++;
	*cp = v;
	return 0;
}

/* Character data up to the next '<'. Outside the root only blanks. */
static int
xml_text(struct xml_scan *s)
{
	unsigned long	 cp;
	size_t		 n;

	while (s->p < s->end && *s->p != '<') {
		if (s->depth == 0 && !xml_space(*s->p))
			return -1;
		if (*s->p == '&') {
			s->p++;
			if (xml_ref(s, &cp) == -1)
				return -1;
		} else {
			n = utf8_decode(s->p, (size_t)(s->end - s->p), &cp);
			if (n == 0 || !xml_char_ok(cp))
				return -1;
			s->p += n;
		}
		if (xml_emit(s, cp) == -1)
			return -1;
	}
	return 0;
}

/* 1 when the open elements are exactly w's path. */
static int
xml_matches(const struct xml_scan *s, const struct xml_want *w)
{
	int	 i;

	for (i = 0; i < s->depth; i++)
		if (w->path[i] == NULL || strlen(w->path[i]) != s->namelen[i] ||
		    memcmp(w->path[i], s->name[i], s->namelen[i]) != 0)
			return 0;
	return w->path[s->depth] == NULL;
}

/* Attributes up to '>' or '/>': name = "value" or 'value', no '<'. */
static int
xml_attributes(struct xml_scan *s, int *empty)
{
	const char	*close;
	char		 q;
	size_t		 n;
	int		 blank;

	for (;;) {
		blank = s->p < s->end && xml_space(*s->p);
		xml_skip_space(s);
		if (xml_starts(s, "/>") || xml_starts(s, ">")) {
			*empty = *s->p == '/';
			s->p += *empty ? 2 : 1;
			return 0;
		}
		/* An attribute follows a blank. */
		if (!blank || (n = xml_name(s)) == 0)
			return -1;
		s->p += n;
		xml_skip_space(s);
		if (!xml_starts(s, "="))
			return -1;
		s->p++;
		xml_skip_space(s);
		if (s->p >= s->end || (*s->p != '"' && *s->p != '\''))
			return -1;
		q = *s->p++;
		if ((close = memchr(s->p, q, (size_t)(s->end - s->p))) == NULL ||
		    memchr(s->p, '<', (size_t)(close - s->p)) != NULL)
			return -1;
		s->p = close + 1;
	}
}

/* "<name attrs>" or "<name attrs/>", after the '<'. */
static int
xml_start(struct xml_scan *s)
{
	size_t	 i, n;
	int	 empty;

	if ((s->depth == 0 && s->roots > 0) || s->cur != NULL ||
	    s->depth >= CLOUDFRONT_XML_DEPTH || (n = xml_name(s)) == 0)
		return -1;
	s->name[s->depth] = s->p;
	s->namelen[s->depth] = n;
	s->p += n;
	if (xml_attributes(s, &empty) == -1)
		return -1;
	if (s->depth == 0)
		s->roots++;
	s->depth++;
	for (i = 0; i < s->nwant; i++) {
		if (!xml_matches(s, &s->want[i]))
			continue;
		if (s->want[i].found)
			return -1;	/* twice: which one is meant? */
		s->cur = &s->want[i];
		s->cur->len = 0;
		s->cur->out[0] = '\0';
	}
	if (empty) {
		if (s->cur != NULL)
			s->cur->found = 1;
		s->cur = NULL;
		s->depth--;
	}
	return 0;
}

/* "</name>", after the "</". */
static int
xml_end(struct xml_scan *s)
{
	size_t	 n;

	if (s->depth == 0 || (n = xml_name(s)) == 0 ||
	    n != s->namelen[s->depth - 1] ||
	    memcmp(s->p, s->name[s->depth - 1], n) != 0)
		return -1;
	s->p += n;
	xml_skip_space(s);
	if (!xml_starts(s, ">"))
		return -1;
	s->p++;
	if (s->cur != NULL)
		s->cur->found = 1;
	s->cur = NULL;
	s->depth--;
	return 0;
}

/* Skips "<!--...-->" from its start. */
static int
xml_comment(struct xml_scan *s)
{
	const char	*q;

	for (q = s->p + 4; q + 3 <= s->end; q++)
		if (memcmp(q, "-->", 3) == 0) {
			s->p = q + 3;
			return 0;
		}
	return -1;
}

/* Scans the whole document; 0 when well-formed, -1 otherwise. */
static int
xml_scan(const char *doc, size_t len, struct xml_want *want, size_t nwant)
{
	struct xml_scan	 s;
	const char	*q;
	size_t		 i;

	if (doc == NULL || !utf8_valid(doc, len) || memchr(doc, '\0', len))
		return -1;
	memset(&s, 0, sizeof(s));
	s.p = doc;
	s.end = doc + len;
	s.want = want;
	s.nwant = nwant;
	for (i = 0; i < nwant; i++) {
		want[i].found = 0;
		want[i].len = 0;
		want[i].out[0] = '\0';
	}
	/* The declaration, only at the very start. */
	if (xml_starts(&s, "<?xml") && s.p + 5 < s.end && xml_space(s.p[5])) {
		for (q = s.p; q + 2 <= s.end && memcmp(q, "?>", 2) != 0; q++)
			;
		if (q + 2 > s.end)
			return -1;
		s.p = q + 2;
	}
	while (s.p < s.end) {
		if (*s.p != '<') {
			if (xml_text(&s) == -1)
				return -1;
		} else if (xml_starts(&s, "<!--")) {
			if (xml_comment(&s) == -1)
				return -1;
		} else if (xml_starts(&s, "</")) {
			s.p += 2;
			if (xml_end(&s) == -1)
				return -1;
		} else if (xml_starts(&s, "<!") || xml_starts(&s, "<?")) {
			return -1;	/* DTD, CDATA, processing instruction */
		} else {
			s.p++;
			if (xml_start(&s) == -1)
				return -1;
		}
	}
	return s.depth == 0 && s.roots == 1 ? 0 : -1;
}

/* Copies src into dst with everything but printable ASCII as '?': what
 * a peer says ends up in logs and in a database column. */
static void
ascii_copy(char *dst, size_t dstlen, const char *src)
{
	size_t	 i;

	if (dstlen == 0)
		return;
	for (i = 0; src[i] != '\0' && i + 1 < dstlen; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] :
		    (src[i] == '\t' || src[i] == '\n' || src[i] == '\r') ?
		    ' ' : '?';
	dst[i] = '\0';
}

static int
alnum_only(const char *s, size_t max)
{
	size_t	 n = strlen(s);

	return n > 0 && n <= max && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

int
cloudfront_parse_invalidation(const char *body, size_t len, char *id,
    size_t idlen)
{
	static const char *const path[] = { "Invalidation", "Id", NULL };
	char		 got[CLOUDFRONT_ID_MAX];
	struct xml_want	 w = { path, got, sizeof(got), 0, 0, 0 };

	if (id == NULL || idlen == 0)
		return -1;
	id[0] = '\0';
	if (xml_scan(body, len, &w, 1) == -1 || !w.found ||
	    !alnum_only(got, idlen - 1))
		return -1;
	memcpy(id, got, strlen(got) + 1);
	return 0;
}

int
cloudfront_parse_error(const char *body, size_t len, char *code,
    size_t codelen, char *msg, size_t msglen)
{
	static const char *const cpath[] = {
		"ErrorResponse", "Error", "Code", NULL
	};
	static const char *const mpath[] = {
		"ErrorResponse", "Error", "Message", NULL
	};
	char		 c[64], m[512];
	struct xml_want	 w[2] = {
		{ cpath, c, sizeof(c), 0, 0, 0 },
		{ mpath, m, sizeof(m), 1, 0, 0 },
	};

	if (code == NULL || codelen == 0 || msg == NULL || msglen == 0)
		return -1;
	code[0] = msg[0] = '\0';
	if (xml_scan(body, len, w, 2) == -1 || !w[0].found ||
	    strlen(c) >= codelen ||
	    strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.") != strlen(c) || c[0] == '\0')
		return -1;
	memcpy(code, c, strlen(c) + 1);
	ascii_copy(msg, msglen, m);
	return 0;
}

enum cloudfront_status
cloudfront_classify(long status, const char *code)
{
	/* 400s that say "later", not "never". */
	static const char *const later[] = {
		"Throttling", "ThrottlingException", "RequestLimitExceeded",
		"TooManyInvalidationsInProgress", "RequestTimeTooSkewed",
		"ServiceUnavailable", "InternalError", "SlowDown", NULL
	};
	size_t	 i;

	if (status >= 200 && status <= 299)
		return CLOUDFRONT_OK;
	if (status == 408 || status == 429)
		return CLOUDFRONT_RETRY;
	if (status >= 400 && status <= 499) {
		for (i = 0; code != NULL && later[i] != NULL; i++)
			if (strcmp(code, later[i]) == 0)
				return CLOUDFRONT_RETRY;
		return CLOUDFRONT_FAIL;
	}
	return CLOUDFRONT_RETRY;
}

/* "/", then printable ASCII without blanks (CloudFront wants a URL path:
 * anything else would have to be percent-encoded first). */
static int
path_ok(const char *p)
{
	size_t	 i, n;

	if (p == NULL || p[0] != '/' || (n = strlen(p)) > CLOUDFRONT_PATH_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return 0;
	return 1;
}

static int
ref_ok(const char *r)
{
	size_t	 i, n;

	if (r == NULL || (n = strlen(r)) == 0 || n > CLOUDFRONT_REF_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (r[i] < 0x20 || r[i] >= 0x7f)
			return 0;
	return 1;
}

int
cloudfront_batch_xml(const char *const *paths, size_t npaths,
    const char *caller_ref, struct buf *out)
{
	size_t	 i;

	if (paths == NULL || npaths == 0 || npaths > CLOUDFRONT_MAX_PATHS ||
	    !ref_ok(caller_ref))
		return -1;
	for (i = 0; i < npaths; i++)
		if (!path_ok(paths[i]))
			return -1;
	if (buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<InvalidationBatch xmlns=\"http://cloudfront.amazonaws.com/doc/"
	    CLOUDFRONT_API_VERSION "/\"><Paths><Quantity>%zu</Quantity>"
	    "<Items>", npaths) == -1)
		return -1;
	for (i = 0; i < npaths; i++)
		if (buf_puts(out, "<Path>") == -1 ||
		    buf_html(out, paths[i], strlen(paths[i])) == -1 ||
		    buf_puts(out, "</Path>") == -1)
			return -1;
	if (buf_puts(out, "</Items></Paths><CallerReference>") == -1 ||
	    buf_html(out, caller_ref, strlen(caller_ref)) == -1 ||
	    buf_puts(out, "</CallerReference></InvalidationBatch>") == -1)
		return -1;
	return 0;
}

/* <endpoint>/2020-05-31/distribution/<id>/invalidation */
static int
invalidation_url(const struct cloudfront_config *c, struct buf *url)
{
	const char	*ep = c->endpoint ? c->endpoint : CLOUDFRONT_HOST;
	const char	*rest;
	size_t		 n;

	if (strncmp(ep, "https://", 8) == 0)
		rest = ep + 8;
	else if (strncmp(ep, "http://", 7) == 0)
		rest = ep + 7;
	else
		return -1;
	n = strcspn(rest, "/?#@");
	if (n == 0 || (rest[n] != '\0' && strcmp(rest + n, "/") != 0) ||
	    c->distribution == NULL ||
	    !alnum_only(c->distribution, CLOUDFRONT_DIST_MAX))
		return -1;
	return buf_printf(url, "%.*s/" CLOUDFRONT_API_VERSION
	    "/distribution/%s/invalidation", (int)(rest - ep + n), ep,
	    c->distribution);
}

/* The sentence for a refused or failed request. */
static void
answer_reason(const struct outbound_response *res, char *code,
    size_t codelen, char *err, size_t errlen)
{
	char	 msg[256];

	code[0] = '\0';
	if (res->status == 0) {
		snprintf(err, errlen, "CloudFront: %s", res->error);
		return;
	}
	if (cloudfront_parse_error(res->body.data ? res->body.data : "",
	    res->body.len, code, codelen, msg, sizeof(msg)) == -1) {
		snprintf(err, errlen, "CloudFront: HTTP %ld (no error "
		    "document)", res->status);
		return;
	}
	snprintf(err, errlen, "CloudFront: HTTP %ld %s%s%s", res->status,
	    code, msg[0] ? ": " : "", msg);
}

/* What an answer means; the Id in id when it is OK. */
static enum cloudfront_status
read_answer(const struct outbound_response *res, size_t npaths,
    const char *caller_ref, char *id, size_t idlen, char *err, size_t errlen)
{
	enum cloudfront_status st;
	char		 code[64];

	if (res->status == 200 || res->status == 201) {
		if (cloudfront_parse_invalidation(res->body.data ?
		    res->body.data : "", res->body.len, id, idlen) == 0) {
			log_info("invalidation %s for %zu paths (reference %s)",
			    id, npaths, caller_ref);
			return CLOUDFRONT_OK;
		}
		/* Harmless to ask again: the same reference finds it. */
		snprintf(err, errlen, "CloudFront: HTTP %ld but the answer is "
		    "not a well-formed Invalidation", res->status);
		return CLOUDFRONT_RETRY;
	}
	answer_reason(res, code, sizeof(code), err, errlen);
	st = cloudfront_classify(res->status, code[0] ? code : NULL);
	return st == CLOUDFRONT_OK ? CLOUDFRONT_RETRY : st; /* a 2xx unknown */
}

enum cloudfront_status
cloudfront_invalidate(const struct cloudfront_config *c,
    const char *const *paths, size_t npaths, const char *caller_ref,
    time_t now, char *id, size_t idlen, char *err, size_t errlen)
{
	static const struct sigv4_header ctype = {
		"Content-Type", "application/xml"
	};
	struct sigv4_key k;
	struct outbound_request rq;
	struct outbound_response res;
	struct buf	 url = { 0 }, body = { 0 };
	enum cloudfront_status st = CLOUDFRONT_FAIL;

	memset(&res, 0, sizeof(res));
	id[0] = err[0] = '\0';
	if (c == NULL || c->out == NULL || c->access_key == NULL ||
	    c->secret_key == NULL || invalidation_url(c, &url) == -1 ||
	    cloudfront_batch_xml(paths, npaths, caller_ref, &body) == -1) {
		snprintf(err, errlen, "CloudFront: bad distribution, endpoint, "
		    "credentials or paths");
		goto out;
	}
	memset(&k, 0, sizeof(k));
	k.access_key = c->access_key;
	k.secret_key = c->secret_key;
	k.session_token = c->session_token;
	k.region = CLOUDFRONT_REGION;
	k.service = "cloudfront";
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.url = buf_str(&url);
	rq.headers = &ctype;
	rq.nheaders = 1;
	rq.body = body.data;
	rq.body_len = body.len;
	rq.sign = &k;
	rq.now = now;
	rq.body_max = CLOUDFRONT_ANSWER_MAX;
	if (outbound_request(c->out, &rq, &res) == -1) {
		snprintf(err, errlen, "CloudFront: %s", res.error);
		st = CLOUDFRONT_RETRY;
		goto out;
	}
	st = read_answer(&res, npaths, caller_ref, id, idlen, err, errlen);
out:
	outbound_response_free(&res);
	buf_free(&url);
	buf_free(&body);
	return st;
}
