/* handover.c: restart in place: a successor takes our listening socket, then we leave */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/limits.h>	/* PATH_MAX: "limits.h" is ours */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "handover.h"
#include "limits.h"
#include "log.h"

#define READY_ENV	"CHARTER_READY_FD"
#define READY_BYTE	'R'
#define FIRST_FREE_FD	10	/* above fd 3, where the socket goes */
#define MAX_ARGS	16	/* a successor's argv, path included */

static char		 self_path[PATH_MAX];
static char *const	*self_argv;

static time_t
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int
handover_init(char *const argv[])
{
	ssize_t n;

	/* The path, not the inode: `make install` replaces the file. */
	n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	if (n <= 0 || (size_t)n >= sizeof(self_path) - 1) {
		log_err("cannot resolve /proc/self/exe: %s", strerror(errno));
		return -1;
	}
	self_path[n] = '\0';
	self_argv = argv;
	return 0;
}

/* In the forked child: lay out fds and environment, then exec. */
static void __attribute__((noreturn))
exec_successor(int listen_fd, int ready_w, const char *socket_id,
    const sigset_t *mask)
{
	char	*args[MAX_ARGS + 1];
	char	 num[32];
	size_t	 i;
	int	 w;

	/* argv[0] is the path, so ps names the binary that serves. */
	args[0] = self_path;
	for (i = 1; i < MAX_ARGS && self_argv[i] != NULL; i++)
		args[i] = self_argv[i];
	args[i] = NULL;
	setsid();
	/* Out of the way first: fd 3 may be the pipe itself. */
	if ((w = fcntl(ready_w, F_DUPFD, FIRST_FREE_FD)) == -1)
		_exit(127);
	if (listen_fd != -1) {
		/* dup2 clears close-on-exec; onto itself it does not. */
		if (listen_fd == 3)
			fcntl(3, F_SETFD, 0);
		else if (dup2(listen_fd, 3) == -1)
			_exit(127);
		snprintf(num, sizeof(num), "%ld", (long)getpid());
		setenv("LISTEN_PID", num, 1);
		setenv("LISTEN_FDS", "1", 1);
	}
	if (socket_id != NULL)
		setenv("CHARTER_SOCKET_ID", socket_id, 1);
	snprintf(num, sizeof(num), "%d", w);
	setenv(READY_ENV, num, 1);
	sigprocmask(SIG_SETMASK, mask, NULL);
	execv(self_path, args);
	log_err("cannot run %s: %s", self_path, strerror(errno));
	_exit(127);
}

int
handover_start(struct handover *h, int listen_fd, const char *socket_id,
    const sigset_t *mask)
{
	int	 p[2];
	pid_t	 pid;

	if (self_argv == NULL) {
		log_warnx("this command cannot restart in place");
		return -1;
	}
	if (access(self_path, X_OK) == -1) {
		log_err("%s: %s; keeping the running server", self_path,
		    strerror(errno));
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		log_err("pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		log_err("fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		exec_successor(listen_fd, p[1], socket_id, mask);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	h->pid = pid;
	h->fd = p[0];
	h->deadline = mono_s() + LIMIT_HANDOVER_SECONDS;
	log_info("started %s as pid %d; it takes over once its workers are "
	    "ready", self_path, (int)pid);
	return 0;
}

int
handover_poll(struct handover *h)
{
	char	 c;
	ssize_t	 n;

	if (h->fd == -1)
		return 0;
	n = read(h->fd, &c, 1);
	if (n == 1 && c == READY_BYTE)
		return 1;
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -1;
}

void
handover_abort(struct handover *h)
{
	if (h->pid > 0)
		kill(-h->pid, SIGTERM);
	handover_clear(h);
}

void
handover_clear(struct handover *h)
{
	if (h->fd != -1)
		close(h->fd);
	h->fd = -1;
	h->pid = 0;
	h->deadline = 0;
}

int
handover_adopt(void)
{
	const char	*v = getenv(READY_ENV);
	struct stat	 st;
	char		*end;
	long		 fd;

	if (v == NULL)
		return -1;
	errno = 0;
	fd = strtol(v, &end, 10);
	unsetenv(READY_ENV);
	if (errno != 0 || *end != '\0' || fd < 3 || fd >= sysconf(_SC_OPEN_MAX) ||
	    fstat((int)fd, &st) == -1 || !S_ISFIFO(st.st_mode)) {
		log_warnx("%s does not name a pipe; ignoring it", READY_ENV);
		return -1;
	}
	fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	return (int)fd;
}

void
handover_ready(int fd)
{
	char c = READY_BYTE;

	if (fd == -1)
		return;
	if (write(fd, &c, 1) != 1)
		log_warnx("could not tell the previous server we are ready: %s",
		    strerror(errno));
	close(fd);
}
