/* crew_mail.c: the crew invitation mail (outbox kind mail.crew_invitation): what it says, to whom, with its link made again */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app.h"
#include "crew_link.h"
#include "crew_mail.h"
#include "db_crew_links.h"
#include "log.h"
#include "view.h"

int
crew_mail_render(const struct app *app, const json_t *answer,
    struct crew_mail *m)
{
	const char	*email, *nonce;
	char		 token[LIMIT_TOKEN_LEN + 1], url[LIMIT_URL_LEN];
	json_t		*ctx = NULL;
	long long	 crew_id;
	int		 rc = -1;

	email = json_string_value(json_object_get(answer, "email"));
	nonce = json_string_value(json_object_get(answer, "nonce"));
	crew_id = json_integer_value(json_object_get(answer, "crew_id"));
	m->link_id = json_integer_value(json_object_get(answer, "link_id"));
	if (email == NULL || strlen(email) >= sizeof(m->to) ||
	    !json_is_object(json_object_get(answer, "view"))) {
		log_err("link %lld: the invitation's data is incomplete",
		    m->link_id);
		return -1;
	}
	snprintf(m->to, sizeof(m->to), "%s", email);
	if (crew_link_token(app->cfg, crew_id, nonce, token) == -1 ||
	    crew_link_url(app->cfg, token, url, sizeof(url)) == -1) {
		log_err("link %lld: its token cannot be made again (is "
		    "CHARTER_TOKEN_SECRET serve's?)", m->link_id);
		goto out;
	}
	if ((ctx = json_deep_copy(json_object_get(answer, "view"))) == NULL ||
	    json_object_set_new(ctx, "link", json_string(url)) == -1)
		goto out;
	if (view_render(app, "email/crew_invitation.hdr", ctx, &m->subject) ||
	    view_render(app, "email/crew_invitation.txt", ctx, &m->text) ||
	    view_render(app, "email/crew_invitation.html", ctx, &m->html))
		goto out;
	rc = 0;
out:
	/* The copy in ctx is freed unwiped: jansson owns it. */
	OPENSSL_cleanse(token, sizeof(token));
	OPENSSL_cleanse(url, sizeof(url));
	json_decref(ctx);
	return rc;
}

enum crew_mail_rc
crew_mail_prepare(const struct app *app, struct db *db, const json_t *payload,
    long long now_us, struct crew_mail *m)
{
	json_t		*answer = NULL;
	long long	 link_id;
	enum crew_mail_rc rc = CREW_MAIL_ERROR;

	memset(m, 0, sizeof(*m));
	link_id = json_integer_value(json_object_get(payload, "link_id"));
	if (link_id < 1) {
		log_err("a crew invitation row names no link");
		return CREW_MAIL_SKIP;
	}
	if (db_crew_invitation_mail(db, link_id, now_us,
	    (int)app->cfg->response_cutoff_h, &answer) != DB_OK)
		return CREW_MAIL_ERROR;
	if (strcmp(json_string_value(json_object_get(answer, "outcome")),
	    "ok") != 0)
		rc = CREW_MAIL_SKIP;
	else if (crew_mail_render(app, answer, m) == 0)
		rc = CREW_MAIL_SEND;
	json_decref(answer);
	return rc;
}

int
crew_mail_sent(struct db *db, const struct crew_mail *m)
{
	return db_crew_link_mailed(db, m->link_id);
}

static void
wipe(struct buf *b)
{
	if (b->data != NULL)
		OPENSSL_cleanse(b->data, b->cap);
	buf_free(b);
}

void
crew_mail_free(struct crew_mail *m)
{
	buf_free(&m->subject);
	wipe(&m->text);
	wipe(&m->html);
}
