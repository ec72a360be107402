/* crew_mail.h: the crew invitation mail (outbox kind mail.crew_invitation): what it says, to whom, with its link made again */
#ifndef CHARTERD_CREW_MAIL_H
#define CHARTERD_CREW_MAIL_H

#include <jansson.h>

#include "buf.h"
#include "db.h"
#include "limits.h"

struct app;

/* A rendered invitation: the address, and the three parts. */
struct crew_mail {
	long long	 link_id;
	char		 to[LIMIT_EMAIL_LEN + 1];
	struct buf	 subject;	/* email/crew_invitation.hdr: one header value */
	struct buf	 text;		/* email/crew_invitation.txt */
	struct buf	 html;		/* email/crew_invitation.html */
};

enum crew_mail_rc {
	CREW_MAIL_ERROR = -1,	/* retry later */
	CREW_MAIL_SEND = 0,	/* *m is ready: send it, then crew_mail_sent() */
	CREW_MAIL_SKIP,		/* revoked, expired or sent already: settle
				   the row without sending */
};

/*
 * Renders the invitation from crew_invitation_mail()'s answer (borrowed,
 * outcome ok): the link's token derived again from its nonce under
 * CHARTER_TOKEN_SECRET, its URL from crew_link_url(), and the templates
 * email/crew_invitation.{hdr,txt,html} with the crew member's view (their
 * own pay only). 0, or -1 (logged, never with the token).
 */
int	crew_mail_render(const struct app *, const json_t *answer,
	    struct crew_mail *);

/*
 * The mail target's whole job for one mail.crew_invitation row: payload
 * {link_id}; reads the link as charterd_sync (db) at now_us and renders
 * it into *m (crew_mail_free it in every case).
 */
enum crew_mail_rc crew_mail_prepare(const struct app *, struct db *,
	    const json_t *payload, long long now_us, struct crew_mail *m);

/* After the mail went out: the link's nonce is erased, so its token can
 * never be made again. DB_OK or DB_ERROR (retry: sending twice is the
 * lesser harm, and the second try finds the nonce gone). */
int	crew_mail_sent(struct db *, const struct crew_mail *);

/* Frees the parts, wiping the bodies (they hold the link). */
void	crew_mail_free(struct crew_mail *);

#endif
