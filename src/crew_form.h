/* crew_form.h: the admin's crew roster form: what a POST holds, the API input it stands for, and its errors in words */
#ifndef CHARTERD_CREW_FORM_H
#define CHARTERD_CREW_FORM_H

#include <jansson.h>

#include "kv.h"

/*
 * The form's fields: name, email, phone, roles (one line, roles separated
 * by commas), rate (dollars an hour, as money_parse() reads them), and
 * seen (roster_row()'s, carried back by an edit).
 *
 * The model is what the form shows: {name, email, phone, roles, rate,
 * seen}, all strings as typed.
 */

/* The model of a submitted form; NULL when out of memory. */
json_t	*crew_form_read(const struct kvlist *form);

/* The model of a stored crew member (roster_row()'s object). */
json_t	*crew_form_stored(const json_t *row);

/*
 * The input POST /api/crew would take for the model ({name, email, phone
 * (null when empty), roles [..], hourly_rate_cents}), each field checked
 * by the API's own table (crew_fields, booking_input.c). A field that
 * does not pass puts {field: sentence} in errors (field as the form
 * names it: name, email, phone, roles, rate) and is left out. Returns the
 * input (caller decrefs), or NULL when out of memory.
 */
json_t	*crew_form_input(const json_t *model, json_t *errors);

/*
 * Splits a roles line at commas into a new array of trimmed, non-empty
 * roles, the same role twice (ignoring case) kept once. NULL when out of
 * memory.
 */
json_t	*crew_form_roles(const char *line);

#endif
