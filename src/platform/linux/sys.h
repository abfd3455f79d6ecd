/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The few system calls glibc 2.36 has no wrapper for, and the one way ljail
 * opens anything inside a jail's root.
 */
#ifndef LJAIL_LINUX_SYS_H
#define LJAIL_LINUX_SYS_H

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int lj_openat2(int dirfd, const char *path, struct open_how *how)
{
	return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

/*
 * Opens PATH (relative or absolute, it does not matter) inside the jail root
 * ROOTFD. RESOLVE_IN_ROOT makes "..", absolute symlinks and absolute paths
 * stop at the jail's root, so a symlink planted by the jail can never lead
 * ljail to a host file; magic links (/proc/PID/fd/N) are refused outright.
 * Returns an fd or -errno.
 */
static inline int lj_open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	while (*path == '/')
		path++;
	int fd = lj_openat2(rootfd, *path ? path : ".", &how);
	return fd < 0 ? -errno : fd;
}

#endif
