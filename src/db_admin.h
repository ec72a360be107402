/* db_admin.h: what the staff admin's pages read: today, the bookings list, a booking as its form shows it, history, invitations */
#ifndef CHARTERD_DB_ADMIN_H
#define CHARTERD_DB_ADMIN_H

#include <jansson.h>

#include "db.h"

/*
 * Each returns DB_OK with *out set (caller decrefs), DB_NOT_FOUND, or
 * DB_ERROR. None reads money but db_admin_money and, with with_money,
 * db_admin_history and db_admin_changed_since: on the staff connection
 * the database refuses those.
 */

/* The start page: days from today to today + days in zone tz that have
 * charters (admin_today()). */
int	db_admin_today(struct db *, const char *tz, int days, json_t **out);

/* A page of the bookings list. */
struct admin_list_query {
	const char	*q;		/* in guest name, slug or vessel; NULL: any */
	const char	*from, *to;	/* YYYY-MM-DD in tz, inclusive; NULL: open;
					   from "today": today in tz */
	const char	*status;	/* "confirmed", "cancelled"; NULL: both */
	int		 open_only;	/* not fully crewed */
	long long	 after;		/* the page after this booking (0: first) */
	long long	 before;	/* the page before this one (0: none) */
	int		 limit;
	const char	*tz;		/* the operator's zone, for dates */
};

/* {rows: [admin_list_row()...], more: bool, today: "YYYY-MM-DD"} in
 * (starts_at, id) order; more: another page lies beyond in the direction
 * asked; today in tz. */
int	db_admin_list(struct db *, const struct admin_list_query *,
	    json_t **out);

/* admin_booking(): the booking as its form shows it, no money. */
int	db_admin_booking(struct db *, long long id, json_t **out);
/* admin_booking_money(): {revenue_cents, port_fee_cents,
 * captain_fee_cents}; the owner's connection only. */
int	db_admin_money(struct db *, long long id, json_t **out);
/* admin_roster(): every crew member, active first. */
int	db_admin_roster(struct db *, json_t **out);
/* admin_history(): the booking's audit rows, newest first, with money's
 * old and new values only with with_money. */
int	db_admin_history(struct db *, long long id, int with_money,
	    json_t **out);
/* admin_changed_since(): the fields changed after version v. */
int	db_admin_changed_since(struct db *, long long id, int v,
	    int with_money, json_t **out);
/* admin_invitations(): crew on the booking, answers and latest links. */
int	db_admin_invitations(struct db *, long long id, json_t **out);
/*
 * The datetime-local texts of locals (an array of strings and nulls)
 * placed in zone tz: an array of ISO 8601 times (null for null);
 * DB_NOT_FOUND when PostgreSQL does not know the zone.
 */
int	db_admin_local_times(struct db *, const char *tz, const json_t *locals,
	    json_t **out);

#endif
