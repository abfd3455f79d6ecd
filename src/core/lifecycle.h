/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Starting and stopping jails in jail(8)'s order. A start is a list of
 * steps, each with its undo; when a step fails, the steps already done are
 * undone in reverse, so a failed start leaves nothing behind.
 *
 *   start: exec.prepare, exec.prestart, create (namespaces, mounts,
 *          pivot_root, init), exec.created, exec.start, command,
 *          exec.poststart
 *   stop:  exec.prestop, exec.stop, SIGTERM and stop.timeout, SIGKILL,
 *          exec.poststop, exec.release
 *
 * The mounts are made inside the jail's own mount namespace, so on Linux
 * they come with the create step rather than before exec.prestart, and go
 * with the jail.
 */
#ifndef LJAIL_CORE_LIFECYCLE_H
#define LJAIL_CORE_LIFECYCLE_H

#include "core/error.h"
#include "core/jail.h"
#include "core/paths.h"

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
 * adding users and the like) and waits. -ESRCH when it is not running.
 */
int lj_exec_running(const struct lj_paths *paths, const char *name, char *const *argv, int *status,
		    struct lj_error *err);

#endif
