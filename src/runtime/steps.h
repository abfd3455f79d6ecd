/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Start and stop as tables of steps, each with its undo, walked by one loop
 * (as jail(8)'s command.c does): when a step fails, the steps that ran are
 * undone in reverse, the failed one included (its undo copes with a half
 * done step), and only those.
 */
#ifndef LJAIL_RUNTIME_STEPS_H
#define LJAIL_RUNTIME_STEPS_H

#include <stddef.h>

#include "base/error.h"

struct rt_step {
	const char *name; /* for tests and traces */
	int (*run)(void *ctx, struct lj_error *err);
	void (*undo)(void *ctx); /* NULL: nothing to undo */
};

/* Runs steps[first..n) in order; on a failure walks back to first. */
int rt_steps_run(const struct rt_step *steps, size_t first, size_t n, void *ctx,
		 struct lj_error *err);

#endif
