/* test-templates.c: the shipped templates parse and render safely */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "tap.h"
#include "tmpl.h"

static const char booking[] =
	"{\"title\": \"Your charter\", \"noindex\": true,"
	" \"site\": {\"name\": \"Queen <b>of</b> SD\", \"contact_email\": \"hi@example.com\","
	"  \"contact_phone\": \"\", \"public_url\": \"http://x\"},"
	" \"booking\": {\"slug\": \"jane-k3f9qz\", \"guest_name\": \"<script>alert('x')</script> & Co\","
	"  \"vessel\": \"Jada\", \"meeting_point\": \"Dock \\\"B\\\"\", \"party_size\": 6,"
	"  \"date_label\": \"Saturday, May 30, 2026\", \"short_date_label\": \"Saturday, May 30\","
	"  \"start_label\": \"9:00 AM\", \"end_label\": \"1:00 PM\", \"tz_label\": \"PDT\","
	"  \"time_zone\": \"America/Los_Angeles\", \"duration_label\": \"4 hours\","
	"  \"starts_at\": \"2026-05-30T09:00:00-07:00\", \"ends_at\": \"2026-05-30T13:00:00-07:00\","
	"  \"checklist\": [\"Sunscreen\", \"<img src=x onerror=alert(1)>\"],"
	"  \"guest_notes\": \"line one\\nline two\", \"cancelled\": false,"
	"  \"upload_opens_at\": \"2026-05-30T07:00:00-07:00\", \"upload_closes_at\": \"2026-06-02T13:00:00-07:00\","
	"  \"upload_opens_label\": \"Sat, May 30, 7:00 AM PDT\", \"upload_closes_label\": \"Tue, Jun 2, 1:00 PM PDT\"}}";

int
main(void)
{
	const char	*dir = getenv("TEMPLATE_DIR");
	struct tmpl_set	*set;
	struct buf	 out = { 0 };
	json_t		*ctx;
	char		 err[512];
	static const char *const pages[] = { "guest.html", "cancelled.html", "error.html" };
	size_t		 i;

	set = tmpl_set_load(dir ? dir : "templates", err, sizeof(err));
	ok(set != NULL, "templates load (%s)", set ? "ok" : err);
	if (set == NULL)
		return tap_done();
	ctx = json_loads(booking, 0, NULL);
	ok(ctx != NULL, "sample context parses");
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		buf_reset(&out);
		ok(tmpl_render(set, pages[i], ctx, &out) == 0, "%s renders", pages[i]);
		ok(strstr(buf_str(&out), "<script>alert") == NULL,
		    "%s escapes the guest name", pages[i]);
		ok(strstr(buf_str(&out), "<img src=x") == NULL,
		    "%s escapes checklist items", pages[i]);
		ok(strstr(buf_str(&out), "<b>of</b>") == NULL,
		    "%s escapes the operator name", pages[i]);
		ok(strstr(buf_str(&out), "noindex") != NULL,
		    "%s carries noindex", pages[i]);
		ok(strncmp(buf_str(&out), "<!DOCTYPE html>", 15) == 0 ||
		    strncmp(buf_str(&out), "<!doctype html>", 15) == 0,
		    "%s starts with a doctype", pages[i]);
	}
	buf_reset(&out);
	tmpl_render(set, "guest.html", ctx, &out);
	ok(strstr(buf_str(&out), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co") != NULL,
	    "guest name appears escaped");
	ok(strstr(buf_str(&out), "Saturday, May 30, 2026") != NULL, "date shown");
	ok(strstr(buf_str(&out), "9:00 AM") != NULL, "start time shown");
	ok(strstr(buf_str(&out), "Sunscreen") != NULL, "checklist shown");
	ok(strstr(buf_str(&out), "data-slug=\"jane-k3f9qz\"") != NULL, "slug for the uploader");
	ok(strstr(buf_str(&out), "/static/guest.js") != NULL, "uploader script linked");
	json_decref(ctx);
	buf_free(&out);
	tmpl_set_free(set);
	return tap_done();
}
