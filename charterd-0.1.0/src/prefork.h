/* prefork.h: a supervisor of N child processes: replace, reload, drain, hand over */
#ifndef CHARTERD_PREFORK_H
#define CHARTERD_PREFORK_H

#include "listener.h"

struct prefork {
	const char	 *name;		/* what a child is called in logs */
	int		  nchildren;	/* at most LIMIT_CHILDREN */
	struct listener	 *listener;	/* children inherit its fd; NULL: none */
	const char	 *user;		/* children run as this user when we are root */
	const char	 *pid_file;	/* written while we serve; NULL: none */
	char *const	 *argv;		/* a successor's argv on SIGUSR2; NULL: none */
	/*
	 * In each child, after the credential drop; must not return. role is
	 * 0 .. nchildren-1, each held by one serving child at a time (a
	 * replacement takes the role of the child it replaces), so children
	 * can split work by role: sync runs one target per role.
	 */
	void		(*child)(void *arg, int role);
	/* SIGHUP: 0 replaces every child, -1 keeps them (NULL: ignored). */
	int		(*reload)(void *arg);
	/* A child died without being asked to (NULL: nothing). */
	void		(*child_died)(void *arg);
	/*
	 * Optional: a descriptor the supervisor also waits on (-1: none at
	 * the moment), and what to do when it is readable, or at least every
	 * LIMIT_WATCH_MS (so a lost connection is made again). serve listens
	 * here for changes committed on other hosts.
	 */
	int		(*watch_fd)(void *arg);
	void		(*watch)(void *arg);
	void		 *arg;
};

/*
 * Runs the supervisor until it stops. Children run pf->child as pf->user
 * (when started as root; -1 when that user does not exist) and get SIGTERM
 * when the supervisor dies. A child that dies is replaced, at most once a
 * LIMIT_RESPAWN_MS when it keeps dying young. Once every child called
 * prefork_child_ready(), the pid file is written and a predecessor that
 * started us (SIGUSR2) is told to leave.
 *
 * Signals: SIGTERM/SIGINT stop (stop taking new work, let the queued
 * connections be accepted, let in-flight work finish for
 * LIMIT_DRAIN_SECONDS, then SIGKILL); SIGHUP calls pf->reload; SIGUSR2
 * execs a successor on the same listening socket and leaves once it is
 * ready (nothing queued is lost), or keeps serving when it fails.
 * Returns 0 after a stop, -1 when start-up fails (logged).
 */
int	prefork_run(const struct prefork *pf);

/* In a child: says it is ready to take work. Once; later calls do nothing. */
void	prefork_child_ready(void);

#endif
