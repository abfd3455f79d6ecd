/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail list [-v] [-n] [-j NAME [PARAM...]]: the running jails, as jls(8)
 * shows them. The run state is the source, not the configuration: a jail is
 * listed as it was started.
 */
#include "front/cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "conf/conf.h"
#include "conf/files.h"
#include "conf/params.h"
#include "platform/platform.h"
#include "runtime/running.h"

static const struct lj_state_param *find_param(const struct lj_state *s, const char *name)
{
	for (size_t i = 0; i < s->nparams; i++)
		if (lj_str_eq(s->params[i].name, name))
			return &s->params[i];
	return NULL;
}

/* "name=value" as `ljail config show` prints a parameter (caller frees). */
static char *param_text(const struct lj_state_param *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return lj_xstrdup(p->name);
	struct conf_param cp = {.name = p->name, .values = p->values, .nvalues = p->nvalues};
	conf_print_param(f, &cp);
	fclose(f);
	return text;
}

/* A parameter's value as `config show` prints it, or NULL (caller frees). */
static char *param_value(const struct lj_state *s, const char *name)
{
	const struct lj_state_param *p = find_param(s, name);
	if (!p)
		return NULL;
	LJ_CLEANUP_FREE char *text = param_text(p);
	const char *eq = strchr(text, '=');
	return lj_xstrdup(eq ? eq + 1 : "");
}

/* jls's names for what the run state holds itself, else the parameter (caller frees). */
static char *known_value(const struct rt_running *r, const char *name)
{
	const struct lj_state *s = &r->state;
	struct lj_kvlist facts = {0};
	plat_describe(r->pj, &facts);
	const char *fact = lj_kv_get(&facts, name);
	char *v = fact ? lj_xstrdup(fact) : NULL;
	lj_kv_release(&facts);
	if (v)
		return v;
	if (lj_str_eq(name, "jid"))
		return lj_xasprintf("%ld", s->jid);
	if (lj_str_eq(name, "name"))
		return lj_xstrdup(s->name);
	if (lj_str_eq(name, "path"))
		return lj_xstrdup(s->path);
	if (lj_str_eq(name, "host.hostname"))
		return lj_xstrdup(s->hostname);
	return param_value(s, name);
}

/* jls shows the first address alone: no interface, no prefix, no second address. */
static char *first_address(const struct lj_state *s)
{
	const struct lj_state_param *p = find_param(s, "ip4.addr");
	if (!p || !p->nvalues)
		p = find_param(s, "ip6.addr");
	if (!p || !p->nvalues)
		return lj_xstrdup("");
	const char *v = p->values[0];
	const char *bar = strchr(v, '|');
	if (bar)
		v = bar + 1;
	return lj_xstrndup(v, strcspn(v, "/"));
}

static void print_table(const struct rt_running *jails, size_t n)
{
	printf("   JID  IP Address      Hostname                      Path\n");
	for (size_t i = 0; i < n; i++) {
		const struct lj_state *s = &jails[i].state;
		LJ_CLEANUP_FREE char *ip = first_address(s);
		printf("%6ld  %-15.15s %-29.29s %.74s\n", s->jid, ip, s->hostname, s->path);
	}
}

static void print_all(const struct rt_running *r)
{
	const struct lj_state *s = &r->state;
	struct lj_kvlist facts = {0};
	plat_describe(r->pj, &facts);
	printf("jid=%ld name=%s path=%s host.hostname=%s", s->jid, s->name, s->path, s->hostname);
	for (size_t i = 0; i < facts.n; i++)
		printf(" %s=%s", facts.items[i].key, facts.items[i].value);
	lj_kv_release(&facts);
	for (size_t i = 0; i < s->nparams; i++) {
		const char *name = s->params[i].name;
		if (lj_str_eq(name, "name") || lj_str_eq(name, "path") ||
		    lj_str_eq(name, "host.hostname") || lj_str_eq(name, "jid"))
			continue;
		LJ_CLEANUP_FREE char *text = param_text(&s->params[i]);
		printf(" %s", text);
	}
	putchar('\n');
}

/* "NAME":VALUE, the name without a "no" prefix when the table knows it. */
static void json_param(FILE *out, const struct lj_state_param *p)
{
	bool negated = false;
	const struct conf_param_def *d = conf_param_find(p->name, &negated);
	/* Typed as config show --json types it: one reading of the table. */
	struct conf_param cp = {.name = p->name, .values = p->values, .nvalues = p->nvalues,
				.def = d, .negated = negated || p->negated};
	lj_json_string(out, d ? d->name : p->name);
	fputc(':', out);
	conf_print_json_value(out, &cp);
}

static void print_json(const struct rt_running *jails, size_t n)
{
	fputs("{\"jails\":[", stdout);
	for (size_t i = 0; i < n; i++) {
		const struct lj_state *s = &jails[i].state;
		printf("%s{\"jid\":%ld,\"name\":", i ? "," : "", s->jid);
		lj_json_string(stdout, s->name);
		fputs(",\"hostname\":", stdout);
		lj_json_string(stdout, s->hostname);
		fputs(",\"path\":", stdout);
		lj_json_string(stdout, s->path);
		struct lj_kvlist facts = {0};
		plat_describe(jails[i].pj, &facts);
		for (size_t k = 0; k < facts.n; k++) {
			const char *v = facts.items[k].value;
			putchar(',');
			lj_json_string(stdout, facts.items[k].key);
			putchar(':');
			/* Numbers and truth values as JSON's own; the rest as strings. */
			if (lj_parse_long(v, NULL) || lj_str_eq(v, "true") || lj_str_eq(v, "false"))
				fputs(v, stdout);
			else
				lj_json_string(stdout, v);
		}
		lj_kv_release(&facts);
		printf(",\"persist\":%s,\"parameters\":{", s->persist ? "true" : "false");
		for (size_t k = 0; k < s->nparams; k++) {
			printf("%s", k ? "," : "");
			json_param(stdout, &s->params[k]);
		}
		fputs("}}", stdout);
	}
	fputs("]}\n", stdout);
}

/* A name jls would know: one of the table's, or one the platform describes. */
static bool param_known(const struct rt_running *r, const char *name)
{
	if (conf_param_find(name, NULL))
		return true;
	struct lj_kvlist facts = {0};
	plat_describe(r->pj, &facts);
	bool known = lj_kv_get(&facts, name) != NULL;
	lj_kv_release(&facts);
	return known;
}

/*
 * jls -j NAME PARAM...: the values, or name=value pairs with -n; with
 * --json an object. A name no jail has is an error, as in jls.
 */
static int print_chosen(const struct rt_running *r, char **params, int nparams, bool names,
			bool json)
{
	for (int i = 0; i < nparams; i++) {
		if (!param_known(r, params[i])) {
			LJ_CLEANUP_FREE char *shown = lj_str_printable(params[i], 64);
			fprintf(stderr, "ljail: unknown parameter '%s'\n", shown);
			return LJ_EXIT_USAGE;
		}
	}
	if (json)
		putchar('{');
	for (int i = 0; i < nparams; i++) {
		const struct lj_state_param *p = find_param(&r->state, params[i]);
		LJ_CLEANUP_FREE char *v = known_value(r, params[i]);
		if (json && p) {
			printf("%s", i ? "," : "");
			json_param(stdout, p);
		} else if (json) {
			printf("%s", i ? "," : "");
			lj_json_string(stdout, params[i]);
			putchar(':');
			if (v && lj_parse_long(v, NULL))
				fputs(v, stdout);
			else if (v)
				lj_json_string(stdout, v);
			else
				fputs("null", stdout);
		} else if (names) {
			printf("%s%s=%s", i ? " " : "", params[i], v ? v : "");
		} else {
			printf("%s%s", i ? " " : "", v ? v : "");
		}
	}
	puts(json ? "}" : "");
	return LJ_EXIT_OK;
}

/* jls orders jails by jid. */
static int by_jid(const void *a, const void *b)
{
	long ja = ((const struct rt_running *)a)->state.jid;
	long jb = ((const struct rt_running *)b)->state.jid;
	return (ja > jb) - (ja < jb);
}

static void print_one(const struct rt_running *r, bool json, bool verbose)
{
	if (json)
		print_json(r, 1);
	else if (verbose)
		print_all(r);
	else
		print_table(r, 1);
}

/* A configured or running jail and what state it is in, for list -a. */
struct known_jail {
	const char *name;
	const char *state; /* running, stopped or broken */
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct known_jail *)a)->name, ((const struct known_jail *)b)->name);
}

static bool have(const struct known_jail *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (lj_str_eq(v[i].name, name))
			return true;
	return false;
}

/*
 * list -a: every jail the configuration names and every running one, with
 * its state; a jail.conf.d file that does not hold makes its jail broken
 * (config check says why).
 */
static int list_all(struct cli *cli, const struct rt_running *jails, size_t n)
{
	struct conf c;
	conf_init(&c);
	size_t skipped = 0;
	int rc = conf_load_checked(&c, cli->config_file, cli->paths.conf_file,
				   cli->paths.conf_dir, NULL, 0, plat_conf_host(), &skipped);
	struct known_jail *v = lj_xcalloc(c.njails + n + c.ndiags + 1, sizeof(*v));
	size_t nv = 0;
	char **broken = lj_xcalloc(c.ndiags + 1, sizeof(*broken));
	size_t nbroken = 0;
	for (size_t i = 0; i < n; i++)
		v[nv++] = (struct known_jail){jails[i].state.name, "running"};
	/* A broken file is a broken jail of that file's name. */
	size_t dirlen = strlen(cli->paths.conf_dir);
	for (size_t i = 0; i < c.ndiags; i++) {
		const char *file = c.diags[i].pos.file;
		if (!file || strncmp(file, cli->paths.conf_dir, dirlen) || file[dirlen] != '/')
			continue;
		const char *base = file + dirlen + 1;
		size_t len = strlen(base);
		if (len <= 5 || !lj_str_eq(base + len - 5, ".conf"))
			continue;
		broken[nbroken] = lj_xstrndup(base, len - 5);
		if (!have(v, nv, broken[nbroken]))
			v[nv++] = (struct known_jail){broken[nbroken], "broken"};
		nbroken++;
	}
	for (size_t i = 0; rc == 0 && i < c.njails; i++)
		if (!have(v, nv, c.jails[i].name))
			v[nv++] = (struct known_jail){c.jails[i].name, "stopped"};
	if (nv > 1)
		qsort(v, nv, sizeof(*v), by_name);
	if (cli->json) {
		fputs("{\"jails\":[", stdout);
		for (size_t i = 0; i < nv; i++) {
			fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
			lj_json_string(stdout, v[i].name);
			printf(",\"state\":\"%s\"}", v[i].state);
		}
		fputs("]}\n", stdout);
	} else {
		printf("%-30s %s\n", "NAME", "STATE");
		for (size_t i = 0; i < nv; i++)
			printf("%-30s %s\n", v[i].name, v[i].state);
	}
	int status = rc < 0 && !nbroken ? LJ_EXIT_USAGE : LJ_EXIT_OK;
	if (rc < 0 && !nbroken)
		conf_diag_print(&c, stderr);
	for (size_t i = 0; i < nbroken; i++)
		free(broken[i]);
	free(broken);
	free(v);
	conf_release(&c);
	return status;
}

int cli_cmd_list(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command("list");
	const char *only = NULL;
	bool names = false, all = false;
	int opt;

	while ((opt = cli_getopt(cli, argc, argv, "aj:n", NULL)) != -1) {
		switch (opt) {
		case 'a': all = true; break;
		case 'j': only = optarg; break;
		case 'n': names = true; break;
		default: return LJ_EXIT_USAGE;
		}
	}
	if (!only && optind < argc)
		return cli_usage_error(cmd, "parameters can only be named with -j NAME");
	if (all && (only || names || cli->verbosity > 0))
		return cli_usage_error(cmd, "-a lists names and states only");

	struct lj_error err = {0};
	if (only && conf_name_check("jail", only, &err) < 0)
		return cli_print_error(&err);
	size_t n;
	struct rt_running *jails;
	if (rt_running_list(&cli->paths, &jails, &n, &err) < 0)
		return cli_print_error(&err);
	int status = LJ_EXIT_OK;
	bool verbose = cli->verbosity > 0;
	if (n > 1)
		qsort(jails, n, sizeof(*jails), by_jid);
	if (all) {
		status = list_all(cli, jails, n);
		rt_running_free(jails, n);
		return status;
	}
	if (only) {
		const struct rt_running *found = NULL;
		for (size_t i = 0; i < n && !found; i++) {
			char num[32];
			snprintf(num, sizeof(num), "%ld", jails[i].state.jid);
			if (lj_str_eq(jails[i].state.name, only) || lj_str_eq(num, only))
				found = &jails[i];
		}
		if (!found) {
			fprintf(stderr, "ljail: jail '%s' is not running\n", only);
			status = LJ_EXIT_FAILED;
		} else if (optind < argc) {
			status = print_chosen(found, argv + optind, argc - optind, names, cli->json);
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
	rt_running_free(jails, n);
	return status;
}
