/* db_mail.c: what the mail target reads about a booking when it delivers */
#include <stdio.h>

#include "db_mail.h"

int
db_mail_booking(struct db *db, long long booking_id, json_t **out)
{
	char		 id[24];
	const char	*p[1] = { id };

	snprintf(id, sizeof(id), "%lld", booking_id);
	return db_json(db, out, "SELECT mail_booking($1)", 1, p);
}
