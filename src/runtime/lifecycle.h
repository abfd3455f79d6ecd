/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Starting and stopping jails in jail(8)'s order, as step tables with undo
 * (runtime/steps.h), on whatever platform is linked in.
 *
 *   start: claim the name and a jid, exec.prepare, exec.prestart, create,
 *          exec.created, network up, exec.start, command, exec.poststart,
 *          commit
 *   stop:  find it, exec.prestop, exec.stop, SIGTERM and stop.timeout (then
 *          end it), network down, forget it, exec.poststop, exec.release
 *
 * On Linux the mounts are made inside the jail's own mount namespace, so
 * they come with the create step rather than before exec.prestart, and go
 * with the jail.
 */
#ifndef LJAIL_RUNTIME_LIFECYCLE_H
#define LJAIL_RUNTIME_LIFECYCLE_H

#include "base/error.h"
#include "base/paths.h"
#include "model/jail.h"

int lj_start(const struct lj_paths *paths, const struct lj_jail *j, struct lj_error *err);

/* j may be NULL for a running jail no longer in the configuration. */
int lj_stop(const struct lj_paths *paths, const char *name, const struct lj_jail *j,
	    struct lj_error *err);

/*
 * Starts j, runs argv in it as user (NULL: root) and stops it again.
 * *status is the command's exit status.
 */
int lj_run(const struct lj_paths *paths, const struct lj_jail *j, const char *user,
	   char *const *argv, int *status, struct lj_error *err);

/*
 * Runs argv as root inside the running jail NAME (ljail's own maintenance:
 * adding users and the like) and waits. -ESRCH, with the error filled in,
 * when it is not running.
 */
int lj_exec_running(const struct lj_paths *paths, const char *name, char *const *argv, int *status,
		    struct lj_error *err);

/*
 * ljail rctl -a: rule (rctl's syntax, checked against what the platform can
 * enforce) in place of the running jail's rule for the same resource, in
 * force at once. *rules gets the jail's rules as they now stand (to keep
 * in its configuration), freed by the caller.
 */
int lj_rctl_add(const struct lj_paths *paths, const char *name, const char *rule, char ***rules,
		size_t *nrules, struct lj_error *err);

#endif
