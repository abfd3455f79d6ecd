/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running a command in a running jail, as jexec(8) does: join the jail's
 * namespaces through its init's pidfd, take on the jail's confinement, and
 * fork the command (the fork lands in the jail's PID namespace) as the user
 * asked for.
 */
#ifndef LJAIL_LINUX_ENTER_H
#define LJAIL_LINUX_ENTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/spawn.h"
#include "linux/users.h"

struct lj_command {
	const char *jail;           /* for messages */
	const struct lj_user *user; /* who runs it */
	char *const *argv;          /* looked up in the jail's PATH */
	const char *argv0;          /* NULL, or "-sh" for a login shell */
	const char *cwd;            /* NULL: "/" */
	bool clean_env;             /* HOME, SHELL, USER, LOGNAME, PATH, TERM only */
	char *const *extra_env;     /* added, "NAME=value" */
	int out_fd;                 /* -1, or the fd stdout and stderr go to */
};

/*
 * Joins the jail whose init pidfd is given and confines the caller to the
 * jail's capabilities and seccomp filter. The caller stays outside the jail's
 * PID namespace (its children do not) and can no longer act on the host:
 * fork first when that matters.
 */
int lj_enter(int pidfd, uint64_t caps, const void *seccomp, size_t seccomp_len, const char *jail,
	     struct lj_error *err);

/* Forks the command inside the jail (after lj_enter). Returns its pid. */
pid_t lj_spawn(const struct lj_command *cmd, struct lj_error *err);

/* In a forked child inside the jail: becomes the user and runs the command. */
_Noreturn void lj_exec_command(const struct lj_command *cmd);

#endif
