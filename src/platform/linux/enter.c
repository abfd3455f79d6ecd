/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/enter.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "platform/linux/confine.h"
#include "platform/linux/userns.h"

int lj_enter(int pidfd, uint64_t caps, const void *seccomp, size_t seccomp_len, const char *jail,
	     struct lj_error *err)
{
	/*
	 * All namespaces at once, through the pidfd, so they are those of one
	 * process and a recycled pid cannot put us elsewhere.
	 */
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		    CLONE_NEWCGROUP;
	/*
	 * A jail with its own ids: its user namespace too, in the same step,
	 * and then as its root with none of the host's groups. The host's ids
	 * mean nothing there, and a host group kept would open host files.
	 */
	int own_ids = lx_pid_has_own_userns(pidfd);
	if (own_ids < 0)
		return lj_error_set(err, -own_ids, "jail '%s': its user namespace: %s", jail,
				    strerror(-own_ids));
	if (own_ids)
		flags |= CLONE_NEWUSER;
	if (setns(pidfd, flags) < 0)
		return lj_error_set(err, errno, "jail '%s': entering its namespaces: %s", jail,
				    strerror(errno));
	int root = own_ids ? lx_userns_become_root() : 0;
	if (root < 0)
		return lj_error_set(err, -root, "jail '%s': becoming its root: %s", jail,
				    strerror(-root));
	/*
	 * Not dumpable from here to the exec: the jail's root must not read
	 * this process's memory or /proc/PID/exe (ljail's binary) while it still
	 * runs ljail's code inside the jail.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* The filter first: loading it without no_new_privs needs CAP_SYS_ADMIN. */
	int rc = lj_seccomp_load(seccomp, seccomp_len, err);
	if (rc == 0)
		rc = lj_confine_caps(caps, err);
	return rc < 0 ? lj_error_wrap(err, "jail '%s'", jail) : 0;
}

static void set_env(const struct lj_user *u, const struct plat_command *cmd)
{
	if (cmd->clean_env) {
		const char *term = getenv("TERM");
		LJ_CLEANUP_FREE char *t = term ? lj_xstrdup(term) : NULL;
		clearenv();
		if (t)
			setenv("TERM", t, 1);
		setenv("PATH",
		       u->uid == 0 ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
				   : "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games",
		       1);
	}
	setenv("HOME", u->home, 1);
	setenv("SHELL", u->shell, 1);
	setenv("USER", u->name, 1);
	setenv("LOGNAME", u->name, 1);
}

_Noreturn void lj_exec_command(const char *jail, const struct lj_user *u,
			       const struct plat_command *cmd)
{
	if (cmd->out_fd >= 0 && (dup2(cmd->out_fd, 1) < 0 || dup2(cmd->out_fd, 2) < 0))
		_exit(126);
	/* Back to default signal handling: ljail ignores some while it waits. */
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	int rc = lj_user_become(u);
	if (rc < 0) {
		fprintf(stderr, "ljail: jail '%s': becoming user '%s': %s\n", jail, u->name,
			strerror(-rc));
		_exit(126);
	}
	bool home = cmd->cwd == PLAT_HOME;
	const char *cwd = home ? u->home : cmd->cwd ? cmd->cwd : "/";
	if (chdir(cwd) < 0) {
		/* As login(1) does: a missing home folder is not fatal for a login. */
		if (!cmd->clean_env || !home) {
			fprintf(stderr, "ljail: jail '%s': folder '%s': %s\n", jail, cwd,
				strerror(errno));
			_exit(126);
		}
		fprintf(stderr, "ljail: jail '%s': no home folder '%s', starting in /\n", jail,
			cwd);
		if (chdir("/") < 0)
			_exit(126);
	}
	set_env(u, cmd);
	if (cmd->fn) {
		fflush(NULL);
		_exit(cmd->fn(cmd->ctx, u));
	}
	char *const *argv = cmd->argv;
	char **args = NULL;
	if (cmd->argv0) {
		size_t n = 0;
		while (argv[n])
			n++;
		args = lj_xcalloc(n + 1, sizeof(*args));
		memcpy(args, argv, n * sizeof(*args));
		args[0] = (char *)cmd->argv0;
	}
	execvp(argv[0], args ? args : argv);
	int e = errno;
	fprintf(stderr, "ljail: jail '%s': %s: %s\n", jail, argv[0], strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

