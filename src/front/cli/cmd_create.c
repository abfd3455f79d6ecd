/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail create NAME [--template T] [--thick] [--hostname H]
 *              [[--network NET] [--ip4 ADDR[/PREFIX]] [--publish [IP:]HP:JP[/udp]]... |
 *               --ip4 inherit|disable | --vnet --ip4 ADDR/PREFIX [--bridge BR]
 *               [--router ADDR] [--nat]] [--privileged] [--rctl RULE]...
 *              [--user USER [--sudo]] [--start]
 */
#include "front/cli/cli.h"

#include <errno.h>

#include "base/spawn.h"
#include "model/jail.h"
#include "platform/platform.h"
#include "runtime/lifecycle.h"
#include "store/network.h"
#include "store/store.h"

enum {
	OPT_TEMPLATE = 0x300,
	OPT_THICK,
	OPT_HOSTNAME,
	OPT_IP4,
	OPT_USER,
	OPT_SUDO,
	OPT_START,
	OPT_VNET,
	OPT_BRIDGE,
	OPT_ROUTER,
	OPT_NAT,
	OPT_PRIVILEGED,
	OPT_RCTL,
	OPT_NETWORK,
	OPT_PUBLISH,
};

/* The new jail, from the configuration as it now stands. */
static int start_jail(struct cli *cli, const char *name)
{
	struct conf c;
	conf_init(&c);
	char *names[] = {(char *)name};
	int status = cli_load_config(cli, &c, names, 1, plat_conf_host());
	struct conf_jail *cj = status == LJ_EXIT_OK ? conf_find_jail(&c, name) : NULL;
	struct lj_jail j = {0};
	struct lj_error err = {0};
	if (status == LJ_EXIT_OK && !cj)
		status = cli_print_error(&(struct lj_error){
			.code = ENOENT, .msg = "the new jail is not in the configuration"});
	else if (cj && (store_jail_from_conf(&cli->paths, &j, cj, &err) < 0 ||
			lj_start(&cli->paths, &j, &err) < 0))
		status = cli_print_error(&err);
	else if (cj && cli->verbosity >= 0)
		printf("%s: created\n", name);
	lj_jail_release(&j);
	conf_release(&c);
	return status;
}

int cli_cmd_create(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"template", required_argument, NULL, OPT_TEMPLATE},
		{"thick", no_argument, NULL, OPT_THICK},
		{"hostname", required_argument, NULL, OPT_HOSTNAME},
		{"ip4", required_argument, NULL, OPT_IP4},
		{"user", required_argument, NULL, OPT_USER},
		{"sudo", no_argument, NULL, OPT_SUDO},
		{"start", no_argument, NULL, OPT_START},
		{"vnet", no_argument, NULL, OPT_VNET},
		{"bridge", required_argument, NULL, OPT_BRIDGE},
		{"router", required_argument, NULL, OPT_ROUTER},
		{"nat", no_argument, NULL, OPT_NAT},
		{"privileged", no_argument, NULL, OPT_PRIVILEGED},
		{"rctl", required_argument, NULL, OPT_RCTL},
		{"network", required_argument, NULL, OPT_NETWORK},
		{"publish", required_argument, NULL, OPT_PUBLISH},
		{NULL, 0, NULL, 0},
	};
	const struct cli_command *cmd = cli_find_command("create");
	struct store_create_opts o = {0};
	struct store_user_opts u = {0};
	const char *user = NULL;
	bool start = false;
	int opt, nargs = 0;
	LJ_CLEANUP_FREE char **args = lj_xcalloc((size_t)argc + 1, sizeof(*args));
	LJ_CLEANUP_FREE char **rules = lj_xcalloc((size_t)argc + 1, sizeof(*rules));
	LJ_CLEANUP_FREE char **publish = lj_xcalloc((size_t)argc + 1, sizeof(*publish));
	o.rctl = rules;
	o.publish = publish;
	while ((opt = cli_getopt_mixed(cli, argc, argv, "", longopts, args, &nargs)) != -1) {
		switch (opt) {
		case OPT_TEMPLATE: o.template = optarg; break;
		case OPT_THICK: o.thick = true; break;
		case OPT_HOSTNAME: o.hostname = optarg; break;
		case OPT_IP4: o.ip4 = optarg; break;
		case OPT_USER: user = optarg; break;
		case OPT_SUDO: u.sudo = true; break;
		case OPT_START: start = true; break;
		case OPT_VNET: o.vnet = true; break;
		case OPT_BRIDGE: o.bridge = optarg; break;
		case OPT_ROUTER: o.router = optarg; break;
		case OPT_NAT: o.nat = true; break;
		case OPT_PRIVILEGED: o.privileged = true; break;
		case OPT_RCTL: rules[o.nrctl++] = optarg; break;
		case OPT_NETWORK: o.network = optarg; break;
		case OPT_PUBLISH: publish[o.npublish++] = optarg; break;
		default: return LJ_EXIT_USAGE;
		}
	}
	if (nargs != 1)
		return cli_usage_error(cmd, "create takes one jail name");
	if (u.sudo && !user)
		return cli_usage_error(cmd, "--sudo goes with --user");
	if (cli->config_file)
		return cli_usage_error(cmd, "create writes jail.conf.d; it cannot use -f");
	const char *name = args[0];
	struct lj_error err = {0};
	lj_interrupt_catch(); /* a signal ends the copy, which cleans up, then ljail */
	if (store_jail_create(&cli->paths, name, &o, &err) < 0)
		return cli_print_error(&err);
	if (cli->verbosity >= 0)
		printf("%s: made in %s/%s\n", name, cli->paths.containers_dir, name);
	if (user && store_useradd(&cli->paths, NULL, name, user, &u, &err) < 0) {
		/* The jail stays (it is sound); say what is missing. */
		cli_print_error(&err);
		return LJ_EXIT_FAILED;
	}
	if (user && cli->verbosity >= 0)
		printf("%s: user %s added%s\n", name, user, u.sudo ? " with sudo" : "");
	return start ? start_jail(cli, name) : LJ_EXIT_OK;
}
