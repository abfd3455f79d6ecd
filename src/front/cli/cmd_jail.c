/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail start | stop | restart [-a] [NAME...]: jail -c, jail -r and jail -rc.
 * Each jail succeeds or fails on its own, as in jail(8); the exit status is 1
 * when any failed.
 */
#include "front/cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/jail.h"
#include "model/order.h"
#include "platform/platform.h"
#include "runtime/lifecycle.h"
#include "runtime/running.h"
#include "runtime/state.h"
#include "store/network.h"

enum action { START, STOP, RESTART };

static int act_on(struct cli *cli, enum action action, struct conf_jail *cj, const char *name)
{
	struct lj_error err = {0};
	struct lj_jail j = {0};
	int rc = 0;

	if (cj && (rc = store_jail_from_conf(&cli->paths, &j, cj, &err)) < 0)
		return cli_print_error(&err);
	int status = LJ_EXIT_OK;
	if (action == STOP || action == RESTART) {
		rc = lj_stop(&cli->paths, name, cj ? &j : NULL, &err);
		if (rc == 0 && cli->verbosity >= 0)
			printf("%s: removed\n", name);
		/*
		 * As jail -rc: a stop that failed after the jail was gone (its
		 * exec.poststop or exec.release) is reported, and the jail is
		 * started again all the same; the exit status keeps the failure.
		 */
		if (rc < 0 && action == RESTART && err.code == ESRCH) {
			/* Restarting a jail that is not running starts it, as systemctl does. */
			rc = 0;
			err = (struct lj_error){0};
		} else if (rc < 0 && action == RESTART) {
			status = cli_print_error(&err);
			struct lj_state s;
			struct lj_error ignored = {0};
			if (lj_state_read(&cli->paths, name, &s, &ignored) == -ENOENT)
				rc = 0;
			else
				lj_state_release(&s);
			err = (struct lj_error){0};
			if (rc < 0) {
				lj_jail_release(&j);
				return status;
			}
		}
	}
	if (rc == 0 && (action == START || action == RESTART)) {
		rc = lj_start(&cli->paths, &j, &err);
		if (rc == 0 && cli->verbosity >= 0)
			printf("%s: created\n", name);
	}
	lj_jail_release(&j);
	if (rc < 0)
		status = cli_print_error(&err);
	return status;
}

/* Running jails to stop with -a that the configuration no longer names. */
static void add_running(struct cli *cli, struct conf *c, char ***extra, size_t *nextra)
{
	char **names;
	size_t n, cap = 0;
	struct lj_error ignored = {0};
	if (lj_state_names(&cli->paths, &names, &n, &ignored) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!conf_find_jail(c, names[i]))
			*LJ_VEC_PUSH(*extra, *nextra, cap) = names[i];
		else
			free(names[i]);
	}
	free(names);
}

/* Each jail succeeds or fails on its own; a usage error (2) outweighs a failure (1). */
static int worse(int status, int one)
{
	return one > status ? one : status;
}

/* The name of a jail that order[i] depends on and that failed, or NULL. */
static const char *failed_dependency(struct conf_jail **order, const bool *failed, size_t i)
{
	const struct conf_param *dep = conf_jail_param(order[i], "depend");
	for (size_t d = 0; dep && d < dep->nvalues; d++)
		for (size_t k = 0; k < i; k++)
			if (failed[k] && lj_str_eq(order[k]->name, dep->values[d]))
				return order[k]->name;
	return NULL;
}

static bool named(char **names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (lj_str_eq(names[i], name))
			return true;
	return false;
}

static bool is_running(struct cli *cli, const char *name)
{
	struct rt_running r;
	struct lj_error ignored = {0};
	bool running = rt_probe(&cli->paths, name, &r, &ignored) == 0 && r.status == RT_RUNNING;
	rt_running_close(&r);
	return running;
}

static int run_action(struct cli *cli, enum action action, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command(argv[0]);
	static const struct option longopts[] = {
		{"boot", no_argument, NULL, 'B'},
		{NULL, 0, NULL, 0},
	};
	bool all = false, boot = false;
	int opt;

	while ((opt = cli_getopt(cli, argc, argv, "a", longopts)) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'B' && action == START)
			boot = true;
		else
			return opt == 'B' ? cli_usage_error(cmd, "--boot goes with start -a")
					  : LJ_EXIT_USAGE;
	}
	if (boot && !all)
		return cli_usage_error(cmd, "--boot goes with start -a");
	if (all == (optind < argc))
		return cli_usage_error(cmd, all ? "-a and jail names cannot be used together"
						: "name a jail, or use -a for all of them");
	for (int i = optind; i < argc; i++) {
		struct lj_error err = {0};
		if (conf_name_check("jail", argv[i], &err) < 0)
			return cli_print_error(&err);
	}

	struct conf c;
	conf_init(&c);
	/* Named jails: jail.conf and their own files; -a: every file. */
	int status = cli_load_config(cli, &c, all ? NULL : argv + optind,
				     all ? 0 : (size_t)(argc - optind), plat_conf_host());
	struct conf_jail **order = NULL;
	size_t n = 0;
	struct lj_error err = {0};
	char **extra = NULL;
	size_t nextra = 0;

	/* Stopping a running jail needs no configuration for it; starting does. */
	if (status == LJ_EXIT_OK && !all && action == STOP) {
		size_t cap = 0;
		for (int i = optind; i < argc; i++)
			if (!conf_find_jail(&c, argv[i]))
				*LJ_VEC_PUSH(extra, nextra, cap) = lj_xstrdup(argv[i]);
	}
	if (status == LJ_EXIT_OK) {
		char **names = argv + optind;
		size_t count = all ? 0 : (size_t)(argc - optind);
		/* Names with no configuration (only stoppable) are left out of the order. */
		char **known = lj_xcalloc(count + c.njails + 1, sizeof(*known));
		size_t nknown = 0;
		for (size_t i = 0; i < count; i++)
			if (conf_find_jail(&c, names[i]) || action != STOP)
				known[nknown++] = names[i];
		/* --boot: the jails marked boot, and (through the order) what they depend on. */
		for (size_t i = 0; boot && i < c.njails; i++) {
			const struct conf_param *b = conf_jail_param(&c.jails[i], "boot");
			if (b && conf_param_bool(b))
				known[nknown++] = c.jails[i].name;
		}
		bool every = all && !boot;
		if ((every || nknown) &&
		    lj_order_jails(&c, known, nknown, action != STOP, &order, &n, &err) < 0)
			status = cli_print_error(&err);
		free(known);
		if (all && action == STOP)
			add_running(cli, &c, &extra, &nextra);
	}
	if (status == LJ_EXIT_OK) {
		if (action == STOP) {
			/* Dependents go first: stop in the reverse of the start order. */
			for (size_t i = 0; i < nextra; i++)
				status = worse(status, act_on(cli, STOP, NULL, extra[i]));
			for (size_t i = n; i-- > 0;) {
				/* -a stops the jails that run, and leaves the others be. */
				if (all) {
					struct lj_state s;
					if (lj_state_read(&cli->paths, order[i]->name, &s, &err) <
					    0)
						continue;
					lj_state_release(&s);
				}
				status = worse(status,
					       act_on(cli, STOP, order[i], order[i]->name));
			}
		} else {
			bool *failed = lj_xcalloc(n + 1, sizeof(bool));
			for (size_t i = 0; i < n; i++) {
				const char *dep = failed_dependency(order, failed, i);
				if (dep) {
					fprintf(stderr,
						"ljail: jail '%s': not started: it depends on "
						"'%s', which failed\n",
						order[i]->name, dep);
					failed[i] = true;
					status = worse(status, LJ_EXIT_FAILED);
				} else if (action == START &&
					   !named(argv + optind, all ? 0 : argc - optind,
						  order[i]->name) &&
					   is_running(cli, order[i]->name)) {
					/*
					 * With -a, or as a dependency of a named jail, one
					 * that runs already is as wanted: -a succeeds when
					 * every jail runs at the end, as service jail start.
					 */
				} else {
					int one = act_on(cli, action, order[i], order[i]->name);
					failed[i] = one != LJ_EXIT_OK;
					status = worse(status, one);
				}
			}
			free(failed);
		}
	}
	for (size_t i = 0; i < nextra; i++)
		free(extra[i]);
	free(extra);
	free(order);
	conf_release(&c);
	return status;
}

int cli_cmd_start(struct cli *cli, int argc, char **argv)
{
	return run_action(cli, START, argc, argv);
}

int cli_cmd_stop(struct cli *cli, int argc, char **argv)
{
	return run_action(cli, STOP, argc, argv);
}

int cli_cmd_restart(struct cli *cli, int argc, char **argv)
{
	return run_action(cli, RESTART, argc, argv);
}
