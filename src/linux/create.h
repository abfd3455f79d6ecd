/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Making a jail: a child in new namespaces sets up the jail's root, mounts,
 * hostname and loopback, pivots into the root, confines itself and becomes
 * the jail's init. The parent learns of success or of the first error.
 */
#ifndef LJAIL_LINUX_CREATE_H
#define LJAIL_LINUX_CREATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/jail.h"

struct lj_created {
	pid_t pid;                    /* the init, as the host sees it */
	unsigned long long starttime; /* its start time, against pid reuse */
	int pidfd;
	int go; /* write end: lj_create_commit lets init run */
};

/*
 * What `ljail run` asks of the init: once the start is committed, run this
 * command in the caller's session and terminal, and end the jail with it,
 * passing its exit status on as the init's own.
 */
struct lj_run_command {
	char *const *argv;
	const char *user;    /* looked up in the jail; NULL: root */
	const void *seccomp; /* the jail's filter (lj_seccomp_build) */
	size_t seccomp_len;
};

/*
 * Creates the jail and waits until it is set up, or returns the error the
 * child met (with nothing left behind: the child is gone). The init then
 * waits for lj_create_commit; if ljail dies before that, init dies too.
 * run is NULL for a jail that lives on its own.
 */
int lj_create(const struct lj_jail *j, const struct lj_run_command *run, struct lj_created *out,
	      struct lj_error *err);

/* Lets the init run on its own: from here on the jail outlives ljail. */
int lj_create_commit(struct lj_created *c, struct lj_error *err);

/* Kills a jail's init (and so the jail) and waits until it is gone. */
int lj_kill_init(int pidfd, struct lj_error *err);

#endif
