/* SPDX-License-Identifier: BSD-2-Clause */
/* ljail cp: one file between the host and a jail, never past the jail's root. */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "model/jail.h"
#include "platform/platform.h"
#include "runtime/running.h"

struct copy {
	const char *jail, *jail_path, *host_path;
	bool to_jail;
	struct lj_idmap idmap; /* the jail's own ids, or count 0 */
};

/*
 * An owner across the jail's boundary. Into the jail, the host's id N
 * becomes the jail's N, which the host stores as base + N (an id beyond
 * the jail's range becomes its root's); out of it, back again (an id that
 * is not the jail's stays as it is).
 */
static uint32_t owner_across(const struct lj_idmap *m, uint32_t id, bool to_jail)
{
	if (!m->count)
		return id;
	if (to_jail)
		return m->base + (id < m->count ? id : 0);
	return id >= m->base && id - m->base < m->count ? id - m->base : id;
}

static int copy_bytes(int from, int to)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(from, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : 0;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(to, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return w < 0 ? -errno : -EIO;
			done += w;
		}
	}
}

/* dest, or dest/NAME when dest is a folder (looked up with is_dir). */
static char *destination(const char *dest, const char *src, bool is_dir)
{
	if (!is_dir)
		return lj_xstrdup(dest);
	LJ_CLEANUP_FREE char *copy = lj_xstrdup(src);
	return lj_xasprintf("%s/%s", dest, basename(copy));
}

static int copy_in_root(int rootfd, void *ctx, struct lj_error *err)
{
	const struct copy *cp = ctx;
	const char *what = cp->to_jail ? cp->host_path : cp->jail_path;
	/*
	 * The jail's side, inside its root: a symlink as the file itself is
	 * refused (O_NOFOLLOW); links on the way resolve inside the root.
	 * O_NONBLOCK: a FIFO put there must not hold ljail; only regular files
	 * are copied.
	 */
	LJ_CLEANUP_CLOSE int from = cp->to_jail
					    ? open(cp->host_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
					    : plat_open_in_root(rootfd, cp->jail_path,
								O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
	if (from < 0) {
		int e = cp->to_jail ? errno : -from;
		return lj_error_set(err, e, "jail '%s': '%s': %s", cp->jail, what,
				    e == ELOOP ? "a symlink; refused" : strerror(e));
	}
	struct stat st;
	if (fstat(from, &st) < 0 || !S_ISREG(st.st_mode))
		return lj_error_usage(err, "jail '%s': '%s' is not a regular file", cp->jail, what);
	int flags = fcntl(from, F_GETFL);
	fcntl(from, F_SETFL, flags & ~O_NONBLOCK);

	const char *dest = cp->to_jail ? cp->jail_path : cp->host_path;
	struct stat dst;
	bool is_dir;
	if (cp->to_jail) {
		LJ_CLEANUP_CLOSE int d = plat_open_in_root(rootfd, dest, O_PATH, 0);
		is_dir = d >= 0 && fstat(d, &dst) == 0 && S_ISDIR(dst.st_mode);
	} else {
		is_dir = stat(dest, &dst) == 0 && S_ISDIR(dst.st_mode);
	}
	LJ_CLEANUP_FREE char *target = destination(dest, what, is_dir);
	int oflags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW;
	LJ_CLEANUP_CLOSE int to = cp->to_jail ? plat_open_in_root(rootfd, target, oflags, 0600)
					       : open(target, oflags | O_CLOEXEC, 0600);
	if (to < 0) {
		int e = cp->to_jail ? -to : errno;
		return lj_error_set(err, e, "jail '%s': '%s': %s", cp->jail, target,
				    e == ELOOP ? "a symlink; refused" : strerror(e));
	}
	int rc = copy_bytes(from, to);
	/* Owner and mode as the source has them; set-id bits only if root keeps them. */
	uid_t uid = owner_across(&cp->idmap, st.st_uid, cp->to_jail);
	gid_t gid = owner_across(&cp->idmap, st.st_gid, cp->to_jail);
	if (rc == 0 && (fchown(to, uid, gid) < 0 || fchmod(to, st.st_mode & 07777) < 0))
		rc = -errno;
	if (rc < 0)
		return lj_error_set(err, -rc, "jail '%s': copying to '%s': %s", cp->jail, target,
				    strerror(-rc));
	return 0;
}

int store_cp(const struct lj_paths *paths, const char *conf_file, const char *jail,
	     const char *jail_path, const char *host_path, bool to_jail, struct lj_error *err)
{
	if (store_check_name("jail", jail, err) < 0)
		return -EINVAL;
	struct copy cp = {jail, jail_path, host_path, to_jail, {0, 0}};
	struct rt_running r;
	int rc = rt_probe(paths, jail, &r, err);
	if (rc < 0)
		return rc;
	if (r.status == RT_RUNNING) {
		/* Running: its root as its processes see it, their mounts included. */
		rc = plat_jail_idmap(r.pj, &cp.idmap, err);
		if (rc == 0)
			rc = plat_jail_edit(r.pj, copy_in_root, &cp, err);
		rt_running_close(&r);
		return rc;
	}
	rt_running_close(&r);
	/* Stopped: its tree (a thin jail's overlay made for the purpose). */
	struct conf c;
	struct lj_jail j;
	if ((rc = store_load_jail(paths, conf_file, jail, &c, &j, err)) < 0)
		return rc;
	cp.idmap = j.idmap;
	rc = plat_tree_edit(j.path, j.overlay_lower, j.overlay_upper, &j.idmap, copy_in_root, &cp,
			    err);
	lj_jail_release(&j);
	conf_release(&c);
	return rc;
}
