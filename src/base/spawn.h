/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running host programs ljail relies on (mmdebstrap, debootstrap, cp,
 * apt-get): argv arrays, never a shell, so no name or path is ever parsed
 * as shell syntax.
 */
#ifndef LJAIL_CORE_SPAWN_H
#define LJAIL_CORE_SPAWN_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/error.h"

/*
 * Waits for a child; after timeout seconds (0: none) it is killed and the
 * result is -ETIMEDOUT. *status is the shell's view: the exit code, or 128
 * plus the signal.
 */
int lj_wait(pid_t pid, long timeout, int *status);

/*
 * For long work that runs host programs (copying a tree, bootstrapping):
 * from now on SIGINT, SIGTERM and SIGHUP are passed on to the program that
 * lj_spawn_wait or lj_spawn_lines is waiting for, and remembered, and no new
 * program is started (-EINTR), so the work fails, cleans up after itself and
 * returns. Children die with ljail rather than copying on alone.
 */
void lj_interrupt_catch(void);
/* The signal caught since lj_interrupt_catch, or 0. */
int lj_interrupted(void);

/* Is prog an executable in PATH (in the usual folders when PATH is unset)? */
bool lj_have_program(const char *prog);

/*
 * Runs argv (looked up in PATH) and waits. With out_fd >= 0, its stdout and
 * stderr go there. *status is its exit status, or 128 plus the signal.
 */
int lj_spawn_wait(char *const argv[], int out_fd, int *status, struct lj_error *err);

/*
 * Runs argv with stdout and stderr on a pipe, calls line() for every line it
 * prints, and waits.
 */
int lj_spawn_lines(char *const argv[], void (*line)(void *ctx, const char *text), void *ctx,
		   int *status, struct lj_error *err);

/*
 * Runs fn(ctx, err) in a forked child and waits: for work that must not
 * change ljail itself (joining a namespace, unsharing mounts). The child's
 * error comes back as the caller's; what it says if it dies without one is
 * `what` failed.
 */
int lj_in_child(int (*fn)(void *ctx, struct lj_error *err), void *ctx, const char *what,
		struct lj_error *err);

#endif
