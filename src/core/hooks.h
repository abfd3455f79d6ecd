/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The exec.* commands of a jail, run as jail(8) runs them: each value through
 * /bin/sh -c, in order, stopping at the first that fails. Host-side commands
 * run on the host as exec.system_user with JID, JNAME and JPATH set;
 * jail-side ones inside the jail as exec.jail_user. exec.clean, exec.timeout
 * and exec.consolelog apply to both.
 */
#ifndef LJAIL_CORE_HOOKS_H
#define LJAIL_CORE_HOOKS_H

#include "core/error.h"
#include "core/jail.h"
#include "core/state.h"
#include "linux/enter.h"

/*
 * Runs the commands of one phase. pidfd is the jail's init (for jail-side
 * commands; -1 before the jail exists). Fails on the first command that
 * fails or times out, naming the jail, the phase and the command.
 */
int lj_hooks_run(const struct lj_jail *j, const struct lj_state *s, int pidfd, enum lj_hook hook,
		 struct lj_error *err);

/*
 * Forks a helper that joins the running jail (so the caller stays on the
 * host), runs cmd in it, and exits with its status. Returns the helper's pid.
 */
pid_t lj_spawn_in_running(const struct lj_state *s, int pidfd, const struct lj_command *cmd,
			  struct lj_error *err);

/* The jail's root as its init sees it, opened from the host. */
int lj_jail_rootfd(const struct lj_state *s, struct lj_error *err);

#endif
