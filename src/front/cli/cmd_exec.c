/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail exec [-l] [-u USER | -U USER] [-d DIR] JAIL [COMMAND [ARG...]]:
 * jexec(8). The command gets the caller's terminal, as with jexec, so job
 * control, Ctrl-C and the window size work; the seccomp filter keeps it from
 * pushing input back into that terminal.
 */
#include "front/cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/spawn.h"
#include "base/terminal.h"
#include "runtime/running.h"

static pid_t helper_pid = -1;

static void pass_on(int sig)
{
	if (helper_pid > 0)
		kill(helper_pid, sig);
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
	struct rt_running r;
	if (rt_running_open(&cli->paths, which, &r, &err) < 0)
		return cli_print_error(&err);
	const char *name = r.state.name;

	struct lj_user u;
	int rc;
	if (host_user) {
		rc = lj_user_on_host(name, host_user, &u, &err);
	} else {
		/* Even root's home and shell come from the jail's own passwd. */
		rc = plat_user(r.pj, jail_user ? jail_user : "root", &u, &err);
		if (rc < 0 && !jail_user) {
			lj_user_root(&u);
			rc = 0;
		}
	}
	if (rc < 0) {
		rt_running_close(&r);
		return cli_print_error(&err);
	}

	char *shell[] = {u.shell, NULL};
	LJ_CLEANUP_FREE char *login_name = NULL;
	if (login) {
		const char *base = strrchr(u.shell, '/');
		login_name = lj_xasprintf("-%s", base ? base + 1 : u.shell);
	}
	struct plat_command c = {
		.as = &u,
		.argv = optind < argc ? argv + optind : shell,
		.argv0 = optind < argc ? NULL : login_name,
		.cwd = dir     ? dir
		       : login ? PLAT_HOME
			       : "/",
		.clean_env = login,
		.out_fd = -1,
	};
	/*
	 * On a terminal, the command gets a pseudo-terminal of the jail's own
	 * and we relay: the caller's terminal never goes into the jail.
	 */
	struct plat_terminal term = {-1, -1};
	if (lj_terminal_wanted())
		c.terminal = &term;
	int status = LJ_EXIT_FAILED;
	/*
	 * The command runs in a session of its own: signals sent to ljail (the
	 * terminal's SIGINT and SIGQUIT too, when it is not in raw mode) go
	 * through the helper.
	 */
	struct sigaction sa = {.sa_handler = pass_on};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	helper_pid = plat_attach(r.pj, &c, &err);
	if (helper_pid > 0) {
		if (term.master >= 0)
			lj_terminal_relay(term.master, term.done);
		lj_wait(helper_pid, 0, &status);
	} else {
		rc = (int)helper_pid;
	}
	if (term.master >= 0)
		close(term.master);
	if (term.done >= 0)
		close(term.done);
	lj_user_release(&u);
	rt_running_close(&r);
	return rc < 0 ? cli_print_error(&err) : status;
}
