/* db_errors.h: turning a refused statement into the HTTP answer it deserves */
#ifndef CHARTERD_DB_ERRORS_H
#define CHARTERD_DB_ERRORS_H

#include "http.h"

/*
 * Answers the request after a failed statement: 400/409 with the field for
 * a known constraint, 503 when the database is unreachable, 500 otherwise.
 */
void	db_error_response(struct request *, const struct db *);

/*
 * The same knowledge for a form: 1 when the failure was a constraint we
 * know, with its HTTP status, the field it concerns and a sentence
 * (static strings); 0 otherwise.
 */
int	db_error_known(const struct db *, int *status, const char **field,
	    const char **message);

#endif
