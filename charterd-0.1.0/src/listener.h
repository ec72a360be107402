/* listener.h: the listening socket: inherited (LISTEN_FDS) or opened, removed only while ours */
#ifndef CHARTERD_LISTENER_H
#define CHARTERD_LISTENER_H

#include <sys/types.h>

#include <sys/un.h>

struct listener {
	int	 fd;		/* -1 = none */
	int	 inherited;	/* from LISTEN_FDS: its path is never ours to remove */
	int	 owns_path;	/* we bound path; (dev, ino) is what we bound */
	int	 claimable;	/* handed over with (dev, ino): ours once we serve */
	dev_t	 dev;
	ino_t	 ino;
	char	 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/*
 * Takes fd 3 when LISTEN_FDS=1 and LISTEN_PID name this process (systemd's
 * protocol; the variables are unset so children cannot misread them), else
 * With CHARTER_SOCKET_ID (a restart in place) the path addr names may be
 * claimed later (listener_claim). Else opens addr: "host:port", or an
 * absolute path for a unix socket (mode
 * 0660; a stale socket nobody listens on is removed first, a live one is
 * refused). The fd is close-on-exec. Returns 0, or -1 (logged).
 */
int	listener_open(struct listener *, const char *addr);

/*
 * Removes the unix socket's path when it still names the socket we bound,
 * and forgets it either way: never an inherited socket (unless claimed
 * after a restart in place), never one a newer server bound at the same
 * path. Safe to call twice.
 */
void	listener_unlink(struct listener *);

/*
 * Writes "dev:ino" of the path we own into buf, for a successor to claim
 * it (CHARTER_SOCKET_ID); -1 when we own no path.
 */
int	listener_id(const struct listener *, char *buf, size_t len);

/*
 * A successor that now serves takes over the path its predecessor bound,
 * when it was handed over with its id and still names that socket.
 */
void	listener_claim(struct listener *);

/* Closes the fd (the path stays: see listener_unlink). */
void	listener_close(struct listener *);

#endif
