/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Users for commands in a jail: looked up in the jail's own /etc/passwd and
 * /etc/group (never through the host's NSS), or on the host when asked.
 */
#ifndef LJAIL_LINUX_USERS_H
#define LJAIL_LINUX_USERS_H

#include <sys/types.h>

#include "core/error.h"

struct lj_user {
	char *name;
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups, the primary one included */
	size_t ngroups;
	char *home;
	char *shell;
};

/* USER (a name or a number) in the jail whose root is rootfd. */
int lj_user_in_jail(int rootfd, const char *jail, const char *user, struct lj_user *u,
		    struct lj_error *err);
/* USER in the host's user database, groups included. */
int lj_user_on_host(const char *jail, const char *user, struct lj_user *u, struct lj_error *err);
/* root, for when no user is named. */
void lj_user_root(struct lj_user *u);
void lj_user_release(struct lj_user *u);

/*
 * Becomes the user for good: groups, then gid, then uid (in that order, as
 * the last step gives up the power to do the others). 0 or -errno.
 */
int lj_user_become(const struct lj_user *u);

#endif
