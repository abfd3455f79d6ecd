/* SPDX-License-Identifier: BSD-2-Clause */
/* ljail doctor [--user USER] [JAIL] */
#include "front/cli/cli.h"

#include <stdlib.h>

#include "runtime/running.h"

enum { OPT_USER = 0x500 };

static void print_check(void *ctx, const struct plat_check *check)
{
	(void)ctx;
	if (check->ok)
		printf("ok    %s\n", check->name);
	else
		printf("FAIL  %s: %s\n", check->name, check->detail);
	/* Checks inside the jail print from another process: keep the order. */
	fflush(stdout);
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

	unsigned failed = plat_doctor_host(cli->paths.data_dir, print_check, NULL);
	if (nargs == 1) {
		struct lj_error err = {0};
		struct rt_running r;
		if (rt_running_open(&cli->paths, args[0], &r, &err) < 0)
			return cli_print_error(&err);
		unsigned inside = 0;
		int rc = plat_doctor_jail(r.pj, user, print_check, NULL, &inside, &err);
		rt_running_close(&r);
		if (rc < 0)
			return cli_print_error(&err);
		failed += inside;
	}
	if (failed && cli->verbosity >= 0)
		printf("%u check%s failed\n", failed, failed == 1 ? "" : "s");
	return failed ? LJ_EXIT_FAILED : LJ_EXIT_OK;
}
