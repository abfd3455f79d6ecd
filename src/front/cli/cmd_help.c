/* SPDX-License-Identifier: BSD-2-Clause */
#include "front/cli/cli.h"

#include "config.h"

void cli_print_help(FILE *out, const struct cli_command *cmd)
{
	if (cmd) {
		fprintf(out, "usage: ljail %s\n\n%s.\nSee ljail(8).\n", cmd->usage, cmd->summary);
		return;
	}
	fputs("usage: ljail [-f FILE] [-R DIR] [--json] [-q] [-v] COMMAND [ARGS...]\n\n"
	      "Run Debian userlands as jails, configured in jail.conf(5) syntax.\n\n"
	      "Commands:\n",
	      out);
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(out, "  %-50s %s\n", c->usage, c->summary);
	fputs("\nGlobal options:\n"
	      "  -f FILE   read this configuration file instead of the default ones\n"
	      "  -R DIR    keep every file of ljail under DIR (also LJAIL_ROOT=DIR)\n"
	      "  --json    print data as JSON\n"
	      "  -q, -v    say less, say more\n\n"
	      "Exit status: 0 success, 1 an operation failed, 2 a usage or configuration "
	      "error.\nSee ljail(8) and ljail.conf(5).\n",
	      out);
}

int cli_cmd_help(struct cli *cli, int argc, char **argv)
{
	int opt = cli_getopt(cli, argc, argv, "", NULL);
	if (opt != -1)
		return LJ_EXIT_USAGE;
	if (optind < argc) {
		const struct cli_command *cmd = cli_find_command(argv[optind]);
		if (!cmd)
			return cli_usage_error(NULL, "unknown command '%s'", argv[optind]);
		cli_print_help(stdout, cmd);
		return LJ_EXIT_OK;
	}
	cli_print_help(stdout, NULL);
	return LJ_EXIT_OK;
}

int cli_cmd_version(struct cli *cli, int argc, char **argv)
{
	int opt = cli_getopt(cli, argc, argv, "", NULL);
	if (opt != -1)
		return LJ_EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error(cli_find_command("version"), "unexpected argument '%s'",
				       argv[optind]);
	if (cli->json)
		printf("{\"version\":\"%s\"}\n", LJAIL_VERSION);
	else
		printf("ljail %s\n", LJAIL_VERSION);
	return LJ_EXIT_OK;
}
