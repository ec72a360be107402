/* admin_invitations.c: /admin/bookings/<id>/invitations: each crew member's invitation and answer, and sending them */
#include <stdio.h>

#include "admin.h"
#include "app.h"
#include "db_admin.h"
#include "db_errors.h"
#include "handlers.h"
#include "kv.h"
#include "valid.h"

/* The page: the booking, and per crew member their answer and link. */
static void
page(struct request *req, int status, const char *notice, const char *problem)
{
	json_t	*booking = NULL, *crew = NULL, *ctx;
	int	 rc;

	if ((rc = db_admin_booking(req->db, req->p.id, &booking)) != DB_OK ||
	    (rc = db_admin_invitations(req->db, req->p.id, &crew)) != DB_OK) {
		json_decref(booking);
		if (rc == DB_NOT_FOUND)
			resp_error(req, 404, "not_found", "There is no booking "
			    "with this number.");
		else
			db_error_response(req, req->db);
		return;
	}
	ctx = json_pack("{s:o, s:o}", "booking", booking, "crew", crew);
	if (notice != NULL)
		json_object_set_new(ctx, "notice", json_string(notice));
	if (problem != NULL)
		json_object_set_new(ctx, "problem", json_string(problem));
	admin_page(req, status, "admin/invitations.html", "Invitations",
	    "bookings", ctx);
}

/* GET /admin/bookings/<id>/invitations: 200; 404 for no such booking. */
void
admin_invitations(struct request *req)
{
	page(req, 200, kv_get(&req->args, "sent") != NULL ? "Invitations "
	    "sent: each goes out by mail in a moment." : NULL, NULL);
}

/*
 * Issues (or, for crew invited before, issues again, revoking the old
 * link) the invitations of crew_id, or of everyone on the booking when
 * crew_id is 0, and queues their mails, as actor. 0 done; -1 when this
 * build cannot.
 *
 * CREW-LINKS: the links and their mails are the crew side's
 * (POST /api/bookings/<id>/invitations, src/api_invitations.c on the
 * crew-core branch, not on main when this was written). Once it is: call
 * the same C function its handler calls (db_crew_invite_targets() then
 * db_crew_links_issue() with tokens from crew_link.h), with the actor
 * given here, and answer 303 to this page with ?sent=<how many>.
 */
static int
invite(struct request *req, long long crew_id, const char *actor)
{
	(void)req;
	(void)crew_id;
	(void)actor;
	return -1;
}

/*
 * POST /admin/bookings/<id>/invitations (crew_id=<id> for one crew
 * member, none for everyone): 303 back once sent; 501 with the page
 * saying so while this build cannot send them.
 */
void
admin_invitations_send(struct request *req)
{
	long long	 crew_id = 0;
	char		 actor[64];

	if (*admin_form(req, "crew_id") != '\0' &&
	    !valid_id(admin_form(req, "crew_id"), &crew_id)) {
		page(req, 400, NULL, "The form named no crew member.");
		return;
	}
	snprintf(actor, sizeof(actor), "staff:%lld", req->user.id);
	if (invite(req, crew_id, actor) == -1) {
		page(req, 501, NULL, "Sending invitations comes with crew "
		    "links, which this build does not have yet: nothing was "
		    "sent.");
		return;
	}
	snprintf(actor, sizeof(actor), "/admin/bookings/%lld/invitations?sent=1",
	    req->p.id);
	admin_redirect(req, actor);
}
