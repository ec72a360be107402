/* mail.h: the mails charterd sends, by outbox kind: recipient, templates, context, and the finished message */
#ifndef CHARTERD_MAIL_H
#define CHARTERD_MAIL_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "mime.h"
#include "tmpl.h"

/* What composing needs besides the data: the templates and settings. */
struct mail_env {
	const struct tmpl_set	*tmpl;
	const char		*public_url;	/* CHARTER_PUBLIC_URL */
	const char		*site_name;	/* CHARTER_SITE_NAME */
	const char		*contact_email;	/* CHARTER_CONTACT_EMAIL; "" none */
	const char		*contact_phone;	/* CHARTER_CONTACT_PHONE; "" none */
	const char		*mail_from;	/* CHARTER_MAIL_FROM */
};

/* What the sync target reads, at delivery, for a kind's data. */
enum mail_source {
	MAIL_SRC_BOOKING,	/* mail_booking(booking_id): sql/009_mail.sql */
	MAIL_SRC_CREW_LINK,	/* crew_invitation_mail(payload's link_id):
				   sql/011_crew_links.sql, with the link's
				   token made again as "token" */
	MAIL_SRC_CREW_REMINDER,	/* crew_reminder_mail(booking_id, crew_id):
				   sql/017_crew_slots.sql, the live link's
				   token made again as "token" */
	MAIL_SRC_CREW_OFFER,	/* crew_offer_mail(payload's slot_id, crew_id),
				   with a new offer link's token as "token" */
	MAIL_SRC_CREWING_DECLINED, /* crewing_mail(booking_id, payload's
				   crew_id and offered): who declined */
	MAIL_SRC_CREWING_ALERT,	/* crewing_mail(booking_id) while the booking
				   is not fully crewed */
	MAIL_SRC__MAX
};

/*
 * One kind of mail. A new kind (crew invitation, reminder, open-slot
 * offer) is a row in mail.c's table: its templates <base>.hdr (the
 * subject), <base>.txt and <base>.html under templates/email/, where its
 * data comes from, who receives it and what its templates see.
 */
struct mail_kind {
	const char		*kind;		/* the outbox kind */
	const char		*base;		/* "email/guest_confirmation" */
	enum mail_source	 source;
	/* Sets *to from data; 0, or 1 when there is nobody to send to, with
	 * *why saying so (the row is then settled: nothing to send). */
	int			(*recipient)(const struct mail_env *,
				    const json_t *data, struct mime_mailbox *to,
				    const char **why);
	/* Adds the links its templates print to links; 0, or -1 when one
	 * cannot be built. */
	int			(*links)(const struct mail_env *,
				    const json_t *data, json_t *links);
	int			 reply_to_operator; /* Reply-To: CONTACT_EMAIL */
};

/* The kind named kind, or NULL. */
const struct mail_kind *mail_kind_find(const char *kind);

enum mail_rc {
	MAIL_OK,
	MAIL_NOBODY,		/* nothing to send (no address any more) */
	MAIL_REFUSED,		/* cannot be sent as it is: say why, for good */
	MAIL_ERROR,		/* out of memory: try again */
};

/* A composed mail: the message and its SMTP envelope. */
struct mail_out {
	struct buf	 message;
	char		 from[MIME_ADDR_MAX];	/* MAIL FROM */
	char		 to[MIME_ADDR_MAX];	/* RCPT TO */
	char		 message_id[MIME_ID_MAX + 1];
};

/*
 * Composes kind's mail for outbox row outbox_id from data (what its
 * source read; borrowed) at time now. The Message-ID is
 * outbox-<id>.<hash>@<CHARTER_MAIL_FROM's domain>, the hash of the row,
 * booking and recipient: the same for every attempt at one row, so
 * readers can drop a duplicate that a retry after a crash sent. Returns
 * MAIL_OK with out filled (mail_out_free it), MAIL_NOBODY or
 * MAIL_REFUSED with a sentence in why (a header value with a line break
 * or control character, a bad address, a template that failed), or
 * MAIL_ERROR.
 */
int	mail_compose(const struct mail_env *, const struct mail_kind *,
	    const json_t *data, long long outbox_id, time_t now,
	    struct mail_out *out, char *why, size_t whylen);
void	mail_out_free(struct mail_out *);

#endif
