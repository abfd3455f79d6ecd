/* SPDX-License-Identifier: BSD-2-Clause */
#include "front/cli/cli.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf/files.h"
#include "base/proctitle.h"
#include "base/spawn.h"
#include "platform/platform.h"

const struct cli_command cli_commands[] = {
	{"start", cli_cmd_start, "start [-a [--boot]] [NAME...]",
	 "create and start jails, as jail -c (-a: every configured jail; --boot: those marked "
	 "boot)"},
	{"stop", cli_cmd_stop, "stop [-a] [NAME...]", "stop and remove jails, as jail -r"},
	{"restart", cli_cmd_restart, "restart [-a] [NAME...]", "stop jails and start them again"},
	{"list", cli_cmd_list, "list [-a | -v] [-n] [-j JAIL [PARAM...]]",
	 "list running jails, as jls (-v: all parameters; -a: every configured jail's state)"},
	{"exec", cli_cmd_exec, "exec [-l] [-u USER | -U USER] [-d DIR] JAIL [COMMAND [ARG...]]",
	 "run a command (or a shell) in a running jail, as jexec"},
	{"run", cli_cmd_run, "run [-U USER] NAME|PATH -- COMMAND [ARG...]",
	 "run one command in a jail made for it, then remove the jail"},
	{"template", cli_cmd_template,
	 "template create NAME [--suite S] [--variant V] [--mirror URL] [--keyring FILE] "
	 "[--components C,...] [--include P,...] [--bare] "
	 "[--arch A] [--from-tarball FILE | --from-dir DIR] | template list | "
	 "template update NAME | template destroy NAME",
	 "make, list, update and remove the Debian trees jails are cloned from"},
	{"create", cli_cmd_create,
	 "create NAME [--template T] [--thick] [--hostname H] "
	 "[[--network NET] [--ip4 ADDR[/PREFIX]] [--publish [IP:]HOSTPORT:JAILPORT[/udp]]... | "
	 "--ip4 inherit|disable | "
	 "--vnet --ip4 ADDR/PREFIX [--bridge BR] [--router ADDR] [--nat]] [--privileged] "
	 "[--rctl RULE]... [--user USER [--sudo]] [--start]",
	 "make a jail from a template and write its jail.conf.d file"},
	{"useradd", cli_cmd_useradd,
	 "useradd JAIL USER [--uid N] [--groups G,...] [--shell SH] [--sudo]",
	 "add a user inside a jail, with a proper home folder"},
	{"destroy", cli_cmd_destroy, "destroy [-f] NAME",
	 "remove a jail made by create: its folder and its jail.conf.d file"},
	{"clone", cli_cmd_clone, "clone SRC DST",
	 "a new jail with the files of one that is stopped, its own ids and address"},
	{"rename", cli_cmd_rename, "rename OLD NEW",
	 "a stopped jail under a new name: its folder, its file, its host name"},
	{"snapshot", cli_cmd_snapshot,
	 "snapshot JAIL [NAME] | snapshot -l JAIL | snapshot -d JAIL NAME",
	 "keep a stopped jail's files as they are now, list or remove what was kept"},
	{"rollback", cli_cmd_rollback, "rollback JAIL SNAPSHOT",
	 "a stopped jail's files back as a snapshot kept them"},
	{"export", cli_cmd_export, "export JAIL FILE",
	 "a stopped jail as a zstd tarball: its configuration and its tree as it sees it"},
	{"import", cli_cmd_import, "import FILE [NAME]",
	 "a tarball ljail export made as a new jail, with ids and an address of its own"},
	{"cp", cli_cmd_cp, "cp SRC DST",
	 "copy a file into a jail or out of one (JAIL:/PATH on one side)"},
	{"rctl", cli_cmd_rctl, "rctl [-u] JAIL | rctl -a JAIL RULE",
	 "a running jail's resource limits, what it uses (-u), or a rule added at once (-a)"},
	{"network", cli_cmd_network,
	 "network list | network create NAME [--subnet NET/PREFIX] [--no-nat] [--no-dns] | "
	 "network destroy NAME",
	 "the networks jails are on: a bridge, a subnet, NAT and a name server each"},
	{"doctor", cli_cmd_doctor, "doctor [--user USER] [JAIL]",
	 "check the host, and a running jail from inside as an ordinary user"},
	{"config", cli_cmd_config, "config check | config show [-e SEP] [NAME...]",
	 "check the configuration, or print jails' resolved parameters"},
	{"help", cli_cmd_help, "help [COMMAND]", "describe the commands, or one of them"},
	{"version", cli_cmd_version, "version", "print ljail's version"},
	{NULL, NULL, NULL, NULL},
};

enum { OPT_JSON = 0x100, OPT_HELP };

static const char global_shortopts[] = "f:R:qvh";

static const struct option global_longopts[] = {
	{"json", no_argument, NULL, OPT_JSON},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const struct cli_command *current_command;

const struct cli_command *cli_find_command(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (lj_str_eq(c->name, name))
			return c;
	return NULL;
}

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("ljail: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "usage: ljail %s\n", cmd->usage);
	else
		fputs("usage: ljail [-f FILE] [-R DIR] [--json] [-q] [-v] COMMAND [ARGS...]\n"
		      "       ljail help\n",
		      stderr);
	return LJ_EXIT_USAGE;
}

int cli_print_error(const struct lj_error *err)
{
	fprintf(stderr, "ljail: %s\n", err->msg);
	return err->usage ? LJ_EXIT_USAGE : LJ_EXIT_FAILED;
}

/* Handles a global option; false when opt is not one. */
static bool handle_global(struct cli *cli, int opt)
{
	switch (opt) {
	case 'f': cli->config_file = optarg; return true;
	case 'R': cli->root = optarg; return true;
	case 'q': cli->verbosity = -1; return true;
	case 'v': cli->verbosity = 1; return true;
	case OPT_JSON: cli->json = true; return true;
	default: return false;
	}
}

int cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	char opts[64];
	struct option all[32];
	size_t n = 0;

	/*
	 * A command's own letter wins over a global one (destroy -f is
	 * "force", not "-f FILE"); the global option stays usable before the
	 * command name.
	 */
	size_t len = 0;
	opts[len++] = '+';
	opts[len++] = ':';
	for (const char *g = global_shortopts; *g; g++) {
		if (*g == ':')
			continue;
		bool taken = strchr(shortopts, *g) != NULL;
		if (!taken)
			opts[len++] = *g;
		if (g[1] == ':' && !taken)
			opts[len++] = ':';
	}
	snprintf(opts + len, sizeof(opts) - len, "%s", shortopts);
	for (const struct option *o = longopts; o && o->name && n < 24; o++)
		all[n++] = *o;
	for (const struct option *o = global_longopts; o->name; o++)
		all[n++] = *o;
	all[n] = (struct option){0};

	for (;;) {
		int opt = getopt_long(argc, argv, opts, all, NULL);
		if (opt == 'h') {
			cli_print_help(stdout, current_command);
			exit(LJ_EXIT_OK);
		}
		if (opt == ':') {
			cli_usage_error(current_command, "option '%s' needs an argument",
					argv[optind - 1]);
			return '?';
		}
		if (opt == '?') {
			if (optopt)
				cli_usage_error(current_command, "unknown option '-%c'", optopt);
			else
				cli_usage_error(current_command, "unknown option '%s'",
						argv[optind - 1]);
			return '?';
		}
		if ((opt < 0x100 && strchr(shortopts, opt)) || !handle_global(cli, opt))
			return opt;
	}
}

int cli_getopt_mixed(struct cli *cli, int argc, char **argv, const char *shortopts,
		     const struct option *longopts, char **args, int *nargs)
{
	for (;;) {
		int opt = cli_getopt(cli, argc, argv, shortopts, longopts);
		if (opt != -1)
			return opt;
		if (optind >= argc)
			return -1;
		/* "--" ends the options; what follows is all arguments. */
		if (lj_str_eq(argv[optind - 1], "--") && optind > 1) {
			while (optind < argc)
				args[(*nargs)++] = argv[optind++];
			return -1;
		}
		args[(*nargs)++] = argv[optind++];
	}
}

int cli_load_config(struct cli *cli, struct conf *c, char *const *names, size_t nnames,
		    const struct conf_host *host)
{
	size_t skipped = 0;
	int rc = conf_load_checked(c, cli->config_file, cli->paths.conf_file, cli->paths.conf_dir,
				   names, nnames, host, &skipped);
	conf_diag_print(c, stderr);
	if (skipped)
		cli->config_left_out = true;
	return rc < 0 ? LJ_EXIT_USAGE : LJ_EXIT_OK;
}

int main(int argc, char **argv)
{
	lj_proctitle_init(argc, argv);
	struct cli cli = {.root = getenv("LJAIL_ROOT")};
	struct lj_error err = {0};
	int status;

	opterr = 0;
	int opt = cli_getopt(&cli, argc, argv, "", NULL);
	if (opt == '?')
		return LJ_EXIT_USAGE;
	if (opt != -1)
		return cli_usage_error(NULL, "unknown option '-%c'", opt);
	if (optind >= argc)
		return cli_usage_error(NULL, "no command given");

	const char *name = argv[optind];
	current_command = cli_find_command(name);
	if (!current_command)
		return cli_usage_error(NULL, "unknown command '%s' (see 'ljail help')", name);

	/*
	 * Every command that may put a process into a jail (hooks run inside
	 * on stop and destroy too) runs from a sealed copy of ljail; the
	 * others never come near a jail.
	 */
	static const char *const outside[] = {"list", "config", "help", "version"};
	bool enters = true;
	for (size_t i = 0; i < LJ_ARRAY_SIZE(outside); i++)
		enters &= !lj_str_eq(current_command->name, outside[i]);
	/*
	 * Jails are made with namespaces, mounts and the run folder, all
	 * root's: say so, rather than answer with what an ordinary user happens
	 * to see (an empty template list, a denied run folder).
	 */
	bool users_may = !enters && !lj_str_eq(current_command->name, "list");
	if (!users_may && geteuid() != 0) {
		fprintf(stderr, "ljail: %s must run as root (config, help and version need not)\n",
			current_command->name);
		return LJ_EXIT_FAILED;
	}
	if (enters && plat_run_sealed(argv, &err) < 0)
		return cli_print_error(&err);

	if (lj_paths_init(&cli.paths, cli.root, &err) < 0)
		return cli_print_error(&err);

	/* The command sees its own name as argv[0], and getopt starts afresh. */
	int cargc = argc - optind;
	char **cargv = argv + optind;
	optind = 0;
	status = current_command->run(&cli, cargc, cargv);

	lj_paths_release(&cli.paths);
	/* The jails of a broken file were not acted on: that is a configuration error. */
	if (cli.config_left_out && status < LJ_EXIT_USAGE)
		status = LJ_EXIT_USAGE;
	/* Interrupted work has cleaned up after itself: now end as the signal asked. */
	int sig = lj_interrupted();
	if (sig) {
		fflush(NULL);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "ljail: cannot write the output\n");
		if (status == LJ_EXIT_OK)
			status = LJ_EXIT_FAILED;
	}
	return status;
}
