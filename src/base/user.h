/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Users for commands: looked up in a jail's own /etc/passwd and /etc/group
 * (never through the host's NSS, which would answer with the host's users),
 * or in the host's database when a command runs on the host.
 */
#ifndef LJAIL_BASE_USER_H
#define LJAIL_BASE_USER_H

#include <stdio.h>
#include <sys/types.h>

#include "base/error.h"

struct lj_user {
	char *name;
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups, the primary one included */
	size_t ngroups;
	char *home;
	char *shell;
};

/*
 * USER (a name or a number) in a jail's passwd and group files, already
 * opened by the caller inside the jail's root. jail names it in messages.
 */
int lj_user_from_files(FILE *passwd, FILE *group, const char *jail, const char *user,
		       struct lj_user *u, struct lj_error *err);
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
