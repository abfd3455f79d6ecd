/* SPDX-License-Identifier: BSD-2-Clause */
/* ljail cp SRC DST: one file between the host and a jail; JAIL:/PATH names the jail's side. */
#include "front/cli/cli.h"

#include <string.h>

#include "conf/conf.h"
#include "store/store.h"

/* JAIL:/PATH: a usable jail name, a colon, an absolute path. */
static bool jail_side(const char *arg, char **jail, const char **path)
{
	const char *colon = strchr(arg, ':');
	if (!colon || colon[1] != '/')
		return false;
	LJ_CLEANUP_FREE char *name = lj_xstrndup(arg, (size_t)(colon - arg));
	if (!conf_name_usable(name))
		return false;
	*jail = lj_steal_ptr(&name);
	*path = colon + 1;
	return true;
}

int cli_cmd_cp(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("cp");
	if (cli_getopt(cli, argc, argv, "", NULL) != -1)
		return LJ_EXIT_USAGE;
	if (argc - optind != 2)
		return cli_usage_error(cmd, "give a source and a destination");
	const char *src = argv[optind], *dst = argv[optind + 1];
	LJ_CLEANUP_FREE char *from_jail = NULL;
	LJ_CLEANUP_FREE char *to_jail = NULL;
	const char *from_path = NULL, *to_path = NULL;
	bool in = jail_side(dst, &to_jail, &to_path);
	bool out = jail_side(src, &from_jail, &from_path);
	if (in == out)
		return cli_usage_error(cmd, "one side, and only one, is JAIL:/PATH");
	struct lj_error err = {0};
	int rc = in ? store_cp(&cli->paths, cli->config_file, to_jail, to_path, src, true, &err)
		    : store_cp(&cli->paths, cli->config_file, from_jail, from_path, dst, false,
			       &err);
	return rc < 0 ? cli_print_error(&err) : LJ_EXIT_OK;
}
