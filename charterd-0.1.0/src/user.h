/* user.h: `charterd user`: staff accounts from the command line */
#ifndef CHARTERD_USER_H
#define CHARTERD_USER_H

#include "config.h"

/*
 * charterd user add <email> [--role owner|staff] [--name NAME]
 *               passwd <email> | disable <email> | enable <email> | list
 * argv[0] is "user". A password comes from standard input when it is not
 * a terminal, else one is generated and printed once. Returns the exit
 * status: 0, 1 (failed), 2 (usage).
 */
int	user_run(const struct config *, int argc, char **argv);

#endif
