/* serve.h: `charterd serve`, the prefork FastCGI server */
#ifndef CHARTERD_SERVE_H
#define CHARTERD_SERVE_H

#include "config.h"

/*
 * Opens the FastCGI socket, forks cfg->workers workers and supervises them
 * until SIGTERM/SIGINT (drain, then exit). SIGHUP re-reads the templates and
 * replaces the workers once they parse. Returns 0 after a clean stop, -1 when
 * start-up fails (logged).
 */
int	serve_run(const struct config *);
/* Loads config, templates and the database once and exits: 0 when usable. */
int	serve_check(const struct config *);

#endif
