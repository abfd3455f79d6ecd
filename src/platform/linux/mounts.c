/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/linux/cgroup.h"
#include "platform/linux/sys.h"
#include "platform/linux/userns.h"

int lj_mount_attach(int mntfd, int targetfd)
{
	if (move_mount(mntfd, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return -errno;
	return 0;
}

int lj_mount_new(const char *fstype, const char *const *options, unsigned attrs, int *mntfd)
{
	LJ_CLEANUP_CLOSE int fs = fsopen(fstype, FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	for (const char *const *o = options; o && *o; o++) {
		LJ_CLEANUP_FREE char *key = lj_xstrdup(*o);
		char *value = strchr(key, '=');
		if (value)
			*value++ = '\0';
		int rc = value ? fsconfig(fs, FSCONFIG_SET_STRING, key, value, 0)
			       : fsconfig(fs, FSCONFIG_SET_FLAG, key, NULL, 0);
		if (rc < 0)
			return -errno;
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	int fd = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (fd < 0)
		return -errno;
	*mntfd = fd;
	return 0;
}

/*
 * The layers are named to overlayfs as /proc/self/fd/N of descriptors opened
 * here: overlayfs shows the names it was given in mountinfo, and the jail
 * must not learn the host's paths of its template and its upper folder
 * (enforce_statfs = 2 is what ljail maps). The names are looked up at mount
 * time, so they stand for the folders themselves.
 */
int lj_mount_overlay(const char *lower, const char *upper, int userns, unsigned attrs, int *mntfd)
{
	LJ_CLEANUP_FREE char *parent = lj_xstrdup(upper);
	char *slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	LJ_CLEANUP_FREE char *work = lj_xasprintf("%s/work", slash ? parent : ".");
	const char *dirs[] = {lower, upper, work};
	int fds[3] = {-1, -1, -1};
	int rc = 0;
	/*
	 * With a user namespace, the template is seen through an idmapped
	 * mount: its files, owned by the host's ids, are the jail's own ids
	 * 0 and up, while the template itself stays as it is for every jail.
	 * The upper layer is the jail's and owned by its ids on disk.
	 */
	fds[0] = userns >= 0 ? open_tree(AT_FDCWD, lower, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)
			     : open(lower, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fds[0] < 0)
		rc = -errno;
	if (rc == 0 && userns >= 0)
		rc = lx_userns_idmap_mount(fds[0], userns);
	for (size_t i = 1; i < 3 && rc == 0; i++) {
		fds[i] = open(dirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fds[i] < 0)
			rc = -errno;
	}
	if (rc == 0) {
		LJ_CLEANUP_FREE char *o1 = lj_xasprintf("lowerdir=/proc/self/fd/%d", fds[0]);
		LJ_CLEANUP_FREE char *o2 = lj_xasprintf("upperdir=/proc/self/fd/%d", fds[1]);
		LJ_CLEANUP_FREE char *o3 = lj_xasprintf("workdir=/proc/self/fd/%d", fds[2]);
		const char *opts[] = {o1, o2, o3, NULL};
		rc = lj_mount_new("overlay", opts, attrs, mntfd);
	}
	for (size_t i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return rc;
}

/* Sets attributes on a mount tree, or on one mount without AT_RECURSIVE. */
static int set_attrs(int mntfd, unsigned set, bool recursive)
{
	struct mount_attr attr = {.attr_set = set};
	if (mount_setattr(mntfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
			  sizeof(attr)) < 0)
		return -errno;
	return 0;
}

/* Why an idmapped mount may fail, in the words a user can act on. */
static const char *idmap_hint(int e)
{
	return e == EINVAL || e == EOPNOTSUPP || e == EPERM
		       ? " (the file system may not support idmapped mounts; see ljail doctor, "
			 "or set userns = inherit)"
		       : "";
}

int lj_mounts_root(const struct lj_jail *j, int userns, int *rootfd, struct lj_error *err)
{
	struct stat st;

	/*
	 * Private, recursively: a mount made in the jail must never propagate
	 * to the host, and the host's later mounts must not appear inside.
	 */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return lj_error_set(err, errno, "jail '%s': making mounts private: %s", j->name,
				    strerror(errno));
	if (stat(j->path, &st) < 0)
		return lj_error_set(err, errno, "jail '%s': path '%s': %s", j->name, j->path,
				    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return lj_error_set(err, ENOTDIR, "jail '%s': path '%s' is not a folder", j->name,
				    j->path);
	/* The path comes from root's own configuration, so it is resolved as given. */
	LJ_CLEANUP_CLOSE int tree = -1;
	if (j->overlay_lower) {
		/*
		 * A thin jail: the template read-only below, the jail's own changes
		 * above. Mounted here, in the jail's namespace, it goes with the jail.
		 */
		struct stat lst;
		if (stat(j->overlay_lower, &lst) < 0 || !S_ISDIR(lst.st_mode))
			return lj_error_set(
				err, ENOENT,
				"jail '%s': its template tree '%s' (overlay.lower) is gone",
				j->name, j->overlay_lower);
		int rc = lj_mount_overlay(j->overlay_lower, j->overlay_upper, userns, 0, &tree);
		if (rc < 0)
			return lj_error_set(err, -rc, "jail '%s': overlay of '%s' and '%s': %s%s",
					    j->name, j->overlay_lower, j->overlay_upper,
					    strerror(-rc), userns >= 0 ? idmap_hint(-rc) : "");
	} else {
		tree = open_tree(AT_FDCWD, j->path,
				 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (tree < 0)
			return lj_error_set(err, errno, "jail '%s': path '%s': %s", j->name,
					    j->path, strerror(errno));
		/*
		 * A whole tree of its own (a copy or a snapshot) keeps the host's
		 * ids on disk and is seen through the jail's: what its root writes
		 * there is stored as the host's id 0, behind the jail's folder,
		 * which only the host's root may enter.
		 */
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP,
					  .userns_fd = (uint64_t)userns};
		if (userns >= 0 &&
		    mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			return lj_error_set(err, errno, "jail '%s': idmapped mount of '%s': %s%s",
					    j->name, j->path, strerror(errno), idmap_hint(errno));
	}
	/*
	 * nodev on the whole tree: device nodes that came with the jail's files
	 * (a bootstrap may leave some, the jail's root cannot make new ones)
	 * must not open the host's devices. /dev gets its own mount.
	 */
	int rc = set_attrs(tree, MOUNT_ATTR_NODEV, true);
	if (rc < 0)
		return lj_error_set(err, -rc, "jail '%s': path '%s': nodev: %s", j->name, j->path,
				    strerror(-rc));
	if (move_mount(tree, "", AT_FDCWD, j->path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return lj_error_set(err, errno, "jail '%s': path '%s': %s", j->name, j->path,
				    strerror(errno));
	int fd = open(j->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lj_error_set(err, errno, "jail '%s': path '%s': %s", j->name, j->path,
				    strerror(errno));
	*rootfd = fd;
	return 0;
}

int lj_mounts_rebind(const struct lj_jail *j, int *rootfd, struct lj_error *err)
{
	/*
	 * The root tree came from the first stage's mount namespace: in a
	 * namespace made inside the jail's user namespace it is locked to its
	 * parent, and pivot_root refuses locked mounts. A copy made here is
	 * the jail's own (its mounts below stay locked, so the jail's root
	 * cannot take them off to see what they cover). The tree is reached
	 * through the working folder the first stage left in it, which the
	 * kernel carried into this namespace: no path is looked up, so the
	 * folders above the jail's path need not be open to the jail's ids,
	 * and nothing that could have changed them meanwhile is followed.
	 */
	int tree = open_tree(AT_FDCWD, ".", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0 || move_mount(tree, "", AT_FDCWD, ".", MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		int e = errno;
		if (tree >= 0)
			close(tree);
		return lj_error_set(err, e, "jail '%s': path '%s': %s", j->name, j->path,
				    strerror(e));
	}
	/* Attached now, the descriptor stands for the copy, on top. */
	*rootfd = tree;
	return 0;
}

/* Files in proc that tell about or act on the host, hidden as container runtimes do. */
static const char *const proc_masked_files[] = {
	"kcore",         "keys",          "key-users",  "timer_list", "sched_debug",
	"latency_stats", "sysrq-trigger", "kpagecount", "kpageflags", "kpagecgroup",
};
static const char *const proc_masked_dirs[] = {"acpi", "scsi"};
/* Host-wide settings: readable, never writable from a jail. */
static const char *const proc_readonly[] = {"sys", "irq", "bus", "fs", "asound"};

static int mask_path(int dirfd, const char *name, bool is_dir)
{
	LJ_CLEANUP_CLOSE int target = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return errno == ENOENT ? 0 : -errno;
	LJ_CLEANUP_CLOSE int mnt = -1;
	int rc;
	if (is_dir) {
		static const char *const opts[] = {"size=0", "mode=0555", NULL};
		rc = lj_mount_new("tmpfs", opts,
				  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					  MOUNT_ATTR_NOEXEC,
				  &mnt);
	} else {
		/* The host's /dev/null, still reachable before pivot_root. */
		mnt = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		rc = mnt < 0 ? -errno
			     : set_attrs(mnt, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, false);
	}
	return rc < 0 ? rc : lj_mount_attach(mnt, target);
}

static int readonly_path(int dirfd, const char *name)
{
	LJ_CLEANUP_CLOSE int mnt =
		open_tree(dirfd, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (mnt < 0)
		return errno == ENOENT ? 0 : -errno;
	int rc = set_attrs(
		mnt, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
		true);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_CLOSE int target = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return target < 0 ? -errno : lj_mount_attach(mnt, target);
}

static int mount_proc(int targetfd)
{
	LJ_CLEANUP_CLOSE int mnt = -1;
	int rc = lj_mount_new("proc", NULL,
			      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, &mnt);
	if (rc < 0 || (rc = lj_mount_attach(mnt, targetfd)) < 0)
		return rc;
	for (size_t i = 0; i < LJ_ARRAY_SIZE(proc_masked_files) && rc == 0; i++)
		rc = mask_path(mnt, proc_masked_files[i], false);
	for (size_t i = 0; i < LJ_ARRAY_SIZE(proc_masked_dirs) && rc == 0; i++)
		rc = mask_path(mnt, proc_masked_dirs[i], true);
	for (size_t i = 0; i < LJ_ARRAY_SIZE(proc_readonly) && rc == 0; i++)
		rc = readonly_path(mnt, proc_readonly[i]);
	return rc;
}

/* A read-only cgroup file system (v2, or the v1 hierarchy of controller) on target. */
static int mount_cgroup_fs(int target, const char *controller)
{
	LJ_CLEANUP_CLOSE int fs = fsopen(controller ? "cgroup" : "cgroup2", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (controller && fsconfig(fs, FSCONFIG_SET_FLAG, controller, NULL, 0) < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	LJ_CLEANUP_CLOSE int mnt = fsmount(fs, FSMOUNT_CLOEXEC,
					   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
						   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	return mnt < 0 ? -errno : lj_mount_attach(mnt, target);
}

/*
 * The jail's /sys/fs/cgroup: its own cgroup and what is below it, read-only.
 * Mounted from inside the jail's cgroup namespace, whose root is the jail's
 * cgroup, so nothing of the host's tree shows. On a v1 host only the
 * hierarchies where the jail has a cgroup of its own (see cgroup.c): in the
 * others its namespace's root is the host's. Read-only: no process of the
 * jail may move itself or others, or change a limit.
 */
static int mount_cgroups(int sysfd)
{
	LJ_CLEANUP_CLOSE int target =
		openat(sysfd, "fs/cgroup", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return errno == ENOENT ? 0 : -errno;
	switch (lx_cgroup_mode(LX_CGROUP_FS)) {
	case LX_CGROUP_V2: return mount_cgroup_fs(target, NULL);
	case LX_CGROUP_NONE: return mask_path(sysfd, "fs/cgroup", true);
	case LX_CGROUP_V1: break;
	}
	static const char *const opts[] = {"mode=0755", "size=64k", NULL};
	LJ_CLEANUP_CLOSE int dir = -1;
	int rc = lj_mount_new("tmpfs", opts,
			      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, &dir);
	if (rc < 0 || (rc = lj_mount_attach(dir, target)) < 0)
		return rc;
	static const char *const own[] = {"memory", "pids", "cpu", "cpuacct", "blkio", "cpuset"};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(own) && rc == 0; i++) {
		LJ_CLEANUP_FREE char *host = lj_xasprintf(LX_CGROUP_FS "/%s/cgroup.procs", own[i]);
		if (access(host, F_OK) < 0)
			continue;
		if (mkdirat(dir, own[i], 0755) < 0)
			return -errno;
		LJ_CLEANUP_CLOSE int sub =
			openat(dir, own[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = sub < 0 ? -errno : mount_cgroup_fs(sub, own[i]);
	}
	/* The folder itself read-only too, once its mount points are made. */
	return rc < 0 ? rc : set_attrs(dir, MOUNT_ATTR_RDONLY, false);
}

static int mount_sysfs(const struct lj_jail *j, int targetfd)
{
	const unsigned ro =
		MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	LJ_CLEANUP_CLOSE int mnt = -1;
	/* Read-only always: sysfs writes act on the host's devices and kernel. */
	int rc = lj_mount_new("sysfs", NULL, ro, &mnt);
	/*
	 * A new sysfs shows the network namespace it is mounted in, and only
	 * its owner may mount one: a jail with its own ids sharing the host's
	 * network (ip4 = inherit) gets the host's /sys, read-only as a new one
	 * would be, which shows the same.
	 */
	if (rc == -EPERM && j->idmap.count && !j->own_net) {
		mnt = open_tree(AT_FDCWD, "/sys",
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		rc = mnt < 0 ? -errno : set_attrs(mnt, ro, true);
	}
	if (rc < 0 || (rc = lj_mount_attach(mnt, targetfd)) < 0)
		return rc;
	/*
	 * The host's /sys brings the host's mounts below it; a new sysfs has
	 * empty folders there. Hidden alike, so neither shows the host's
	 * cgroups, BPF objects or kernel debugging files.
	 */
	static const char *const hidden[] = {"firmware",     "fs/bpf",         "fs/pstore",
					     "kernel/debug", "kernel/tracing", "kernel/security",
					     "kernel/config"};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(hidden) && rc == 0; i++)
		rc = mask_path(mnt, hidden[i], true);
	return rc == 0 ? mount_cgroups(mnt) : rc;
}

/*
 * tmpfs options as fstab gives them: the mount flags become attributes, the
 * sizes and modes go to the file system, FreeBSD's "inodes" is nr_inodes.
 */
static void free_strings(char **v)
{
	for (char **p = v; *p; p++)
		free(*p);
}

static int mount_tmpfs(const struct lj_mount *m, int targetfd, char **bad)
{
	LJ_CLEANUP_FREE char *copy = lj_xstrdup(m->options);
	char *opts[16] = {0};
	size_t n = 0;
	/* nodev always: nothing in a jail may make device nodes that work. */
	unsigned attrs = MOUNT_ATTR_NODEV;
	int rc = 0;

	for (char *save = NULL, *o = strtok_r(copy, ",", &save); o && rc == 0;
	     o = strtok_r(NULL, ",", &save)) {
		if (lj_str_eq(o, "ro"))
			attrs |= MOUNT_ATTR_RDONLY;
		else if (lj_str_eq(o, "nosuid"))
			attrs |= MOUNT_ATTR_NOSUID;
		else if (lj_str_eq(o, "noexec"))
			attrs |= MOUNT_ATTR_NOEXEC;
		else if (lj_str_eq(o, "noatime"))
			attrs |= MOUNT_ATTR_NOATIME;
		else if (lj_str_eq(o, "rw") || lj_str_eq(o, "defaults") || lj_str_eq(o, "nodev") ||
			 lj_str_eq(o, "suid") || lj_str_eq(o, "exec") || lj_str_eq(o, "late"))
			continue;
		else if (n + 1 >= LJ_ARRAY_SIZE(opts))
			rc = -E2BIG;
		else if (lj_str_starts(o, "size=") || lj_str_starts(o, "mode=") ||
			 lj_str_starts(o, "uid=") || lj_str_starts(o, "gid=") ||
			 lj_str_starts(o, "nr_inodes=") || lj_str_starts(o, "nr_blocks="))
			opts[n++] = lj_xstrdup(o);
		else if (lj_str_starts(o, "inodes="))
			opts[n++] = lj_xasprintf("nr_inodes=%s", o + 7);
		else {
			*bad = lj_xstrdup(o);
			rc = -EINVAL;
		}
	}
	LJ_CLEANUP_CLOSE int mnt = -1;
	if (rc == 0)
		rc = lj_mount_new("tmpfs", (const char *const *)opts, attrs, &mnt);
	free_strings(opts);
	return rc < 0 ? rc : lj_mount_attach(mnt, targetfd);
}

/*
 * nullfs: a bind mount of a host folder. nosuid and nodev always, as
 * bubblewrap does, so a host folder cannot bring set-uid programs or device
 * nodes into the jail; ro when the line says so.
 */
static int mount_bind(const struct lj_mount *m, int targetfd)
{
	LJ_CLEANUP_CLOSE int mnt =
		open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (mnt < 0)
		return -errno;
	int rc = set_attrs(
		mnt, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (m->readonly ? MOUNT_ATTR_RDONLY : 0),
		true);
	return rc < 0 ? rc : lj_mount_attach(mnt, targetfd);
}

static int mount_simple(const char *fstype, const char *const *opts, int targetfd)
{
	LJ_CLEANUP_CLOSE int mnt = -1;
	int rc = lj_mount_new(fstype, opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, &mnt);
	return rc < 0 ? rc : lj_mount_attach(mnt, targetfd);
}

/*
 * fdescfs: /dev/fd and the stdin, stdout and stderr links, made in the
 * folder that holds the target. Only links are written, resolved in the root.
 */
static int make_fd_links(int rootfd, const char *target)
{
	LJ_CLEANUP_FREE char *dir = lj_xstrdup(target);
	char *slash = strrchr(dir, '/');
	if (!slash || !lj_str_eq(slash + 1, "fd"))
		return -EINVAL;
	*slash = '\0';
	LJ_CLEANUP_CLOSE int dirfd =
		lj_open_in_root(rootfd, *dir ? dir : "/", O_PATH | O_DIRECTORY, 0);
	if (dirfd < 0)
		return dirfd;
	static const char *const links[][2] = {{"fd", "/proc/self/fd"},
					       {"stdin", "/proc/self/fd/0"},
					       {"stdout", "/proc/self/fd/1"},
					       {"stderr", "/proc/self/fd/2"}};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(links); i++) {
		if (symlinkat(links[i][1], dirfd, links[i][0]) == 0 || errno != EEXIST)
			continue;
		char buf[64];
		ssize_t n = readlinkat(dirfd, links[i][0], buf, sizeof(buf) - 1);
		if (n < 0 || (buf[n] = '\0', !lj_str_eq(buf, links[i][1])))
			return -EEXIST;
	}
	return 0;
}

static const char *kind_name(enum lj_mount_kind k)
{
	static const char *const names[] = {
		[LJ_MOUNT_DEV] = "devfs",     [LJ_MOUNT_FDESC] = "fdescfs",
		[LJ_MOUNT_PROC] = "proc",     [LJ_MOUNT_SYSFS] = "sysfs",
		[LJ_MOUNT_TMPFS] = "tmpfs",   [LJ_MOUNT_BIND] = "nullfs",
		[LJ_MOUNT_DEVPTS] = "devpts", [LJ_MOUNT_MQUEUE] = "mqueue",
	};
	return names[k];
}

/*
 * Makes the missing end of a mount target inside the jail's root: a folder,
 * or with file an empty file (for a file bind-mounted). The longest prefix
 * that exists is found as every target is (symlinks resolved inside the
 * root); the rest is made one name at a time relative to a descriptor,
 * following no link, so nothing the jail put in the way can steer it out.
 */
static int make_target(int rootfd, const char *target, bool file)
{
	LJ_CLEANUP_FREE char *path = lj_xstrdup(target);
	size_t cut = strlen(path);
	int fd;
	for (;;) {
		char saved = path[cut];
		path[cut] = '\0';
		fd = cut == 0 ? dup(rootfd) : lj_open_in_root(rootfd, path, O_PATH | O_DIRECTORY, 0);
		if (fd < 0 && cut == 0)
			fd = -errno;
		path[cut] = saved;
		if (fd >= 0)
			break;
		if (fd != -ENOENT)
			return fd;
		while (cut > 0 && path[cut - 1] != '/')
			cut--;
		while (cut > 0 && path[cut - 1] == '/')
			cut--;
	}
	char *save = NULL;
	for (char *name = strtok_r(path + cut, "/", &save); name;) {
		char *next_name = strtok_r(NULL, "/", &save);
		int rc = 0;
		if (!next_name && file) {
			int f = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				       0644);
			rc = f < 0 && errno != EEXIST ? -errno : 0;
			if (f >= 0)
				close(f);
			close(fd);
			return rc;
		}
		if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST)
			rc = -errno;
		int sub = rc < 0 ? -1 : openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (rc == 0 && sub < 0)
			rc = -errno;
		close(fd);
		if (rc < 0)
			return rc;
		fd = sub;
		name = next_name;
	}
	close(fd);
	return 0;
}

static int apply_one(const struct lj_jail *j, const struct lj_mount *m, int rootfd,
		     struct lj_error *err)
{
	if (lj_str_eq(m->target, "/"))
		return lj_error_usage(err,
				      "jail '%s': %s: a %s mount on the jail's root itself is "
				      "not allowed",
				      j->name, m->where, kind_name(m->kind));
	if (m->kind == LJ_MOUNT_FDESC) {
		int rc = make_fd_links(rootfd, m->target);
		if (rc < 0)
			return lj_error_set(err, -rc, "jail '%s': %s: fdescfs on '%s': %s", j->name,
					    m->where, m->target,
					    rc == -EINVAL ? "the target must be a folder's 'fd'"
							  : strerror(-rc));
		return 0;
	}
	bool file = false;
	if (m->kind == LJ_MOUNT_BIND) {
		struct stat st;
		if (stat(m->source, &st) < 0)
			return lj_error_set(err, errno,
					    "jail '%s': %s: mount source '%s' on the "
					    "host: %s",
					    j->name, m->where, m->source, strerror(errno));
		file = !S_ISDIR(st.st_mode);
	}
	LJ_CLEANUP_CLOSE int target = lj_open_in_root(rootfd, m->target, O_PATH, 0);
	/* A target missing inside the jail is made there, as mkdir -p would. */
	if (target == -ENOENT) {
		int made = make_target(rootfd, m->target, file);
		target = made < 0 ? made : lj_open_in_root(rootfd, m->target, O_PATH, 0);
	}
	if (target < 0)
		return lj_error_set(err, -target,
				    "jail '%s': %s: mount target '%s' inside the "
				    "jail: %s",
				    j->name, m->where, m->target, strerror(-target));
	LJ_CLEANUP_FREE char *bad = NULL;
	int rc;
	switch (m->kind) {
	case LJ_MOUNT_DEV: return lj_devfs_mount(j, m, target, err);
	case LJ_MOUNT_PROC: rc = mount_proc(target); break;
	case LJ_MOUNT_SYSFS: rc = mount_sysfs(j, target); break;
	case LJ_MOUNT_TMPFS: rc = mount_tmpfs(m, target, &bad); break;
	case LJ_MOUNT_BIND: rc = mount_bind(m, target); break;
	case LJ_MOUNT_DEVPTS: {
		static const char *const opts[] = {"newinstance", "ptmxmode=0666", "mode=0620",
						   "gid=5", NULL};
		rc = mount_simple("devpts", opts, target);
		break;
	}
	case LJ_MOUNT_MQUEUE: rc = mount_simple("mqueue", NULL, target); break;
	default: rc = -EINVAL; break;
	}
	if (bad)
		return lj_error_usage(err, "jail '%s': %s: unknown tmpfs option '%s'", j->name,
				      m->where, bad);
	if (rc < 0)
		return lj_error_set(err, -rc, "jail '%s': %s: %s on '%s': %s", j->name, m->where,
				    kind_name(m->kind), m->target, strerror(-rc));
	return 0;
}

int lj_mounts_apply(const struct lj_jail *j, int rootfd, struct lj_error *err)
{
	for (size_t i = 0; i < j->nmounts; i++) {
		if (j->mounts[i].idmap)
			continue; /* made by lj_mounts_idmapped */
		int rc = apply_one(j, &j->mounts[i], rootfd, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int lj_mounts_idmapped(const struct lj_jail *j, int userns, int rootfd, struct lj_error *err)
{
	for (size_t i = 0; i < j->nmounts; i++) {
		const struct lj_mount *m = &j->mounts[i];
		if (!m->idmap)
			continue;
		/*
		 * Only the host's root may idmap a mount, and only here, before
		 * the jail's namespaces: so these come before the jail's other
		 * mounts. nosuid and nodev as every shared folder; what the
		 * jail's root writes here is the host's root's on disk, which is
		 * what "idmap" asks for (see THREAT MODEL in ljail(8)).
		 */
		LJ_CLEANUP_CLOSE int mnt = open_tree(
			AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		struct mount_attr attr = {
			.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				    (m->readonly ? MOUNT_ATTR_RDONLY : 0),
			.userns_fd = (uint64_t)userns,
		};
		int rc = mnt < 0 ? -errno : 0;
		if (rc == 0 &&
		    mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			rc = -errno;
		struct stat st;
		bool file = rc == 0 && fstat(mnt, &st) == 0 && !S_ISDIR(st.st_mode);
		LJ_CLEANUP_CLOSE int target =
			rc < 0 ? rc : lj_open_in_root(rootfd, m->target, O_PATH, 0);
		if (target == -ENOENT) {
			int made = make_target(rootfd, m->target, file);
			target = made < 0 ? made : lj_open_in_root(rootfd, m->target, O_PATH, 0);
		}
		if (rc == 0 && target < 0)
			rc = target;
		if (rc == 0)
			rc = lj_mount_attach(mnt, target);
		if (rc < 0)
			return lj_error_set(err, -rc,
					    "jail '%s': %s: idmapped nullfs of '%s' on '%s': %s%s",
					    j->name, m->where, m->source, m->target, strerror(-rc),
					    idmap_hint(-rc));
	}
	return 0;
}

/* A one-file tmpfs holding text, as a mount of that file alone. */
static int text_file_mount(const char *text, int *out)
{
	static const char *const opts[] = {"size=64k", "mode=0755", NULL};
	LJ_CLEANUP_CLOSE int fs = -1;
	int rc = lj_mount_new("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &fs);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_CLOSE int fd =
		openat(fs, "resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -errno;
	int file = open_tree(fs, "resolv.conf", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (file < 0)
		return -errno;
	*out = file;
	return 0;
}

int lj_mounts_resolvconf(const struct lj_jail *j, int rootfd, struct lj_error *err)
{
	if (!j->nresolvconf || lj_str_eq(j->resolvconf[0], "jail"))
		return 0;
	LJ_CLEANUP_CLOSE int file = -1;
	int rc;
	if (lj_str_eq(j->resolvconf[0], "host")) {
		/* The host's own file, followed as the host sees it. */
		file = open_tree(AT_FDCWD, "/etc/resolv.conf", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		rc = file < 0 ? -errno : 0;
	} else {
		struct lj_strbuf sb = {0};
		for (size_t i = 0; i < j->nresolvconf; i++)
			lj_strbuf_addf(&sb, "nameserver %s\n", j->resolvconf[i]);
		LJ_CLEANUP_FREE char *text = lj_strbuf_take(&sb);
		rc = text_file_mount(text, &file);
	}
	if (rc == 0)
		rc = set_attrs(file, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
			       false);
	LJ_CLEANUP_CLOSE int target = -1;
	if (rc == 0) {
		target = lj_open_in_root(rootfd, "/etc/resolv.conf", O_PATH, 0);
		rc = target < 0 ? target : lj_mount_attach(file, target);
	}
	if (rc < 0)
		return lj_error_set(err, -rc, "jail '%s': dns.resolvconf on /etc/resolv.conf: %s",
				    j->name, strerror(-rc));
	return 0;
}

int lj_mounts_pivot(const struct lj_jail *j, int rootfd, struct lj_error *err)
{
	/*
	 * pivot_root(".", ".") stacks the old root on the new one; detaching "."
	 * then drops the old root, so no host path stays reachable.
	 */
	if (fchdir(rootfd) < 0)
		return lj_error_set(err, errno, "jail '%s': entering '%s': %s", j->name, j->path,
				    strerror(errno));
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return lj_error_set(err, errno, "jail '%s': pivot_root into '%s': %s", j->name,
				    j->path, strerror(errno));
	if (umount2(".", MNT_DETACH) < 0)
		return lj_error_set(err, errno, "jail '%s': detaching the host's root: %s",
				    j->name, strerror(errno));
	if (chdir("/") < 0)
		return lj_error_set(err, errno, "jail '%s': changing to the new root: %s", j->name,
				    strerror(errno));
	return 0;
}
