/* http.c: one FastCGI request, its parsed input and its response */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "fields.h"
#include "http.h"
#include "log.h"
#include "utf8.h"
#include "view.h"

static const struct { const char *name; enum method m; } methods[] = {
	{ "GET", M_GET }, { "HEAD", M_HEAD }, { "POST", M_POST },
	{ "PUT", M_PUT }, { "PATCH", M_PATCH }, { "DELETE", M_DELETE },
	{ "OPTIONS", M_OPTIONS },
};

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

const char *
http_param(const struct request *req, const char *name)
{
	return FCGX_GetParam(name, req->fcgi->envp);
}

/* 1 when s is printable UTF-8 without control characters. */
static int
clean_text(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return utf8_valid(s, len);
}

int
http_read_head(struct request *req)
{
	const char	*m, *path, *side;
	struct timespec	 ts;
	size_t		 i, len;

	clock_gettime(CLOCK_REALTIME, &ts);
	req->now_us = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;

	m = http_param(req, "REQUEST_METHOD");
	req->method = M_OTHER;
	req->method_name = "OTHER";
	for (i = 0; m != NULL && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(m, methods[i].name) == 0) {
			req->method = methods[i].m;
			req->method_name = methods[i].name;
		}

	/* Only nginx's internal server sets CHARTER_SIDE=internal. */
	side = http_param(req, "CHARTER_SIDE");
	req->side = side != NULL && strcmp(side, "internal") == 0 ?
	    SIDE_INTERNAL : SIDE_PUBLIC;
	/* Until a route says otherwise, the public side answers with pages. */
	req->html = req->side == SIDE_PUBLIC;

	/* DOCUMENT_URI is nginx's $uri: decoded, with dot segments resolved. */
	if ((path = http_param(req, "DOCUMENT_URI")) == NULL &&
	    (path = http_param(req, "SCRIPT_NAME")) == NULL)
		path = "/";
	len = strlen(path);
	req->path = "/";
	if (len > LIMIT_PATH_LEN) {
		resp_error(req, 414, "uri_too_long",
		    "The address is longer than %d bytes.", LIMIT_PATH_LEN);
		return 414;
	}
	if (len == 0 || path[0] != '/' || !clean_text(path, len)) {
		resp_error(req, 400, "bad_path",
		    "The address is not valid UTF-8 text.");
		return 400;
	}
	req->path = path;

	return 0;
}

/* Parses urlencoded pairs (query or form); 0, or the status answered. */
static int
parse_pairs(struct request *req, const char *s, size_t len,
    struct kvlist *out, const char *what, size_t max)
{
	switch (kv_parse_query(s, len, out, max)) {
	case KV_OK:
		return 0;
	case KV_ENOMEM:
		resp_error(req, 500, "internal", "Out of memory.");
		return 500;
	case KV_ETOOMANY:
		resp_error(req, 400, "too_many_parameters", "The %s has more "
		    "than %zu fields.", what, max);
		return 400;
	default:
		resp_error(req, 400, "malformed", "The %s is not well-formed "
		    "(a bad %%-escape, or text that is not UTF-8).", what);
		return 400;
	}
}

int
http_read_query(struct request *req)
{
	const char	*cookie;
	size_t		 len;
	int		 status;

	req->query = http_param(req, "QUERY_STRING");
	if (req->query == NULL)
		req->query = "";
	len = strlen(req->query);
	if (len > LIMIT_QUERY_LEN) {
		resp_error(req, 414, "uri_too_long",
		    "The query string is longer than %d bytes.", LIMIT_QUERY_LEN);
		return 414;
	}
	if ((status = parse_pairs(req, req->query, len, &req->args,
	    "query string", LIMIT_QUERY_PAIRS)) != 0)
		return status;

	if ((cookie = http_param(req, "HTTP_COOKIE")) != NULL) {
		if (strlen(cookie) > LIMIT_COOKIE_LEN) {
			resp_error(req, 400, "cookie_too_large",
			    "Cookies may total at most %d bytes.",
			    LIMIT_COOKIE_LEN);
			return 400;
		}
		/* Unparseable cookies are ignored, as browsers send junk. */
		if (kv_parse_cookies(cookie, &req->cookies,
		    LIMIT_COOKIE_PAIRS) != KV_OK)
			kv_free(&req->cookies);
	}
	return 0;
}

static int
content_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return ct != NULL && strncasecmp(ct, want, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int
http_read_body(struct request *req, int want_json, int want_form)
{
	const char	*cl, *ct;
	char		*end, chunk[8192];
	long long	 len;
	int		 n;
	json_error_t	 jerr;

	cl = http_param(req, "CONTENT_LENGTH");
	len = 0;
	if (cl != NULL && *cl != '\0') {
		len = strtoll(cl, &end, 10);
		if (*end != '\0' || len < 0) {
			resp_error(req, 400, "bad_length",
			    "Content-Length is not a number.");
			return 400;
		}
	}
	if (len > LIMIT_BODY) {
		resp_error(req, 413, "body_too_large",
		    "The request body may be at most %d bytes.", LIMIT_BODY);
		return 413;
	}
	while ((long long)req->body.len < len) {
		n = FCGX_GetStr(chunk, sizeof(chunk), req->fcgi->in);
		if (n <= 0)
			break;
		if (buf_append(&req->body, chunk, (size_t)n) == -1) {
			resp_error(req, 500, "internal", "Out of memory.");
			return 500;
		}
	}
	if ((long long)req->body.len != len) {
		resp_error(req, 400, "short_body",
		    "The request body ended early.");
		return 400;
	}

	ct = http_param(req, "CONTENT_TYPE");
	if (want_json) {
		if (len == 0) {
			resp_error(req, 400, "missing_body",
			    "A JSON object is required.");
			return 400;
		}
		if (!content_type_is(ct, "application/json")) {
			resp_error(req, 415, "unsupported_media_type",
			    "Send the body as application/json.");
			return 415;
		}
		if (!utf8_valid(req->body.data, req->body.len)) {
			resp_error(req, 400, "invalid_utf8",
			    "The body is not valid UTF-8.");
			return 400;
		}
		if (fields_json_depth(req->body.data, req->body.len) >
		    LIMIT_JSON_DEPTH) {
			resp_error(req, 400, "malformed_json",
			    "JSON may nest at most %d levels.", LIMIT_JSON_DEPTH);
			return 400;
		}
		req->json = json_loadb(req->body.data, req->body.len,
		    JSON_REJECT_DUPLICATES, &jerr);
		if (req->json == NULL) {
			resp_error(req, 400, "malformed_json",
			    "The body is not valid JSON (line %d, column %d).",
			    jerr.line, jerr.column);
			return 400;
		}
		return 0;
	}
	if (want_form && len > 0) {
		if (!content_type_is(ct, "application/x-www-form-urlencoded")) {
			resp_error(req, 415, "unsupported_media_type",
			    "Send the form as application/x-www-form-urlencoded.");
			return 415;
		}
		return parse_pairs(req, req->body.data, req->body.len,
		    &req->form, "form", LIMIT_FORM_PAIRS);
	}
	return 0;
}

void
http_reset(struct request *req)
{
	kv_free(&req->args);
	kv_free(&req->form);
	kv_free(&req->cookies);
	buf_reset(&req->body);
	buf_reset(&req->headers);
	buf_reset(&req->out);
	if (req->json != NULL)
		json_decref(req->json);
	req->json = NULL;
	memset(&req->p, 0, sizeof(req->p));
	req->route = NULL;
	req->route_id = -1;
	req->db = NULL;
	memset(&req->user, 0, sizeof(req->user));
	req->path = "/";
	req->query = "";
	req->status = 0;
	req->content_type = NULL;
	req->html = 0;
}

void
http_free(struct request *req)
{
	http_reset(req);
	buf_free(&req->body);
	buf_free(&req->headers);
	buf_free(&req->out);
}

int
resp_header(struct request *req, const char *name, const char *value)
{
	/* Header injection guard: values come from code, but be sure. */
	if (strpbrk(value, "\r\n") != NULL) {
		log_warnx("refusing header %s with a line break", name);
		return -1;
	}
	return buf_printf(&req->headers, "%s: %s\r\n", name, value);
}

void
resp_text(struct request *req, int status, const char *ctype, const char *s)
{
	req->status = status;
	req->content_type = ctype;
	buf_reset(&req->out);
	buf_puts(&req->out, s);
}

void
resp_json(struct request *req, int status, json_t *obj)
{
	char *s;

	req->status = status;
	req->content_type = "application/json";
	buf_reset(&req->out);
	s = obj ? json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	if (s == NULL) {
		req->status = 500;
		buf_puts(&req->out, "{\"error\":\"internal\","
		    "\"message\":\"The response could not be built.\"}");
	} else
		buf_puts(&req->out, s);
	free(s);
	json_decref(obj);
}

void
resp_page(struct request *req, int status, const char *name, json_t *ctx)
{
	req->status = status;
	req->content_type = "text/html; charset=utf-8";
	buf_reset(&req->out);
	if (ctx == NULL || view_render(req->app, name, ctx, &req->out) == -1) {
		req->status = 500;
		req->content_type = "text/plain; charset=utf-8";
		buf_reset(&req->out);
		buf_puts(&req->out, "Internal error: the page could not be "
		    "rendered.\n");
	}
	json_decref(ctx);
}

static const char *
error_heading(int status)
{
	switch (status) {
	case 404: return "Page not found";
	case 410: return "No longer available";
	case 405: return "Not allowed";
	case 413: return "Too large";
	case 503: return "Temporarily unavailable";
	default: return status >= 500 ? "Something went wrong" :
	    "That request did not work";
	}
}

void
resp_error(struct request *req, int status, const char *code,
    const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_reset(&req->headers);
	if (req->html) {
		resp_page(req, status, "error.html", json_pack(
		    "{s:s, s:i, s:s, s:s, s:b}", "title", error_heading(status),
		    "status", status, "heading", error_heading(status),
		    "message", msg, "noindex", 1));
		req->status = status;
		/* An error page is never worth indexing. */
		resp_header(req, "X-Robots-Tag", "noindex, nofollow");
		return;
	}
	resp_json(req, status, json_pack("{s:s, s:s}", "error", code,
	    "message", msg));
}

void
resp_redirect(struct request *req, const char *location)
{
	req->status = 303;
	req->content_type = "text/plain; charset=utf-8";
	buf_reset(&req->out);
	if (resp_header(req, "Location", location) == -1) {
		resp_error(req, 500, "internal", "Bad redirect.");
		return;
	}
	buf_puts(&req->out, "See other\n");
}

int
http_send(struct request *req)
{
	FCGX_Stream	*o = req->fcgi->out;
	char		 head[512];
	int		 n;

	if (req->status == 0)
		resp_error(req, 500, "internal", "No response was produced.");
	/* libfcgi's own printf lacks %zu and friends: format here. A 304
	 * has no content, and a Content-Length it sent would have to be the
	 * 200's (RFC 9110 section 8.6): it sends neither. */
	if (req->status == 304)
		n = snprintf(head, sizeof(head), "Status: 304 %s\r\n",
		    http_reason(304));
	else
		n = snprintf(head, sizeof(head), "Status: %d %s\r\n"
		    "Content-Type: %s\r\nContent-Length: %zu\r\n",
		    req->status, http_reason(req->status), req->content_type ?
		    req->content_type : "text/plain; charset=utf-8",
		    req->out.len);
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	if (FCGX_PutStr(head, n, o) < 0)
		return -1;
	if (req->headers.len > 0 &&
	    FCGX_PutStr(req->headers.data, (int)req->headers.len, o) < 0)
		return -1;
	if (FCGX_PutS("\r\n", o) < 0)
		return -1;
	if (req->method != M_HEAD && req->out.len > 0 &&
	    FCGX_PutStr(req->out.data, (int)req->out.len, o) < 0)
		return -1;
	return 0;
}
