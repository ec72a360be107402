/* api_invitations.c: POST /api/bookings/<id>/invitations, crew magic links issued and their mails queued */
#include <string.h>

#include <openssl/crypto.h>

#include "app.h"
#include "api.h"
#include "crew_link.h"
#include "db_crew_links.h"
#include "db_errors.h"
#include "handlers.h"
#include "limits.h"
#include "log.h"

#define INVITE_ATTEMPTS	2	/* the crew may change between the two steps */
#define ID_MAX		9007199254740992LL	/* 2^53, as valid_id */

static const char actor[] = "api";

/*
 * The optional body {"crew_ids": [id, ...]}: 1 to LIMIT_CREW_PER_BOOKING
 * distinct ids. *want is the array (borrowed), or NULL without a body.
 * 0, or -1 with the 400 sent.
 */
static int
invite_input(struct request *req, const json_t **want)
{
	struct field_error	 ferr;
	const char		*key;
	json_t			*v, *ids;
	size_t			 i, j;
	char			 field[32];

	*want = NULL;
	if (req->json == NULL)
		return 0;
	if (!json_is_object(req->json)) {
		fields_fail(&ferr, "", FIELD_EWRONGTYPE, "The body must be a "
		    "JSON object such as {\"crew_ids\": [3, 5]}.");
		goto bad;
	}
	json_object_foreach(req->json, key, v)
		if (strcmp(key, "crew_ids") != 0) {
			fields_fail(&ferr, "", FIELD_EUNKNOWN, "The only "
			    "field is crew_ids.");
			goto bad;
		}
	if ((ids = json_object_get(req->json, "crew_ids")) == NULL)
		return 0;
	if (!json_is_array(ids)) {
		fields_fail(&ferr, "crew_ids", FIELD_EWRONGTYPE, "crew_ids "
		    "must be an array of crew ids.");
		goto bad;
	}
	if (json_array_size(ids) < 1 ||
	    json_array_size(ids) > LIMIT_CREW_PER_BOOKING) {
		fields_fail(&ferr, "crew_ids", FIELD_ERANGE, "crew_ids must "
		    "name 1 to %d crew members.", LIMIT_CREW_PER_BOOKING);
		goto bad;
	}
	json_array_foreach(ids, i, v) {
		snprintf(field, sizeof(field), "crew_ids[%zu]", i);
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > ID_MAX) {
			fields_fail(&ferr, field, FIELD_EINVALID, "%s must be "
			    "a crew id, a whole number from 1.", field);
			goto bad;
		}
		for (j = 0; j < i; j++)
			if (json_integer_value(json_array_get(ids, j)) ==
			    json_integer_value(v)) {
				fields_fail(&ferr, field, FIELD_EINVALID,
				    "%s names a crew member twice.", field);
				goto bad;
			}
	}
	*want = ids;
	return 0;
bad:
	api_field_error(req, &ferr);
	return -1;
}

/* Answers a first step that found nothing to invite: 0 when it did. */
static int
targets_refused(struct request *req, const json_t *t)
{
	const char	*outcome = json_string_value(json_object_get(t, "outcome"));
	char		 msg[128];

	if (strcmp(outcome, "ok") == 0)
		return 0;
	if (strcmp(outcome, "not_found") == 0)
		resp_error(req, 404, "not_found", "There is no booking with "
		    "this id.");
	else if (strcmp(outcome, "cancelled") == 0)
		resp_error(req, 409, "booking_cancelled", "This booking is "
		    "cancelled: its crew cannot be invited.");
	else if (strcmp(outcome, "over") == 0)
		resp_error(req, 409, "charter_over", "This charter ended too "
		    "long ago for a link to be of use.");
	else {
		snprintf(msg, sizeof(msg), "crew_id %lld is not assigned to "
		    "this booking.", (long long)json_integer_value(
		    json_object_get(t, "crew_id")));
		resp_json(req, 400, json_pack("{s:s, s:s, s:s}", "error",
		    "invalid", "field", "crew_ids", "message", msg));
	}
	return -1;
}

/* One attempt: whom to invite, their links made, then issued. DB_OK with
 * *issued (outcome ok or changed), or -1 with the answer sent. */
static int
invite_once(struct request *req, const json_t *want, struct crew_link *links,
    size_t *n, json_t **issued)
{
	const struct config	*cfg = req->app->cfg;
	long long		 ids[LIMIT_CREW_PER_BOOKING];
	json_t			*t = NULL, *list;
	size_t			 i;
	int			 rc = -1;

	if (db_crew_invite_targets(req->db, req->p.id, want, req->now_us,
	    (int)cfg->link_ttl_days, &t) != DB_OK) {
		db_error_response(req, req->db);
		return -1;
	}
	if (targets_refused(req, t))
		goto out;
	list = json_object_get(t, "crew_ids");
	*n = json_array_size(list);
	if (*n > LIMIT_CREW_PER_BOOKING) {
		resp_error(req, 500, "internal", "Too many crew to invite.");
		goto out;
	}
	for (i = 0; i < *n; i++) {
		ids[i] = json_integer_value(json_array_get(list, i));
		if (crew_link_new(cfg, ids[i], &links[i]) == -1) {
			resp_error(req, 503, "unavailable", "No randomness for "
			    "a link; try again.");
			goto out;
		}
	}
	if (db_crew_links_issue(req->db, req->p.id, ids, links, *n,
	    (int)cfg->link_ttl_days, actor, req->now_us, issued) != DB_OK) {
		db_error_response(req, req->db);
		goto out;
	}
	rc = DB_OK;
out:
	json_decref(t);
	return rc;
}

/* [{crew_id, url, expires_at}] for the issued links; NULL on failure. */
static json_t *
invite_answer(const struct config *cfg, const json_t *issued,
    const struct crew_link *links, size_t n)
{
	json_t		*list = json_object_get(issued, "links"), *out, *l;
	char		 url[LIMIT_URL_LEN];
	size_t		 i;

	if (json_array_size(list) != n || (out = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		l = json_array_get(list, i);
		if (crew_link_url(cfg, links[i].token, url, sizeof(url)) == -1 ||
		    json_array_append_new(out, json_pack("{s:O, s:s, s:O}",
		    "crew_id", json_object_get(l, "crew_id"), "url", url,
		    "expires_at", json_object_get(l, "expires_at"))) == -1) {
			json_decref(out);
			return NULL;
		}
	}
	OPENSSL_cleanse(url, sizeof(url));
	return out;
}

/*
 * POST /api/bookings/<id>/invitations, body optional {"crew_ids": [...]}:
 * one new magic link per assigned crew member (all, or those named), each
 * revoking the pair's older link and queueing its invitation mail, in one
 * transaction. 200 [{crew_id, url, expires_at}]; 400 naming crew_ids (not
 * assigned, twice, malformed); 404; 409 booking_cancelled, charter_over,
 * or crew_changed when the crew kept changing meanwhile; 503 without
 * CHARTER_TOKEN_SECRET or randomness.
 */
void
api_bookings_invite(struct request *req)
{
	struct crew_link	 links[LIMIT_CREW_PER_BOOKING];
	const json_t		*want;
	json_t			*issued = NULL, *answer;
	size_t			 n = 0;
	int			 attempt;

	if (req->app->cfg->token_secret_len == 0) {
		log_err("CHARTER_TOKEN_SECRET is not set: no crew links");
		resp_error(req, 503, "unavailable", "Crew links are not set up "
		    "on this server (CHARTER_TOKEN_SECRET).");
		return;
	}
	if (invite_input(req, &want) == -1)
		return;
	for (attempt = 0; attempt < INVITE_ATTEMPTS; attempt++) {
		json_decref(issued);
		issued = NULL;
		if (invite_once(req, want, links, &n, &issued) == -1)
			goto out;
		if (strcmp(json_string_value(json_object_get(issued,
		    "outcome")), "ok") == 0)
			break;
	}
	if (attempt == INVITE_ATTEMPTS) {
		resp_error(req, 409, "crew_changed", "The booking's crew kept "
		    "changing while the links were made; try again.");
		goto out;
	}
	if ((answer = invite_answer(req->app->cfg, issued, links, n)) == NULL)
		resp_error(req, 500, "internal", "The answer could not be "
		    "built.");
	else
		resp_json(req, 200, answer);
out:
	/* The tokens now live only in the answer. */
	OPENSSL_cleanse(links, sizeof(links));
	json_decref(issued);
}
