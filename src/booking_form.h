/* booking_form.h: the admin's booking form: what a POST holds, the API input it stands for, the margin it adds up to */
#ifndef CHARTERD_BOOKING_FORM_H
#define CHARTERD_BOOKING_FORM_H

#include <stddef.h>

#include <jansson.h>

#include "kv.h"

/*
 * The form's model is a JSON object of what the form shows, as typed
 * (strings), keyed by the API's field names so that an error's path
 * ("crew[1].role") names the input it belongs to:
 *
 *   version, slug, guest_name, guest_email, guest_phone, time_zone,
 *   starts_at, ends_at (datetime-local, in the booking's zone), vessel,
 *   meeting_point, party_size, guest_notes, crew_notes,
 *   upload_window ("default" | "custom"), upload_opens_at, upload_closes_at,
 *   revenue_cents, port_fee_cents, captain_fee_cents (dollars; with money),
 *   checklist: [text],
 *   crew: [{crew_id, role, hours, hourly_rate_cents (dollars), captain
 *          (true/false), status (from the database, when known)}],
 *   open_slots: [{id, role, count, hourly_rate_cents (dollars), hours,
 *          filled (from the database)}],
 *   blank: {checklist, crew, open_slots}: empty rows the form shows
 *
 * Form field names: the scalars by name, "checklist" once per item,
 * "crew[<n>].<field>" and "open_slots[<n>].<field>" for rows (n any index
 * below BOOKING_FORM_MAX_INDEX; rows are taken in index order, those
 * without a crew member / a role dropped), "captain" = the index of the
 * captain's row.
 */

#define BOOKING_FORM_MAX_INDEX	1000

/* Blank rows a form shows at least, per list. */
#define BOOKING_FORM_BLANK_CHECKLIST	2
#define BOOKING_FORM_BLANK_CREW		1
#define BOOKING_FORM_BLANK_SLOTS	1

/*
 * The model of a submitted form (kvlist of its fields), with money only
 * when money. add ("checklist", "crew", "open_slots" or NULL) asks for one
 * more blank row of that list. Returns the model (caller decrefs) or NULL
 * when out of memory.
 */
json_t	*booking_form_read(const struct kvlist *form, int money,
	    const char *add);

/*
 * The model of a stored booking: booking is admin_booking()'s answer,
 * money admin_booking_money()'s (NULL: none). NULL when out of memory.
 */
json_t	*booking_form_model(const json_t *booking, const json_t *money);

/*
 * The model of a new booking: zone tz, the default upload window, no rows.
 */
json_t	*booking_form_blank(const char *tz, int money);

/*
 * The API's input for the model (POST /api/bookings or a PATCH naming
 * every field): text trimmed, empty optional fields null, numbers and
 * dollars read, crew and open_slots always present (empty lists clear).
 * Times stay as the form's local text ("2026-06-01T09:30"): the caller
 * has the database place them in the booking's zone. What cannot be read
 * is an error: errors gets {path: message} (first one per path), and the
 * field is left out or null. An empty slug is left out (made from the
 * name for a new booking, kept for an edit). Returns the input (caller
 * decrefs) or NULL when out of memory.
 */
json_t	*booking_form_input(const json_t *model, int money, json_t *errors);

/*
 * 1 when s is a datetime-local value: "YYYY-MM-DDTHH:MM" or with ":SS",
 * a real date and time, no offset.
 */
int	 booking_form_local_time(const char *s);
/* 1 when s is a date input's value, "YYYY-MM-DD", a real date. */
int	 booking_form_date(const char *s);

/* The label of a field or row field ("guest_name" -> "Guest name",
 * "crew[1].role" -> "Role"), "" for a path it does not know. */
const char *booking_form_label(const char *path);

/*
 * An API validation message as the form says it next to the field: the
 * field's path replaced by its label, API names of other fields by words
 * ("crew[1].role must not be empty." -> "Role must not be empty.").
 */
void	 booking_form_message(const char *path, const char *message,
	    char *out, size_t len);

/* What the margin line says (sums in cents). */
struct booking_margin {
	long long	 revenue, crew, port, captain, net;
	int		 has_pct;	/* revenue > 0 */
	long long	 pct_x10;	/* net / revenue in tenths of a percent */
	int		 warn;		/* no revenue, or under warn_pct */
	int		 unread;	/* an amount that does not read is left out */
};

/*
 * Revenue - crew cost - port fee - captain fee of the model. Crew cost:
 * each crew row not declined, at its rate (the roster's when empty:
 * roster is admin_roster()'s array) for its hours (the charter's,
 * charter_secs, when empty), plus each open place not yet held, at its
 * rate and hours. warn below warn_pct percent.
 */
void	 booking_form_margin(const json_t *model, const json_t *roster,
	    long long charter_secs, int warn_pct, struct booking_margin *);

#endif
