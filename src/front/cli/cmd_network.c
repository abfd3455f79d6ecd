/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail network list: the networks, their bridge, gateway, NAT and name server.
 * ljail network create NAME [--subnet NET/PREFIX] [--no-nat] [--no-dns]
 * ljail network destroy NAME: refused while a configured jail is on it.
 */
#include "front/cli/cli.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/json.h"
#include "store/network.h"

enum { OPT_SUBNET = 0x300, OPT_NO_NAT, OPT_NO_DNS };

static int list_networks(struct cli *cli)
{
	char **names;
	size_t n;
	struct lj_error err = {0};
	if (store_network_names(&cli->paths, &names, &n, &err) < 0)
		return cli_print_error(&err);
	int status = LJ_EXIT_OK;
	if (cli->json)
		fputs("[", stdout);
	else if (cli->verbosity >= 0)
		printf("%-14s %-15s %-18s %-4s %-4s %s\n", "NAME", "BRIDGE", "GATEWAY", "NAT",
		       "DNS", "UP");
	for (size_t i = 0; i < n; i++) {
		struct store_network net;
		if (store_network_load(&cli->paths, names[i], &net, &err) < 0) {
			status = cli_print_error(&err);
			free(names[i]);
			continue;
		}
		/* Up: its bridge exists, as while one of its jails runs. */
		bool up = if_nametoindex(net.bridge) != 0;
		if (cli->json) {
			printf("%s{\"name\": ", i ? ", " : "");
			lj_json_string(stdout, net.name);
			printf(", \"bridge\": ");
			lj_json_string(stdout, net.bridge);
			printf(", \"subnet\": ");
			lj_json_string(stdout, net.subnet);
			printf(", \"gateway\": ");
			lj_json_string(stdout, net.gateway);
			printf(", \"nat\": %s, \"dns\": %s, \"up\": %s}",
			       net.nat ? "true" : "false", net.dns ? "true" : "false",
			       up ? "true" : "false");
		} else {
			printf("%-14s %-15s %-18s %-4s %-4s %s\n", net.name, net.bridge,
			       net.gateway, net.nat ? "yes" : "no", net.dns ? "yes" : "no",
			       up ? "yes" : "no");
		}
		store_network_release(&net);
		free(names[i]);
	}
	free(names);
	if (cli->json)
		puts("]");
	return status;
}

int cli_cmd_network(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"subnet", required_argument, NULL, OPT_SUBNET},
		{"no-nat", no_argument, NULL, OPT_NO_NAT},
		{"no-dns", no_argument, NULL, OPT_NO_DNS},
		{NULL, 0, NULL, 0},
	};
	const struct cli_command *cmd = cli_find_command("network");
	struct store_network_opts o = {0};
	int opt, nargs = 0;
	LJ_CLEANUP_FREE char **args = lj_xcalloc((size_t)argc + 1, sizeof(*args));
	while ((opt = cli_getopt_mixed(cli, argc, argv, "", longopts, args, &nargs)) != -1) {
		switch (opt) {
		case OPT_SUBNET: o.subnet = optarg; break;
		case OPT_NO_NAT: o.no_nat = true; break;
		case OPT_NO_DNS: o.no_dns = true; break;
		default: return LJ_EXIT_USAGE;
		}
	}
	const char *verb = nargs ? args[0] : "list";
	bool options = o.subnet || o.no_nat || o.no_dns;
	struct lj_error err = {0};
	if (lj_str_eq(verb, "list") && nargs <= 1 && !options)
		return list_networks(cli);
	if (lj_str_eq(verb, "create") && nargs == 2) {
		if (store_network_create(&cli->paths, args[1], &o, &err) < 0)
			return cli_print_error(&err);
		struct store_network net;
		if (cli->verbosity >= 0 &&
		    store_network_load(&cli->paths, args[1], &net, &err) == 0) {
			printf("%s: made, bridge %s, gateway %s\n", net.name, net.bridge,
			       net.gateway);
			store_network_release(&net);
		}
		return LJ_EXIT_OK;
	}
	if (lj_str_eq(verb, "destroy") && nargs == 2 && !options) {
		if (store_network_destroy(&cli->paths, args[1], &err) < 0)
			return cli_print_error(&err);
		return LJ_EXIT_OK;
	}
	return cli_usage_error(cmd, "network list | network create NAME [--subnet NET/PREFIX] "
				    "[--no-nat] [--no-dns] | network destroy NAME");
}
