/* db_errors.c: turning a refused statement into the HTTP answer it deserves */
#include <string.h>

#include "app.h"
#include "db_errors.h"

static const struct {
	const char	*constraint;
	int		 status;
	const char	*code;
	const char	*field;
	const char	*message;
} known[] = {
	{ "bookings_slug_unique", 409, "slug_taken", "slug",
	  "Another booking already uses this slug." },
	{ "bookings_slug_shape", 400, "invalid", "slug",
	  "slug must be 3 to 64 lowercase letters, digits and inner hyphens." },
	{ "bookings_time_zone_known", 400, "invalid", "time_zone",
	  "time_zone is not a time zone PostgreSQL knows (e.g. America/Los_Angeles)." },
	{ "bookings_ends_after_starts", 400, "invalid", "ends_at",
	  "ends_at must be after starts_at." },
	{ "bookings_at_most_a_week", 400, "invalid", "ends_at",
	  "A charter may last at most 7 days." },
	{ "bookings_upload_window_order", 400, "invalid", "upload_closes_at",
	  "The upload window must close after it opens." },
	{ "assignments_one_captain", 400, "invalid", "crew",
	  "A booking has at most one captain." },
	{ "assignments_once", 400, "invalid", "crew",
	  "A crew member can be assigned to a booking only once." },
	{ "assignments_crew_exists", 400, "invalid", "crew",
	  "A crew_id does not name a crew member." },
	{ "assignments_crew_active", 400, "invalid", "crew",
	  "A crew member who is no longer active cannot be given a new "
	  "charter." },
	{ "crew_email_unique", 409, "email_taken", "email",
	  "A crew member with this email already exists." },
};

int
db_error_known(const struct db *db, int *status, const char **field,
    const char **message)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(db->constraint, known[i].constraint) == 0) {
			*status = known[i].status;
			*field = known[i].field;
			*message = known[i].message;
			return 1;
		}
	return 0;
}

void
db_error_response(struct request *req, const struct db *db)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(db->constraint, known[i].constraint) != 0)
			continue;
		resp_json(req, known[i].status, json_pack("{s:s, s:s, s:s}",
		    "error", known[i].code, "field", known[i].field,
		    "message", known[i].message));
		return;
	}
	if (db_failed_with(db, "23502")) {
		resp_json(req, 400, json_pack("{s:s, s:s, s:s}", "error",
		    "missing", "field", db->column[0] ? db->column : "",
		    "message", "A required field may not be null."));
		return;
	}
	if (db_failed_with(db, "08") || db_failed_with(db, "57P") ||
	    db->sqlstate[0] == '\0') {
		resp_error(req, 503, "unavailable", "The database is not "
		    "answering; try again in a minute.");
		return;
	}
	resp_error(req, 500, "internal", "The change could not be saved.");
}
