/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/linux/sys.h"

static int write_map(pid_t pid, const char *which, const struct lj_idmap *map)
{
	char path[64], line[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, which);
	int len = snprintf(line, sizeof(line), "0 %u %u\n", map->base, map->count);
	LJ_CLEANUP_CLOSE int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, line, (size_t)len) != len)
		return -errno;
	return 0;
}

int lx_userns_make(const struct lj_idmap *map, int *nsfd, struct lj_error *err)
{
	int ready[2], done[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return lj_error_set(err, errno, "pipe: %s", strerror(errno));
	if (pipe2(done, O_CLOEXEC) < 0) {
		int e = errno;
		close(ready[0]);
		close(ready[1]);
		return lj_error_set(err, e, "pipe: %s", strerror(e));
	}
	/*
	 * A short-lived child makes the namespace and waits while the maps are
	 * written from outside: only a process in the parent namespace may map
	 * ids other than its own. ljail (the host's root) writes them, so the
	 * namespace may use setgroups(2), as useradd, su and sudo need.
	 */
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(done[1]);
		char c = unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		ssize_t ignored = read(done[0], &c, 1);
		(void)ignored;
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	int rc = pid < 0 ? -errno : 0;
	char c = 'n';
	if (rc == 0 && read(ready[0], &c, 1) != 1)
		rc = -EIO;
	if (rc == 0 && c != 'y')
		rc = -EPERM;
	if (rc == 0)
		rc = write_map(pid, "uid_map", map);
	if (rc == 0)
		rc = write_map(pid, "gid_map", map);
	int fd = -1;
	if (rc == 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			rc = -errno;
	}
	close(ready[0]);
	close(done[1]); /* the child's cue to go */
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (rc < 0)
		return lj_error_set(err, -rc, "user namespace for ids %u:%u: %s", map->base,
				    map->count, strerror(-rc));
	*nsfd = fd;
	return 0;
}

int lx_userns_join(int nsfd)
{
	return setns(nsfd, CLONE_NEWUSER) < 0 ? -errno : lx_userns_become_root();
}

int lx_userns_become_root(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -errno;
	return 0;
}

int lx_userns_idmap_mount(int mntfd, int nsfd)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)nsfd};
	if (mount_setattr(mntfd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return -errno;
	return 0;
}

int lx_userns_act_as_root(const struct lj_idmap *map)
{
	/*
	 * New files get the jail root's host ids, so the jail sees them as its
	 * root's; the capabilities that a file-system id other than 0 drops
	 * from the effective set are taken back, as ljail still acts for the
	 * host's root (its lookups stay in the jail's root by openat2).
	 */
	setfsgid(map->base);
	setfsuid(map->base);
	if ((uint32_t)setfsuid((uid_t)-1) != map->base ||
	    (uint32_t)setfsgid((gid_t)-1) != map->base)
		return -EPERM;
	cap_t caps = cap_get_proc();
	if (!caps)
		return -errno;
	int rc = 0;
	for (cap_value_t c = 0; c <= CAP_LAST_CAP && rc == 0; c++) {
		cap_flag_value_t v;
		if (cap_get_flag(caps, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET &&
		    cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0)
			rc = -errno;
	}
	if (rc == 0 && cap_set_proc(caps) < 0)
		rc = -errno;
	cap_free(caps);
	return rc;
}

/* The pid behind a pidfd, from its fdinfo (no ioctl for it before Linux 6.11). */
static pid_t pidfd_pid(int pidfd)
{
	char path[64], line[128];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	FILE *f = fopen(path, "re");
	long pid = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %ld", &pid) == 1)
			break;
	if (f)
		fclose(f);
	return (pid_t)pid;
}

int lx_pid_has_own_userns(int pidfd)
{
	pid_t pid = pidfd_pid(pidfd);
	if (pid <= 0)
		return -ESRCH;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	struct stat theirs, ours;
	if (stat(path, &theirs) < 0 || stat("/proc/self/ns/user", &ours) < 0)
		return -errno;
	/*
	 * Still the same process after the look: otherwise a recycled pid
	 * could pass off another's namespace as the jail's.
	 */
	if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
		return -errno;
	return theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev;
}
