/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/create.h"

#include <errno.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/proctitle.h"
#include "platform/linux/cgroup.h"
#include "platform/linux/confine.h"
#include "platform/linux/enter.h"
#include "platform/linux/init.h"
#include "platform/linux/mounts.h"
#include "platform/linux/rtnl.h"
#include "platform/linux/users.h"
#include "platform/linux/userns.h"

/*
 * What the jail's init does before ljail lets it run, in order; the first
 * error ends it. It runs in the jail's namespaces (in its user namespace
 * when it has one), on the root tree the first stage built.
 */
static int setup_child(const struct plat_jail *pj, const struct plat_run *run,
		       struct lj_user *user, int *procfd, struct lj_error *err)
{
	const struct lj_jail *j = pj->j;
	LJ_CLEANUP_CLOSE int rootfd = -1;
	int rc;

	if ((rc = lj_mounts_rebind(j, &rootfd, err)) < 0 ||
	    (rc = lj_mounts_apply(j, rootfd, err)) < 0 ||
	    (rc = lj_mounts_resolvconf(j, rootfd, err)) < 0)
		return rc;
	if (j->own_uts) {
		const char *hn = j->hostname ? j->hostname : j->name;
		if (sethostname(hn, strlen(hn)) < 0)
			return lj_error_set(err, errno, "jail '%s': hostname '%s': %s", j->name, hn,
					    strerror(errno));
		if (j->domainname && setdomainname(j->domainname, strlen(j->domainname)) < 0)
			return lj_error_set(err, errno, "jail '%s': domain name '%s': %s", j->name,
					    j->domainname, strerror(errno));
	}
	if (j->own_net && (rc = lj_netlink_link_up("lo", err)) < 0)
		return lj_error_wrap(err, "jail '%s'", j->name);
	/*
	 * Ordinary users may ping in a jail with its own stack, through ICMP
	 * datagram sockets, as systemd-nspawn allows; the setting is per
	 * network namespace (the host's /proc, opened here, shows the jail's).
	 * In a user namespace only the jail's own group ids can be named.
	 */
	if (j->own_net) {
		char all[32];
		int len = snprintf(all, sizeof(all), "0 %u",
				   j->idmap.count ? j->idmap.count - 1 : 2147483647u);
		int fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, all, (size_t)len) != len) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return lj_error_set(err, e, "jail '%s': ping_group_range: %s", j->name,
					    strerror(e));
		}
		close(fd);
	}
	/*
	 * A proc of the jail's PID namespace that is never attached anywhere:
	 * init reads it to see whether the jail is empty, whatever the jail
	 * mounts (or does not) on its own /proc.
	 */
	rc = lj_mount_new("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			  procfd);
	if (rc < 0)
		return lj_error_set(err, -rc, "jail '%s': proc for init: %s", j->name,
				    strerror(-rc));
	/*
	 * Keep the host's /dev/null for init's own output before leaving the
	 * host; a `ljail run` command keeps the caller's.
	 */
	int null = run ? -1 : open("/dev/null", O_RDWR | O_CLOEXEC);
	if (!run && (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0))
		return lj_error_set(err, errno, "jail '%s': /dev/null: %s", j->name,
				    strerror(errno));
	if (null >= 0)
		close(null);
	if ((rc = lj_mounts_pivot(j, rootfd, err)) < 0)
		return rc;
	/*
	 * Not dumpable from here on: root in the jail (which lacks
	 * CAP_SYS_PTRACE) can neither trace init nor open its /proc files,
	 * /proc/1/exe being ljail's own binary.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (run) {
		/* After pivot_root, "/" is the jail's root: its users are its own. */
		LJ_CLEANUP_CLOSE int jailroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (!run->user)
			lj_user_root(user);
		else if ((rc = lx_user_in_jail(jailroot, j->name, run->user, user, err)) < 0)
			return rc;
	}
	/*
	 * Init runs under the jail's filter too (and `ljail run`'s command
	 * inherits it): it is not dumpable, so jail root cannot reach it today,
	 * but one mistake elsewhere must not be enough. Loading it needs
	 * CAP_SYS_ADMIN, still here.
	 */
	if ((rc = lj_seccomp_load(pj->seccomp, pj->seccomp_len, err)) < 0)
		return lj_error_wrap(err, "jail '%s'", j->name);
	/* Init keeps the jail's powers and no more. */
	if ((rc = lj_confine_caps(pj->caps, err)) < 0)
		return lj_error_wrap(err, "jail '%s'", j->name);
	return 0;
}

/* The `ljail run` command, as init's only child of its own. */
static pid_t spawn_run_command(const struct lj_jail *j, const struct plat_run *run,
			       const struct lj_user *user)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	struct plat_command cmd = {
		.argv = run->argv,
		.cwd = run->user ? PLAT_HOME : "/",
		.out_fd = -1,
	};
	lj_exec_command(j->name, user, &cmd);
}

/* The reports a starting jail sends ljail: stage one's, then init's. */
struct start_report {
	int32_t pid; /* stage one: the jail's init as the host sees it */
	struct lj_error err;
};

_Noreturn static void send_and_exit(int report, pid_t pid, const struct lj_error *err, int status)
{
	struct start_report r = {.pid = pid, .err = *err};
	if (r.err.code == 0 && status != 0)
		r.err.code = EIO;
	ssize_t ignored = write(report, &r, sizeof(r));
	(void)ignored;
	_exit(status);
}

/* Stage two: the jail's init, pid 1 of its namespace. */
_Noreturn static void jail_child(const struct plat_jail *pj, const struct plat_run *run, int report,
				 int go)
{
	const struct lj_jail *j = pj->j;
	struct lj_error err = {0};
	struct lj_user user = {0};
	int procfd = -1;

	/* The error crosses whole, so a usage error stays one (exit status 2). */
	if (setup_child(pj, run, &user, &procfd, &err) < 0)
		send_and_exit(report, 0, &err, 1);
	struct start_report ok = {0};
	if (write(report, &ok, sizeof(ok)) != (ssize_t)sizeof(ok))
		_exit(1);
	close(report);
	/*
	 * Until ljail commits the start, its death ends the half-made jail: the
	 * pipe reads end-of-file (no PR_SET_PDEATHSIG, which would race with
	 * ljail's exit right after the commit).
	 */
	char c;
	if (read(go, &c, 1) != 1)
		_exit(1);
	close(go);
	pid_t main_pid = run ? spawn_run_command(j, run, &user) : 0;
	if (main_pid < 0)
		_exit(126);
	lj_init_run(procfd, j->persist, main_pid);
}

/*
 * Stage one, as the host's root in a mount namespace of its own: builds
 * the jail's root tree (an overlay, idmapped where the jail has its own
 * ids), then takes on the jail's user namespace and makes the jail's other
 * namespaces inside it, so that they belong to the jail's root and not to
 * the host's. Its child, the jail's init, is ljail's child (CLONE_PARENT).
 */
_Noreturn static void first_stage(const struct plat_jail *pj, const struct plat_run *run,
				  int report, int init_report, int go, int userns, bool in_cgroup)
{
	const struct lj_jail *j = pj->j;
	struct lj_error err = {0};

	lj_proctitle_set("ljail-init");
	/*
	 * Into the jail's cgroup first, so that every process the jail will
	 * have starts there; its cgroup namespace, made below, then has it as
	 * its root, and the jail sees no way out of it.
	 */
	int limits = lx_join_limits(pj, in_cgroup);
	if (limits < 0) {
		lj_error_set(&err, -limits, "jail '%s': its cgroup and limits: %s", j->name,
			     strerror(-limits));
		send_and_exit(report, 0, &err, 1);
	}
	/*
	 * Only the pipes and the user namespace go with the child: above
	 * all not ljail's lock on the jail, which a long-lived init would
	 * otherwise hold for ever.
	 */
	const int keep[] = {report, init_report, go, userns};
	lj_close_fds_except(keep, LJ_ARRAY_SIZE(keep));
	/*
	 * Its own session: the caller's terminal and its signals stay outside.
	 * Except for `ljail run`, whose command belongs to the caller's terminal.
	 */
	if (!run)
		setsid();
	int rootfd = -1;
	if (lj_mounts_root(j, userns, &rootfd, &err) < 0)
		send_and_exit(report, 0, &err, 1);
	/*
	 * From here on, what this stage makes in the tree (a missing target
	 * of an idmapped folder) is the jail root's, as if it had made it.
	 */
	int rc = userns >= 0 ? lx_userns_act_as_root(&j->idmap) : 0;
	if (rc < 0) {
		lj_error_set(&err, -rc, "jail '%s': acting as its root: %s", j->name,
			     strerror(-rc));
		send_and_exit(report, 0, &err, 1);
	}
	if (lj_mounts_idmapped(j, userns, rootfd, &err) < 0)
		send_and_exit(report, 0, &err, 1);
	/*
	 * The init finds its root tree here (lj_mounts_rebind). The descriptor
	 * goes: it stands for the tree in this stage's mount namespace, where
	 * ".." from its top leads to the host's folders, and nothing of that
	 * namespace may reach the jail.
	 */
	rc = fchdir(rootfd) < 0 ? -errno : 0;
	close(rootfd);
	if (rc < 0) {
		lj_error_set(&err, -rc, "jail '%s': entering '%s': %s", j->name, j->path,
			     strerror(-rc));
		send_and_exit(report, 0, &err, 1);
	}
	rc = userns >= 0 ? lx_userns_join(userns) : 0;
	if (rc < 0) {
		lj_error_set(&err, -rc, "jail '%s': joining its user namespace: %s", j->name,
			     strerror(-rc));
		send_and_exit(report, 0, &err, 1);
	}
	if (userns >= 0)
		close(userns);
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWCGROUP;
	if (j->own_uts)
		flags |= CLONE_NEWUTS;
	if (j->own_ipc)
		flags |= CLONE_NEWIPC;
	if (j->own_net)
		flags |= CLONE_NEWNET;
	if (unshare(flags) < 0) {
		lj_error_set(&err, errno, "jail '%s': making namespaces: %s", j->name,
			     strerror(errno));
		send_and_exit(report, 0, &err, 1);
	}
	struct clone_args args = {.flags = CLONE_PARENT};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		close(report);
		jail_child(pj, run, init_report, go);
	}
	close(init_report);
	if (pid < 0) {
		lj_error_set(&err, errno, "jail '%s': starting its init: %s", j->name,
			     strerror(errno));
		send_and_exit(report, 0, &err, 1);
	}
	send_and_exit(report, pid, &err, 0);
}

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

/* The jail's cgroup with its rctl limits, made before any of its processes. */
static int make_cgroup(struct plat_jail *pj, struct lj_error *err)
{
	const struct lj_jail *j = pj->j;
	/* In a cgroup systemd delegated, ljail itself moves out of the jails' way. */
	LJ_CLEANUP_FREE char *parent = lj_xstrdup(pj->cgroup);
	*strrchr(parent, '/') = '\0';
	int aside = lx_cgroup_step_aside(LX_CGROUP_FS, parent);
	if (aside < 0)
		return lj_error_set(err, -aside,
				    "jail '%s': moving ljail beside its jails' cgroups: %s",
				    j->name, strerror(-aside));
	const struct lj_limits *l = &j->limits;
	char disk[32];
	const char *on = NULL;
	if (l->readbps >= 0 || l->writebps >= 0 || l->readiops >= 0 || l->writeiops >= 0) {
		/* I/O is limited on the disk that holds what the jail writes. */
		const char *where = j->overlay_upper ? j->overlay_upper : j->path;
		int rc = lx_cgroup_disk(where, disk, sizeof(disk));
		if (rc < 0)
			return lj_error_set(err, -rc,
					    "jail '%s': rctl I/O limits: no block device holds "
					    "'%s': %s",
					    j->name, where, strerror(-rc));
		on = disk;
		pj->disk = lj_xstrdup(disk); /* for live changes */
	}
	int rc = lx_cgroup_make(LX_CGROUP_FS, j->name, pj->cgroup, l, on, err);
	if (rc == 0 && j->cpus &&
	    (rc = lx_cgroup_pin(LX_CGROUP_FS, j->name, pj->cgroup, j->cpus, err)) < 0)
		lx_cgroup_remove(LX_CGROUP_FS, pj->cgroup);
	return rc;
}

/* Reads one report whole: false when the writer died first. */
static bool read_report(int fd, struct start_report *r)
{
	size_t got = 0;
	ssize_t n;
	while (got < sizeof(*r) && (n = read(fd, (char *)r + got, sizeof(*r) - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		got += (size_t)n;
	}
	r->err.msg[sizeof(r->err.msg) - 1] = '\0';
	return got == sizeof(*r);
}

/* Both stages, from the clone of the first to the init's report. */
static int run_stages(struct plat_jail *pj, const struct plat_run *run, int userns,
		      struct lj_error *err)
{
	const struct lj_jail *j = pj->j;
	/*
	 * A pipe for each stage's report: stage one reports once it has cloned
	 * the init, which may report before it under load. On one pipe the
	 * init's report was then read as stage one's (pid 0), and the start
	 * failed as if the init had died.
	 */
	int report[2] = {-1, -1}, init_report[2] = {-1, -1}, go[2] = {-1, -1};

	if (pipe2(report, O_CLOEXEC) < 0 || pipe2(init_report, O_CLOEXEC) < 0 ||
	    pipe2(go, O_CLOEXEC) < 0) {
		int e = errno;
		close_pair(report);
		close_pair(init_report);
		return lj_error_set(err, e, "jail '%s': pipe: %s", j->name, strerror(e));
	}
	/*
	 * On v2 the first stage is born in the jail's cgroup, and the init
	 * with it: nothing is moved, which costs a wait for an RCU grace
	 * period each time (lx_cgroup_fork).
	 */
	LJ_CLEANUP_CLOSE int cgroup = lx_cgroup_v2_dir(LX_CGROUP_FS, pj->cgroup);
	struct clone_args args = {
		.flags = CLONE_NEWNS | (cgroup >= 0 ? CLONE_INTO_CGROUP : 0),
		.exit_signal = SIGCHLD,
		.cgroup = cgroup >= 0 ? (uint64_t)cgroup : 0,
	};
	fflush(NULL);
	pid_t first = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (first < 0 && cgroup >= 0) {
		/* A kernel without CLONE_INTO_CGROUP (before 5.7): the stage moves itself. */
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		args.cgroup = 0;
		close(cgroup);
		cgroup = -1;
		first = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	}
	if (first < 0) {
		int e = errno;
		close_pair(report);
		close_pair(init_report);
		close_pair(go);
		return lj_error_set(err, e, "jail '%s': making namespaces: %s", j->name,
				    strerror(e));
	}
	if (first == 0) {
		close(report[0]);
		close(init_report[0]);
		close(go[1]);
		first_stage(pj, run, report[1], init_report[1], go[0], userns, cgroup >= 0);
	}
	close(report[1]);
	close(init_report[1]);
	close(go[0]);
	report[1] = init_report[1] = go[0] = -1;

	struct start_report r1 = {0}, r2 = {0};
	bool got1 = read_report(report[0], &r1);
	waitpid(first, NULL, 0);
	pid_t pid = got1 && r1.err.code == 0 ? r1.pid : 0;
	bool got2 = pid > 0 && read_report(init_report[0], &r2);
	close(report[0]);
	close(init_report[0]);
	/*
	 * The init is ljail's own child (CLONE_PARENT) and not reaped yet, so
	 * its pid cannot have been reused.
	 */
	int pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
	if (got2 && r2.err.code == 0 && pidfd >= 0) {
		pj->pid = pid;
		pj->starttime = lx_process_starttime(pid);
		pj->pidfd = pidfd;
		pj->go = go[1];
		return 0;
	}
	/* The jail failed (or died): it is gone once reaped, and its namespaces with it. */
	close(go[1]);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (pidfd >= 0)
		close(pidfd);
	if (got1 && r1.err.code) {
		*err = r1.err;
		return -r1.err.code;
	}
	if (got2 && r2.err.code) {
		*err = r2.err;
		return -r2.err.code;
	}
	return lj_error_set(err, EIO, "jail '%s': the jail's init died while starting", j->name);
}

int lx_create(struct plat_jail *pj, const struct plat_run *run, struct lj_error *err)
{
	const struct lj_jail *j = pj->j;
	LJ_CLEANUP_CLOSE int userns = -1;
	int rc;

	if (j->idmap.count && (rc = lx_userns_make(&j->idmap, &userns, err)) < 0)
		return lj_error_wrap(err, "jail '%s'", j->name);
	if (pj->cgroup && (rc = make_cgroup(pj, err)) < 0)
		return rc;
	/* Limits asked for are never dropped for want of a place to hold them. */
	bool limited = j->cpus || j->limits.memoryuse >= 0 || j->limits.swapuse >= 0 ||
		       j->limits.maxproc >= 0 || j->limits.pcpu >= 0 || j->limits.readbps >= 0 ||
		       j->limits.writebps >= 0 || j->limits.readiops >= 0 ||
		       j->limits.writeiops >= 0;
	if (!pj->cgroup && limited)
		return lj_error_set(err, ENOTSUP,
				    "jail '%s': rctl and cpuset.cpus need cgroups, and none are "
				    "mounted at " LX_CGROUP_FS " (see ljail doctor)",
				    j->name);
	rc = run_stages(pj, run, userns, err);
	/* A start that failed has no processes left: the cgroup made for them goes. */
	if (rc < 0 && pj->cgroup)
		lx_cgroup_remove(LX_CGROUP_FS, pj->cgroup);
	return rc;
}
