/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail run [-U USER] NAME|PATH -- COMMAND [ARG...]: a jail for one command.
 * NAME is a configured jail; a PATH (anything with a '/') gets a jail with
 * default parameters on that tree. The jail is removed when the command ends,
 * and the exit status is the command's.
 */
#include "front/cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model/jail.h"
#include "platform/platform.h"
#include "runtime/lifecycle.h"
#include "store/network.h"

int cli_cmd_run(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("run");
	const char *user = NULL;
	int opt;

	while ((opt = cli_getopt(cli, argc, argv, "U:", NULL)) != -1) {
		if (opt != 'U')
			return LJ_EXIT_USAGE;
		user = optarg;
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "name a jail or a path");
	const char *target = argv[optind++];
	if (optind < argc && lj_str_eq(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		return cli_usage_error(cmd, "give the command to run after --");

	struct lj_jail j;
	struct lj_error err = {0};
	struct conf c;
	conf_init(&c);
	int status = LJ_EXIT_OK;
	if (strchr(target, '/')) {
		char name[32];
		snprintf(name, sizeof(name), "run-%d", (int)getpid());
		lj_jail_default(&j, name, target);
	} else {
		char *names[] = {(char *)target};
		status = cli_load_config(cli, &c, names, 1, plat_conf_host());
		struct conf_jail *cj = status == LJ_EXIT_OK ? conf_find_jail(&c, target) : NULL;
		if (status == LJ_EXIT_OK && !cj) {
			fprintf(stderr, "ljail: jail '%s' is not in the configuration\n", target);
			status = LJ_EXIT_USAGE;
		}
		if (status == LJ_EXIT_OK && store_jail_from_conf(&cli->paths, &j, cj, &err) < 0) {
			status = cli_print_error(&err);
			lj_jail_release(&j);
		}
	}
	if (status == LJ_EXIT_OK) {
		int cmd_status = 0;
		if (lj_run(&cli->paths, &j, user, argv + optind, &cmd_status, &err) < 0)
			status = cli_print_error(&err);
		else
			status = cmd_status;
		lj_jail_release(&j);
	}
	conf_release(&c);
	return status;
}
