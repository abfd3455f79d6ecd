/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running a command in a running jail, as jexec(8) does: join the jail's
 * namespaces through its init's pidfd, take on the jail's confinement, and
 * fork the command (the fork lands in the jail's PID namespace) as the user
 * asked for.
 */
#ifndef LJAIL_PLATFORM_LINUX_ENTER_H
#define LJAIL_PLATFORM_LINUX_ENTER_H

#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/user.h"
#include "platform/platform.h"

/*
 * Joins the jail whose init pidfd is given and confines the caller to the
 * jail's capabilities and seccomp filter. The caller stays outside the jail's
 * PID namespace (its children do not) and can no longer act on the host:
 * fork first when that matters.
 */
int lj_enter(int pidfd, uint64_t caps, const void *seccomp, size_t seccomp_len, const char *jail,
	     struct lj_error *err);

/* In a forked child inside the jail: becomes user u and runs the command. */
_Noreturn void lj_exec_command(const char *jail, const struct lj_user *u,
			       const struct plat_command *cmd);

#endif
