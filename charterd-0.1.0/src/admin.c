/* admin.c: what every /admin page shares: its context, forms' helpers */
#include <stdio.h>

#include "admin.h"
#include "app.h"
#include "kv.h"

void
admin_page(struct request *req, int status, const char *name,
    const char *title, const char *nav, json_t *ctx)
{
	char full[256];

	if (ctx == NULL)
		ctx = json_object();
	snprintf(full, sizeof(full), "%s · Admin", title);
	json_object_set_new(ctx, "title", json_string(full));
	json_object_set_new(ctx, "noindex", json_true());
	json_object_set_new(ctx, "csrf", json_string(req->user.csrf));
	json_object_set_new(ctx, "user", json_pack("{s:s, s:s, s:b}", "email",
	    req->user.email, "name", req->user.name, "owner", req->user.owner));
	if (nav != NULL)
		json_object_set_new(ctx, "nav", json_pack("{s:b}", nav, 1));
	resp_page(req, status, name, ctx);
	resp_header(req, "Cache-Control", "no-store");
}

void
admin_redirect(struct request *req, const char *location)
{
	resp_redirect(req, location);
	resp_header(req, "Cache-Control", "no-store");
}

const char *
admin_form(const struct request *req, const char *name)
{
	const char *v = kv_get(&req->form, name);

	return v != NULL ? v : "";
}
