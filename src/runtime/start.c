/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/hooks.h"
#include "runtime/jobs.h"
#include "runtime/lifecycle.h"

static int hook(struct rt_start *st, enum lj_hook h, struct lj_error *err)
{
	return lj_hooks_run(st->j, &st->state, st->pj, h, err);
}

/* Undo steps cannot fail the start any further: their errors are dropped. */
static void hook_quietly(struct rt_start *st, enum lj_hook h)
{
	struct lj_error ignored = {0};
	hook(st, h, &ignored);
}

/*
 * What an earlier ljail left: a running jail stays (starting it again is an
 * error); the remains of a start that was killed halfway are removed.
 */
static int step_leftovers(void *ctx, struct lj_error *err)
{
	struct rt_start *st = ctx;
	const char *name = st->j->name;
	struct rt_running old;
	int rc = rt_probe(st->paths, name, &old, err);
	if (rc < 0 || old.status == RT_NONE)
		return rc;
	if (old.status == RT_RUNNING) {
		rt_running_close(&old);
		return lj_error_set(err, EEXIST, "jail '%s' is already running", name);
	}
	/* As a stop does: end it, then its interfaces, through the namespace the handle holds. */
	if (old.pj) {
		rc = plat_destroy(old.pj, err);
		plat_net_down(old.pj, old.state.jid);
	}
	bool shared = plat_record_net_shared(&old.state.plat);
	if (rc == 0)
		rc = rt_forget(st->paths, name, &old.state.plat, err);
	rt_running_close(&old);
	if (rc == 0 && shared)
		rc = rt_net_sync(st->paths, err);
	return rc;
}

static void snapshot_params(struct lj_state *s, const struct lj_jail *j)
{
	for (size_t i = 0; j->conf && i < j->conf->nparams; i++) {
		const struct conf_param *p = &j->conf->params[i];
		lj_state_add_param(s, p->name, p->values, p->nvalues, p->negated);
	}
}

static int step_claim(void *ctx, struct lj_error *err)
{
	struct rt_start *st = ctx;
	const struct lj_jail *j = st->j;
	st->state = (struct lj_state){
		.jid = j->jid,
		.name = lj_xstrdup(j->name),
		.path = lj_xstrdup(j->path),
		.hostname = lj_xstrdup(j->hostname ? j->hostname : j->name),
		.phase = LJ_PHASE_STARTING,
		.persist = j->persist,
	};
	snapshot_params(&st->state, j);
	int rc = plat_plan(j, &st->pj, err);
	if (rc < 0)
		return rc;
	plat_record(st->pj, &st->state.plat);
	rc = rt_claim(st->paths, &st->state, err);
	st->claimed = rc == 0;
	return rc;
}

static void undo_claim(void *ctx)
{
	struct rt_start *st = ctx;
	struct lj_error ignored = {0};
	if (!st->claimed)
		return;
	rt_forget(st->paths, st->state.name, &st->state.plat, &ignored);
	st->claimed = false;
	/* The jail is gone by now: shared network state is made without it. */
	if (plat_net_shared(st->pj))
		rt_net_sync(st->paths, &ignored);
}

static int step_prepare(void *ctx, struct lj_error *err)
{
	return hook(ctx, LJ_HOOK_PREPARE, err);
}

static void undo_prepare(void *ctx)
{
	hook_quietly(ctx, LJ_HOOK_RELEASE);
}

static int step_prestart(void *ctx, struct lj_error *err)
{
	return hook(ctx, LJ_HOOK_PRESTART, err);
}

static void undo_prestart(void *ctx)
{
	hook_quietly(ctx, LJ_HOOK_POSTSTOP);
}

/* Is there a command left to run before the commit? */
static bool commands_after_create(const struct lj_jail *j)
{
	return j->nhooks[LJ_HOOK_CREATED] || j->nhooks[LJ_HOOK_START] ||
	       j->nhooks[LJ_HOOK_COMMAND] || j->nhooks[LJ_HOOK_POSTSTART];
}

static int step_create(void *ctx, struct lj_error *err)
{
	struct rt_start *st = ctx;
	int rc = plat_create(st->pj, st->run, err);
	if (rc < 0)
		return rc;
	lj_kv_release(&st->state.plat);
	plat_record(st->pj, &st->state.plat);
	/*
	 * With no command left to run before the commit, the jail is as good as
	 * running: one write instead of two. (Should ljail die before the
	 * commit, the jail ends with it and the state is seen to be stale.)
	 */
	if (!commands_after_create(st->j))
		st->state.phase = LJ_PHASE_RUNNING;
	return lj_state_write(st->paths, &st->state, err);
}

static void undo_create(void *ctx)
{
	struct rt_start *st = ctx;
	struct lj_error ignored = {0};
	plat_destroy(st->pj, &ignored);
}

static int step_created(void *ctx, struct lj_error *err)
{
	return hook(ctx, LJ_HOOK_CREATED, err);
}

/* After exec.created, as jail(8) gives vnet.interface: the jail's own network. */
static int step_network(void *ctx, struct lj_error *err)
{
	struct rt_start *st = ctx;
	if (!plat_net_wanted(st->pj))
		return 0;
	/*
	 * The shared state first (a network's bridge and name server, NAT, the
	 * published ports: made from the running jails, this one among them),
	 * then the jail's own interfaces on it, under the network lock
	 * throughout, so that no stop of a network's last other jail takes the
	 * bridge away between the two. The state written at create names what
	 * to take down after a crash.
	 */
	LJ_CLEANUP_CLOSE int lock = -1;
	int rc = 0;
	if (plat_net_shared(st->pj) && (rc = rt_net_lock(st->paths, &lock, err)) == 0 &&
	    (rc = rt_net_sync_locked(st->paths, err)) < 0)
		lj_error_wrap(err, "jail '%s'", st->j->name);
	if (rc == 0)
		rc = plat_net_up(st->pj, st->state.jid, err);
	return rc;
}

static void undo_network(void *ctx)
{
	struct rt_start *st = ctx;
	plat_net_down(st->pj, st->state.jid);
}

static int step_start(void *ctx, struct lj_error *err)
{
	return hook(ctx, LJ_HOOK_START, err);
}

static int step_command(void *ctx, struct lj_error *err)
{
	return hook(ctx, LJ_HOOK_COMMAND, err);
}

static int step_poststart(void *ctx, struct lj_error *err)
{
	return hook(ctx, LJ_HOOK_POSTSTART, err);
}

static int step_commit(void *ctx, struct lj_error *err)
{
	struct rt_start *st = ctx;
	int rc = 0;
	if (st->state.phase != LJ_PHASE_RUNNING) {
		st->state.phase = LJ_PHASE_RUNNING;
		rc = lj_state_write(st->paths, &st->state, err);
	}
	return rc < 0 ? rc : plat_commit(st->pj, err);
}

static const struct rt_step start_steps[] = {
	{"leftovers", step_leftovers, NULL},
	{"claim", step_claim, undo_claim},
	{"exec.prepare", step_prepare, undo_prepare},
	{"exec.prestart", step_prestart, undo_prestart},
	{"create", step_create, undo_create},
	{"exec.created", step_created, NULL},
	{"network", step_network, undo_network},
	{"exec.start", step_start, NULL},
	{"command", step_command, NULL},
	{"exec.poststart", step_poststart, NULL},
	{"commit", step_commit, NULL},
};

/*
 * A template is read-only to every command but `template update`: a jail
 * whose root lies in the templates folder would write into every jail made
 * from it (`ljail run .../templates/debian-12/1 -- touch /x` did). Compared
 * as real paths, so a symlink to the template is caught too.
 */
static int refuse_templates(const struct lj_paths *paths, const struct lj_jail *j,
			    struct lj_error *err)
{
	if (j->writes_template)
		return 0;
	LJ_CLEANUP_FREE char *root = realpath(j->path, NULL);
	LJ_CLEANUP_FREE char *templates = realpath(paths->templates_dir, NULL);
	if (!root || !templates)
		return 0; /* a missing path is the start's own error to give */
	size_t n = strlen(templates);
	if (strncmp(root, templates, n) == 0 && (root[n] == '/' || root[n] == '\0'))
		return lj_error_usage(err,
				      "jail '%s': path '%s' is in the templates folder; templates "
				      "are read-only (make a jail with ljail create, or use "
				      "template update)",
				      j->name, j->path);
	return 0;
}

int rt_start_locked(struct rt_start *st, struct lj_error *err)
{
	int rc = refuse_templates(st->paths, st->j, err);
	if (rc < 0)
		return rc;
	rc = rt_steps_run(start_steps, 0, LJ_ARRAY_SIZE(start_steps), st, err);
	if (rc < 0)
		rt_start_release(st);
	return rc;
}

void rt_start_release(struct rt_start *st)
{
	if (st->pj)
		plat_close(st->pj);
	st->pj = NULL;
	lj_state_release(&st->state);
}

int lj_start(const struct lj_paths *paths, const struct lj_jail *j, struct lj_error *err)
{
	int lock;
	int rc = lj_state_lock(paths, j->name, &lock, err);
	if (rc < 0)
		return rc;
	struct rt_start st = {.paths = paths, .j = j};
	rc = rt_start_locked(&st, err);
	rt_start_release(&st);
	lj_state_unlock(paths, j->name, lock, rc < 0);
	return rc;
}
