/* serve.c: `charterd serve`, the prefork supervisor of the FastCGI workers */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "log.h"
#include "metrics.h"
#include "serve.h"
#include "tmpl.h"
#include "worker.h"

#define SERVE_BACKLOG		1024
#define SERVE_DRAIN_SECONDS	30	/* then stragglers get SIGKILL */
#define SERVE_MAX_WORKERS	256

struct slot {
	pid_t	pid;		/* 0 = empty */
	time_t	started;
	int	retiring;	/* told to stop; not replaced when it exits */
};

static volatile sig_atomic_t got_term, got_hup, got_chld;

static void
on_signal(int sig)
{
	if (sig == SIGTERM || sig == SIGINT)
		got_term = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGCHLD)
		got_chld = 1;
}

static void
serve_signals(sigset_t *blocked, sigset_t *waitmask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	/* Signals are only taken inside sigsuspend(), so none is lost. */
	sigemptyset(blocked);
	sigaddset(blocked, SIGTERM);
	sigaddset(blocked, SIGINT);
	sigaddset(blocked, SIGHUP);
	sigaddset(blocked, SIGCHLD);
	sigprocmask(SIG_BLOCK, blocked, waitmask);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGHUP);
	sigdelset(waitmask, SIGCHLD);
}

static struct tmpl_set *
load_templates(const struct config *cfg)
{
	struct tmpl_set	*t;
	char		 err[512];

	if ((t = tmpl_set_load(cfg->template_dir, err, sizeof(err))) == NULL)
		log_err("templates in %s: %s", cfg->template_dir, err);
	return t;
}

static int
spawn(struct slot *s, const struct config *cfg, int sock,
    struct tmpl_set *tmpl, struct metrics *metrics, const sigset_t *orig)
{
	pid_t pid;

	if ((pid = fork()) == -1) {
		log_err("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, orig, NULL);
		worker_main(cfg, sock, tmpl, metrics);
	}
	s->pid = pid;
	s->started = time(NULL);
	s->retiring = 0;
	return 0;
}

/* Reaps exited workers, counting those that were not told to stop. */
static void
reap(struct slot *slots, int nslots, struct metrics *metrics)
{
	pid_t	 pid;
	int	 status, i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < nslots; i++)
			if (slots[i].pid == pid)
				break;
		if (i == nslots)
			continue;
		slots[i].pid = 0;
		if (slots[i].retiring)
			continue;
		if (WIFSIGNALED(status))
			log_err("worker %d died of signal %d; replacing it",
			    (int)pid, WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			log_err("worker %d exited with %d; replacing it",
			    (int)pid, WEXITSTATUS(status));
		else
			log_info("worker %d stopped; replacing it", (int)pid);
		__atomic_fetch_add(&metrics->worker_restarts, 1, __ATOMIC_RELAXED);
		/* A worker that dies at once would otherwise spin the CPU. */
		if (time(NULL) - slots[i].started < 1)
			sleep(1);
	}
}

/* Starts workers until `want` of them are serving (not retiring). */
static void
top_up(struct slot *slots, int nslots, int want, const struct config *cfg,
    int sock, struct tmpl_set *tmpl, struct metrics *metrics,
    const sigset_t *orig)
{
	int i, serving = 0;

	for (i = 0; i < nslots; i++)
		if (slots[i].pid != 0 && !slots[i].retiring)
			serving++;
	for (i = 0; i < nslots && serving < want; i++)
		if (slots[i].pid == 0 &&
		    spawn(&slots[i], cfg, sock, tmpl, metrics, orig) == 0)
			serving++;
}

static int
live_workers(const struct slot *slots, int nslots)
{
	int i, n = 0;

	for (i = 0; i < nslots; i++)
		if (slots[i].pid != 0)
			n++;
	return n;
}

/* SIGTERM to everyone, wait for in-flight requests, then SIGKILL. */
static void
drain(struct slot *slots, int nslots)
{
	time_t	 deadline = time(NULL) + SERVE_DRAIN_SECONDS;
	int	 i, status;
	pid_t	 pid;

	for (i = 0; i < nslots; i++)
		if (slots[i].pid != 0)
			kill(slots[i].pid, SIGTERM);
	while (live_workers(slots, nslots) > 0 && time(NULL) < deadline) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			for (i = 0; i < nslots; i++)
				if (slots[i].pid == pid)
					slots[i].pid = 0;
		} else
			usleep(20000);
	}
	for (i = 0; i < nslots; i++)
		if (slots[i].pid != 0) {
			log_warnx("worker %d did not drain; killing it",
			    (int)slots[i].pid);
			kill(slots[i].pid, SIGKILL);
			waitpid(slots[i].pid, &status, 0);
		}
}

/*
 * Opens the listening socket. A unix socket gets mode 0660 (its folder's
 * group decides who may connect: give it nginx's group, setgid), and a
 * stale socket left by a killed server is removed first.
 */
static int
open_listener(const char *listen)
{
	struct stat	 st;
	mode_t		 old;
	int		 sock;

	if (listen[0] != '/')
		return FCGX_OpenSocket(listen, SERVE_BACKLOG);
	if (lstat(listen, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(listen);
	old = umask(0117);
	sock = FCGX_OpenSocket(listen, SERVE_BACKLOG);
	umask(old);
	return sock;
}

int
serve_check(const struct config *cfg)
{
	struct tmpl_set	*tmpl;
	int		 rc = 0;

	if ((tmpl = load_templates(cfg)) == NULL)
		rc = -1;
	tmpl_set_free(tmpl);
	if (app_check_roles(cfg) != 0)
		rc = -1;
	if (!cfg->have_service_key)
		log_warnx("CHARTER_SERVICE_KEY_HASH is unset: /api/ will "
		    "refuse every request");
	return rc;
}

int
serve_run(const struct config *cfg)
{
	struct slot	 slots[2 * SERVE_MAX_WORKERS];
	struct tmpl_set	*tmpl, *fresh;
	struct metrics	*metrics;
	sigset_t	 blocked, waitmask, orig;
	int		 sock, i, n = (int)cfg->workers, nslots;

	if (n > SERVE_MAX_WORKERS)
		n = SERVE_MAX_WORKERS;
	nslots = 2 * n;
	memset(slots, 0, sizeof(slots));
	if ((tmpl = load_templates(cfg)) == NULL)
		return -1;
	/* A role that could do more than its grants is never served with. */
	if (app_check_roles(cfg) == -1) {
		tmpl_set_free(tmpl);
		return -1;
	}
	if ((metrics = metrics_new()) == NULL) {
		log_err("cannot map shared memory for metrics");
		tmpl_set_free(tmpl);
		return -1;
	}
	if (FCGX_Init() != 0) {
		log_err("FastCGI library initialisation failed");
		tmpl_set_free(tmpl);
		return -1;
	}
	if ((sock = open_listener(cfg->listen)) < 0) {
		log_err("cannot listen on %s", cfg->listen);
		tmpl_set_free(tmpl);
		return -1;
	}
	serve_signals(&blocked, &waitmask);
	/* Workers get the mask we started with. */
	orig = waitmask;

	top_up(slots, nslots, n, cfg, sock, tmpl, metrics, &orig);
	log_info("listening on %s with %d workers", cfg->listen, n);

	while (!got_term) {
		sigsuspend(&waitmask);
		/* Workers of a process group get SIGTERM with us: not crashes. */
		if (got_term)
			break;
		if (got_chld) {
			got_chld = 0;
			reap(slots, nslots, metrics);
		}
		if (got_hup && !got_term) {
			got_hup = 0;
			/* Old workers keep serving unless the new set parses. */
			if ((fresh = load_templates(cfg)) != NULL) {
				for (i = 0; i < nslots; i++)
					if (slots[i].pid != 0) {
						slots[i].retiring = 1;
						kill(slots[i].pid, SIGTERM);
					}
				tmpl_set_free(tmpl);
				tmpl = fresh;
				log_info("templates reloaded; replacing workers");
			}
		}
		if (!got_term)
			top_up(slots, nslots, n, cfg, sock, tmpl, metrics, &orig);
	}
	log_info("stopping: draining %d workers", live_workers(slots, nslots));
	drain(slots, nslots);
	tmpl_set_free(tmpl);
	close(sock);
	if (cfg->listen[0] == '/')
		unlink(cfg->listen);
	return 0;
}
