/* admin_today.c: GET /admin/: today's and the coming days' charters, with their crewing at a glance */
#include "admin.h"
#include "app.h"
#include "db_admin.h"
#include "db_errors.h"
#include "handlers.h"

#define TODAY_DAYS	14	/* the start page looks this many days ahead */

/*
 * 200 with each day from today to TODAY_DAYS days ahead (the operator's
 * zone) that has charters: their times in the boat's zone, guest, vessel,
 * who confirmed, who is pending or declined, open places, and whether
 * the charter is fully crewed. Cancelled charters are left out.
 */
void
admin_home(struct request *req)
{
	json_t *days = NULL;

	if (db_admin_today(req->db, req->app->cfg->default_time_zone,
	    TODAY_DAYS, &days) != DB_OK) {
		db_error_response(req, req->db);
		return;
	}
	admin_page(req, 200, "admin/home.html", "Today", "home",
	    json_pack("{s:o, s:i}", "days", days, "horizon", TODAY_DAYS));
}
