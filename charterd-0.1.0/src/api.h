/* api.h: helpers shared by the internal JSON API handlers */
#ifndef CHARTERD_API_H
#define CHARTERD_API_H

#include "fields.h"
#include "http.h"

/* 400 {error, field, message} from a validation failure. */
void	api_field_error(struct request *, const struct field_error *);

#endif
