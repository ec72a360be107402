/* admin_booking_form.h: the booking form page's context: fields with their errors, rows, the roster, the margin, what changed */
#ifndef CHARTERD_ADMIN_BOOKING_FORM_H
#define CHARTERD_ADMIN_BOOKING_FORM_H

#include <jansson.h>

#include "http.h"

/* What one rendering of the booking form shows (all borrowed). */
struct booking_page {
	const json_t	*model;		/* booking_form.h's model */
	const json_t	*errors;	/* {path: message}, API wording; NULL */
	const json_t	*booking;	/* admin_booking() when it exists, else NULL */
	const json_t	*roster;	/* admin_roster() */
	const json_t	*history;	/* admin_history(), NULL: none shown */
	const json_t	*stale;		/* stale_changes: [{label, theirs, yours}] */
	int		 stale_from;	/* the version the form was built from */
	const char	*notice;	/* a line of good news, or NULL */
	long long	 charter_secs;	/* the charter's length, -1 unknown */
};

/*
 * The template context of admin/booking.html for page (see the template's
 * header comment). The margin (owner only) is computed here, from the
 * form's own values. NULL when out of memory.
 */
json_t	*admin_booking_context(const struct request *,
	    const struct booking_page *);

/*
 * The fields that changed in the database since the form was built, as
 * the form's two sides say them: keys (admin_changed_since()) against the
 * stored model theirs and the submitted one yours: [{label, theirs, yours,
 * same}] in form order. NULL when out of memory.
 */
json_t	*admin_booking_changes(const json_t *keys, const json_t *theirs,
	    const json_t *yours, const json_t *roster);

/* The element id of a field's input ("crew[1].role" -> "crew-1-role"). */
void	 admin_booking_field_id(const char *path, char *out, size_t len);

#endif
