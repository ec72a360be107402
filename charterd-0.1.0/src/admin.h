/* admin.h: what every /admin page shares: its context, forms' helpers */
#ifndef CHARTERD_ADMIN_H
#define CHARTERD_ADMIN_H

#include <jansson.h>

#include "http.h"

/*
 * Renders an admin page: template name with ctx (stolen), to which it adds
 * title ("<title> · Admin"), noindex, user {email, name, owner}, the
 * session's csrf token for forms, and nav.<nav> = true for the menu.
 */
void	admin_page(struct request *, int status, const char *name,
	    const char *title, const char *nav, json_t *ctx);
/* 303 to location (an /admin path). */
void	admin_redirect(struct request *, const char *location);
/* The value of form field name, or "" (never NULL). */
const char *admin_form(const struct request *, const char *name);

#endif
