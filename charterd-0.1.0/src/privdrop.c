/* privdrop.c: the unprivileged user children run as when charterd starts as root */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

int
privdrop_init(struct privdrop *p, const char *user)
{
	struct passwd *pw;

	memset(p, 0, sizeof(*p));
	if (geteuid() != 0)
		return 0;
	errno = 0;
	if (user == NULL || *user == '\0' || (pw = getpwnam(user)) == NULL) {
		log_err("running as root, and CHARTER_USER '%s' does not exist: "
		    "workers never run as root. Create it (useradd --system "
		    "--no-create-home --shell /usr/sbin/nologin %s) or set "
		    "CHARTER_USER to an unprivileged user",
		    user ? user : "", user && *user ? user : "charterd");
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		log_err("CHARTER_USER '%s' is root or in group root: name an "
		    "unprivileged user", user);
		return -1;
	}
	if (snprintf(p->name, sizeof(p->name), "%s", user) >=
	    (int)sizeof(p->name)) {
		log_err("CHARTER_USER is too long");
		return -1;
	}
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	p->active = 1;
	return 0;
}

int
privdrop_apply(const struct privdrop *p)
{
	if (!p->active)
		return 0;
	/* Groups first: once the uid is gone, so is the right to change them. */
	if (setgroups(0, NULL) == -1 || setgid(p->gid) == -1 ||
	    setuid(p->uid) == -1) {
		log_err("cannot become %s: %s", p->name, strerror(errno));
		return -1;
	}
	if (getuid() == 0 || geteuid() == 0 || getgid() == 0 ||
	    getegid() == 0 || setuid(0) != -1) {
		log_err("still able to regain root after becoming %s", p->name);
		return -1;
	}
	return 0;
}
