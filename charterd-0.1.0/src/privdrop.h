/* privdrop.h: the unprivileged user children run as when charterd starts as root */
#ifndef CHARTERD_PRIVDROP_H
#define CHARTERD_PRIVDROP_H

#include <sys/types.h>

struct privdrop {
	int	 active;	/* 0: not root, children keep our credentials */
	uid_t	 uid;
	gid_t	 gid;
	char	 name[64];
};

/*
 * When we run as root, looks user up for privdrop_apply. Returns -1
 * (logged, saying how to create it) when the user does not exist or is
 * root itself; 0 otherwise, with active = 0 when we are not root.
 */
int	privdrop_init(struct privdrop *, const char *user);

/*
 * In a child, before it touches anything a request controls: no
 * supplementary groups, the user's group and uid, then proof that root is
 * out of reach (uid, euid, gid and egid are not 0 and setuid(0) fails).
 * Returns 0, or -1 (logged): the child must exit.
 */
int	privdrop_apply(const struct privdrop *);

#endif
