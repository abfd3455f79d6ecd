/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* The v1 hierarchies a jail's cgroup is made in, where the host has them. */
static const char *const v1_controllers[] = {"memory", "pids", "cpu", "cpuacct", "blkio", "cpuset"};

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

enum lx_cgroup_mode lx_cgroup_mode(const char *fsroot)
{
	/*
	 * Hybrid hosts mount a unified tree without controllers beside the v1
	 * hierarchies: the controllers decide, so v1 is looked for first.
	 */
	LJ_CLEANUP_FREE char *memory = lj_xasprintf("%s/memory/cgroup.procs", fsroot);
	LJ_CLEANUP_FREE char *pids = lj_xasprintf("%s/pids/cgroup.procs", fsroot);
	LJ_CLEANUP_FREE char *unified = lj_xasprintf("%s/cgroup.controllers", fsroot);
	if (exists(memory) || exists(pids))
		return LX_CGROUP_V1;
	if (exists(unified))
		return LX_CGROUP_V2;
	return LX_CGROUP_NONE;
}

static int write_file(const char *dir, const char *file, const char *value);

char *lx_cgroup_parent(const char *fsroot, const char *self)
{
	if (lx_cgroup_mode(fsroot) != LX_CGROUP_V2)
		return lj_xstrdup("ljail");
	/* The unified hierarchy's line: "0::/system.slice/ljail.service". */
	const char *line = strstr(self, "0::/");
	if (!line || (line != self && line[-1] != '\n'))
		return lj_xstrdup("ljail");
	const char *path = line + 4;
	size_t len = strcspn(path, "\n");
	if (len == 0)
		return lj_xstrdup("ljail");
	LJ_CLEANUP_FREE char *own = lj_xstrndup(path, len);
	/* An ljail that stepped aside before (lx_cgroup_step_aside) looks from its leaf. */
	char *leaf = strrchr(own, '/');
	if (lj_str_eq(leaf ? leaf + 1 : own, "ljail.supervisor"))
		*(leaf ? leaf : own) = '\0';
	/* ".." cannot be in a kernel's cgroup path; refused all the same. */
	if (!*own || strstr(own, ".."))
		return lj_xstrdup("ljail");
	LJ_CLEANUP_FREE char *dir = lj_xasprintf("%s/%s", fsroot, own);
	char flag[8];
	bool delegated = getxattr(dir, "trusted.delegate", flag, sizeof(flag)) > 0 ||
			 getxattr(dir, "user.delegate", flag, sizeof(flag)) > 0;
	return delegated ? lj_xasprintf("%s/ljail", own) : lj_xstrdup("ljail");
}

char *lx_cgroup_parent_here(const char *fsroot)
{
	char self[4096] = "";
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, self, sizeof(self) - 1) : -1;
	self[got > 0 ? got : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return lx_cgroup_parent(fsroot, self);
}

int lx_cgroup_step_aside(const char *fsroot, const char *parent)
{
	const char *slash = strrchr(parent, '/');
	if (!slash)
		return 0; /* "ljail" at the root: processes may stay where they are */
	LJ_CLEANUP_FREE char *leaf =
		lj_xasprintf("%s/%.*s/ljail.supervisor", fsroot, (int)(slash - parent), parent);
	if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
		return -errno;
	char pid[32];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	return write_file(leaf, "cgroup.procs", pid);
}

static int write_file(const char *dir, const char *file, const char *value)
{
	LJ_CLEANUP_FREE char *path = lj_xasprintf("%s/%s", dir, file);
	/* O_NOFOLLOW: cgroup files are never links; nothing else gets the write. */
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, value, strlen(value));
	int rc = n == (ssize_t)strlen(value) ? 0 : n < 0 ? -errno : -EIO;
	close(fd);
	return rc;
}

static int64_t read_number(const char *dir, const char *file, const char *key)
{
	LJ_CLEANUP_FREE char *path = lj_xasprintf("%s/%s", dir, file);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char line[256];
	int64_t v = -1;
	size_t klen = key ? strlen(key) : 0;
	while (fgets(line, sizeof(line), f)) {
		if (key && (strncmp(line, key, klen) != 0 || line[klen] != ' '))
			continue;
		v = strtoll(line + (key ? klen + 1 : 0), NULL, 10);
		break;
	}
	fclose(f);
	return v;
}

/* The folders of the cgroup rel: one per v1 hierarchy the host has, or the one v2 folder. */
static size_t cgroup_dirs(const char *fsroot, const char *rel, char *dirs[], size_t max)
{
	size_t n = 0;
	switch (lx_cgroup_mode(fsroot)) {
	case LX_CGROUP_V1:
		for (size_t i = 0; i < LJ_ARRAY_SIZE(v1_controllers) && n < max; i++) {
			LJ_CLEANUP_FREE char *top =
				lj_xasprintf("%s/%s", fsroot, v1_controllers[i]);
			LJ_CLEANUP_FREE char *procs = lj_xasprintf("%s/cgroup.procs", top);
			if (exists(procs))
				dirs[n++] = lj_xasprintf("%s/%s", top, rel);
		}
		break;
	case LX_CGROUP_V2: dirs[n++] = lj_xasprintf("%s/%s", fsroot, rel); break;
	case LX_CGROUP_NONE: break;
	}
	return n;
}

static void free_dirs(char *dirs[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
}

/*
 * A v1 cpuset cgroup takes no process until it has CPUs and memory nodes:
 * "ljail" gets its parent's, and hands them down to each jail's
 * (cgroup.clone_children), which a jail's cpuset.cpus then narrows.
 */
static void v1_cpuset_parent(const char *parent)
{
	LJ_CLEANUP_FREE char *top = lj_xstrdup(parent);
	*strrchr(top, '/') = '\0';
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(files); i++) {
		LJ_CLEANUP_FREE char *from = lj_xasprintf("%s/%s", top, files[i]);
		FILE *f = fopen(from, "re");
		char value[256] = "";
		if (f) {
			if (!fgets(value, sizeof(value), f))
				value[0] = '\0';
			fclose(f);
		}
		value[strcspn(value, "\n")] = '\0';
		if (value[0])
			write_file(parent, files[i], value);
	}
	write_file(parent, "cgroup.clone_children", "1");
}

/* mkdir of dir's parent (the "ljail" folder) and of dir. */
static int make_dir(const char *dir)
{
	LJ_CLEANUP_FREE char *parent = lj_xstrdup(dir);
	*strrchr(parent, '/') = '\0';
	bool cpuset = strstr(parent, "/cpuset/") != NULL;
	for (int attempt = 0; attempt < 3; attempt++) {
		if (mkdir(parent, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (cpuset)
			v1_cpuset_parent(parent);
		/* The tag is random: a folder of the name can only be this start's own. */
		if (mkdir(dir, 0755) == 0 || errno == EEXIST)
			return 0;
		/* A stop that emptied the parent may remove it in between: again. */
		if (errno != ENOENT)
			return -errno;
	}
	return -ENOENT;
}

/* The folder of the v1 hierarchy named controller, among dirs. */
static const char *v1_dir(const char *fsroot, char *dirs[], size_t n, const char *controller)
{
	LJ_CLEANUP_FREE char *prefix = lj_xasprintf("%s/%s/", fsroot, controller);
	for (size_t i = 0; i < n; i++)
		if (lj_str_starts(dirs[i], prefix))
			return dirs[i];
	return NULL;
}

struct limit_write {
	const char *resource; /* for the error: the rctl resource */
	const char *dir;      /* NULL: the host lacks the controller */
	const char *file;
	char value[128];
};

static int apply(const char *jail, const struct limit_write *w, size_t n, struct lj_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!w[i].dir)
			return lj_error_set(err, ENOTSUP,
					    "jail '%s': rctl %s: the host has no cgroup controller "
					    "for it (see ljail doctor)",
					    jail, w[i].resource);
		int rc = write_file(w[i].dir, w[i].file, w[i].value);
		if (rc < 0)
			return lj_error_set(err, -rc, "jail '%s': rctl %s: %s/%s: %s", jail,
					    w[i].resource, w[i].dir, w[i].file, strerror(-rc));
	}
	return 0;
}

#define ADD(res, d, f, ...)                                                                        \
	do {                                                                                       \
		w[n] = (struct limit_write){.resource = res, .dir = d, .file = f};                 \
		snprintf(w[n].value, sizeof(w[n].value), __VA_ARGS__);                             \
		n++;                                                                               \
	} while (0)

static size_t v1_writes(const char *fsroot, char *dirs[], size_t ndirs, const struct lj_limits *l,
			const char *disk, struct limit_write *w)
{
	size_t n = 0;
	const char *mem = v1_dir(fsroot, dirs, ndirs, "memory");
	if (l->memoryuse >= 0)
		ADD("memoryuse", mem, "memory.limit_in_bytes", "%" PRId64, l->memoryuse);
	/* v1 counts memory and swap together; without a memory limit, swap is the sum's. */
	if (l->swapuse >= 0)
		ADD("swapuse", mem, "memory.memsw.limit_in_bytes", "%" PRId64,
		    (l->memoryuse >= 0 ? l->memoryuse : 0) + l->swapuse);
	if (l->maxproc >= 0)
		ADD("maxproc", v1_dir(fsroot, dirs, ndirs, "pids"), "pids.max", "%" PRId64,
		    l->maxproc);
	if (l->pcpu >= 0) {
		const char *cpu = v1_dir(fsroot, dirs, ndirs, "cpu");
		ADD("pcpu", cpu, "cpu.cfs_period_us", "100000");
		ADD("pcpu", cpu, "cpu.cfs_quota_us", "%" PRId64, l->pcpu * 1000);
	}
	const char *blkio = v1_dir(fsroot, dirs, ndirs, "blkio");
	const struct {
		const char *resource, *file;
		int64_t v;
	} io[] = {{"readbps", "blkio.throttle.read_bps_device", l->readbps},
		  {"writebps", "blkio.throttle.write_bps_device", l->writebps},
		  {"readiops", "blkio.throttle.read_iops_device", l->readiops},
		  {"writeiops", "blkio.throttle.write_iops_device", l->writeiops}};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(io); i++)
		if (io[i].v >= 0)
			ADD(io[i].resource, disk ? blkio : NULL, io[i].file, "%s %" PRId64,
			    disk ? disk : "", io[i].v);
	return n;
}

static size_t v2_writes(const char *dir, const struct lj_limits *l, const char *disk,
			struct limit_write *w)
{
	size_t n = 0;
	LJ_CLEANUP_FREE char *controllers = lj_xasprintf("%s/cgroup.controllers", dir);
	char have[256] = "";
	FILE *f = fopen(controllers, "re");
	if (f) {
		if (!fgets(have, sizeof(have), f))
			have[0] = '\0';
		fclose(f);
	}
#define HAS(c) (strstr(have, c) ? dir : NULL)
	if (l->memoryuse >= 0)
		ADD("memoryuse", HAS("memory"), "memory.max", "%" PRId64, l->memoryuse);
	if (l->swapuse >= 0)
		ADD("swapuse", HAS("memory"), "memory.swap.max", "%" PRId64, l->swapuse);
	if (l->maxproc >= 0)
		ADD("maxproc", HAS("pids"), "pids.max", "%" PRId64, l->maxproc);
	if (l->pcpu >= 0)
		ADD("pcpu", HAS("cpu"), "cpu.max", "%" PRId64 " 100000", l->pcpu * 1000);
	if (l->readbps >= 0 || l->writebps >= 0 || l->readiops >= 0 || l->writeiops >= 0) {
		char v[4][40] = {"", "", "", ""};
		const int64_t amounts[4] = {l->readbps, l->writebps, l->readiops, l->writeiops};
		static const char *const keys[4] = {"rbps", "wbps", "riops", "wiops"};
		for (int i = 0; i < 4; i++)
			if (amounts[i] >= 0)
				snprintf(v[i], sizeof(v[i]), " %s=%" PRId64, keys[i], amounts[i]);
		ADD("readbps", disk ? HAS("io") : NULL, "io.max", "%s%s%s%s%s", disk ? disk : "",
		    v[0], v[1], v[2], v[3]);
	}
#undef HAS
	return n;
}

/*
 * v2: the controllers the limits need, handed down to the jails: from the
 * cgroup above "ljail" (the root, or the delegated one) and from "ljail".
 */
static void v2_delegate(const char *fsroot, const char *rel)
{
	static const char *const wanted[] = {"+memory", "+pids", "+cpu", "+io", "+cpuset"};
	LJ_CLEANUP_FREE char *parent = lj_xasprintf("%s/%s", fsroot, rel);
	*strrchr(parent, '/') = '\0'; /* .../ljail */
	LJ_CLEANUP_FREE char *above = lj_xstrdup(parent);
	*strrchr(above, '/') = '\0'; /* the root, or the delegated cgroup */
	const char *levels[] = {above, parent};
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < LJ_ARRAY_SIZE(wanted); i++)
			write_file(levels[l], "cgroup.subtree_control", wanted[i]);
}

static int write_limits(const char *fsroot, const char *jail, char *dirs[], size_t n,
			const struct lj_limits *limits, const char *disk, struct lj_error *err)
{
	struct limit_write w[16];
	size_t nw = lx_cgroup_mode(fsroot) == LX_CGROUP_V2
			    ? v2_writes(dirs[0], limits, disk, w)
			    : v1_writes(fsroot, dirs, n, limits, disk, w);
	return apply(jail, w, nw, err);
}

static bool any_limit(const struct lj_limits *l)
{
	return l->memoryuse >= 0 || l->swapuse >= 0 || l->maxproc >= 0 || l->pcpu >= 0 ||
	       l->readbps >= 0 || l->writebps >= 0 || l->readiops >= 0 || l->writeiops >= 0;
}

int lx_cgroup_make(const char *fsroot, const char *jail, const char *rel,
		   const struct lj_limits *limits, const char *disk, struct lj_error *err)
{
	char *dirs[LJ_ARRAY_SIZE(v1_controllers)];
	size_t n = cgroup_dirs(fsroot, rel, dirs, LJ_ARRAY_SIZE(dirs));
	if (n == 0)
		return any_limit(limits) ? lj_error_set(err, ENOTSUP,
							"jail '%s': rctl: the host has no cgroup "
							"controllers mounted at %s",
							jail, fsroot)
					 : 0;
	if (lx_cgroup_mode(fsroot) == LX_CGROUP_V2) {
		LJ_CLEANUP_FREE char *parent = lj_xstrdup(dirs[0]);
		*strrchr(parent, '/') = '\0';
		if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			free_dirs(dirs, n);
			return lj_error_set(err, e, "jail '%s': cgroup '%s': %s", jail, parent,
					    strerror(e));
		}
		v2_delegate(fsroot, rel);
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		if ((rc = make_dir(dirs[i])) < 0)
			lj_error_set(err, -rc, "jail '%s': cgroup '%s': %s", jail, dirs[i],
				     strerror(-rc));
	if (rc == 0)
		rc = write_limits(fsroot, jail, dirs, n, limits, disk, err);
	free_dirs(dirs, n);
	if (rc < 0)
		lx_cgroup_remove(fsroot, rel);
	return rc;
}

int lx_cgroup_limit(const char *fsroot, const char *jail, const char *rel,
		    const struct lj_limits *limits, const char *disk, struct lj_error *err)
{
	char *dirs[LJ_ARRAY_SIZE(v1_controllers)];
	size_t n = cgroup_dirs(fsroot, rel, dirs, LJ_ARRAY_SIZE(dirs));
	int rc = n ? write_limits(fsroot, jail, dirs, n, limits, disk, err)
		   : lj_error_set(err, ENOENT, "jail '%s' has no cgroup", jail);
	free_dirs(dirs, n);
	return rc;
}

int lx_cgroup_pin(const char *fsroot, const char *jail, const char *rel, const char *cpus,
		  struct lj_error *err)
{
	char *dirs[LJ_ARRAY_SIZE(v1_controllers)];
	size_t n = cgroup_dirs(fsroot, rel, dirs, LJ_ARRAY_SIZE(dirs));
	const char *dir = lx_cgroup_mode(fsroot) == LX_CGROUP_V2
				  ? (n ? dirs[0] : NULL)
				  : v1_dir(fsroot, dirs, n, "cpuset");
	int rc = dir ? write_file(dir, "cpuset.cpus", cpus) : -ENOTSUP;
	if (rc < 0)
		lj_error_set(err, -rc, "jail '%s': cpuset.cpus '%s': %s%s", jail, cpus,
			     strerror(-rc),
			     rc == -EINVAL    ? " (CPUs the host does not have?)"
			     : rc == -ENOTSUP ? " (the host has no cpuset controller)"
					      : "");
	free_dirs(dirs, n);
	return rc;
}

int lx_cgroup_v2_dir(const char *fsroot, const char *rel)
{
	if (!rel || lx_cgroup_mode(fsroot) != LX_CGROUP_V2)
		return -1;
	LJ_CLEANUP_FREE char *path = lj_xasprintf("%s/%s", fsroot, rel);
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

pid_t lx_cgroup_fork(const char *fsroot, const char *rel, bool *placed)
{
	*placed = false;
	int dir = lx_cgroup_v2_dir(fsroot, rel);
	fflush(NULL);
	if (dir < 0)
		return fork();
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)dir,
	};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	int e = errno;
	if (pid == 0) {
		close(dir);
		*placed = true;
		return 0;
	}
	close(dir);
	if (pid < 0 && (e == ENOSYS || e == E2BIG || e == EINVAL)) {
		/* A kernel before 5.7: the child moves itself instead. */
		return fork();
	}
	*placed = pid > 0;
	errno = e;
	return pid;
}

int lx_cgroup_enter(const char *fsroot, const char *rel, pid_t pid)
{
	char *dirs[LJ_ARRAY_SIZE(v1_controllers)];
	size_t n = cgroup_dirs(fsroot, rel, dirs, LJ_ARRAY_SIZE(dirs));
	char value[32];
	snprintf(value, sizeof(value), "%d", (int)(pid ? pid : getpid()));
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = write_file(dirs[i], "cgroup.procs", value);
	free_dirs(dirs, n);
	return rc;
}

void lx_cgroup_remove(const char *fsroot, const char *rel)
{
	char *dirs[LJ_ARRAY_SIZE(v1_controllers)];
	size_t n = cgroup_dirs(fsroot, rel, dirs, LJ_ARRAY_SIZE(dirs));
	for (size_t i = 0; i < n; i++) {
		/*
		 * Processes that have just ended still count until the kernel has
		 * released them: a second at most.
		 */
		for (int tries = 0; rmdir(dirs[i]) < 0 && errno == EBUSY && tries < 100; tries++)
			nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
		*strrchr(dirs[i], '/') = '\0';
		rmdir(dirs[i]); /* the parent, when no other jail is in it */
	}
	free_dirs(dirs, n);
}

void lx_cgroup_usage(const char *fsroot, const char *rel, struct lx_cgroup_usage *u)
{
	*u = (struct lx_cgroup_usage){-1, -1, -1, -1};
	char *dirs[LJ_ARRAY_SIZE(v1_controllers)];
	size_t n = cgroup_dirs(fsroot, rel, dirs, LJ_ARRAY_SIZE(dirs));
	if (lx_cgroup_mode(fsroot) == LX_CGROUP_V2 && n) {
		u->memoryuse = read_number(dirs[0], "memory.current", NULL);
		u->swapuse = read_number(dirs[0], "memory.swap.current", NULL);
		u->maxproc = read_number(dirs[0], "pids.current", NULL);
		int64_t usec = read_number(dirs[0], "cpu.stat", "usage_usec");
		u->cputime_ns = usec < 0 ? -1 : usec * 1000;
	} else if (n) {
		const char *mem = v1_dir(fsroot, dirs, n, "memory");
		const char *pids = v1_dir(fsroot, dirs, n, "pids");
		const char *acct = v1_dir(fsroot, dirs, n, "cpuacct");
		u->memoryuse = mem ? read_number(mem, "memory.usage_in_bytes", NULL) : -1;
		int64_t both = mem ? read_number(mem, "memory.memsw.usage_in_bytes", NULL) : -1;
		u->swapuse = both >= 0 && u->memoryuse >= 0 ? both - u->memoryuse : -1;
		u->maxproc = pids ? read_number(pids, "pids.current", NULL) : -1;
		u->cputime_ns = acct ? read_number(acct, "cpuacct.usage", NULL) : -1;
	}
	free_dirs(dirs, n);
}

int lx_cgroup_disk(const char *path, char *out, size_t len)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	unsigned maj = major(st.st_dev), min = minor(st.st_dev);
	/* A partition's limits go on its disk: the folder above it in sysfs. */
	char link[128];
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u/partition", maj, min);
	if (exists(link)) {
		snprintf(link, sizeof(link), "/sys/dev/block/%u:%u/../dev", maj, min);
		FILE *f = fopen(link, "re");
		bool ok = f && fscanf(f, "%u:%u", &maj, &min) == 2;
		if (f)
			fclose(f);
		if (!ok)
			return -ENODEV;
	} else {
		snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", maj, min);
		if (!exists(link))
			return -ENODEV; /* not a block device: tmpfs, overlay, a network file system
					 */
	}
	snprintf(out, len, "%u:%u", maj, min);
	return 0;
}
