/* changes.h: serve's supervisor listens for booking changes committed on any host */
#ifndef CHARTERD_CHANGES_H
#define CHARTERD_CHANGES_H

#include "config.h"
#include "db.h"
#include "metrics.h"

/*
 * Every booking change NOTIFYs charterd_outbox (record_booking_change()).
 * The supervisor LISTENs and bumps the shared page generation, so every
 * worker drops its cached guest pages at once, whichever host committed
 * the change (a worker of this host bumps it itself, sooner).
 */
struct changes {
	struct db	 db;		/* charterd_guest: LISTEN needs no grant */
	struct metrics	*metrics;
	long long	 retry_ms;	/* monotonic: no reconnect before */
};

void	changes_init(struct changes *, const struct config *, struct metrics *);
/* The socket to wait on, or -1 while not connected. */
int	changes_fd(struct changes *);
/* Reads what arrived (a notification drops every cached page), or
 * connects again when due; a new connection drops them too, as changes
 * may have come while it was away. */
void	changes_poll(struct changes *);
void	changes_close(struct changes *);

#endif
