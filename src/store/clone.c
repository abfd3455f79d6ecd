/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/clone.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "store/tree.h"

bool store_on_btrfs(const char *path)
{
	struct statfs sf;
	return statfs(path, &sf) == 0 && sf.f_type == BTRFS_SUPER_MAGIC;
}

/* A btrfs subvolume's root folder is always inode 256. */
static bool is_subvolume(const char *path)
{
	struct stat st;
	return store_on_btrfs(path) && stat(path, &st) == 0 && st.st_ino == 256;
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

int store_btrfs_subvolume(const char *path, struct lj_error *err)
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

int store_btrfs_snapshot(const char *src, const char *dst, bool readonly, struct lj_error *err)
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

int store_clone(const char *template_root, const char *dir, bool thick, const char **method,
		char **upper, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *root = lj_xasprintf("%s/root", dir);
	*upper = NULL;
	if (thick) {
		*method = "copy";
		return store_copy_tree(template_root, root, err);
	}
	struct stat a, b;
	if (is_subvolume(template_root) && store_on_btrfs(dir) && stat(template_root, &a) == 0 &&
	    stat(dir, &b) == 0) {
		/* Same btrfs file system: a writable snapshot costs nothing and needs no mount. */
		struct lj_error ignored = {0};
		if (store_btrfs_snapshot(template_root, root, false, &ignored) == 0) {
			*method = "btrfs";
			return 0;
		}
	}
	*method = "overlay";
	LJ_CLEANUP_FREE char *up = lj_xasprintf("%s/upper", dir);
	LJ_CLEANUP_FREE char *work = lj_xasprintf("%s/work", dir);
	/* The overlay's root takes the upper folder's owner and mode: those of a root. */
	if (mkdir(root, 0755) < 0 || mkdir(up, 0755) < 0 || mkdir(work, 0700) < 0)
		return lj_error_set(err, errno, "'%s': %s", dir, strerror(errno));
	*upper = lj_steal_ptr(&up);
	return 0;
}
