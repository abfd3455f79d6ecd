/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail list [-v] [-n] [-j NAME [PARAM...]]: the running jails, as jls(8)
 * shows them. The run state is the source, not the configuration: a jail is
 * listed as it was started.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "core/nat.h"
#include "core/state.h"

/* The running jails; stale states (the init is gone) are cleared when unlocked. */
static struct lj_state *running_jails(struct cli *cli, size_t *count, struct lj_error *err)
{
	char **names;
	size_t n, cap = 0;
	struct lj_state *out = NULL;
	*count = 0;
	if (lj_state_names(&cli->paths, &names, &n, err) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct lj_state s;
		struct lj_error ignored = {0};
		if (lj_state_read(&cli->paths, names[i], &s, &ignored) == 0) {
			int fd = lj_state_open_init(&s);
			if (fd >= 0 && s.phase == LJ_PHASE_RUNNING) {
				close(fd);
				*LJ_VEC_PUSH(out, *count, cap) = s;
			} else {
				if (fd >= 0)
					close(fd);
				int lock;
				/*
				 * Gone without `ljail stop` (no persist): tidy up, NAT
				 * rule included, if nobody is busy with it.
				 */
				if (fd < 0 &&
				    lj_state_lock(&cli->paths, names[i], &lock, &ignored) == 0) {
					lj_state_remove(&cli->paths, names[i], &ignored);
					lj_state_unlock(&cli->paths, names[i], lock, true);
					if (s.nat)
						lj_nat_sync(&cli->paths, &ignored);
				}
				lj_state_release(&s);
			}
		}
		free(names[i]);
	}
	free(names);
	return out;
}

/* A parameter's value as `config show` printed it at start, or NULL. */
static const char *param_value(const struct lj_state *s, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < s->nparams; i++)
		if (!strncmp(s->params[i], name, len) && s->params[i][len] == '=')
			return s->params[i] + len + 1;
	return NULL;
}

/* jls's names for what the run state holds itself. */
static const char *known_value(const struct lj_state *s, const char *name, char *buf, size_t n)
{
	if (lj_str_eq(name, "jid")) {
		snprintf(buf, n, "%ld", s->jid);
		return buf;
	}
	if (lj_str_eq(name, "pid")) {
		snprintf(buf, n, "%d", (int)s->pid);
		return buf;
	}
	if (lj_str_eq(name, "name"))
		return s->name;
	if (lj_str_eq(name, "path"))
		return s->path;
	if (lj_str_eq(name, "host.hostname"))
		return s->hostname;
	return param_value(s, name);
}

/* jls shows the first address alone: no interface, no prefix, no second address. */
static char *first_address(const struct lj_state *s)
{
	const char *v = param_value(s, "ip4.addr");
	if (!v)
		v = param_value(s, "ip6.addr");
	if (!v)
		return lj_xstrdup("");
	if (*v == '"')
		v++;
	const char *bar = strchr(v, '|');
	if (bar && bar < v + strcspn(v, ","))
		v = bar + 1;
	return lj_xstrndup(v, strcspn(v, "/,\""));
}

static void print_table(const struct lj_state *jails, size_t n)
{
	printf("   JID  IP Address      Hostname                      Path\n");
	for (size_t i = 0; i < n; i++) {
		LJ_CLEANUP_FREE char *ip = first_address(&jails[i]);
		printf("%6ld  %-15.15s %-29.29s %.74s\n", jails[i].jid, ip, jails[i].hostname,
		       jails[i].path);
	}
}

static void print_all(const struct lj_state *s)
{
	printf("jid=%ld name=%s path=%s host.hostname=%s pid=%d", s->jid, s->name, s->path,
	       s->hostname, (int)s->pid);
	for (size_t i = 0; i < s->nparams; i++) {
		const char *p = s->params[i];
		if (lj_str_starts(p, "name=") || lj_str_starts(p, "path=") ||
		    lj_str_starts(p, "host.hostname=") || lj_str_starts(p, "jid="))
			continue;
		printf(" %s", p);
	}
	putchar('\n');
}

static void print_json(const struct lj_state *jails, size_t n)
{
	fputs("{\"jails\":[", stdout);
	for (size_t i = 0; i < n; i++) {
		const struct lj_state *s = &jails[i];
		printf("%s{\"jid\":%ld,\"name\":", i ? "," : "", s->jid);
		lj_json_string(stdout, s->name);
		fputs(",\"hostname\":", stdout);
		lj_json_string(stdout, s->hostname);
		fputs(",\"path\":", stdout);
		lj_json_string(stdout, s->path);
		printf(",\"pid\":%d,\"persist\":%s,\"own_network\":%s,\"parameters\":{",
		       (int)s->pid, s->persist ? "true" : "false", s->own_net ? "true" : "false");
		for (size_t k = 0; k < s->nparams; k++) {
			const char *eq = strchr(s->params[k], '=');
			LJ_CLEANUP_FREE char *name =
				lj_xstrndup(s->params[k], eq ? (size_t)(eq - s->params[k])
							     : strlen(s->params[k]));
			printf("%s", k ? "," : "");
			lj_json_string(stdout, name);
			putchar(':');
			lj_json_string(stdout, eq ? eq + 1 : "true");
		}
		fputs("}}", stdout);
	}
	fputs("]}\n", stdout);
}

/* jls -j NAME PARAM...: the values, or name=value pairs with -n. */
static int print_chosen(const struct lj_state *s, char **params, int nparams, bool names)
{
	char buf[64];
	for (int i = 0; i < nparams; i++) {
		const char *v = known_value(s, params[i], buf, sizeof(buf));
		if (names)
			printf("%s%s=%s", i ? " " : "", params[i], v ? v : "");
		else
			printf("%s%s", i ? " " : "", v ? v : "");
	}
	putchar('\n');
	return LJ_EXIT_OK;
}

static void print_one(const struct lj_state *s, bool json, bool verbose)
{
	if (json)
		print_json(s, 1);
	else if (verbose)
		print_all(s);
	else
		print_table(s, 1);
}

int cli_cmd_list(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("list");
	const char *only = NULL;
	bool names = false;
	int opt;

	while ((opt = cli_getopt(cli, argc, argv, "j:n", NULL)) != -1) {
		switch (opt) {
		case 'j': only = optarg; break;
		case 'n': names = true; break;
		default: return LJ_EXIT_USAGE;
		}
	}
	if (!only && optind < argc)
		return cli_usage_error(cmd, "parameters can only be named with -j NAME");

	struct lj_error err = {0};
	size_t n;
	struct lj_state *jails = running_jails(cli, &n, &err);
	if (!jails && err.msg[0])
		return cli_print_error(&err);
	int status = LJ_EXIT_OK;
	bool verbose = cli->verbosity > 0;
	if (only) {
		const struct lj_state *found = NULL;
		for (size_t i = 0; i < n && !found; i++) {
			char num[32];
			snprintf(num, sizeof(num), "%ld", jails[i].jid);
			if (lj_str_eq(jails[i].name, only) || lj_str_eq(num, only))
				found = &jails[i];
		}
		if (!found) {
			fprintf(stderr, "ljail: jail '%s' is not running\n", only);
			status = LJ_EXIT_FAILED;
		} else if (optind < argc) {
			status = print_chosen(found, argv + optind, argc - optind, names);
		} else {
			print_one(found, cli->json, verbose || names);
		}
	} else if (cli->json) {
		print_json(jails, n);
	} else if (verbose || names) {
		for (size_t i = 0; i < n; i++)
			print_all(&jails[i]);
	} else {
		print_table(jails, n);
	}
	for (size_t i = 0; i < n; i++)
		lj_state_release(&jails[i]);
	free(jails);
	return status;
}
