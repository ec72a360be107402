/* worker.h: one FastCGI worker process: accept, handle, repeat */
#ifndef CHARTERD_WORKER_H
#define CHARTERD_WORKER_H

#include "config.h"
#include "metrics.h"
#include "tmpl.h"

/* Serves requests on the listening socket until told to stop; never returns. */
void	worker_main(const struct config *, int sock, struct tmpl_set *,
	    struct metrics *) __attribute__((noreturn));

#endif
