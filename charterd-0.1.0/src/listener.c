/* listener.c: the listening socket: inherited (LISTEN_FDS) or opened, removed only while ours */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "limits.h"
#include "listener.h"
#include "log.h"

#define LISTEN_FDS_START	3	/* systemd's SD_LISTEN_FDS_START */

/* Reads a positive decimal environment variable; -1 when unset or bad. */
static long
env_long(const char *name)
{
	const char	*v = getenv(name);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n <= 0)
		return -1;
	return n;
}

/*
 * systemd-style socket passing. Returns 1 when fd 3 was taken, 0 when the
 * variables are absent or meant for another process, -1 when they name us
 * but fd 3 is not one listening socket.
 */
static int
take_inherited(struct listener *l)
{
	long		 fds, pid;
	int		 on = 0;
	socklen_t	 len = sizeof(on);
	struct stat	 st;

	fds = env_long("LISTEN_FDS");
	pid = env_long("LISTEN_PID");
	/* Once read they are stale: our children must not take them too. */
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
	if (fds == -1 || pid != (long)getpid())
		return 0;
	if (fds != 1) {
		log_err("LISTEN_FDS=%ld: charterd takes exactly one socket", fds);
		return -1;
	}
	if (fstat(LISTEN_FDS_START, &st) == -1 || !S_ISSOCK(st.st_mode) ||
	    getsockopt(LISTEN_FDS_START, SOL_SOCKET, SO_ACCEPTCONN, &on,
	    &len) == -1 || !on) {
		log_err("LISTEN_FDS: fd %d is not a listening socket",
		    LISTEN_FDS_START);
		return -1;
	}
	l->fd = LISTEN_FDS_START;
	l->inherited = 1;
	return 1;
}

/*
 * A predecessor that bound addr passes its (dev, ino): the path is ours to
 * remove once we serve, if it is still that socket and fd 3 is bound to it.
 */
static void
note_claim(struct listener *l, const char *addr)
{
	const char		*v = getenv("CHARTER_SOCKET_ID");
	struct sockaddr_un	 sun;
	socklen_t		 len = sizeof(sun);
	unsigned long long	 dev, ino;
	char			 tail;

	if (v == NULL)
		return;
	if (sscanf(v, "%llu:%llu%c", &dev, &ino, &tail) != 2 ||
	    addr[0] != '/' || strlen(addr) >= sizeof(l->path) ||
	    getsockname(l->fd, (struct sockaddr *)&sun, &len) == -1 ||
	    sun.sun_family != AF_UNIX ||
	    strncmp(sun.sun_path, addr, sizeof(sun.sun_path)) != 0)
		return;
	l->dev = (dev_t)dev;
	l->ino = (ino_t)ino;
	memcpy(l->path, addr, strlen(addr) + 1);
	l->claimable = 1;
}

/*
 * A socket file nobody accepts on is left by a killed server: remove it.
 * One somebody accepts on belongs to a running server: taking its path
 * would strand it (and its queued connections), so refuse.
 */
static int
clear_stale(const char *path)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd, rc;

	if (lstat(path, &st) == -1 || !S_ISSOCK(st.st_mode))
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (rc == 0 || errno == EAGAIN) {
		log_err("%s: another server is listening there (send it "
		    "SIGUSR2 to restart it in place)", path);
		close(fd);
		return -1;
	}
	close(fd);
	if (unlink(path) == -1 && errno != ENOENT) {
		log_err("%s: cannot remove the stale socket: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
open_unix(struct listener *l, const char *path)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 old;
	int			 fd, rc;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("%s: a unix socket path must be shorter than %zu bytes",
		    path, sizeof(sun.sun_path));
		return -1;
	}
	if (clear_stale(path) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_err("socket: %s", strerror(errno));
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	/* Mode 0660: the folder's group (nginx's, setgid) decides who connects. */
	old = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc == -1 || listen(fd, LIMIT_BACKLOG) == -1 ||
	    stat(path, &st) == -1) {
		log_err("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	l->fd = fd;
	l->owns_path = 1;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	memcpy(l->path, path, strlen(path) + 1);
	return 0;
}

int
listener_open(struct listener *l, const char *addr)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	rc = take_inherited(l);
	if (rc == 1)
		note_claim(l, addr);
	unsetenv("CHARTER_SOCKET_ID");
	if (rc != 0) {
		if (rc == 1) {
			fcntl(l->fd, F_SETFD, FD_CLOEXEC);
			log_info("serving on the inherited socket (fd %d)",
			    l->fd);
		}
		return rc == 1 ? 0 : -1;
	}
	if (addr[0] == '/')
		return open_unix(l, addr);
	if ((l->fd = FCGX_OpenSocket(addr, LIMIT_BACKLOG)) < 0) {
		log_err("cannot listen on %s", addr);
		l->fd = -1;
		return -1;
	}
	fcntl(l->fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

void
listener_unlink(struct listener *l)
{
	struct stat st;

	if (!l->owns_path)
		return;
	l->owns_path = 0;
	if (lstat(l->path, &st) == -1)
		return;
	if (st.st_dev != l->dev || st.st_ino != l->ino) {
		log_info("%s now belongs to another server; leaving it",
		    l->path);
		return;
	}
	if (unlink(l->path) == -1)
		log_warnx("%s: %s", l->path, strerror(errno));
}

int
listener_id(const struct listener *l, char *buf, size_t len)
{
	if (!l->owns_path)
		return -1;
	snprintf(buf, len, "%llu:%llu", (unsigned long long)l->dev,
	    (unsigned long long)l->ino);
	return 0;
}

void
listener_claim(struct listener *l)
{
	struct stat st;

	if (!l->claimable)
		return;
	l->claimable = 0;
	if (lstat(l->path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == l->dev && st.st_ino == l->ino)
		l->owns_path = 1;
}

void
listener_close(struct listener *l)
{
	if (l->fd != -1)
		close(l->fd);
	l->fd = -1;
}
