/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail snapshot JAIL [NAME] | snapshot -l JAIL | snapshot -d JAIL NAME
 * ljail rollback JAIL NAME
 */
#include "front/cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/json.h"
#include "base/spawn.h"
#include "store/store.h"

static int list_snapshots(struct cli *cli, const char *jail)
{
	char **names;
	size_t n;
	struct lj_error err = {0};
	if (store_snapshot_list(&cli->paths, jail, &names, &n, &err) < 0)
		return cli_print_error(&err);
	if (cli->json)
		fputs("[", stdout);
	for (size_t i = 0; i < n; i++) {
		if (cli->json) {
			fputs(i ? ", " : "", stdout);
			lj_json_string(stdout, names[i]);
		} else {
			puts(names[i]);
		}
		free(names[i]);
	}
	free(names);
	if (cli->json)
		puts("]");
	return LJ_EXIT_OK;
}

int cli_cmd_snapshot(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("snapshot");
	bool list = false, remove = false;
	int opt, nargs = 0;
	LJ_CLEANUP_FREE char **args = lj_xcalloc((size_t)argc + 1, sizeof(*args));
	while ((opt = cli_getopt_mixed(cli, argc, argv, "ld", NULL, args, &nargs)) != -1) {
		switch (opt) {
		case 'l': list = true; break;
		case 'd': remove = true; break;
		default: return LJ_EXIT_USAGE;
		}
	}
	struct lj_error err = {0};
	if (list && !remove && nargs == 1)
		return list_snapshots(cli, args[0]);
	if (remove && !list && nargs == 2) {
		if (store_snapshot_remove(&cli->paths, args[0], args[1], &err) < 0)
			return cli_print_error(&err);
		if (cli->verbosity >= 0)
			printf("%s: snapshot %s removed\n", args[0], args[1]);
		return LJ_EXIT_OK;
	}
	if (list || remove || nargs < 1 || nargs > 2)
		return cli_usage_error(cmd, "snapshot JAIL [NAME] | snapshot -l JAIL | snapshot -d "
					    "JAIL NAME");
	LJ_CLEANUP_FREE char *made = NULL;
	lj_interrupt_catch();
	if (store_snapshot_make(&cli->paths, args[0], nargs == 2 ? args[1] : NULL, &made, &err) < 0)
		return cli_print_error(&err);
	if (cli->verbosity >= 0)
		printf("%s: snapshot %s\n", args[0], made);
	return LJ_EXIT_OK;
}

int cli_cmd_rollback(struct cli *cli, int argc, char **argv)
{
	int opt, nargs = 0;
	LJ_CLEANUP_FREE char **args = lj_xcalloc((size_t)argc + 1, sizeof(*args));
	while ((opt = cli_getopt_mixed(cli, argc, argv, "", NULL, args, &nargs)) != -1)
		return LJ_EXIT_USAGE;
	if (nargs != 2)
		return cli_usage_error(cli_find_command("rollback"), "rollback JAIL SNAPSHOT");
	struct lj_error err = {0};
	lj_interrupt_catch();
	if (store_rollback(&cli->paths, args[0], args[1], &err) < 0)
		return cli_print_error(&err);
	if (cli->verbosity >= 0)
		printf("%s: rolled back to %s\n", args[0], args[1]);
	return LJ_EXIT_OK;
}
