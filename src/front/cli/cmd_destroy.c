/* SPDX-License-Identifier: BSD-2-Clause */
/* ljail destroy [-f] NAME */
#include "front/cli/cli.h"

#include "base/spawn.h"
#include "store/store.h"

int cli_cmd_destroy(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("destroy");
	bool force = false;
	int opt, nargs = 0;
	LJ_CLEANUP_FREE char **args = lj_xcalloc((size_t)argc + 1, sizeof(*args));
	while ((opt = cli_getopt_mixed(cli, argc, argv, "f", NULL, args, &nargs)) != -1) {
		if (opt != 'f')
			return LJ_EXIT_USAGE;
		force = true;
	}
	if (nargs != 1)
		return cli_usage_error(cmd, "name one jail");
	struct lj_error err = {0};
	lj_interrupt_catch();
	if (store_jail_destroy(&cli->paths, cli->config_file, args[0], force, &err) < 0)
		return cli_print_error(&err);
	if (cli->verbosity >= 0)
		printf("%s: destroyed\n", args[0]);
	return LJ_EXIT_OK;
}
