/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The exec.* commands of a jail, run as jail(8) runs them: each value through
 * /bin/sh -c, in order, stopping at the first that fails. Host-side commands
 * run on the host as exec.system_user with JID, JNAME and JPATH set;
 * jail-side ones inside the jail as exec.jail_user. exec.clean, exec.timeout
 * and exec.consolelog apply to both.
 */
#ifndef LJAIL_RUNTIME_HOOKS_H
#define LJAIL_RUNTIME_HOOKS_H

#include "base/error.h"
#include "model/jail.h"
#include "platform/platform.h"
#include "runtime/state.h"

/*
 * Runs the commands of one phase. pj is the running jail (for jail-side
 * commands; NULL before the jail exists). Fails on the first command that
 * fails or times out, naming the jail, the phase and the command.
 */
int lj_hooks_run(const struct lj_jail *j, const struct lj_state *s, struct plat_jail *pj,
		 enum lj_hook hook, struct lj_error *err);

#endif
