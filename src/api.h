/* api.h: helpers shared by the internal JSON API handlers */
#ifndef CHARTERD_API_H
#define CHARTERD_API_H

#include "fields.h"
#include "http.h"

/* 400 {error, field, message} from a validation failure. */
void	api_field_error(struct request *, const struct field_error *);
/* Parses the :id path parameter (1..2^53); 0 when it is not one (404 sent). */
long long api_id_param(struct request *, size_t idx);

#endif
