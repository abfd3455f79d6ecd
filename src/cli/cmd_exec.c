/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail exec [-l] [-u USER | -U USER] [-d DIR] JAIL [COMMAND [ARG...]]:
 * jexec(8). The command gets the caller's terminal, as with jexec, so job
 * control, Ctrl-C and the window size work; the seccomp filter keeps it from
 * pushing input back into that terminal.
 */
#include "cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "core/hooks.h"
#include "core/state.h"
#include "linux/enter.h"
#include "linux/users.h"

/* A jail by name or by jid, as jexec takes either. */
static int find_running(struct cli *cli, const char *which, struct lj_state *s,
			struct lj_error *err)
{
	int rc = lj_state_read(&cli->paths, which, s, err);
	if (rc != -ENOENT)
		return rc;
	long jid;
	char **names;
	size_t n;
	if (!conf_parse_long(which, &jid) || lj_state_names(&cli->paths, &names, &n, err) < 0)
		return lj_error_set(err, ESRCH, "jail '%s' is not running", which);
	rc = -ESRCH;
	for (size_t i = 0; i < n; i++) {
		struct lj_error ignored = {0};
		if (rc < 0 && lj_state_read(&cli->paths, names[i], s, &ignored) == 0) {
			if (s->jid == jid)
				rc = 0;
			else
				lj_state_release(s);
		}
		free(names[i]);
	}
	free(names);
	return rc < 0 ? lj_error_set(err, ESRCH, "jail '%s' is not running", which) : 0;
}

static pid_t command_pid = -1;

static void pass_on(int sig)
{
	if (command_pid > 0)
		kill(command_pid, sig);
}

int cli_cmd_exec(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("exec");
	const char *jail_user = NULL, *host_user = NULL, *dir = NULL;
	bool login = false;
	int opt;

	while ((opt = cli_getopt(cli, argc, argv, "lu:U:d:", NULL)) != -1) {
		switch (opt) {
		case 'l': login = true; break;
		case 'u': host_user = optarg; break;
		case 'U': jail_user = optarg; break;
		case 'd': dir = optarg; break;
		default: return LJ_EXIT_USAGE;
		}
	}
	if (jail_user && host_user)
		return cli_usage_error(cmd, "-u and -U cannot be used together");
	if (optind >= argc)
		return cli_usage_error(cmd, "name the jail");
	const char *which = argv[optind++];

	struct lj_error err = {0};
	struct lj_state s;
	if (find_running(cli, which, &s, &err) < 0)
		return cli_print_error(&err);
	LJ_CLEANUP_CLOSE int pidfd = lj_state_open_init(&s);
	if (pidfd < 0 || s.phase != LJ_PHASE_RUNNING) {
		lj_error_set(&err, ESRCH, "jail '%s' is not running", s.name);
		lj_state_release(&s);
		return cli_print_error(&err);
	}

	struct lj_user u;
	int rc;
	if (host_user) {
		rc = lj_user_on_host(s.name, host_user, &u, &err);
	} else {
		/* Even root's home and shell come from the jail's own passwd. */
		LJ_CLEANUP_CLOSE int root = lj_jail_rootfd(&s, &err);
		rc = root < 0 ? root
			      : lj_user_in_jail(root, s.name, jail_user ? jail_user : "root", &u,
						&err);
		if (rc < 0 && !jail_user) {
			lj_user_root(&u);
			rc = 0;
		}
	}
	if (rc < 0) {
		lj_state_release(&s);
		return cli_print_error(&err);
	}

	char *shell[] = {u.shell, NULL};
	LJ_CLEANUP_FREE char *login_name = NULL;
	if (login) {
		const char *base = strrchr(u.shell, '/');
		login_name = lj_xasprintf("-%s", base ? base + 1 : u.shell);
	}
	struct lj_command c = {
		.jail = s.name,
		.user = &u,
		.argv = optind < argc ? argv + optind : shell,
		.argv0 = optind < argc ? NULL : login_name,
		.cwd = dir     ? dir
		       : login ? u.home
			       : "/",
		.clean_env = login,
		.out_fd = -1,
	};
	int status = LJ_EXIT_FAILED;
	/* ljail exec has nothing left to do on the host: it joins the jail itself. */
	if ((rc = lj_enter(pidfd, s.caps, s.seccomp, s.seccomp_len, s.name, &err)) == 0) {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		command_pid = lj_spawn(&c, &err);
		if (command_pid > 0) {
			struct sigaction sa = {.sa_handler = pass_on};
			sigaction(SIGTERM, &sa, NULL);
			sigaction(SIGHUP, &sa, NULL);
			lj_wait(command_pid, 0, &status);
			/* Its init may now find the jail empty (no persist) and end it. */
			if (!s.persist)
				pidfd_send_signal(pidfd, SIGCHLD, NULL, 0);
		} else {
			rc = command_pid;
		}
	}
	lj_user_release(&u);
	lj_state_release(&s);
	return rc < 0 ? cli_print_error(&err) : status;
}
