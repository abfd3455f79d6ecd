/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trees on Linux: mount identities for safe removal, working on a stopped
 * jail's tree in a private mount namespace, and btrfs subvolumes and
 * snapshots for cheap clones.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/spawn.h"
#include "platform/linux/mounts.h"
#include "platform/linux/sys.h"
#include "platform/linux/userns.h"
#include "platform/platform.h"

int plat_mount_id(int fd, uint64_t *id)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
		return -errno;
	*id = stx.stx_mnt_id;
	return 0;
}

const char *plat_mount_below(const char *path, char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return NULL;
	size_t plen = strlen(path);
	const char *found = NULL;
	char line[4096];
	while (!found && fgets(line, sizeof(line), f)) {
		char point[4096];
		/* Field 5 is the mount point; spaces in it are written as \040. */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
			continue;
		if (!strncmp(point, path, plen) && (point[plen] == '/' || point[plen] == '\0')) {
			snprintf(buf, len, "%s", point);
			found = buf;
		}
	}
	fclose(f);
	return found;
}

int plat_open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
	return lj_open_in_root(rootfd, path, flags, mode);
}

/*
 * The tree as the jail's processes will see it, on root: a thin jail's
 * overlay, or with a user namespace the tree idmapped to it, so that
 * files show the host ids the jail's stand for (its root: map->base).
 */
static int mount_tree(const char *root, const char *lower, const char *upper, int userns,
		      struct lj_error *err)
{
	LJ_CLEANUP_CLOSE int mnt = -1;
	int rc = 0;
	if (upper) {
		rc = lj_mount_overlay(lower, upper, userns, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID,
				      &mnt);
	} else if (userns >= 0) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NODEV |
						      MOUNT_ATTR_NOSUID,
					  .userns_fd = (uint64_t)userns};
		mnt = open_tree(AT_FDCWD, root, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (mnt < 0 ||
		    mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			rc = -errno;
	} else {
		return 0;
	}
	if (rc == 0 && move_mount(mnt, "", AT_FDCWD, root, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		rc = -errno;
	return rc < 0 ? lj_error_set(err, -rc, "the jail's tree on '%s': %s", root, strerror(-rc))
		      : 0;
}

struct edit {
	const char *root, *lower, *upper;
	const struct lj_idmap *idmap;
	int (*fn)(int rootfd, void *ctx, struct lj_error *err);
	void *ctx;
};

/* In the child: a private mount namespace, the tree, then fn on it. */
static int edit_in_child(void *ctx, struct lj_error *err)
{
	struct edit *e = ctx;
	bool own_ids = e->idmap && e->idmap->count;
	LJ_CLEANUP_CLOSE int userns = -1;
	int rc = own_ids ? lx_userns_make(e->idmap, &userns, err) : 0;
	if (rc < 0)
		return rc;
	/* Private: the tree is seen by this process alone and goes with it. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return lj_error_set(err, errno, "private mount namespace: %s", strerror(errno));
	if ((rc = mount_tree(e->root, e->lower, e->upper, userns, err)) < 0)
		return rc;
	if (own_ids && (rc = lx_userns_act_as_root(e->idmap)) < 0)
		return lj_error_set(err, -rc, "acting as the jail's root: %s", strerror(-rc));
	int rootfd = open(e->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return lj_error_set(err, errno, "'%s': %s", e->root, strerror(errno));
	return e->fn(rootfd, e->ctx, err);
}

int plat_tree_edit(const char *root, const char *lower, const char *upper,
		   const struct lj_idmap *idmap,
		   int (*fn)(int rootfd, void *ctx, struct lj_error *err), void *ctx,
		   struct lj_error *err)
{
	struct edit e = {root, lower, upper, idmap, fn, ctx};
	return lj_in_child(edit_in_child, &e, "editing the jail's tree", err);
}

bool plat_clone_supported(const char *path)
{
	struct statfs sf;
	return statfs(path, &sf) == 0 && sf.f_type == BTRFS_SUPER_MAGIC;
}

/* A btrfs subvolume's root folder is always inode 256. */
bool plat_clone_is_volume(const char *path)
{
	struct stat st;
	return plat_clone_supported(path) && stat(path, &st) == 0 && st.st_ino == 256;
}

/* The folder holding path, opened, and path's last component. */
static int open_parent(const char *path, const char **base)
{
	LJ_CLEANUP_FREE char *dir = lj_xstrdup(path);
	char *slash = strrchr(dir, '/');
	*base = strrchr(path, '/') + 1;
	*slash = '\0';
	return open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int plat_clone_volume(const char *path, struct lj_error *err)
{
	const char *base;
	LJ_CLEANUP_CLOSE int parent = open_parent(path, &base);
	struct btrfs_ioctl_vol_args args = {0};
	if (parent < 0 || strlen(base) >= sizeof(args.name))
		return lj_error_set(err, parent < 0 ? errno : ENAMETOOLONG, "'%s': %s", path,
				    strerror(parent < 0 ? errno : ENAMETOOLONG));
	strcpy(args.name, base);
	if (ioctl(parent, BTRFS_IOC_SUBVOL_CREATE, &args) < 0)
		return lj_error_set(err, errno, "btrfs subvolume '%s': %s", path, strerror(errno));
	return 0;
}

int plat_clone_snapshot(const char *src, const char *dst, bool readonly, struct lj_error *err)
{
	const char *base;
	LJ_CLEANUP_CLOSE int parent = open_parent(dst, &base);
	LJ_CLEANUP_CLOSE int from = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct btrfs_ioctl_vol_args_v2 args = {0};
	if (parent < 0 || from < 0 || strlen(base) >= sizeof(args.name))
		return lj_error_set(err, errno ? errno : ENAMETOOLONG, "snapshot '%s': %s", dst,
				    strerror(errno ? errno : ENAMETOOLONG));
	args.fd = from;
	args.flags = readonly ? BTRFS_SUBVOL_RDONLY : 0;
	strcpy(args.name, base);
	if (ioctl(parent, BTRFS_IOC_SNAP_CREATE_V2, &args) < 0)
		return lj_error_set(err, errno, "btrfs snapshot of '%s' as '%s': %s", src, dst,
				    strerror(errno));
	return 0;
}
