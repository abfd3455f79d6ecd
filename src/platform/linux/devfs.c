/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * devfs for a jail: a fresh tmpfs with the device nodes FreeBSD's devfs
 * rulesets would unhide, a devpts instance of its own, /dev/shm and
 * /dev/mqueue. Nothing of the host's /dev is visible.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "platform/linux/mounts.h"

struct devnode {
	const char *name;
	unsigned major, minor;
	int min_ruleset; /* the smallest ruleset that shows it */
};

/*
 * Rulesets as in FreeBSD's /etc/defaults/devfs.rules: 0 hides all, 1 and 2
 * the basic nodes, 3 and 4 add what a login and a jail need, 5 adds tun
 * for VNET jails. Each node is a harmless character device; /dev/console is
 * the null device, because the host's console must never reach a jail.
 */
static const struct devnode devnodes[] = {
	{"null", 1, 3, 1},    {"zero", 1, 5, 1}, {"full", 1, 7, 1},    {"random", 1, 8, 1},
	{"urandom", 1, 9, 1}, {"tty", 5, 0, 3},  {"console", 1, 3, 3}, {"net/tun", 10, 200, 5},
};

static const char *const devlinks[][2] = {
	{"fd", "/proc/self/fd"},
	{"stdin", "/proc/self/fd/0"},
	{"stdout", "/proc/self/fd/1"},
	{"stderr", "/proc/self/fd/2"},
};

/*
 * The host's node for a device: a jail with its own ids cannot make device
 * nodes (nodes it made would not open on a file system its namespace
 * mounted), so it gets the host's own, bound over empty files.
 */
static const char *host_node(const struct devnode *d)
{
	if (d->major == 1 && d->minor == 3)
		return "/dev/null"; /* console too */
	static char path[32];
	snprintf(path, sizeof(path), "/dev/%s", d->name);
	return path;
}

static int bind_nodes(int dev, int ruleset)
{
	for (size_t i = 0; i < LJ_ARRAY_SIZE(devnodes); i++) {
		const struct devnode *d = &devnodes[i];
		if (ruleset < d->min_ruleset)
			continue;
		LJ_CLEANUP_CLOSE int node =
			open_tree(AT_FDCWD, host_node(d), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		struct stat st;
		/* Only the very device the ruleset names, whatever the host put there. */
		if (node < 0 || fstat(node, &st) < 0)
			return -errno;
		if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != d->major ||
		    minor(st.st_rdev) != d->minor)
			return -ENODEV;
		LJ_CLEANUP_CLOSE int target = openat(dev, d->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		int rc = target < 0 ? -errno : lj_mount_attach(node, target);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int populate(int dev, int ruleset, bool own_ids)
{
	for (size_t i = 0; i < LJ_ARRAY_SIZE(devnodes); i++) {
		const struct devnode *d = &devnodes[i];
		if (ruleset < d->min_ruleset)
			continue;
		if (strchr(d->name, '/') && mkdirat(dev, "net", 0755) < 0 && errno != EEXIST)
			return -errno;
		int rc = 0;
		if (own_ids) {
			int f = openat(dev, d->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
			rc = f < 0 ? -errno : 0;
			if (f >= 0)
				close(f);
			if (rc < 0)
				return rc;
			continue;
		}
		if (mknodat(dev, d->name, S_IFCHR | 0666, makedev(d->major, d->minor)) < 0)
			return -errno;
		/* mknod applies the umask; the nodes must be usable by everyone. */
		if (fchmodat(dev, d->name, 0666, 0) < 0)
			return -errno;
	}
	if (ruleset >= 1) {
		for (size_t i = 0; i < LJ_ARRAY_SIZE(devlinks); i++)
			if (symlinkat(devlinks[i][1], dev, devlinks[i][0]) < 0)
				return -errno;
	}
	if (ruleset >= 3) {
		if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0 ||
		    mkdirat(dev, "mqueue", 01777) < 0 || symlinkat("pts/ptmx", dev, "ptmx") < 0)
			return -errno;
	}
	return 0;
}

static int mount_at(int dev, const char *name, const char *fstype, const char *const *opts,
		    unsigned attrs)
{
	LJ_CLEANUP_CLOSE int target =
		openat(dev, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return -errno;
	LJ_CLEANUP_CLOSE int mnt = -1;
	int rc = lj_mount_new(fstype, opts, attrs, &mnt);
	return rc < 0 ? rc : lj_mount_attach(mnt, target);
}

int lj_devfs_mount(const struct lj_jail *j, const struct lj_mount *m, int targetfd,
		   struct lj_error *err)
{
	static const char *const tmpfs_opts[] = {"mode=0755", "size=1m", "nr_inodes=1024", NULL};
	static const char *const pts_opts[] = {"newinstance", "ptmxmode=0666", "mode=0620", "gid=5",
					       NULL};
	static const char *const shm_opts[] = {"mode=1777", NULL};
	LJ_CLEANUP_CLOSE int dev = -1;
	const char *step = "tmpfs";

	/* No nodev here, unlike every other mount: these nodes must work. */
	int rc = lj_mount_new("tmpfs", tmpfs_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, &dev);
	if (rc == 0) {
		step = "device nodes";
		/* The nodes need their exact modes, whatever ljail's umask. */
		mode_t old = umask(0);
		rc = populate(dev, j->devfs_ruleset, j->idmap.count > 0);
		umask(old);
	}
	if (rc == 0 && (rc = lj_mount_attach(dev, targetfd)) < 0)
		step = "attaching";
	if (rc == 0 && j->idmap.count) {
		step = "the host's device nodes";
		rc = bind_nodes(dev, j->devfs_ruleset);
	}
	if (rc == 0 && j->devfs_ruleset >= 3) {
		/*
		 * The submounts go in after /dev is attached, through its own fd:
		 * the folders are ours, made above in a tmpfs the jail has not seen.
		 */
		step = "devpts";
		rc = mount_at(dev, "pts", "devpts", pts_opts,
			      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
		if (rc == 0) {
			step = "shm";
			rc = mount_at(dev, "shm", "tmpfs", shm_opts,
				      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
		}
		if (rc == 0) {
			step = "mqueue";
			rc = mount_at(dev, "mqueue", "mqueue", NULL,
				      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
		}
	}
	if (rc < 0)
		return lj_error_set(err, -rc, "jail '%s': %s: devfs on '%s': %s: %s", j->name,
				    m->where, m->target, step, strerror(-rc));
	return 0;
}
