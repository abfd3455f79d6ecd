/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The command line: main() reads the global options and hands the rest to
 * one small function per command. Commands parse their options, call the
 * library, print, and return an exit status; only main() exits.
 */
#ifndef LJAIL_CLI_CLI_H
#define LJAIL_CLI_CLI_H

#include <getopt.h>

#include "conf/conf.h"
#include "base/error.h"
#include "base/paths.h"

struct cli {
	const char *config_file; /* -f FILE, or NULL for the default files */
	const char *root;        /* -R DIR or LJAIL_ROOT */
	bool json;
	int verbosity; /* -1 with -q, 1 with -v */
	struct lj_paths paths;
	bool config_left_out; /* a broken jail.conf.d file was left out: exit 2 at the end */
};

struct cli_command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage;   /* after "ljail " */
	const char *summary; /* one line for `ljail help` */
};

extern const struct cli_command cli_commands[];

/*
 * getopt_long over a command's own options plus the global ones, so that
 * `ljail config check -f FILE` works like `ljail -f FILE config check`.
 * Returns the option character, -1 at the end, or '?' after printing a
 * usage error. Global options are handled here and not returned.
 */
int cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
	       const struct option *longopts);
/*
 * cli_getopt for commands whose options may also follow their arguments
 * (`ljail create d2l --user admin`): arguments met on the way are collected
 * in args (room for argc entries), *nargs counts them.
 */
int cli_getopt_mixed(struct cli *cli, int argc, char **argv, const char *shortopts,
		     const struct option *longopts, char **args, int *nargs);
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...) LJ_PRINTF(2, 3);
int cli_print_error(const struct lj_error *err);
void cli_print_help(FILE *out, const struct cli_command *cmd);
const struct cli_command *cli_find_command(const char *name);

/*
 * Loads the configuration (-f FILE or the default files), resolves it and
 * checks it. Prints every diagnostic; returns 0 or LJ_EXIT_USAGE.
 */
int cli_load_config(struct cli *cli, struct conf *c, char *const *names, size_t nnames,
		    const struct conf_host *host);

int cli_cmd_help(struct cli *cli, int argc, char **argv);
int cli_cmd_version(struct cli *cli, int argc, char **argv);
int cli_cmd_config(struct cli *cli, int argc, char **argv);
int cli_cmd_start(struct cli *cli, int argc, char **argv);
int cli_cmd_stop(struct cli *cli, int argc, char **argv);
int cli_cmd_restart(struct cli *cli, int argc, char **argv);
int cli_cmd_list(struct cli *cli, int argc, char **argv);
int cli_cmd_exec(struct cli *cli, int argc, char **argv);
int cli_cmd_run(struct cli *cli, int argc, char **argv);
int cli_cmd_template(struct cli *cli, int argc, char **argv);
int cli_cmd_create(struct cli *cli, int argc, char **argv);
int cli_cmd_useradd(struct cli *cli, int argc, char **argv);
int cli_cmd_destroy(struct cli *cli, int argc, char **argv);
int cli_cmd_cp(struct cli *cli, int argc, char **argv);
int cli_cmd_rctl(struct cli *cli, int argc, char **argv);
int cli_cmd_network(struct cli *cli, int argc, char **argv);
int cli_cmd_clone(struct cli *cli, int argc, char **argv);
int cli_cmd_rename(struct cli *cli, int argc, char **argv);
int cli_cmd_snapshot(struct cli *cli, int argc, char **argv);
int cli_cmd_rollback(struct cli *cli, int argc, char **argv);
int cli_cmd_export(struct cli *cli, int argc, char **argv);
int cli_cmd_import(struct cli *cli, int argc, char **argv);
int cli_cmd_doctor(struct cli *cli, int argc, char **argv);

#endif
