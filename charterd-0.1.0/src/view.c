/* view.c: rendering a template with the context every page shares */
#include <stdio.h>

#include "app.h"
#include "log.h"
#include "view.h"

/* "+1 619 555 0142" -> "+16195550142", for tel: links; "" when unusable. */
static void
tel_uri_digits(const char *phone, char *out, size_t len)
{
	size_t n = 0;

	for (; *phone != '\0' && n + 1 < len; phone++)
		if ((*phone >= '0' && *phone <= '9') || (*phone == '+' && n == 0))
			out[n++] = *phone;
	out[n] = '\0';
	if (n < 4)
		out[0] = '\0';
}

int
view_render(const struct app *app, const char *name, json_t *ctx,
    struct buf *out)
{
	const struct config	*cfg = app->cfg;
	char			 tel[48];

	if (json_object_get(ctx, "site") == NULL) {
		tel_uri_digits(cfg->contact_phone, tel, sizeof(tel));
		json_object_set_new(ctx, "site", json_pack(
		    "{s:s, s:s, s:s, s:s, s:s}", "name", cfg->site_name,
		    "public_url", cfg->public_url,
		    "contact_email", cfg->contact_email,
		    "contact_phone", cfg->contact_phone,
		    "contact_phone_tel", tel));
	}
	if (tmpl_render(app->tmpl, name, ctx, out) == -1) {
		log_err("cannot render %s", name);
		return -1;
	}
	return 0;
}

int
view_guest_page(const struct app *app, json_t *booking, struct buf *out)
{
	json_t		*ctx;
	const char	*date;
	char		 title[256];
	int		 cancelled, rc;

	cancelled = json_is_true(json_object_get(booking, "cancelled"));
	date = json_string_value(json_object_get(booking, "short_date_label"));
	snprintf(title, sizeof(title), "%s%s", cancelled ?
	    "Charter cancelled — " : "Your charter — ", date ? date : "");
	ctx = json_pack("{s:s, s:b, s:O}", "title", title, "noindex", 1,
	    "booking", booking);
	if (ctx == NULL)
		return -1;
	rc = view_render(app, cancelled ? "cancelled.html" : "guest.html",
	    ctx, out);
	json_decref(ctx);
	if (rc == -1)
		return -1;
	return cancelled ? 410 : 200;
}
