/* SPDX-License-Identifier: BSD-2-Clause */
/* ljail doctor [--user USER] [JAIL] */
#include "cli/cli.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/hooks.h"
#include "core/state.h"
#include "linux/doctor.h"
#include "linux/enter.h"
#include "linux/sys.h"

enum { OPT_USER = 0x500 };

/* The jail's first ordinary user (uid 1000 and up), the account's admin. */
static char *first_user(int rootfd)
{
	int fd = lj_open_in_root(rootfd, "/etc/passwd", O_RDONLY | O_NONBLOCK, 0);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
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

static unsigned inside(const struct lj_state *s, int pidfd, const struct lj_user *u)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct lj_error e = {0};
		if (lj_enter(pidfd, s->caps, s->seccomp, s->seccomp_len, s->name, &e) < 0) {
			fprintf(stderr, "ljail: %s\n", e.msg);
			_exit(100);
		}
		pid_t child = fork();
		if (child == 0) {
			struct lj_doctor d = {0};
			/* As the user, as the account's failures happened to the user. */
			if (lj_user_become(u) < 0)
				_exit(100);
			lj_doctor_inside(&d, u);
			_exit(d.failed > 99 ? 99 : (int)d.failed);
		}
		int st = 100;
		lj_wait(child, 0, &st);
		_exit(st);
	}
	int st = 100;
	if (pid > 0)
		lj_wait(pid, 0, &st);
	return (unsigned)st;
}

int cli_cmd_doctor(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {{"user", required_argument, NULL, OPT_USER},
						 {NULL, 0, NULL, 0}};
	const struct cli_command *cmd = cli_find_command("doctor");
	const char *user = NULL;
	int opt, nargs = 0;
	LJ_CLEANUP_FREE char **args = lj_xcalloc((size_t)argc + 1, sizeof(*args));
	while ((opt = cli_getopt_mixed(cli, argc, argv, "", longopts, args, &nargs)) != -1) {
		if (opt != OPT_USER)
			return LJ_EXIT_USAGE;
		user = optarg;
	}
	if (nargs > 1)
		return cli_usage_error(cmd, "doctor looks at one jail at a time");

	struct lj_doctor d = {0};
	lj_doctor_host(&d);
	if (nargs == 1) {
		struct lj_error err = {0};
		struct lj_state s;
		if (lj_state_read(&cli->paths, args[0], &s, &err) < 0) {
			lj_error_set(&err, ESRCH, "jail '%s' is not running", args[0]);
			return cli_print_error(&err);
		}
		LJ_CLEANUP_CLOSE int pidfd = lj_state_open_init(&s);
		LJ_CLEANUP_CLOSE int root = pidfd >= 0 ? lj_jail_rootfd(&s, &err) : -1;
		LJ_CLEANUP_FREE char *found = root >= 0 && !user ? first_user(root) : NULL;
		struct lj_user u = {0};
		int rc = -ESRCH;
		if (pidfd < 0)
			lj_error_set(&err, ESRCH, "jail '%s' is not running", args[0]);
		else if (root >= 0)
			rc = lj_user_in_jail(root, s.name,
					     user    ? user
					     : found ? found
						     : "nobody",
					     &u, &err);
		if (rc < 0) {
			lj_state_release(&s);
			return cli_print_error(&err);
		}
		d.failed += inside(&s, pidfd, &u);
		lj_user_release(&u);
		lj_state_release(&s);
	}
	if (d.failed && cli->verbosity >= 0)
		printf("%u check%s failed\n", d.failed, d.failed == 1 ? "" : "s");
	return d.failed ? LJ_EXIT_FAILED : LJ_EXIT_OK;
}
