/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "runtime/hooks.h"
#include "runtime/jobs.h"
#include "runtime/lifecycle.h"

/*
 * Finds the jail. One that ended on its own (no persist) or whose start was
 * killed halfway leaves a stale state: it is removed, and the stop answers
 * "not running".
 */
static int step_find(void *ctx, struct lj_error *err)
{
	struct rt_stop *st = ctx;
	int rc = rt_probe(st->paths, st->name, &st->r, err);
	if (rc < 0)
		return rc;
	if (st->r.status == RT_NONE)
		return lj_error_set(err, ESRCH, "jail '%s' is not running", st->name);
	if (st->r.pj)
		return 0;
	bool shared = plat_record_net_shared(&st->r.state.plat);
	rc = rt_forget(st->paths, st->name, &st->r.state.plat, err);
	if (rc == 0 && shared)
		rc = rt_net_sync(st->paths, err);
	return rc < 0 ? rc : lj_error_set(err, ESRCH, "jail '%s' is not running", st->name);
}

/* As jail -r: a failing exec.prestop or exec.stop leaves the jail running. */
static int step_prestop(void *ctx, struct lj_error *err)
{
	struct rt_stop *st = ctx;
	return lj_hooks_run(st->j, &st->r.state, st->r.pj, LJ_HOOK_PRESTOP, err);
}

static int step_stop(void *ctx, struct lj_error *err)
{
	struct rt_stop *st = ctx;
	return lj_hooks_run(st->j, &st->r.state, st->r.pj, LJ_HOOK_STOP, err);
}

/* SIGTERM, passed on to every process; what is left after stop.timeout is ended. */
static int step_end(void *ctx, struct lj_error *err)
{
	struct rt_stop *st = ctx;
	struct lj_error ignored = {0};
	long timeout = st->j ? st->j->stop_timeout : 10;
	if (plat_signal(st->r.pj, SIGTERM, &ignored) == 0 && plat_wait_gone(st->r.pj, timeout))
		return 0;
	return plat_destroy(st->r.pj, err);
}

static int step_net(void *ctx, struct lj_error *err)
{
	struct rt_stop *st = ctx;
	(void)err;
	plat_net_down(st->r.pj, st->r.state.jid);
	return 0;
}

static int step_forget(void *ctx, struct lj_error *err)
{
	struct rt_stop *st = ctx;
	int rc = rt_forget(st->paths, st->name, &st->r.state.plat, err);
	if (rc == 0 && plat_net_shared(st->r.pj))
		rc = rt_net_sync(st->paths, err);
	return rc;
}

static int step_poststop(void *ctx, struct lj_error *err)
{
	struct rt_stop *st = ctx;
	return lj_hooks_run(st->j, &st->r.state, NULL, LJ_HOOK_POSTSTOP, err);
}

static int step_release(void *ctx, struct lj_error *err)
{
	struct rt_stop *st = ctx;
	return lj_hooks_run(st->j, &st->r.state, NULL, LJ_HOOK_RELEASE, err);
}

/* Nothing of a stop can be undone: a jail that was ended stays ended. */
static const struct rt_step stop_steps[RT_STOP_COUNT] = {
	[RT_STOP_FIND] = {"find", step_find, NULL},
	[RT_STOP_PRESTOP] = {"exec.prestop", step_prestop, NULL},
	[RT_STOP_STOP] = {"exec.stop", step_stop, NULL},
	[RT_STOP_END] = {"end", step_end, NULL},
	[RT_STOP_NET] = {"network", step_net, NULL},
	[RT_STOP_FORGET] = {"forget", step_forget, NULL},
	[RT_STOP_POSTSTOP] = {"exec.poststop", step_poststop, NULL},
	[RT_STOP_RELEASE] = {"exec.release", step_release, NULL},
};

int rt_stop_locked(struct rt_stop *st, size_t first, struct lj_error *err)
{
	return rt_steps_run(stop_steps, first, RT_STOP_COUNT, st, err);
}

int lj_stop(const struct lj_paths *paths, const char *name, const struct lj_jail *j,
	    struct lj_error *err)
{
	int lock;
	int rc = lj_state_lock(paths, name, &lock, err);
	if (rc < 0)
		return rc;
	struct rt_stop st = {.paths = paths, .name = name, .j = j};
	rc = rt_stop_locked(&st, RT_STOP_FIND, err);
	rt_running_close(&st.r);
	struct lj_state left;
	struct lj_error ignored = {0};
	bool gone = lj_state_read(paths, name, &left, &ignored) == -ENOENT;
	if (!gone)
		lj_state_release(&left);
	lj_state_unlock(paths, name, lock, gone);
	return rc;
}
