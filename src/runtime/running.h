/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one way to find a running jail: its run state read, and the platform
 * asked whether the jail it describes still runs. Everything that needs a
 * running jail (stop, exec, list, jid allocation, NAT, maintenance) comes
 * through here.
 */
#ifndef LJAIL_RUNTIME_RUNNING_H
#define LJAIL_RUNTIME_RUNNING_H

#include "base/error.h"
#include "base/paths.h"
#include "platform/platform.h"
#include "runtime/state.h"

enum rt_status {
	RT_NONE,     /* no state */
	RT_STALE,    /* a state whose jail is gone */
	RT_STARTING, /* being started (or a start was killed halfway) */
	RT_RUNNING,
};

struct rt_running {
	struct lj_state state;
	struct plat_jail *pj; /* NULL unless the jail's processes are there */
	enum rt_status status;
};

/*
 * Reads NAME's state and opens its jail. 0 with r->status saying what was
 * found (RT_NONE: nothing, r empty), or an error when the state cannot be
 * read.
 */
int rt_probe(const struct lj_paths *paths, const char *name, struct rt_running *r,
	     struct lj_error *err);

/*
 * The running jail named which, or whose jid which is (as jexec takes
 * either): 0, or -ESRCH with "jail 'X' is not running".
 */
int rt_running_open(const struct lj_paths *paths, const char *which, struct rt_running *r,
		    struct lj_error *err);
void rt_running_close(struct rt_running *r);

/*
 * Every running jail, ordered by name. A stale state is tidied when nobody
 * holds its lock (and shared network state made anew).
 */
int rt_running_list(const struct lj_paths *paths, struct rt_running **out, size_t *n,
		    struct lj_error *err);
void rt_running_free(struct rt_running *list, size_t n);

/*
 * Chooses s's jid (s->jid if not 0, else the smallest free one) under the
 * run folder's own lock and writes the state, so two jails never get the
 * same jid.
 */
int rt_claim(const struct lj_paths *paths, struct lj_state *s, struct lj_error *err);

/*
 * Makes the host's shared network state (networks' bridges and name
 * servers, NAT, published ports) fit the jails that run now, under the run
 * folder's network lock. rt_net_lock takes that lock (*fd, closed by the
 * caller) for one who syncs and does more under it: rt_net_sync_locked.
 */
int rt_net_sync(const struct lj_paths *paths, struct lj_error *err);
int rt_net_lock(const struct lj_paths *paths, int *fd, struct lj_error *err);
int rt_net_sync_locked(const struct lj_paths *paths, struct lj_error *err);

/*
 * A jail whose processes are gone: what the platform keeps for it beyond
 * them (its cgroup) goes, then its run state. rec is that state's record.
 */
int rt_forget(const struct lj_paths *paths, const char *name, const struct lj_kvlist *rec,
	      struct lj_error *err);

#endif
