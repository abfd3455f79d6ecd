/* SPDX-License-Identifier: BSD-2-Clause */
/* The one way into a running jail on Linux, and the jail's own users. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/spawn.h"
#include "platform/linux/enter.h"
#include "platform/linux/handle.h"
#include "platform/linux/users.h"

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

static pid_t command_pid = -1;

static void pass_on(int sig)
{
	if (command_pid > 0)
		kill(command_pid, sig);
}

/* In the helper: join the jail, run the command as u, wait, and pass its status on. */
_Noreturn static void helper(struct plat_jail *pj, const struct lj_user *u,
			     const struct plat_command *cmd)
{
	/*
	 * Nothing of ljail's goes along, above all not the pipe that keeps a
	 * starting jail's init waiting: if ljail dies, init must see it.
	 */
	const int keep[] = {pj->pidfd, cmd->out_fd};
	lj_close_fds_except(keep, LJ_ARRAY_SIZE(keep));
	struct lj_error e = {0};
	if (lj_enter(pj->pidfd, pj->caps, pj->seccomp, pj->seccomp_len, pj->name, &e) < 0) {
		fprintf(stderr, "ljail: %s\n", e.msg);
		_exit(126);
	}
	/* The terminal's SIGINT and SIGQUIT reach the command directly; these come through us. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	struct sigaction sa = {.sa_handler = pass_on};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fflush(NULL);
	/* The fork lands in the jail's PID namespace. */
	command_pid = fork();
	if (command_pid < 0) {
		fprintf(stderr, "ljail: jail '%s': fork: %s\n", pj->name, strerror(errno));
		_exit(126);
	}
	if (command_pid == 0)
		lj_exec_command(pj->name, u, cmd);
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
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		helper(pj, u, cmd);
	int e = errno;
	lj_user_release(&found);
	if (pid < 0)
		return lj_error_set(err, e, "jail '%s': fork: %s", pj->name, strerror(e));
	return pid;
}
