/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside the runtime: what start, stop and run share. */
#ifndef LJAIL_RUNTIME_JOBS_H
#define LJAIL_RUNTIME_JOBS_H

#include "model/jail.h"
#include "platform/platform.h"
#include "runtime/running.h"
#include "runtime/steps.h"

struct rt_start {
	const struct lj_paths *paths;
	const struct lj_jail *j;
	const struct plat_run *run; /* `ljail run`: the command the jail runs */
	struct lj_state state;
	struct plat_jail *pj;
	bool claimed;
};

/*
 * Starts j with its lock held. On success st keeps the jail's handle and
 * state (release with rt_start_release); on failure nothing is left.
 */
int rt_start_locked(struct rt_start *st, struct lj_error *err);
void rt_start_release(struct rt_start *st);

struct rt_stop {
	const struct lj_paths *paths;
	const char *name;
	const struct lj_jail *j; /* NULL: no configuration any more */
	struct rt_running r;
};

/* The steps of a stop, by index: `ljail run` walks the tail from RT_STOP_NET. */
enum {
	RT_STOP_FIND,
	RT_STOP_PRESTOP,
	RT_STOP_STOP,
	RT_STOP_END,
	RT_STOP_NET,
	RT_STOP_FORGET,
	RT_STOP_POSTSTOP,
	RT_STOP_RELEASE,
	RT_STOP_COUNT,
};

/* Runs the stop's steps from first on, with the jail's lock held. */
int rt_stop_locked(struct rt_stop *st, size_t first, struct lj_error *err);

#endif
