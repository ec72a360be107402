/* guest_page.c: GET /g/<slug>, the guest confirmation page (FastCGI fallback
 * for when nginx finds no published copy) */
#include "app.h"
#include "db_booking.h"
#include "db_errors.h"
#include "handlers.h"
#include "page_cache.h"
#include "view.h"

static void
not_found(struct request *req)
{
	resp_error(req, 404, "not_found", "There is no charter at this "
	    "address. Check the link in your confirmation email.");
	resp_header(req, "X-Robots-Tag", "noindex, nofollow");
}

/*
 * 200 guest page; 404 for a slug that names no booking (the route refuses
 * one of the wrong shape); 410 page for a cancelled booking. Never money,
 * crew or contact: it runs as charterd_guest, which cannot read them.
 */
void
guest_page(struct request *req)
{
	json_t			*view = NULL;
	int			 status;
	unsigned long long	 gen;

	buf_reset(&req->out);
	if ((status = page_cache_get(req->app, req->p.slug, req->now_us,
	    &req->out)) != 0)
		goto done;
	gen = page_cache_generation(req->app);
	switch (db_booking_guest_view(req->db, req->p.slug, &view)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		not_found(req);
		return;
	default:
		db_error_response(req, req->db);
		return;
	}
	status = view_guest_page(req->app, view, &req->out);
	json_decref(view);
	if (status == -1) {
		resp_error(req, 500, "internal", "The page could not be shown.");
		return;
	}
	page_cache_put(req->app, req->p.slug, status, &req->out, req->now_us,
	    gen);
done:
	req->status = status;
	req->content_type = "text/html; charset=utf-8";
	resp_header(req, "X-Robots-Tag", "noindex, nofollow");
	resp_header(req, "Cache-Control", "no-cache");
}
