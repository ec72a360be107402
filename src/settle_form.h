/* settle_form.h: the trip settlement form (the captain's and the admin's): what a POST holds, the input settlement_write() takes, and what both pages render */
#ifndef CHARTERD_SETTLE_FORM_H
#define CHARTERD_SETTLE_FORM_H

#include <jansson.h>

#include "kv.h"

/*
 * Form fields: version (the settlement's, 0 for none), returned_at (a
 * datetime-local value in the boat's zone), port_fee and fuel (dollars,
 * as money_parse() reads them; fuel may be empty), note, receipt_id (a
 * receipt upload's id, set by static/settle.js; empty keeps the
 * receipt), locked ("1": staff only) and hours_<assignment id> for each
 * crew member (hours, "4.5").
 *
 * The model is what the form shows, as typed: {version, returned_at,
 * port_fee, fuel, note, receipt_id, locked (bool), hours {"<assignment
 * id>": "4.5"}}.
 *
 * form is settlement_form()'s object (sql/016_settle.sql): {booking,
 * crew [{assignment_id, name, role, captain, planned, hours, ...}],
 * settlement or null}.
 */

/* The model of a submitted form; NULL when out of memory. */
json_t	*settle_form_read(const struct kvlist *form);

/*
 * The model of what is stored: the settlement's values, or for a trip
 * not settled yet the planned return and hours, an empty port fee and no
 * fuel. NULL when out of memory.
 */
json_t	*settle_form_stored(const json_t *form);

/*
 * The input settlement_write() takes for the model: {version,
 * returned_local, port_fee_cents, fuel_cents, note, receipt_id (or
 * null), locked (only with may_lock), hours [{assignment_id,
 * hours_x100}]}. What cannot be read puts {field: sentence} in errors
 * (returned_at, port_fee, fuel, note, hours_<id>). NULL when out of
 * memory.
 */
json_t	*settle_form_input(const json_t *model, int may_lock, json_t *errors);

/*
 * What both settlement pages render from form, the model and errors
 * (NULL: none): {f.<field> {value, error}, hours_error, rows [crew with
 * value, error, changed], receipt_id, locked, has_errors, one_error,
 * errors [{id, label, message}]}. NULL when out of memory.
 */
json_t	*settle_form_context(const json_t *form, const json_t *model,
	    const json_t *errors);

/* Hours as typed ("4", "4.5", "4.25") to hundredths, 0 .. 48 hours:
 * 0, or -1 for anything else. */
int	 settle_form_hours(const char *s, long long *x100);

/* 1 when s is a datetime-local value, "YYYY-MM-DDTHH:MM" (":SS" may
 * follow), a real date and time. */
int	 settle_form_local_time(const char *s);

#endif
