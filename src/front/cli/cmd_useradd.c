/* SPDX-License-Identifier: BSD-2-Clause */
/* ljail useradd NAME USER [--uid N] [--groups G,...] [--shell SH] [--sudo] */
#include "front/cli/cli.h"

#include "store/store.h"

enum { OPT_UID = 0x400, OPT_GROUPS, OPT_SHELL, OPT_SUDO };

int cli_cmd_useradd(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"uid", required_argument, NULL, OPT_UID},
		{"groups", required_argument, NULL, OPT_GROUPS},
		{"shell", required_argument, NULL, OPT_SHELL},
		{"sudo", no_argument, NULL, OPT_SUDO},
		{NULL, 0, NULL, 0},
	};
	const struct cli_command *cmd = cli_find_command("useradd");
	struct store_user_opts o = {0};
	int opt, nargs = 0;
	LJ_CLEANUP_FREE char **args = lj_xcalloc((size_t)argc + 1, sizeof(*args));
	while ((opt = cli_getopt_mixed(cli, argc, argv, "", longopts, args, &nargs)) != -1) {
		switch (opt) {
		case OPT_UID: o.uid = optarg; break;
		case OPT_GROUPS: o.groups = optarg; break;
		case OPT_SHELL: o.shell = optarg; break;
		case OPT_SUDO: o.sudo = true; break;
		default: return LJ_EXIT_USAGE;
		}
	}
	if (nargs != 2)
		return cli_usage_error(cmd, "name the jail and the user");
	struct lj_error err = {0};
	if (store_useradd(&cli->paths, cli->config_file, args[0], args[1], &o, &err) < 0)
		return cli_print_error(&err);
	if (cli->verbosity >= 0)
		printf("%s: user %s added\n", args[0], args[1]);
	return LJ_EXIT_OK;
}
