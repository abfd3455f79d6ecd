/* SPDX-License-Identifier: BSD-2-Clause */
/* ljail template create | list | update | destroy */
#include "front/cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/spawn.h"
#include "base/json.h"
#include "store/template.h"

enum {
	OPT_SUITE = 0x200,
	OPT_VARIANT,
	OPT_MIRROR,
	OPT_INCLUDE,
	OPT_BARE,
	OPT_ARCH,
	OPT_TARBALL,
	OPT_DIR,
	OPT_KEYRING,
	OPT_COMPONENTS,
};

/* On a terminal: one line, redrawn. */
static void draw_bar(void *ctx, const char *phase, int percent)
{
	(void)ctx;
	if (!phase) {
		fputc('\n', stderr);
		return;
	}
	int width = 30, filled = percent * width / 100;
	fprintf(stderr, "\r%-9s [%.*s%*s] %3d%%", phase, filled, "##############################",
		width - filled, "", percent);
	if (percent == 100)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Elsewhere (a log, CI): a line per step. */
static void draw_line(void *ctx, const char *phase, int percent)
{
	static const char *last;
	(void)ctx;
	if (phase && (!last || !lj_str_eq(last, phase)))
		fprintf(stderr, "%s %d%%\n", phase, percent);
	last = phase;
}

static int template_create(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"suite", required_argument, NULL, OPT_SUITE},
		{"variant", required_argument, NULL, OPT_VARIANT},
		{"mirror", required_argument, NULL, OPT_MIRROR},
		{"keyring", required_argument, NULL, OPT_KEYRING},
		{"components", required_argument, NULL, OPT_COMPONENTS},
		{"include", required_argument, NULL, OPT_INCLUDE},
		{"bare", no_argument, NULL, OPT_BARE},
		{"arch", required_argument, NULL, OPT_ARCH},
		{"from-tarball", required_argument, NULL, OPT_TARBALL},
		{"from-dir", required_argument, NULL, OPT_DIR},
		{NULL, 0, NULL, 0},
	};
	struct store_template_opts o = {0};
	int opt, nargs = 0;
	LJ_CLEANUP_FREE char **args = lj_xcalloc((size_t)argc + 1, sizeof(*args));
	while ((opt = cli_getopt_mixed(cli, argc, argv, "", longopts, args, &nargs)) != -1) {
		switch (opt) {
		case OPT_SUITE: o.suite = optarg; break;
		case OPT_VARIANT: o.variant = optarg; break;
		case OPT_MIRROR: o.mirror = optarg; break;
		case OPT_KEYRING: o.keyring = optarg; break;
		case OPT_COMPONENTS: o.components = optarg; break;
		case OPT_INCLUDE: o.include = optarg; break;
		case OPT_BARE: o.bare = true; break;
		case OPT_ARCH: o.arch = optarg; break;
		case OPT_TARBALL: o.tarball = optarg; break;
		case OPT_DIR: o.dir = optarg; break;
		default: return LJ_EXIT_USAGE;
		}
	}
	if (nargs != 1)
		return cli_usage_error(cmd, "template create takes one name");
	if (o.tarball && o.dir)
		return cli_usage_error(cmd,
				       "--from-tarball and --from-dir cannot be used together");
	if ((o.tarball || o.dir) && (o.suite || o.variant || o.mirror || o.include || o.arch ||
				     o.bare || o.keyring || o.components))
		return cli_usage_error(cmd,
				       "--from-tarball and --from-dir take no bootstrap options");
	if (cli->verbosity >= 0)
		o.progress = isatty(STDERR_FILENO) ? draw_bar : draw_line;
	struct lj_error err = {0};
	lj_interrupt_catch(); /* a signal ends the bootstrap, which cleans up, then ljail */
	if (store_template_create(&cli->paths, args[0], &o, &err) < 0)
		return cli_print_error(&err);
	if (cli->verbosity >= 0)
		printf("%s: template created\n", args[0]);
	return LJ_EXIT_OK;
}

static void human_size(char *buf, size_t n, uint64_t bytes)
{
	static const char units[] = "BKMGT";
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, n, u ? "%.1f%c" : "%.0f%c", v, units[u]);
}

static int template_list(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
	if (cli_getopt(cli, argc, argv, "", NULL) != -1)
		return LJ_EXIT_USAGE;
	if (optind != argc)
		return cli_usage_error(cmd, "template list takes no arguments");
	struct lj_error err = {0};
	struct store_template *t;
	size_t n;
	if (store_template_list(&cli->paths, &t, &n, &err) < 0)
		return cli_print_error(&err);
	if (cli->json) {
		fputs("{\"templates\":[", stdout);
		for (size_t i = 0; i < n; i++) {
			printf("%s{\"name\":", i ? "," : "");
			lj_json_string(stdout, t[i].name);
			fputs(",\"suite\":", stdout);
			lj_json_string(stdout, t[i].suite);
			printf(",\"version\":%ld,\"bytes\":%llu,\"jails\":%zu}", t[i].version,
			       (unsigned long long)t[i].bytes, t[i].njails);
		}
		fputs("]}\n", stdout);
	} else {
		printf("%-20s %-12s %8s %8s %5s\n", "NAME", "SUITE", "VERSION", "SIZE", "JAILS");
		for (size_t i = 0; i < n; i++) {
			char size[32];
			human_size(size, sizeof(size), t[i].bytes);
			printf("%-20s %-12s %8ld %8s %5zu\n", t[i].name, t[i].suite, t[i].version,
			       size, t[i].njails);
		}
	}
	for (size_t i = 0; i < n; i++)
		store_template_release(&t[i]);
	free(t);
	return LJ_EXIT_OK;
}

static int template_one(struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
			int (*fn)(const struct lj_paths *, const char *, struct lj_error *),
			const char *done)
{
	if (cli_getopt(cli, argc, argv, "", NULL) != -1)
		return LJ_EXIT_USAGE;
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "name one template");
	struct lj_error err = {0};
	lj_interrupt_catch();
	int rc = fn(&cli->paths, argv[optind], &err);
	if (rc < 0)
		return cli_print_error(&err);
	/* 1: nothing to do (an update that upgraded nothing). */
	if (cli->verbosity >= 0)
		printf("%s: template %s\n", argv[optind], rc == 1 ? "already up to date" : done);
	return LJ_EXIT_OK;
}

int cli_cmd_template(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("template");
	if (argc < 2)
		return cli_usage_error(cmd, "template needs a subcommand");
	const char *sub = argv[1];
	argc--;
	argv++;
	if (lj_str_eq(sub, "create"))
		return template_create(cli, cmd, argc, argv);
	if (lj_str_eq(sub, "list"))
		return template_list(cli, cmd, argc, argv);
	if (lj_str_eq(sub, "update"))
		return template_one(cli, cmd, argc, argv, store_template_update, "updated");
	if (lj_str_eq(sub, "destroy"))
		return template_one(cli, cmd, argc, argv, store_template_destroy, "destroyed");
	return cli_usage_error(cmd, "unknown template subcommand '%s'", sub);
}
