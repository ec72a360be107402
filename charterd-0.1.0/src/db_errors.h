/* db_errors.h: turning a refused statement into the HTTP answer it deserves */
#ifndef CHARTERD_DB_ERRORS_H
#define CHARTERD_DB_ERRORS_H

#include "http.h"

/*
 * Answers the request after a failed statement: 400/409 with the field for
 * a known constraint, 503 when the database is unreachable, 500 otherwise.
 */
void	db_error_response(struct request *, const struct db *);

#endif
