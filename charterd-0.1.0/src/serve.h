/* serve.h: `charterd serve`: the FastCGI workers under the prefork supervisor */
#ifndef CHARTERD_SERVE_H
#define CHARTERD_SERVE_H

#include "config.h"

/*
 * Takes the FastCGI socket (inherited through LISTEN_FDS, else opened on
 * cfg->listen) and runs cfg->workers workers under prefork_run: as
 * cfg->user when started as root, replaced when they die, SIGHUP re-reads
 * the templates and replaces the workers once they parse, SIGUSR2 restarts
 * in place, SIGTERM/SIGINT drain. Returns 0 after a clean stop, -1 when
 * start-up fails (logged).
 */
int	serve_run(const struct config *);
/* Loads templates, the database and the service user once: 0 when usable. */
int	serve_check(const struct config *);

#endif
