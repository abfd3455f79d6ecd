/* SPDX-License-Identifier: BSD-2-Clause */
/* A jail's own users, read from its files through its root. */
#ifndef LJAIL_PLATFORM_LINUX_USERS_H
#define LJAIL_PLATFORM_LINUX_USERS_H

#include <stdio.h>

#include "base/user.h"

/*
 * Opens a file of the jail's: the jail's to write, so opened inside its root,
 * never following a link out of it, and only if it is a plain file (a FIFO
 * or a device planted there would block or mislead ljail). NULL with *err set.
 */
FILE *lx_open_jail_file(int rootfd, const char *path, int *err);

/* USER (a name or a number) in the jail whose root is rootfd. */
int lx_user_in_jail(int rootfd, const char *jail, const char *user, struct lj_user *u,
		    struct lj_error *err);

#endif
