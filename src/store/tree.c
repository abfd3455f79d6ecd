/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/spawn.h"
#include "platform/platform.h"

/* Removes everything in the folder dirfd; never leaves its mount. */
static int empty_dir(int dirfd, uint64_t mnt, const char *where, struct lj_error *err)
{
	int dupfd = dup(dirfd);
	DIR *d = dupfd >= 0 ? fdopendir(dupfd) : NULL;
	if (!d) {
		if (dupfd >= 0)
			close(dupfd);
		return lj_error_set(err, errno, "'%s': %s", where, strerror(errno));
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (lj_str_eq(e->d_name, ".") || lj_str_eq(e->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = lj_error_set(err, errno, "'%s/%s': %s", where, e->d_name,
					  strerror(errno));
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			/* Symlinks, devices, whiteouts: the entry itself, never what it names. */
			if (unlinkat(dirfd, e->d_name, 0) < 0)
				rc = lj_error_set(err, errno, "removing '%s/%s': %s", where,
						  e->d_name, strerror(errno));
			continue;
		}
		LJ_CLEANUP_CLOSE int sub =
			openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		uint64_t sub_mnt = 0;
		LJ_CLEANUP_FREE char *subwhere = lj_xasprintf("%s/%s", where, e->d_name);
		if (sub < 0 || plat_mount_id(sub, &sub_mnt) < 0) {
			rc = lj_error_set(err, errno, "'%s': %s", subwhere, strerror(errno));
			break;
		}
		/* A mount point (a bind mount of a host folder, say): never emptied. */
		if (sub_mnt != mnt) {
			rc = lj_error_set(err, EBUSY, "'%s' is a mount point; it was left alone",
					  subwhere);
			break;
		}
		rc = empty_dir(sub, mnt, subwhere, err);
		if (rc == 0 && unlinkat(dirfd, e->d_name, AT_REMOVEDIR) < 0)
			rc = lj_error_set(err, errno, "removing '%s': %s", subwhere,
					  strerror(errno));
	}
	closedir(d);
	return rc;
}

int store_remove_tree(const char *path, struct lj_error *err)
{
	char point[4096];
	const char *busy = plat_mount_below(path, point, sizeof(point));
	if (busy)
		return lj_error_set(err, EBUSY, "'%s' is mounted; unmount it first", busy);
	LJ_CLEANUP_CLOSE int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT
			       ? 0
			       : lj_error_set(err, errno, "'%s': %s", path, strerror(errno));
	uint64_t mnt = 0;
	if (plat_mount_id(fd, &mnt) < 0)
		return lj_error_set(err, errno, "'%s': %s", path, strerror(errno));
	int rc = empty_dir(fd, mnt, path, err);
	if (rc == 0 && rmdir(path) < 0)
		rc = lj_error_set(err, errno, "removing '%s': %s", path, strerror(errno));
	return rc;
}

/* What cp says: its first complaint and how many there were. */
struct cp_says {
	char *first;
	size_t count;
};

static void cp_line(void *ctx, const char *text)
{
	struct cp_says *c = ctx;
	if (!c->first)
		c->first = lj_xstrdup(text);
	c->count++;
}

/*
 * cp on a full disk says "No space left" once per file (7,771 lines before
 * ljail's own message): its output is gathered, and the error gives the
 * first line and the count.
 */
int store_copy_tree(const char *src, const char *dst, struct lj_error *err)
{
	/* coreutils cp keeps owners, modes, times, links, xattrs and ACLs, and reflinks. */
	char *argv[] = {"cp",
			"-a",
			"--reflink=auto",
			"--one-file-system",
			"--no-target-directory",
			(char *)src,
			(char *)dst,
			NULL};
	int status;
	struct cp_says said = {0};
	int rc = lj_spawn_lines(argv, cp_line, &said, &status, err);
	if (rc == 0 && status != 0 && said.count > 1)
		rc = lj_error_set(err, EIO, "copying '%s' to '%s' failed: %s (and %zu more)", src,
				  dst, said.first, said.count - 1);
	else if (rc == 0 && status != 0 && said.count == 1)
		rc = lj_error_set(err, EIO, "copying '%s' to '%s' failed: %s", src, dst,
				  said.first);
	else if (rc == 0 && status != 0)
		rc = lj_error_set(err, EIO, "copying '%s' to '%s' failed (cp exit status %d)", src,
				  dst, status);
	free(said.first);
	return rc;
}

struct inode_key {
	dev_t dev;
	ino_t ino;
};

static int size_walk(int dirfd, uint64_t mnt, uint64_t *bytes, struct inode_key **seen,
		     size_t *nseen, size_t *capseen)
{
	int dupfd = dup(dirfd);
	DIR *d = dupfd >= 0 ? fdopendir(dupfd) : NULL;
	if (!d) {
		if (dupfd >= 0)
			close(dupfd);
		return -errno;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (lj_str_eq(e->d_name, ".") || lj_str_eq(e->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (st.st_nlink > 1 && !S_ISDIR(st.st_mode)) {
			bool dup_link = false;
			for (size_t i = 0; i < *nseen && !dup_link; i++)
				dup_link =
					(*seen)[i].dev == st.st_dev && (*seen)[i].ino == st.st_ino;
			if (dup_link)
				continue;
			*LJ_VEC_PUSH(*seen, *nseen, *capseen) =
				(struct inode_key){st.st_dev, st.st_ino};
		}
		*bytes += (uint64_t)st.st_blocks * 512;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			uint64_t sub_mnt = 0;
			if (sub >= 0 && plat_mount_id(sub, &sub_mnt) == 0 && sub_mnt == mnt)
				size_walk(sub, mnt, bytes, seen, nseen, capseen);
			if (sub >= 0)
				close(sub);
		}
	}
	closedir(d);
	return 0;
}

int store_tree_size(const char *path, uint64_t *bytes, struct lj_error *err)
{
	LJ_CLEANUP_CLOSE int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	uint64_t mnt = 0;
	struct stat st;
	*bytes = 0;
	if (fd < 0 || plat_mount_id(fd, &mnt) < 0 || fstat(fd, &st) < 0)
		return lj_error_set(err, errno, "'%s': %s", path, strerror(errno));
	*bytes = (uint64_t)st.st_blocks * 512;
	struct inode_key *seen = NULL;
	size_t nseen = 0, capseen = 0;
	int rc = size_walk(fd, mnt, bytes, &seen, &nseen, &capseen);
	free(seen);
	return rc < 0 ? lj_error_set(err, -rc, "'%s': %s", path, strerror(-rc)) : 0;
}

/* The folder holding PATH inside the tree, and PATH's last component. */
static int open_parent(int rootfd, const char *path, const char **base)
{
	LJ_CLEANUP_FREE char *dir = lj_xstrdup(path);
	char *slash = strrchr(dir, '/');
	*base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (slash)
		*slash = '\0';
	return plat_open_in_root(rootfd, slash && *dir ? dir : "/", O_PATH | O_DIRECTORY, 0);
}

/*
 * Opens the folder holding PATH in the tree and removes what PATH names
 * there: whatever it is (a symlink planted to lead out), it goes first.
 */
static int clear_entry(int rootfd, const char *path, const char **base, struct lj_error *err)
{
	int dir = open_parent(rootfd, path, base);
	if (dir < 0)
		return lj_error_set(err, -dir, "'%s' in the tree: %s", path, strerror(-dir));
	if (unlinkat(dir, *base, 0) < 0 && errno != ENOENT) {
		int e = errno;
		close(dir);
		return lj_error_set(err, e, "'%s' in the tree: %s", path, strerror(e));
	}
	return dir;
}

int store_write_in_root(int rootfd, const char *path, const void *data, size_t len, mode_t mode,
			struct lj_error *err)
{
	const char *base;
	LJ_CLEANUP_CLOSE int dir = clear_entry(rootfd, path, &base, err);
	if (dir < 0)
		return dir;
	LJ_CLEANUP_CLOSE int fd =
		openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) < 0)
		return lj_error_set(err, errno ? errno : EIO, "writing '%s' in the tree: %s", path,
				    strerror(errno ? errno : EIO));
	return 0;
}

int store_symlink_in_root(int rootfd, const char *path, const char *target, struct lj_error *err)
{
	const char *base;
	LJ_CLEANUP_CLOSE int dir = clear_entry(rootfd, path, &base, err);
	if (dir < 0)
		return dir;
	if (symlinkat(target, dir, base) < 0)
		return lj_error_set(err, errno, "'%s' in the tree: %s", path, strerror(errno));
	return 0;
}
