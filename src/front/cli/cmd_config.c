/* SPDX-License-Identifier: BSD-2-Clause */
/* ljail config check | config show [-e SEP] [NAME...] */
#include "front/cli/cli.h"
#include "platform/platform.h"

#include <stdlib.h>

static int config_check(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("config");
	struct conf c;

	if (cli_getopt(cli, argc, argv, "", NULL) != -1)
		return LJ_EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error(cmd, "config check takes no arguments");
	conf_init(&c);
	/* Every file, each reported on its own. */
	int status = cli_load_config(cli, &c, NULL, 0, plat_conf_host());
	conf_release(&c);
	return status;
}

static int config_show(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("config");
	const char *sep = NULL;
	struct conf c;
	int opt;

	while ((opt = cli_getopt(cli, argc, argv, "e:", NULL)) != -1) {
		if (opt != 'e')
			return LJ_EXIT_USAGE;
		sep = optarg;
	}
	if (sep && cli->json)
		return cli_usage_error(cmd, "-e and --json cannot be used together");

	conf_init(&c);
	/* Like jail -e: shown as written, even what this host cannot do. */
	int status = cli_load_config(cli, &c, optind < argc ? argv + optind : NULL,
				     (size_t)(argc - optind), NULL);
	if (status != LJ_EXIT_OK)
		goto out;

	struct conf_jail **chosen = lj_xcalloc(c.njails ? c.njails : 1, sizeof(*chosen));
	size_t n = 0;
	if (optind == argc) {
		for (size_t i = 0; i < c.njails; i++)
			chosen[n++] = &c.jails[i];
	} else {
		for (int i = optind; i < argc && status == LJ_EXIT_OK; i++) {
			struct conf_jail *j = conf_find_jail(&c, argv[i]);
			if (!j) {
				fprintf(stderr, "ljail: jail '%s' is not in the configuration\n",
					argv[i]);
				status = LJ_EXIT_USAGE;
			} else if (n < c.njails) {
				chosen[n++] = j;
			}
		}
	}
	if (status == LJ_EXIT_OK) {
		for (size_t i = 0; i < n && !cli->json; i++) {
			if (sep) {
				conf_print_jail_line(stdout, chosen[i], sep);
			} else {
				if (i)
					putchar('\n');
				conf_print_jail_lines(stdout, chosen[i]);
			}
		}
		if (cli->json)
			conf_print_json(stdout, chosen, n);
	}
	free(chosen);
out:
	conf_release(&c);
	return status;
}

int cli_cmd_config(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("config");

	/* The subcommand comes first; options may follow it. */
	if (argc < 2)
		return cli_usage_error(cmd, "config needs a subcommand: check or show");
	const char *sub = argv[1];
	if (lj_str_eq(sub, "-h") || lj_str_eq(sub, "--help")) {
		cli_print_help(stdout, cmd);
		return LJ_EXIT_OK;
	}
	if (lj_str_eq(sub, "check"))
		return config_check(cli, argc - 1, argv + 1);
	if (lj_str_eq(sub, "show"))
		return config_show(cli, argc - 1, argv + 1);
	return cli_usage_error(cmd, "unknown config subcommand '%s'", sub);
}
