/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail rctl [-u] JAIL: a running jail's rctl rules, as rctl(8) prints them
 * with the jail as the subject, or with -u what it uses now, as rctl -u
 * does. --json gives the same as an object.
 * ljail rctl -a JAIL RULE: the rule in force at once, and kept in the
 * jail's own file when it has one (a jail made by create).
 */
#include "front/cli/cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/json.h"
#include "platform/platform.h"
#include "runtime/lifecycle.h"
#include "store/store.h"
#include "runtime/running.h"

static const struct lj_state_param *rules_of(const struct lj_state *s)
{
	for (size_t i = 0; i < s->nparams; i++)
		if (lj_str_eq(s->params[i].name, "rctl"))
			return &s->params[i];
	return NULL;
}

static void print_usage(const struct cli *cli, const char *name, const struct plat_usage *u)
{
	const struct {
		const char *resource;
		int64_t v;
	} rows[] = {{"memoryuse", u->memoryuse},
		    {"swapuse", u->swapuse},
		    {"maxproc", u->maxproc},
		    {"pcpu", u->pcpu}};
	if (cli->json)
		fputs("{", stdout);
	bool first = true;
	for (size_t i = 0; i < LJ_ARRAY_SIZE(rows); i++) {
		if (rows[i].v < 0)
			continue; /* the host does not count it */
		if (cli->json)
			printf("%s\"%s\": %" PRId64, first ? "" : ", ", rows[i].resource,
			       rows[i].v);
		else
			printf("%s=%" PRId64 "\n", rows[i].resource, rows[i].v);
		first = false;
	}
	if (cli->json)
		puts("}");
	(void)name;
}

static void print_rules(const struct cli *cli, const char *name, const struct lj_state_param *p)
{
	if (cli->json)
		fputs("[", stdout);
	for (size_t i = 0; p && i < p->nvalues; i++) {
		LJ_CLEANUP_FREE char *rule = lj_xasprintf("jail:%s:%s", name, p->values[i]);
		if (cli->json) {
			fputs(i ? ", " : "", stdout);
			lj_json_string(stdout, rule);
		} else {
			puts(rule);
		}
	}
	if (cli->json)
		puts("]");
}

static int add_rule(struct cli *cli, const char *name, const char *rule)
{
	struct lj_error err = {0};
	char **rules = NULL;
	size_t n = 0;
	if (lj_rctl_add(&cli->paths, name, rule, &rules, &n, &err) < 0)
		return cli_print_error(&err);
	int status = LJ_EXIT_OK;
	if (store_keep_list(&cli->paths, name, "rctl", rules, n, &err) < 0) {
		/* In force all the same; the message says it will not outlive the jail. */
		fprintf(stderr, "ljail: %s; the rule holds until the jail stops\n", err.msg);
		status = LJ_EXIT_FAILED;
	} else if (cli->verbosity >= 0) {
		printf("%s: %s\n", name, rule);
	}
	for (size_t i = 0; i < n; i++)
		free(rules[i]);
	free(rules);
	return status;
}

int cli_cmd_rctl(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("rctl");
	bool usage = false, add = false;
	int opt;
	while ((opt = cli_getopt(cli, argc, argv, "ua", NULL)) != -1) {
		if (opt == 'u')
			usage = true;
		else if (opt == 'a')
			add = true;
		else
			return LJ_EXIT_USAGE;
	}
	if (add && (usage || argc - optind != 2))
		return cli_usage_error(cmd, "-a takes a running jail and one rule");
	if (add)
		return add_rule(cli, argv[optind], argv[optind + 1]);
	if (argc - optind != 1)
		return cli_usage_error(cmd, "give one running jail");
	struct lj_error err = {0};
	struct rt_running r;
	if (rt_running_open(&cli->paths, argv[optind], &r, &err) < 0)
		return cli_print_error(&err);
	int status = LJ_EXIT_OK;
	if (usage) {
		struct plat_usage u;
		if (plat_usage(r.pj, &u, &err) < 0)
			status = cli_print_error(&err);
		else
			print_usage(cli, r.state.name, &u);
	} else {
		print_rules(cli, r.state.name, rules_of(&r.state));
	}
	rt_running_close(&r);
	return status;
}
