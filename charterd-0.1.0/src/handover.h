/* handover.h: restart in place: a successor takes our listening socket, then we leave */
#ifndef CHARTERD_HANDOVER_H
#define CHARTERD_HANDOVER_H

#include <sys/types.h>

#include <signal.h>
#include <time.h>

struct handover {
	pid_t	 pid;		/* the successor; 0 = none pending */
	int	 fd;		/* read end of its ready pipe; -1 = none */
	time_t	 deadline;	/* CLOCK_MONOTONIC seconds */
};

/*
 * Remembers the path of the running binary, resolved now, so that a
 * binary rebuilt or reinstalled at that path is what a handover runs,
 * and argv for it. Returns 0, or -1 (logged).
 */
int	handover_init(char *const argv[]);

/*
 * Forks and execs the binary in a session of its own with listen_fd as
 * fd 3 (LISTEN_FDS=1, LISTEN_PID; -1 for no socket) and the write end of
 * a pipe named by CHARTER_READY_FD, on which it says when it is ready.
 * socket_id (or NULL) becomes CHARTER_SOCKET_ID: the socket path it may
 * claim once it serves. mask is the signal mask the successor starts
 * with. Returns 0 with h filled in, or -1 (logged).
 */
int	handover_start(struct handover *, int listen_fd, const char *socket_id,
	    const sigset_t *mask);

/*
 * Reads the successor's pipe: 1 when it said it is ready, 0 when it has
 * not yet, -1 when it closed the pipe without saying so (it failed).
 */
int	handover_poll(struct handover *);

/* Gives up on a pending successor: its session gets SIGTERM. */
void	handover_abort(struct handover *);

/* Forgets the successor (after it took over or failed). */
void	handover_clear(struct handover *);

/*
 * Successor side: takes CHARTER_READY_FD from the environment (and unsets
 * it). Returns the fd, or -1 when we were not started by a handover.
 */
int	handover_adopt(void);

/* Successor side: tells the predecessor we serve, and closes fd. */
void	handover_ready(int fd);

#endif
