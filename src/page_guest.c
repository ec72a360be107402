/* page_guest.c: GET /g/<slug>, the guest confirmation page (FastCGI fallback
 * for when nginx finds no published copy) */
#include "app.h"
#include "db_booking.h"
#include "db_errors.h"
#include "handlers.h"
#include "valid.h"
#include "view.h"

/*
 * 200 guest page; 404 for a slug of the wrong shape or one that names no
 * booking; 410 page for a cancelled booking. Never money, crew or contact.
 */
void
page_guest(struct request *req)
{
	json_t	*view = NULL;
	int	 status;

	resp_header(req, "X-Robots-Tag", "noindex, nofollow");
	if (!valid_slug(req->param[0])) {
		resp_error(req, 404, "not_found", "There is no charter at "
		    "this address. Check the link in your confirmation email.");
		return;
	}
	switch (db_booking_guest_view(&req->app->db, req->param[0], &view)) {
	case DBB_OK:
		break;
	case DBB_NOT_FOUND:
		resp_error(req, 404, "not_found", "There is no charter at "
		    "this address. Check the link in your confirmation email.");
		return;
	default:
		db_error_response(req, &req->app->db);
		return;
	}
	req->status = 0;
	req->content_type = "text/html; charset=utf-8";
	buf_reset(&req->out);
	status = view_guest_page(req->app, view, &req->out);
	json_decref(view);
	if (status == -1) {
		resp_error(req, 500, "internal", "The page could not be shown.");
		return;
	}
	req->status = status;
	resp_header(req, "X-Robots-Tag", "noindex, nofollow");
	resp_header(req, "Cache-Control", "no-cache");
}
