/* SPDX-License-Identifier: BSD-2-Clause */
#include "runtime/running.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rt_probe(const struct lj_paths *paths, const char *name, struct rt_running *r,
	     struct lj_error *err)
{
	*r = (struct rt_running){.status = RT_NONE};
	int rc = lj_state_read(paths, name, &r->state, err);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	rc = plat_open(name, &r->state.plat, &r->pj, err);
	if (rc == -ESRCH) {
		r->status = RT_STALE;
		return 0;
	}
	if (rc < 0) {
		lj_state_release(&r->state);
		return rc;
	}
	r->status = r->state.phase == LJ_PHASE_RUNNING ? RT_RUNNING : RT_STARTING;
	return 0;
}

void rt_running_close(struct rt_running *r)
{
	if (r->pj)
		plat_close(r->pj);
	lj_state_release(&r->state);
	*r = (struct rt_running){.status = RT_NONE};
}

static int not_running(const char *which, struct lj_error *err)
{
	return lj_error_set(err, ESRCH, "jail '%s' is not running", which);
}

int rt_running_open(const struct lj_paths *paths, const char *which, struct rt_running *r,
		    struct lj_error *err)
{
	int rc = rt_probe(paths, which, r, err);
	if (rc < 0)
		return rc;
	if (r->status == RT_RUNNING)
		return 0;
	bool by_name = r->status != RT_NONE;
	rt_running_close(r);
	long jid;
	if (by_name || !lj_parse_long(which, &jid))
		return not_running(which, err);
	struct rt_running *all;
	size_t n;
	if (rt_running_list(paths, &all, &n, err) < 0)
		return -ESRCH;
	rc = not_running(which, err);
	for (size_t i = 0; i < n; i++) {
		if (rc < 0 && all[i].state.jid == jid) {
			*r = all[i];
			all[i] = (struct rt_running){0};
			rc = 0;
		}
	}
	rt_running_free(all, n);
	return rc;
}

void rt_running_free(struct rt_running *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rt_running_close(&list[i]);
	free(list);
}

/* Removes a stale state if no ljail is busy with the jail; true when one went. */
static bool tidy(const struct lj_paths *paths, const char *name)
{
	struct lj_error ignored = {0};
	int lock;
	if (lj_state_lock_now(paths, name, &lock, &ignored) < 0)
		return false;
	struct rt_running again;
	bool shared = false;
	/* Read again under the lock: it may have been started anew meanwhile. */
	if (rt_probe(paths, name, &again, &ignored) == 0 && again.status == RT_STALE) {
		shared = plat_record_net_shared(&again.state.plat);
		rt_forget(paths, name, &again.state.plat, &ignored);
	}
	rt_running_close(&again);
	lj_state_unlock(paths, name, lock, true);
	return shared;
}

int rt_running_list(const struct lj_paths *paths, struct rt_running **out, size_t *n,
		    struct lj_error *err)
{
	char **names;
	size_t count, cap = 0;
	*out = NULL;
	*n = 0;
	int rc = lj_state_names(paths, &names, &count, err);
	if (rc < 0)
		return rc;
	bool resync = false;
	for (size_t i = 0; i < count; i++) {
		struct rt_running r;
		struct lj_error ignored = {0};
		if (rt_probe(paths, names[i], &r, &ignored) == 0) {
			if (r.status == RT_RUNNING)
				*LJ_VEC_PUSH(*out, *n, cap) = r;
			else if (r.status == RT_STALE)
				resync |= tidy(paths, names[i]);
			if (r.status != RT_RUNNING)
				rt_running_close(&r);
		}
		free(names[i]);
	}
	free(names);
	if (resync) {
		struct lj_error ignored = {0};
		rt_net_sync(paths, &ignored);
	}
	return 0;
}

/* The jids of the other jails: running, or being started by an ljail that holds its lock. */
/* A state's parameter's values, or NULL. */
static const struct lj_state_param *state_param(const struct lj_state *s, const char *name)
{
	for (size_t i = 0; i < s->nparams; i++)
		if (lj_str_eq(s->params[i].name, name))
			return &s->params[i];
	return NULL;
}

/*
 * The segment a jail's interface joins: its ljail network as vnet.network
 * says, else its bridge as vnet.bridge or interface say; NULL for none.
 */
static const char *state_segment(const struct lj_state *s, const char **kind)
{
	const struct lj_state_param *p = state_param(s, "vnet.network");
	*kind = "network";
	if (!p || !p->nvalues) {
		*kind = "bridge";
		p = state_param(s, "vnet.bridge");
	}
	if (!p || !p->nvalues)
		p = state_param(s, "interface");
	return p && p->nvalues ? p->values[p->nvalues - 1] : NULL;
}

/* A host port a and b both publish, as text in out, or NULL. */
static const char *publish_clash(const struct lj_state *a, const struct lj_state *b, char *out,
				 size_t len)
{
	const struct lj_state_param *pa = state_param(a, "vnet.publish");
	const struct lj_state_param *pb = state_param(b, "vnet.publish");
	for (size_t i = 0; pa && pb && i < pa->nvalues; i++)
		for (size_t k = 0; k < pb->nvalues; k++) {
			struct lj_publish x, y;
			const char *why;
			if (lj_publish_parse(pa->values[i], &x, &why) == 0 &&
			    lj_publish_parse(pb->values[k], &y, &why) == 0 &&
			    lj_publish_clash(&x, &y)) {
				snprintf(out, len, "%s%s%u/%s", x.host_addr,
					 x.host_addr[0] ? ":" : "", x.host_port,
					 x.udp ? "udp" : "tcp");
				return out;
			}
		}
	return NULL;
}

/*
 * An address a and b both have on one bridge (the same segment): copied to
 * out, or NULL. Two jails with one address on a bridge break each other.
 */
static const char *address_clash(const struct lj_state *a, const struct lj_state *b, char *out,
				 size_t len)
{
	const char *ka, *kb;
	const char *ba = state_segment(a, &ka), *bb = state_segment(b, &kb);
	if (!ba || !bb || !lj_str_eq(ba, bb) || !lj_str_eq(ka, kb))
		return NULL;
	static const char *const families[] = {"ip4.addr", "ip6.addr"};
	for (size_t f = 0; f < 2; f++) {
		const struct lj_state_param *pa = state_param(a, families[f]);
		const struct lj_state_param *pb = state_param(b, families[f]);
		for (size_t i = 0; pa && pb && i < pa->nvalues; i++)
			for (size_t k = 0; k < pb->nvalues; k++) {
				char x[128], y[128];
				if (lj_str_eq(lj_addr_bare(pa->values[i], x, sizeof(x)),
					      lj_addr_bare(pb->values[k], y, sizeof(y)))) {
					snprintf(out, len, "%s", x);
					return out;
				}
			}
	}
	return NULL;
}

/*
 * What s and a running jail r cannot both have: an address on one segment,
 * or a published host port. Said in *what (freed by the caller).
 */
static bool clashes(const struct lj_state *s, const struct lj_state *r, char **what)
{
	char text[128];
	const char *kind;
	if (address_clash(s, r, text, sizeof(text))) {
		const char *segment = state_segment(s, &kind);
		*what = lj_xasprintf("address %s on %s '%s'", text, kind, segment);
		return true;
	}
	if (publish_clash(s, r, text, sizeof(text))) {
		*what = lj_xasprintf("published host port %s", text);
		return true;
	}
	return false;
}

/*
 * The jids of the other live jails; and when one has what s cannot share
 * (clashes), its name in *clash_name and what in *clash_what (both freed by
 * the caller).
 */
static long *jids_in_use(const struct lj_paths *paths, const struct lj_state *s, size_t *count,
			 char **clash_name, char **clash_what)
{
	const char *self = s->name;
	char **names;
	size_t n, cap = 0;
	long *jids = NULL;
	struct lj_error ignored = {0};
	*count = 0;
	if (lj_state_names(paths, &names, &n, &ignored) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct rt_running r;
		/*
		 * The lock first, then the state: a start that ends between the
		 * two is seen running, never as a starting jail whose lock is free
		 * (that order gave two jails one jid). No new claim can come
		 * meanwhile: the caller holds .jids.lock.
		 */
		bool held = !lj_str_eq(names[i], self) && lj_state_lock_held(paths, names[i]);
		if (!lj_str_eq(names[i], self) && rt_probe(paths, names[i], &r, &ignored) == 0 &&
		    r.status != RT_NONE) {
			/* A starting jail may have no processes yet: its lock holds its jid. */
			if (r.pj || (r.state.phase == LJ_PHASE_STARTING && held)) {
				*LJ_VEC_PUSH(jids, *count, cap) = r.state.jid;
				if (!*clash_name && clashes(s, &r.state, clash_what))
					*clash_name = lj_xstrdup(r.state.name);
			}
			rt_running_close(&r);
		}
		free(names[i]);
	}
	free(names);
	return jids;
}

static bool jid_listed(const long *jids, size_t n, long jid)
{
	for (size_t i = 0; i < n; i++)
		if (jids[i] == jid)
			return true;
	return false;
}

int rt_claim(const struct lj_paths *paths, struct lj_state *s, struct lj_error *err)
{
	int rc = lj_state_make_dir(paths, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/.jids.lock", paths->run_dir);
	LJ_CLEANUP_CLOSE int fd = -1;
	if ((rc = lj_state_lock_file(file, &fd, err)) < 0)
		return rc;
	size_t n;
	LJ_CLEANUP_FREE char *clash = NULL, *what = NULL;
	LJ_CLEANUP_FREE long *jids = jids_in_use(paths, s, &n, &clash, &what);
	if (clash)
		return lj_error_set(err, EADDRINUSE, "jail '%s': %s is jail '%s''s, which runs",
				    s->name, what, clash);
	if (s->jid > 0) {
		if (jid_listed(jids, n, s->jid))
			return lj_error_set(err, EEXIST, "jail '%s': jid %ld is in use", s->name,
					    s->jid);
	} else {
		s->jid = 1;
		while (jid_listed(jids, n, s->jid))
			s->jid++;
	}
	return lj_state_write(paths, s, err);
}

int rt_net_lock(const struct lj_paths *paths, int *fd, struct lj_error *err)
{
	int rc = lj_state_make_dir(paths, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *lock = lj_xasprintf("%s/.net.lock", paths->run_dir);
	return lj_state_lock_file(lock, fd, err);
}

int rt_net_sync(const struct lj_paths *paths, struct lj_error *err)
{
	/*
	 * One sync at a time, each from the states as they are once it holds
	 * the lock: the last one to run then applies what every start and stop
	 * before it left. Six parallel starts without it broke each other's nft
	 * run.
	 */
	LJ_CLEANUP_CLOSE int fd = -1;
	int rc = rt_net_lock(paths, &fd, err);
	return rc < 0 ? rc : rt_net_sync_locked(paths, err);
}

int rt_net_sync_locked(const struct lj_paths *paths, struct lj_error *err)
{
	int rc;
	char **names;
	size_t n;
	rc = lj_state_names(paths, &names, &n, err);
	if (rc < 0)
		return rc;
	struct rt_running *open = lj_xcalloc(n + 1, sizeof(*open));
	struct plat_jail **handles = lj_xcalloc(n + 1, sizeof(*handles));
	size_t nh = 0;
	for (size_t i = 0; i < n; i++) {
		struct lj_error ignored = {0};
		if (rt_probe(paths, names[i], &open[i], &ignored) == 0 && open[i].pj)
			handles[nh++] = open[i].pj;
		free(names[i]);
	}
	free(names);
	rc = plat_net_sync(paths, handles, nh, err);
	for (size_t i = 0; i < n; i++)
		rt_running_close(&open[i]);
	free(open);
	free(handles);
	return rc;
}

int rt_forget(const struct lj_paths *paths, const char *name, const struct lj_kvlist *rec,
	      struct lj_error *err)
{
	/* Released first: a state that is gone can no longer tell what to release. */
	plat_release(rec);
	return lj_state_remove(paths, name, err);
}
