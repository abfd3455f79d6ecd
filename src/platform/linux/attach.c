/* SPDX-License-Identifier: BSD-2-Clause */
/* The one way into a running jail on Linux, and the jail's own users. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/spawn.h"
#include "platform/linux/cgroup.h"
#include "platform/linux/enter.h"
#include "platform/linux/handle.h"
#include "platform/linux/users.h"
#include "platform/linux/userns.h"

/* The jail's root as its init sees it, opened from the host. */
static int open_root(struct plat_jail *pj, struct lj_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pj->pid);
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lj_error_set(err, errno, "jail '%s': its root: %s", pj->name,
				    strerror(errno));
	/* The pid may have been recycled between the caller's check and the open. */
	if (lx_process_starttime(pj->pid) != pj->starttime) {
		close(fd);
		return lj_error_set(err, ESRCH, "jail '%s' is not running", pj->name);
	}
	return fd;
}

int plat_jail_idmap(struct plat_jail *pj, struct lj_idmap *map, struct lj_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pj->pid);
	FILE *f = fopen(path, "re");
	unsigned long long inside, base, count;
	int n = f ? fscanf(f, "%llu %llu %llu", &inside, &base, &count) : -1;
	if (f)
		fclose(f);
	if (n != 3 || inside != 0 || lx_process_starttime(pj->pid) != pj->starttime)
		return lj_error_set(err, ESRCH, "jail '%s' is not running", pj->name);
	/* The host's own namespace maps all ids to themselves. */
	*map = base == 0 ? (struct lj_idmap){0, 0}
			 : (struct lj_idmap){(uint32_t)base, (uint32_t)count};
	return 0;
}

struct jail_edit {
	int rootfd;
	struct lj_idmap map;
	int (*fn)(int rootfd, void *ctx, struct lj_error *err);
	void *ctx;
};

static int jail_edit_child(void *ctx, struct lj_error *err)
{
	struct jail_edit *e = ctx;
	int rc = e->map.count ? lx_userns_act_as_root(&e->map) : 0;
	if (rc < 0)
		return lj_error_set(err, -rc, "acting as the jail's root: %s", strerror(-rc));
	return e->fn(e->rootfd, e->ctx, err);
}

int plat_jail_edit(struct plat_jail *pj, int (*fn)(int rootfd, void *ctx, struct lj_error *err),
		   void *ctx, struct lj_error *err)
{
	struct jail_edit e = {.fn = fn, .ctx = ctx};
	int rc = plat_jail_idmap(pj, &e.map, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_CLOSE int root = open_root(pj, err);
	if (root < 0)
		return root;
	e.rootfd = root;
	return lj_in_child(jail_edit_child, &e, "working in the jail's files", err);
}

int plat_user(struct plat_jail *pj, const char *user, struct lj_user *u, struct lj_error *err)
{
	LJ_CLEANUP_CLOSE int root = open_root(pj, err);
	if (root < 0)
		return root;
	return lx_user_in_jail(root, pj->name, user, u, err);
}

char *plat_first_user(struct plat_jail *pj)
{
	struct lj_error ignored = {0};
	LJ_CLEANUP_CLOSE int root = open_root(pj, &ignored);
	int e;
	FILE *f = root >= 0 ? lx_open_jail_file(root, "/etc/passwd", &e) : NULL;
	struct passwd pw, *p;
	char buf[4096];
	char *name = NULL;
	while (f && !name && fgetpwent_r(f, &pw, buf, sizeof(buf), &p) == 0)
		if (p->pw_uid >= 1000 && p->pw_uid < 60000)
			name = lj_xstrdup(p->pw_name);
	if (f)
		fclose(f);
	return name;
}

/*
 * A pseudo-terminal in the jail's own devpts, opened from inside the jail
 * with the jail's powers (so whatever the jail put at /dev/ptmx is opened
 * only as the jail itself could), and checked to be a pty master.
 */
static int open_jail_pty(void)
{
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	int unlock = 0, n;
	if (master >= 0 && (ioctl(master, TIOCGPTN, &n) < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0)) {
		close(master);
		master = -1;
	}
	return master;
}

/* Sends the master (or, with -1, word that there is none) to the caller. */
static void send_master(int sock, int master)
{
	char byte = master >= 0 ? 'T' : 'N';
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = {0};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (master >= 0) {
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &master, sizeof(int));
	}
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

static int receive_master(int sock)
{
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = {0};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf)};
	ssize_t n;
	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	struct cmsghdr *c = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	int fd = -1;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * In the command, before it runs: a session of its own, and the jail's
 * pseudo-terminal (when there is one) as its controlling terminal, in place
 * of those of stdin, stdout and stderr that are the caller's terminals. The
 * caller's terminal then never reaches the jail: nothing left running there
 * can read what is typed on the host next, or take the terminal's
 * foreground.
 */
static void take_terminal(int master)
{
	if (setsid() < 0 || master < 0)
		return;
	int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) {
		fprintf(stderr, "ljail: the jail's terminal: %s\n", strerror(errno));
		_exit(126);
	}
	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd) && dup2(slave, fd) < 0)
			_exit(126);
	close(slave);
	close(master);
}

static pid_t command_pid = -1;

static void pass_on(int sig)
{
	if (command_pid > 0)
		kill(command_pid, sig);
}

/* In the helper: join the jail, run the command as u, wait, and pass its status on. */
_Noreturn static void helper(struct plat_jail *pj, const struct lj_user *u,
			     const struct plat_command *cmd, int sock, bool in_cgroup)
{
	/*
	 * Nothing of ljail's goes along, above all not the pipe that keeps a
	 * starting jail's init waiting: if ljail dies, init must see it.
	 */
	const int keep[] = {pj->pidfd, cmd->out_fd, sock};
	lj_close_fds_except(keep, LJ_ARRAY_SIZE(keep));
	struct lj_error e = {0};
	/* The jail's cgroup and limits, as its other processes have them. */
	int rc = lx_join_limits(pj, in_cgroup);
	if (rc < 0) {
		fprintf(stderr, "ljail: jail '%s': its cgroup and limits: %s\n", pj->name,
			strerror(-rc));
		_exit(126);
	}
	if (lj_enter(pj->pidfd, pj->caps, pj->seccomp, pj->seccomp_len, pj->name, &e) < 0) {
		fprintf(stderr, "ljail: %s\n", e.msg);
		_exit(126);
	}
	int master = -1;
	if (sock >= 0) {
		master = open_jail_pty();
		send_master(sock, master);
	}
	/*
	 * The command has a session of its own, so no terminal signals it
	 * directly: what ljail is sent comes through us.
	 */
	struct sigaction sa = {.sa_handler = pass_on};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fflush(NULL);
	/* The fork lands in the jail's PID namespace. */
	command_pid = fork();
	if (command_pid < 0) {
		fprintf(stderr, "ljail: jail '%s': fork: %s\n", pj->name, strerror(errno));
		_exit(126);
	}
	if (command_pid == 0) {
		if (sock >= 0)
			close(sock);
		take_terminal(master);
		lj_exec_command(pj->name, u, cmd);
	}
	/* The caller holds the master now; sock stays open until we exit. */
	if (master >= 0)
		close(master);
	int status = 126;
	lj_wait(command_pid, 0, &status);
	/* Its init may now find the jail empty (no persist) and end it. */
	pidfd_send_signal(pj->pidfd, SIGCHLD, NULL, 0);
	_exit(status);
}

pid_t plat_attach(struct plat_jail *pj, const struct plat_command *cmd, struct lj_error *err)
{
	struct lj_user found = {0};
	const struct lj_user *u = cmd->as;
	if (!u) {
		/* Looked up before joining, so a missing user is the caller's error to report. */
		int rc = cmd->user ? plat_user(pj, cmd->user, &found, err) : 0;
		if (rc < 0)
			return rc;
		if (!cmd->user)
			lj_user_root(&found);
		u = &found;
	}
	int sv[2] = {-1, -1};
	if (cmd->terminal && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		int e = errno;
		lj_user_release(&found);
		return lj_error_set(err, e, "jail '%s': socketpair: %s", pj->name, strerror(e));
	}
	bool in_cgroup;
	pid_t pid = lx_cgroup_fork(LX_CGROUP_FS, pj->cgroup, &in_cgroup);
	if (pid == 0) {
		if (sv[0] >= 0)
			close(sv[0]);
		helper(pj, u, cmd, sv[1], in_cgroup);
	}
	int e = errno;
	lj_user_release(&found);
	if (sv[1] >= 0)
		close(sv[1]);
	if (pid < 0) {
		if (sv[0] >= 0)
			close(sv[0]);
		return lj_error_set(err, e, "jail '%s': fork: %s", pj->name, strerror(e));
	}
	if (cmd->terminal) {
		cmd->terminal->master = receive_master(sv[0]);
		cmd->terminal->done = sv[0];
	}
	return pid;
}
