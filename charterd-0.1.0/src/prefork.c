/* prefork.c: a supervisor of N child processes: replace, reload, drain, hand over */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "handover.h"
#include "limits.h"
#include "log.h"
#include "prefork.h"
#include "privdrop.h"

struct slot {
	pid_t		 pid;		/* 0 = empty */
	long long	 started_ms;
	int		 retiring;	/* told to stop: not replaced */
	int		 ready;		/* called prefork_child_ready() */
	int		 role;		/* 0 .. nchildren-1, passed to the child */
};

struct sup {
	const struct prefork	*pf;
	struct slot		 slots[2 * LIMIT_CHILDREN];	/* room to reload */
	int			 nslots, want;
	struct privdrop		 priv;
	pid_t			 self;
	int			 ready_r, ready_w;	/* children tell us here */
	int			 predecessor;	/* fd to tell it we serve; -1 */
	int			 announced;	/* every child was ready once */
	struct handover		 ho;		/* a successor being started */
	long long		 respawn_at;	/* ms: no fork before */
	sigset_t		 waitmask;	/* while waiting: signals open */
	sigset_t		 childmask;	/* what we started with */
};

static volatile sig_atomic_t got_term, got_hup, got_chld, got_usr2;
static int child_ready_fd = -1;

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
on_signal(int sig)
{
	if (sig == SIGTERM || sig == SIGINT)
		got_term = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGUSR2)
		got_usr2 = 1;
}

static void
sup_signals(struct sup *s)
{
	static const int	 sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD,
				    SIGUSR2 };
	struct sigaction	 sa;
	sigset_t		 blocked;
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigemptyset(&blocked);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&blocked, sigs[i]);
	}
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Signals are only taken inside ppoll(), so none is lost. */
	sigprocmask(SIG_BLOCK, &blocked, &s->childmask);
	s->waitmask = s->childmask;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(&s->waitmask, sigs[i]);
}

/* Writes "pid\n" beside path and renames it over: readers never see half. */
static void
pidfile_write(const char *path)
{
	char	 tmp[4096], line[32];
	int	 fd, n;

	if (path == NULL)
		return;
	n = snprintf(line, sizeof(line), "%d\n", (int)getpid());
	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >=
	    (int)sizeof(tmp) ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		log_err("%s: cannot write the pid file: %s", path,
		    strerror(errno));
		return;
	}
	if (write(fd, line, (size_t)n) != n || close(fd) == -1 ||
	    rename(tmp, path) == -1) {
		log_err("%s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

/* Removes the pid file only while it names us: a successor rewrote it. */
static void
pidfile_remove(const char *path)
{
	char	 buf[32];
	ssize_t	 n;
	int	 fd;

	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (strtol(buf, NULL, 10) == (long)getpid())
		unlink(path);
}

/* In the child, between fork and the child's own code. */
static void __attribute__((noreturn))
child_main(struct sup *s, int role)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* Reload and restart are the supervisor's; a group-wide one is not ours. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	close(s->ready_r);
	if (s->predecessor != -1)
		close(s->predecessor);
	if (s->ho.fd != -1)
		close(s->ho.fd);
	if (privdrop_apply(&s->priv) == -1)
		_exit(1);
	/*
	 * After the credential change, which clears it. SIGTERM, not SIGKILL:
	 * a request in flight when the supervisor dies still finishes. Then
	 * getppid(): the supervisor may have died before prctl() took effect.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1) {
		log_err("prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
		_exit(1);
	}
	if (getppid() != s->self)
		_exit(0);
	child_ready_fd = s->ready_w;
	sigprocmask(SIG_SETMASK, &s->childmask, NULL);
	s->pf->child(s->pf->arg, role);
	_exit(1);
}

/* The lowest role no serving child holds: each role has one child. */
static int
free_role(const struct sup *s)
{
	int role, i, held;

	for (role = 0; role < s->want; role++) {
		for (held = 0, i = 0; i < s->nslots && !held; i++)
			held = s->slots[i].pid != 0 && !s->slots[i].retiring &&
			    s->slots[i].role == role;
		if (!held)
			return role;
	}
	return 0;
}

static int
spawn(struct sup *s, struct slot *slot)
{
	pid_t	 pid;
	int	 role = free_role(s);

	if ((pid = fork()) == -1) {
		log_err("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		child_main(s, role);
	slot->role = role;
	slot->pid = pid;
	slot->started_ms = mono_ms();
	slot->retiring = 0;
	slot->ready = 0;
	return 0;
}

/* Starts children until `want` of them serve (are not retiring). */
static void
top_up(struct sup *s)
{
	int i, serving = 0;

	if (mono_ms() < s->respawn_at)
		return;
	for (i = 0; i < s->nslots; i++)
		if (s->slots[i].pid != 0 && !s->slots[i].retiring)
			serving++;
	for (i = 0; i < s->nslots && serving < s->want; i++)
		if (s->slots[i].pid == 0 && spawn(s, &s->slots[i]) == 0)
			serving++;
}

static struct slot *
slot_of(struct sup *s, pid_t pid)
{
	int i;

	for (i = 0; i < s->nslots; i++)
		if (s->slots[i].pid == pid)
			return &s->slots[i];
	return NULL;
}

static int
live_children(const struct sup *s)
{
	int i, n = 0;

	for (i = 0; i < s->nslots; i++)
		if (s->slots[i].pid != 0)
			n++;
	return n;
}

static void
log_successor_exit(pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		log_err("the new server %d died of signal %d", (int)pid,
		    WTERMSIG(status));
	else
		log_err("the new server %d exited with %d", (int)pid,
		    WEXITSTATUS(status));
}

/*
 * Reaps exited children. Those not told to stop are logged and counted,
 * and one that died young holds back the next fork (it would spin).
 */
static void
reap(struct sup *s, int replacing)
{
	struct slot	*slot;
	long long	 lived;
	pid_t		 pid;
	int		 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (s->ho.pid != 0 && pid == s->ho.pid) {
			log_successor_exit(pid, status);
			s->ho.pid = 0;	/* its pid may be reused now */
			continue;
		}
		if ((slot = slot_of(s, pid)) == NULL)
			continue;
		slot->pid = 0;
		if (slot->retiring || !replacing)
			continue;
		lived = mono_ms() - slot->started_ms;
		if (WIFSIGNALED(status))
			log_err("%s %d died of signal %d; replacing it",
			    s->pf->name, (int)pid, WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			log_err("%s %d exited with %d; replacing it",
			    s->pf->name, (int)pid, WEXITSTATUS(status));
		else
			log_info("%s %d stopped; replacing it", s->pf->name,
			    (int)pid);
		if (s->pf->child_died != NULL)
			s->pf->child_died(s->pf->arg);
		if (lived < LIMIT_RESPAWN_MS) {
			s->respawn_at = mono_ms() + LIMIT_RESPAWN_MS;
			log_warnx("%s %d lived %lld ms; the next one starts in "
			    "%d ms", s->pf->name, (int)pid, lived,
			    LIMIT_RESPAWN_MS);
		}
	}
}

/* Once every child is ready: the pid file, and the predecessor may go. */
static void
announce(struct sup *s)
{
	int i, ready = 0;

	if (s->announced)
		return;
	for (i = 0; i < s->nslots; i++)
		if (s->slots[i].pid != 0 && !s->slots[i].retiring &&
		    s->slots[i].ready)
			ready++;
	if (ready < s->want)
		return;
	s->announced = 1;
	/* Serving now: a path handed over with the socket is ours to remove. */
	if (s->pf->listener != NULL)
		listener_claim(s->pf->listener);
	pidfile_write(s->pf->pid_file);
	if (s->predecessor != -1)
		log_info("%d %ss ready; telling the previous server to leave",
		    ready, s->pf->name);
	else
		log_info("%d %ss ready", ready, s->pf->name);
	handover_ready(s->predecessor);
	s->predecessor = -1;
}

static void
read_ready(struct sup *s)
{
	struct slot	*slot;
	pid_t		 pid;

	while (read(s->ready_r, &pid, sizeof(pid)) == (ssize_t)sizeof(pid))
		if ((slot = slot_of(s, pid)) != NULL)
			slot->ready = 1;
	announce(s);
}

static void
reload(struct sup *s)
{
	int i;

	if (s->pf->reload == NULL || s->pf->reload(s->pf->arg) == -1)
		return;
	for (i = 0; i < s->nslots; i++)
		if (s->slots[i].pid != 0 && !s->slots[i].retiring) {
			s->slots[i].retiring = 1;
			kill(s->slots[i].pid, SIGTERM);
		}
}

static void
start_successor(struct sup *s)
{
	struct listener	*l = s->pf->listener;
	char		 id[64];

	if (s->pf->argv == NULL)
		log_warnx("SIGUSR2: this command does not restart in place");
	else if (s->ho.fd != -1)
		log_warnx("SIGUSR2: a new server (pid %d) is already starting",
		    (int)s->ho.pid);
	else if (!s->announced)
		log_warnx("SIGUSR2: not ready yet; send it again later");
	else
		handover_start(&s->ho, l == NULL ? -1 : l->fd,
		    l != NULL && listener_id(l, id, sizeof(id)) == 0 ? id : NULL,
		    &s->childmask);
}

/* 1 when the successor is ready to take over; failures keep us serving. */
static int
check_successor(struct sup *s)
{
	int rc;

	if (s->ho.fd == -1)
		return 0;
	if ((rc = handover_poll(&s->ho)) == 1) {
		log_info("the new server %d serves now", (int)s->ho.pid);
		handover_clear(&s->ho);
		return 1;
	}
	if (rc == -1) {
		log_err("the new server failed before it was ready; this one "
		    "keeps serving (its reasons are logged above)");
		handover_abort(&s->ho);
	} else if (mono_ms() / 1000 >= s->ho.deadline) {
		log_err("the new server %d was not ready within %d s; stopping "
		    "it, this one keeps serving", (int)s->ho.pid,
		    LIMIT_HANDOVER_SECONDS);
		handover_abort(&s->ho);
	}
	return 0;
}

/* Sleeps until a signal, a child's ready note, the successor, or a timer. */
static void
wait_event(struct sup *s)
{
	struct pollfd	 fds[3];
	struct timespec	 ts, *tp = NULL;
	long long	 now = mono_ms(), until = -1;
	nfds_t		 n = 0;
	int		 fd;

	fds[n].fd = s->ready_r;
	fds[n++].events = POLLIN;
	if (s->pf->watch != NULL) {
		if (s->pf->watch_fd != NULL && (fd = s->pf->watch_fd(s->pf->arg)) >= 0) {
			fds[n].fd = fd;
			fds[n++].events = POLLIN;
		}
		until = now + LIMIT_WATCH_MS;
	}
	if (s->ho.fd != -1) {
		fds[n].fd = s->ho.fd;
		fds[n++].events = POLLIN;
		if (until == -1 || s->ho.deadline * 1000 < until)
			until = s->ho.deadline * 1000;
	}
	if (s->respawn_at > now && (until == -1 || s->respawn_at < until))
		until = s->respawn_at;
	if (until != -1) {
		until = until > now ? until - now : 0;
		ts.tv_sec = until / 1000;
		ts.tv_nsec = (until % 1000) * 1000000;
		tp = &ts;
	}
	ppoll(fds, n, tp, &s->waitmask);
}

/*
 * A plain stop: with the path gone no connection can join the queue, so
 * let the children accept what is queued before they are told to stop;
 * closing a listening socket resets every connection still queued.
 */
static void
wait_queue(struct sup *s, long long deadline)
{
	struct pollfd p;

	if (s->pf->listener == NULL || s->pf->listener->fd == -1)
		return;
	p.fd = s->pf->listener->fd;
	p.events = POLLIN;
	while (mono_ms() < deadline && live_children(s) > 0 &&
	    poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
		usleep(10000);
		reap(s, 0);
	}
}

/* SIGTERM to every child, wait for in-flight work, then SIGKILL. */
static void
drain(struct sup *s, long long deadline)
{
	struct slot	*slot;
	pid_t		 pid;
	int		 i, status;

	for (i = 0; i < s->nslots; i++)
		if (s->slots[i].pid != 0)
			kill(s->slots[i].pid, SIGTERM);
	while (live_children(s) > 0 && mono_ms() < deadline) {
		if ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if ((slot = slot_of(s, pid)) != NULL)
				slot->pid = 0;
		} else
			usleep(20000);
	}
	for (i = 0; i < s->nslots; i++)
		if (s->slots[i].pid != 0) {
			log_warnx("%s %d did not finish in %d s; killing it",
			    s->pf->name, (int)s->slots[i].pid,
			    LIMIT_DRAIN_SECONDS);
			kill(s->slots[i].pid, SIGKILL);
			waitpid(s->slots[i].pid, &status, 0);
			s->slots[i].pid = 0;
		}
}

static void
stop(struct sup *s, int handed_over)
{
	long long deadline = mono_ms() + LIMIT_DRAIN_SECONDS * 1000LL;

	if (s->ho.fd != -1) {
		log_info("stopping the new server %d too", (int)s->ho.pid);
		handover_abort(&s->ho);
	}
	if (!handed_over) {
		/* New connections fail at once instead of queueing to be reset. */
		if (s->pf->listener != NULL)
			listener_unlink(s->pf->listener);
		wait_queue(s, deadline);
	}
	log_info("stopping: draining %d %ss", live_children(s), s->pf->name);
	drain(s, deadline);
	if (!handed_over)
		pidfile_remove(s->pf->pid_file);
	/* A successor that never got ready: the predecessor keeps serving. */
	if (s->predecessor != -1)
		close(s->predecessor);
	close(s->ready_r);
	close(s->ready_w);
}

int
prefork_run(const struct prefork *pf)
{
	static struct sup	 s;
	int			 p[2], handed_over = 0;

	memset(&s, 0, sizeof(s));
	s.pf = pf;
	s.want = pf->nchildren < LIMIT_CHILDREN ? pf->nchildren : LIMIT_CHILDREN;
	s.nslots = 2 * s.want;
	s.ho.fd = -1;
	s.self = getpid();
	if (privdrop_init(&s.priv, pf->user) == -1)
		return -1;
	if (pf->argv != NULL && handover_init(pf->argv) == -1)
		return -1;
	if (pipe2(p, O_CLOEXEC) == -1) {
		log_err("pipe: %s", strerror(errno));
		return -1;
	}
	s.ready_r = p[0];
	s.ready_w = p[1];
	fcntl(s.ready_r, F_SETFL, O_NONBLOCK);
	s.predecessor = handover_adopt();
	sup_signals(&s);
	if (s.priv.active)
		log_info("%ss run as %s (uid %d)", pf->name, s.priv.name,
		    (int)s.priv.uid);

	top_up(&s);
	while (!got_term) {
		wait_event(&s);
		if (pf->watch != NULL)
			pf->watch(pf->arg);
		if (got_chld) {
			got_chld = 0;
			reap(&s, 1);
		}
		read_ready(&s);
		if (got_term)
			break;
		if (got_hup) {
			got_hup = 0;
			reload(&s);
		}
		if (got_usr2) {
			got_usr2 = 0;
			start_successor(&s);
		}
		if ((handed_over = check_successor(&s)) == 1)
			break;
		top_up(&s);
	}
	stop(&s, handed_over);
	return 0;
}

void
prefork_child_ready(void)
{
	pid_t me = getpid();

	if (child_ready_fd == -1)
		return;
	if (write(child_ready_fd, &me, sizeof(me)) != (ssize_t)sizeof(me))
		log_warnx("cannot tell the supervisor: %s", strerror(errno));
	close(child_ready_fd);
	child_ready_fd = -1;
}
