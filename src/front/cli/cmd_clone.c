/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail clone SRC DST: a new jail with SRC's files, its own ids and address.
 * ljail rename OLD NEW: the jail, its folder and its file under a new name.
 * ljail export JAIL FILE: the jail as a zstd tarball.
 * ljail import FILE [NAME]: such a tarball as a new jail.
 */
#include "front/cli/cli.h"

#include "base/spawn.h"
#include "store/store.h"

/* The two names of clone and rename, or a usage error. */
static int two_names(struct cli *cli, const char *name, int argc, char **argv, char ***args)
{
	int opt, nargs = 0;
	*args = lj_xcalloc((size_t)argc + 1, sizeof(**args));
	while ((opt = cli_getopt_mixed(cli, argc, argv, "", NULL, *args, &nargs)) != -1)
		return LJ_EXIT_USAGE;
	if (nargs != 2 || cli->config_file)
		return cli_usage_error(cli_find_command(name), "%s takes two names%s", name,
				       cli->config_file ? ", and jail.conf.d rather than -f" : "");
	return LJ_EXIT_OK;
}

int cli_cmd_clone(struct cli *cli, int argc, char **argv)
{
	LJ_CLEANUP_FREE char **args = NULL;
	int status = two_names(cli, "clone", argc, argv, &args);
	if (status != LJ_EXIT_OK)
		return status;
	struct lj_error err = {0}, warning = {0};
	lj_interrupt_catch(); /* a signal ends the copy, which cleans up, then ljail */
	if (store_jail_clone(&cli->paths, args[0], args[1], &warning, &err) < 0)
		return cli_print_error(&err);
	if (warning.code)
		cli_print_error(&warning);
	if (cli->verbosity >= 0)
		printf("%s: cloned from %s\n", args[1], args[0]);
	return LJ_EXIT_OK;
}

int cli_cmd_rename(struct cli *cli, int argc, char **argv)
{
	LJ_CLEANUP_FREE char **args = NULL;
	int status = two_names(cli, "rename", argc, argv, &args);
	if (status != LJ_EXIT_OK)
		return status;
	struct lj_error err = {0}, warning = {0};
	if (store_jail_rename(&cli->paths, args[0], args[1], &warning, &err) < 0)
		return cli_print_error(&err);
	if (warning.code)
		cli_print_error(&warning);
	if (cli->verbosity >= 0)
		printf("%s: renamed %s\n", args[0], args[1]);
	return LJ_EXIT_OK;
}

int cli_cmd_export(struct cli *cli, int argc, char **argv)
{
	LJ_CLEANUP_FREE char **args = NULL;
	int status = two_names(cli, "export", argc, argv, &args);
	if (status != LJ_EXIT_OK)
		return status;
	struct lj_error err = {0};
	lj_interrupt_catch();
	if (store_jail_export(&cli->paths, args[0], args[1], &err) < 0)
		return cli_print_error(&err);
	if (cli->verbosity >= 0)
		printf("%s: exported to %s\n", args[0], args[1]);
	return LJ_EXIT_OK;
}

int cli_cmd_import(struct cli *cli, int argc, char **argv)
{
	int opt, nargs = 0;
	LJ_CLEANUP_FREE char **args = lj_xcalloc((size_t)argc + 1, sizeof(*args));
	while ((opt = cli_getopt_mixed(cli, argc, argv, "", NULL, args, &nargs)) != -1)
		return LJ_EXIT_USAGE;
	if (nargs < 1 || nargs > 2 || cli->config_file)
		return cli_usage_error(cli_find_command("import"), "import FILE [NAME]");
	struct lj_error err = {0}, warning = {0};
	LJ_CLEANUP_FREE char *made = NULL;
	lj_interrupt_catch();
	if (store_jail_import(&cli->paths, args[0], nargs == 2 ? args[1] : NULL, &made, &warning,
			      &err) < 0)
		return cli_print_error(&err);
	if (warning.code)
		cli_print_error(&warning);
	if (cli->verbosity >= 0)
		printf("%s: imported from %s\n", made, args[0]);
	return LJ_EXIT_OK;
}
