/* db_mail.h: what the mail target reads about a booking when it delivers */
#ifndef CHARTERD_DB_MAIL_H
#define CHARTERD_DB_MAIL_H

#include <jansson.h>

#include "db.h"

/*
 * mail_booking(id) (sql/009_mail.sql): the guest view, no money, plus
 * guest_email and cancelled_at_label, as the booking is now. DB_OK with
 * *out (caller decrefs), DB_NOT_FOUND when the booking is gone, DB_ERROR.
 */
int	db_mail_booking(struct db *, long long booking_id, json_t **out);

#endif
