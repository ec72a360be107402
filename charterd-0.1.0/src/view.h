/* view.h: rendering a template with the context every page shares */
#ifndef CHARTERD_VIEW_H
#define CHARTERD_VIEW_H

#include <jansson.h>

#include "buf.h"

struct app;

/* Adds "site" (operator name, contact, public URL) to ctx unless present,
 * and renders template name into out. 0 or -1 (logged). ctx is borrowed. */
int	 view_render(const struct app *, const char *name, json_t *ctx,
	    struct buf *out);

/*
 * Builds the guest page for a booking's guest view (borrowed) into out:
 * guest.html, or cancelled.html when the booking is cancelled. Returns the
 * HTTP status the page stands for (200 or 410), or -1.
 */
int	 view_guest_page(const struct app *, json_t *booking, struct buf *out);

#endif
