/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Jails made by create, moved and copied: rename, clone, snapshots and
 * rollback. Each works on a jail that does not run (its files hold still;
 * a running one is refused with a clear message), under the per-name locks
 * of every name it touches, taken in name order so that two commands never
 * wait on each other. What is made is made beside and moved into place
 * last, so that a failure leaves the jails as they were.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "platform/platform.h"
#include "store/edit.h"
#include "store/ids.h"
#include "store/layout.h"
#include "store/meta.h"
#include "store/network.h"
#include "store/store.h"
#include "store/tree.h"

/* Both names' locks, in name order. */
struct two_locks {
	const char *a, *b;
	int fa, fb;
};

static int lock_two(const struct lj_paths *paths, const char *x, const char *y, struct two_locks *l,
		    struct lj_error *err)
{
	/* One name twice would wait on its own lock for ever. */
	if (lj_str_eq(x, y))
		return lj_error_usage(err, "jail '%s' already exists", y);
	bool swap = strcmp(x, y) > 0;
	*l = (struct two_locks){swap ? y : x, swap ? x : y, -1, -1};
	int rc = store_name_lock(paths, l->a, &l->fa, err);
	if (rc == 0 && (rc = store_name_lock(paths, l->b, &l->fb, err)) < 0)
		store_name_unlock(paths, l->a, &l->fa);
	return rc;
}

static void unlock_two(const struct lj_paths *paths, struct two_locks *l)
{
	store_name_unlock(paths, l->b, &l->fb);
	store_name_unlock(paths, l->a, &l->fa);
}

/* NAME is free: no folder, no file of its own, no jail of that name in the configuration. */
static int name_free(const struct lj_paths *paths, const char *name, struct lj_error *err)
{
	int rc = store_check_name("jail", name, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, name);
	LJ_CLEANUP_FREE char *file = store_conf_file(paths, name);
	struct conf c;
	if ((rc = store_load_conf(paths, NULL, name, &c, err)) < 0)
		return rc;
	bool exists = conf_find_jail(&c, name) != NULL;
	conf_release(&c);
	if (exists || access(dir, F_OK) == 0 || access(file, F_OK) == 0)
		return lj_error_usage(err, "jail '%s' already exists", name);
	return 0;
}

/*
 * The locks of both names, and store_jail_info of src, which must be a
 * stopped jail ljail made; on an error neither is held.
 */
static int hold_two(const struct lj_paths *paths, const char *src, const char *dst,
		    struct two_locks *locks, struct store_jail_info *info, struct lj_error *err)
{
	int rc = store_check_name("jail", dst, err);
	if (rc < 0 || (rc = lock_two(paths, src, dst, locks, err)) < 0)
		return rc;
	if ((rc = store_jail_info(paths, src, info, err)) < 0)
		unlock_two(paths, locks);
	return rc;
}

int store_jail_rename(const struct lj_paths *paths, const char *from, const char *to,
		      struct lj_error *warning, struct lj_error *err)
{
	struct two_locks locks;
	struct store_jail_info info;
	int rc = hold_two(paths, from, to, &locks, &info, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *old_dir = store_container_dir(paths, from);
	LJ_CLEANUP_FREE char *new_dir = store_container_dir(paths, to);
	LJ_CLEANUP_FREE char *old_file = store_conf_file(paths, from);
	LJ_CLEANUP_FREE char *new_file = store_conf_file(paths, to);
	LJ_CLEANUP_FREE char *text = NULL, *made = NULL;
	rc = name_free(paths, to, err);
	if (rc == 0 && !(text = store_read_text(old_file, err)))
		rc = -EIO;
	if (rc == 0) {
		struct store_retarget r = {
			.old_name = from, .new_name = to, .old_dir = old_dir, .new_dir = new_dir};
		made = store_conf_retarget(text, &r);
		rc = store_write_new_text(new_file, made, err);
	}
	/* Under the id lock: a range claim reads the folder's entries (see create). */
	int ids_lock = -1;
	if (rc == 0 && (rc = store_ids_hold(paths, &ids_lock, err)) == 0 &&
	    rename(old_dir, new_dir) < 0)
		rc = lj_error_set(err, errno, "'%s': %s", new_dir, strerror(errno));
	store_ids_release(paths, &ids_lock);
	if (rc < 0 && made)
		unlink(new_file);
	if (rc == 0)
		unlink(old_file);
	if (rc == 0)
		store_rename_inside(paths, text, from, to, &info, "renamed", warning);
	store_jail_info_release(&info);
	unlock_two(paths, &locks);
	return rc;
}

/* The source's files into part: a btrfs snapshot, the upper layer or the whole tree copied. */
static int copy_files(const char *src_dir, const char *part, const struct store_jail_info *info,
		      const char *what, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *src = lj_xasprintf("%s/%s", src_dir, what);
	LJ_CLEANUP_FREE char *dst = lj_xasprintf("%s/%s", part, what);
	if (lj_str_eq(info->method, "btrfs"))
		return plat_clone_snapshot(src, dst, false, err);
	return store_copy_tree(src, dst, err);
}

/* What of a jail holds its own files: its upper layer when thin, else its root. */
static const char *own_files(const struct store_jail_info *info)
{
	return info->lower ? "upper" : "root";
}

/* An overlay's empty root and work folders, owned as create makes them. */
static int overlay_folders(const char *part, const struct lj_idmap *idmap, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *root = lj_xasprintf("%s/root", part);
	LJ_CLEANUP_FREE char *work = lj_xasprintf("%s/work", part);
	if ((mkdir(root, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(work, 0700) < 0 && errno != EEXIST))
		return lj_error_set(err, errno, "'%s': %s", part, strerror(errno));
	if (idmap->count && lchown(work, idmap->base, idmap->base) < 0)
		return lj_error_set(err, errno, "'%s': %s", work, strerror(errno));
	return 0;
}

/* The clone's configuration, with an address of its own on its source's network. */
static int write_clone_conf(const struct lj_paths *paths, const char *src, const char *dst,
			    const char *text, const struct lj_idmap *idmap, struct lj_error *err)
{
	struct conf c;
	int rc = store_load_conf(paths, NULL, src, &c, err);
	if (rc < 0)
		return rc;
	const struct conf_jail *cj = conf_find_jail(&c, src);
	const struct conf_param *n = cj ? conf_jail_param(cj, "vnet.network") : NULL;
	LJ_CLEANUP_FREE char *network =
		n && n->nvalues ? lj_xstrdup(n->values[n->nvalues - 1]) : NULL;
	conf_release(&c);
	LJ_CLEANUP_FREE char *src_dir = store_container_dir(paths, src);
	LJ_CLEANUP_FREE char *dst_dir = store_container_dir(paths, dst);
	struct store_retarget r = {
		.old_name = src,
		.new_name = dst,
		.old_dir = src_dir,
		.new_dir = dst_dir,
		.idmap = idmap->count ? idmap : NULL,
		.drop_publish = true,
	};
	return store_write_conf_leased(paths, dst, text, &r, network, err);
}

static int write_meta(const char *part, const char *src_dir, const char *from,
		      const struct lj_idmap *idmap, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *old = lj_xasprintf("%s/meta", src_dir);
	LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/meta", part);
	struct store_meta m = {0};
	int rc = store_meta_read(old, &m, err);
	if (rc < 0)
		return rc;
	char ids[32], created[32];
	snprintf(ids, sizeof(ids), "%u:%u", idmap->base, idmap->count);
	snprintf(created, sizeof(created), "%lld", (long long)time(NULL));
	if (idmap->count)
		store_meta_set(&m, "idmap", ids);
	store_meta_set(&m, "created", created);
	store_meta_set(&m, "cloned_from", from);
	rc = store_meta_write(file, &m, err);
	store_meta_release(&m);
	return rc;
}

static int clone_locked(const struct lj_paths *paths, const char *src, const char *dst,
			const struct store_jail_info *info, struct lj_error *warning,
			struct lj_error *err)
{
	int rc = name_free(paths, dst, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *src_dir = store_container_dir(paths, src);
	LJ_CLEANUP_FREE char *dst_dir = store_container_dir(paths, dst);
	LJ_CLEANUP_FREE char *file = store_conf_file(paths, dst);
	LJ_CLEANUP_FREE char *src_file = store_conf_file(paths, src);
	LJ_CLEANUP_FREE char *text = store_read_text(src_file, err);
	if (!text)
		return -EIO;
	LJ_CLEANUP_FREE char *part = lj_xasprintf("%s/.%s.part", paths->containers_dir, dst);
	struct lj_error ignored = {0};
	store_remove_tree(part, &ignored);
	if (mkdir(part, 0700) < 0)
		return lj_error_set(err, errno, "'%s': %s", part, strerror(errno));
	/*
	 * A range of its own, held under the id lock until the meta records it;
	 * the files of the source's range get the same ids in the new one, so
	 * root in one never owns the other's files.
	 */
	struct lj_idmap idmap = {0};
	int ids_lock = -1;
	bool conf_written = false;
	rc = info->idmap.count ? store_ids_claim(paths, &idmap, &ids_lock, err) : 0;
	if (rc == 0)
		rc = copy_files(src_dir, part, info, own_files(info), err);
	if (rc == 0 && info->lower)
		rc = overlay_folders(part, &idmap, err);
	/*
	 * A thin jail's upper layer is stored as its range's ids; a whole tree
	 * (copy, btrfs) as the jail's own ids, mounted through the range, so it
	 * needs nothing.
	 */
	if (rc == 0 && idmap.count && info->lower) {
		LJ_CLEANUP_FREE char *files = lj_xasprintf("%s/%s", part, own_files(info));
		rc = store_shift_ids(files, info->idmap.base, idmap.base, idmap.count, err);
	}
	if (rc == 0)
		rc = write_meta(part, src_dir, src, &idmap, err);
	store_ids_release(paths, &ids_lock);
	if (rc == 0)
		conf_written = (rc = write_clone_conf(paths, src, dst, text, &idmap, err)) == 0;
	if (rc == 0 && idmap.count)
		rc = store_ids_hold(paths, &ids_lock, err);
	if (rc == 0 && rename(part, dst_dir) < 0)
		rc = lj_error_set(err, errno, "'%s': %s", dst_dir, strerror(errno));
	store_ids_release(paths, &ids_lock);
	if (rc < 0) {
		if (conf_written)
			unlink(file);
		store_remove_tree(part, &ignored);
		return rc;
	}
	struct store_jail_info mine = *info;
	mine.idmap = idmap;
	store_rename_inside(paths, text, src, dst, &mine, "cloned", warning);
	return 0;
}

int store_jail_clone(const struct lj_paths *paths, const char *src, const char *dst,
		     struct lj_error *warning, struct lj_error *err)
{
	struct two_locks locks;
	struct store_jail_info info;
	int rc = hold_two(paths, src, dst, &locks, &info, err);
	if (rc < 0)
		return rc;
	rc = clone_locked(paths, src, dst, &info, warning, err);
	store_jail_info_release(&info);
	unlock_two(paths, &locks);
	return rc;
}

static char *snapshot_dir(const struct lj_paths *paths, const char *jail, const char *snap)
{
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, jail);
	return snap ? lj_xasprintf("%s/snapshots/%s", dir, snap)
		    : lj_xasprintf("%s/snapshots", dir);
}

int store_snapshot_make(const struct lj_paths *paths, const char *jail, const char *snap,
			char **made, struct lj_error *err)
{
	*made = NULL;
	char stamp[32];
	if (!snap) {
		/* By default the time, which sorts as it was taken. */
		time_t now = time(NULL);
		struct tm tm;
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime_r(&now, &tm));
		snap = stamp;
	}
	int lock = -1;
	struct store_jail_info info;
	int rc = store_check_name("snapshot", snap, err);
	if (rc < 0 || (rc = store_hold_stopped(paths, jail, "snapshot", &lock, &info, err)) < 0)
		return rc;
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, jail);
	LJ_CLEANUP_FREE char *all = snapshot_dir(paths, jail, NULL);
	LJ_CLEANUP_FREE char *one = snapshot_dir(paths, jail, snap);
	LJ_CLEANUP_FREE char *part = lj_xasprintf("%s/.%s.part", all, snap);
	struct lj_error ignored = {0};
	if (mkdir(all, 0700) < 0 && errno != EEXIST)
		rc = lj_error_set(err, errno, "'%s': %s", all, strerror(errno));
	else if (access(one, F_OK) == 0)
		rc = lj_error_usage(err, "jail '%s' has a snapshot '%s' already", jail, snap);
	if (rc == 0) {
		store_remove_tree(part, &ignored);
		if (mkdir(part, 0700) < 0)
			rc = lj_error_set(err, errno, "'%s': %s", part, strerror(errno));
	}
	if (rc == 0)
		rc = copy_files(dir, part, &info, own_files(&info), err);
	if (rc == 0 && rename(part, one) < 0)
		rc = lj_error_set(err, errno, "'%s': %s", one, strerror(errno));
	if (rc < 0)
		store_remove_tree(part, &ignored);
	else
		*made = lj_xstrdup(snap);
	store_jail_info_release(&info);
	store_name_unlock(paths, jail, &lock);
	return rc;
}

int store_snapshot_list(const struct lj_paths *paths, const char *jail, char ***names, size_t *n,
			struct lj_error *err)
{
	*names = NULL;
	*n = 0;
	int rc = store_check_name("jail", jail, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, jail);
	if (access(dir, F_OK) < 0)
		return lj_error_usage(err, "jail '%s' was not made by ljail create", jail);
	LJ_CLEANUP_FREE char *all = snapshot_dir(paths, jail, NULL);
	return store_list_dir(all, names, n, err);
}

int store_snapshot_remove(const struct lj_paths *paths, const char *jail, const char *snap,
			  struct lj_error *err)
{
	int rc = store_check_name("snapshot", snap, err);
	LJ_CLEANUP_CLOSE int lock = -1;
	if (rc < 0 || (rc = store_check_name("jail", jail, err)) < 0 ||
	    (rc = store_name_lock(paths, jail, &lock, err)) < 0)
		return rc;
	LJ_CLEANUP_FREE char *one = snapshot_dir(paths, jail, snap);
	if (access(one, F_OK) < 0)
		rc = lj_error_usage(err, "jail '%s' has no snapshot '%s'", jail, snap);
	else
		rc = store_remove_tree(one, err);
	store_name_unlock(paths, jail, &lock);
	return rc;
}

int store_rollback(const struct lj_paths *paths, const char *jail, const char *snap,
		   struct lj_error *err)
{
	int lock = -1;
	struct store_jail_info info;
	int rc = store_check_name("snapshot", snap, err);
	if (rc < 0 || (rc = store_hold_stopped(paths, jail, "rollback", &lock, &info, err)) < 0)
		return rc;
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, jail);
	LJ_CLEANUP_FREE char *one = snapshot_dir(paths, jail, snap);
	const char *what = own_files(&info);
	LJ_CLEANUP_FREE char *live = lj_xasprintf("%s/%s", dir, what);
	LJ_CLEANUP_FREE char *fresh = lj_xasprintf("%s/.%s.new", dir, what);
	LJ_CLEANUP_FREE char *old = lj_xasprintf("%s/.%s.old", dir, what);
	struct lj_error ignored = {0};
	if (access(one, F_OK) < 0)
		rc = lj_error_usage(err, "jail '%s' has no snapshot '%s'", jail, snap);
	/* The snapshot stays: it is copied, and the copy swapped in for the jail's files. */
	if (rc == 0) {
		store_remove_tree(fresh, &ignored);
		store_remove_tree(old, &ignored);
		LJ_CLEANUP_FREE char *src = lj_xasprintf("%s/%s", one, what);
		rc = lj_str_eq(info.method, "btrfs") ? plat_clone_snapshot(src, fresh, false, err)
						     : store_copy_tree(src, fresh, err);
	}
	if (rc == 0 && rename(live, old) < 0)
		rc = lj_error_set(err, errno, "'%s': %s", live, strerror(errno));
	if (rc == 0 && rename(fresh, live) < 0) {
		rc = lj_error_set(err, errno, "'%s': %s", live, strerror(errno));
		rename(old, live);
	}
	if (rc == 0) {
		store_remove_tree(old, &ignored);
		/* overlayfs wants its work folder as it left it, or empty: empty it is. */
		if (info.lower) {
			LJ_CLEANUP_FREE char *work = lj_xasprintf("%s/work", dir);
			store_remove_tree(work, &ignored);
			rc = overlay_folders(dir, &info.idmap, err);
		}
	}
	store_remove_tree(fresh, &ignored);
	store_jail_info_release(&info);
	store_name_unlock(paths, jail, &lock);
	return rc;
}
