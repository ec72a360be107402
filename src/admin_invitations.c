/* admin_invitations.c: /admin/bookings/<id>/invitations: each crew member's invitation and answer, and sending them */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "admin.h"
#include "app.h"
#include "crew_link.h"
#include "db_crew_links.h"
#include "db_admin.h"
#include "db_errors.h"
#include "handlers.h"
#include "kv.h"
#include "limits.h"
#include "log.h"
#include "valid.h"

#define INVITE_ATTEMPTS	2	/* the crew may change between the two steps */

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
 * Whom to invite, as the crew side's first step says (outcome ok with
 * crew_ids): 0, or the HTTP status with *why in words.
 */
static int
refused(const json_t *t, const char **why)
{
	const char	*outcome = json_string_value(json_object_get(t, "outcome"));

	if (strcmp(outcome, "ok") == 0)
		return 0;
	if (strcmp(outcome, "not_found") == 0) {
		*why = "There is no booking with this number.";
		return 404;
	}
	if (strcmp(outcome, "cancelled") == 0) {
		*why = "This booking is cancelled: its crew cannot be invited.";
		return 409;
	}
	if (strcmp(outcome, "over") == 0) {
		*why = "This charter ended too long ago for a link to be of use.";
		return 409;
	}
	*why = "That crew member is no longer on this booking; nothing was sent.";
	return 400;
}

/*
 * One attempt at issuing the invitations of want (an array of crew ids, or
 * NULL for everyone on the booking) as actor, through the crew side's two
 * steps (sql/011_crew_links.sql: crew_invitation_targets, then
 * crew_links_issue, which revokes each pair's older link and queues the
 * mail). 0 issued, 1 the crew changed between the steps, or the HTTP
 * status of a refusal with *why.
 */
static int
invite_once(struct request *req, const json_t *want, const char *actor,
    const char **why)
{
	const struct config	*cfg = req->app->cfg;
	struct crew_link	 links[LIMIT_CREW_PER_BOOKING];
	long long		 ids[LIMIT_CREW_PER_BOOKING];
	json_t			*t = NULL, *issued = NULL, *list;
	size_t			 i, n;
	int			 rc = 500;

	*why = "The invitations could not be made; nothing was sent.";
	if (db_crew_invite_targets(req->db, req->p.id, want, req->now_us,
	    (int)cfg->link_ttl_days, &t) != DB_OK)
		goto out;
	if ((rc = refused(t, why)) != 0)
		goto out;
	rc = 500;
	list = json_object_get(t, "crew_ids");
	if ((n = json_array_size(list)) > LIMIT_CREW_PER_BOOKING)
		goto out;
	for (i = 0; i < n; i++) {
		ids[i] = json_integer_value(json_array_get(list, i));
		if (crew_link_new(cfg, ids[i], &links[i]) == -1) {
			rc = 503;
			goto out;
		}
	}
	if (db_crew_links_issue(req->db, req->p.id, ids, links, n,
	    (int)cfg->link_ttl_days, actor, req->now_us, &issued) != DB_OK)
		goto out;
	rc = strcmp(json_string_value(json_object_get(issued, "outcome")),
	    "ok") == 0 ? 0 : 1;
out:
	/* Tokens are never shown here: the mail target makes them again. */
	OPENSSL_cleanse(links, sizeof(links));
	json_decref(t);
	json_decref(issued);
	return rc;
}

/*
 * Issues (or, for crew invited before, issues again, revoking the old
 * link) the invitations of crew_id, or of everyone on the booking when
 * crew_id is 0, and queues their mails, as actor: the same steps as
 * POST /api/bookings/<id>/invitations. 0 done, or the HTTP status of a
 * refusal with *why in words.
 */
static int
invite(struct request *req, long long crew_id, const char *actor,
    const char **why)
{
	json_t	*want = NULL;
	int	 attempt, rc = 409;

	if (req->app->cfg->token_secret_len == 0) {
		log_err("CHARTER_TOKEN_SECRET is not set: no crew links");
		*why = "Crew links are not set up on this server "
		    "(CHARTER_TOKEN_SECRET): nothing was sent.";
		return 503;
	}
	if (crew_id > 0)
		want = json_pack("[I]", (json_int_t)crew_id);
	*why = "The booking's crew kept changing while the links were made; "
	    "try again.";
	for (attempt = 0; attempt < INVITE_ATTEMPTS; attempt++)
		if ((rc = invite_once(req, want, actor, why)) != 1)
			break;
	if (rc == 1)
		rc = 409;
	json_decref(want);
	return rc;
}

/*
 * POST /admin/bookings/<id>/invitations (crew_id=<id> for one crew
 * member, none for everyone): 303 back to the page once the links are
 * made and their mails queued; else the page with the problem in words
 * (400, 404, 409 cancelled or over, 503 without a token secret).
 */
void
admin_invitations_send(struct request *req)
{
	long long	 crew_id = 0;
	const char	*why = NULL;
	char		 actor[64];
	int		 status;

	if (*admin_form(req, "crew_id") != '\0' &&
	    !valid_id(admin_form(req, "crew_id"), &crew_id)) {
		page(req, 400, NULL, "The form named no crew member.");
		return;
	}
	snprintf(actor, sizeof(actor), "staff:%lld", req->user.id);
	if ((status = invite(req, crew_id, actor, &why)) != 0) {
		page(req, status, NULL, why);
		return;
	}
	snprintf(actor, sizeof(actor), "/admin/bookings/%lld/invitations?sent=1",
	    req->p.id);
	admin_redirect(req, actor);
}
