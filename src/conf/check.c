/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Checking a resolved configuration against the parameter table: names,
 * then value types, then (for commands that act) whether this host can do
 * what is asked. Nothing is silently ignored: a parameter ljail cannot honour
 * is an error with its position, never a no-op.
 */
#include "conf/conf.h"
#include "conf/fstab.h"
#include "conf/rctl.h"
#include "conf/host.h"
#include "conf/params.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * A global statement applies to every jail; when its value is wrong the same
 * way in each, one message is enough. Drops the diagnostics from index
 * `from` on that repeat an earlier one.
 */
static const char *without_jail(const char *msg)
{
	const char *end = lj_str_starts(msg, "jail '") ? strstr(msg, "': ") : NULL;
	return end ? end + 3 : msg;
}

static void drop_repeats(struct conf *c, size_t from)
{
	size_t keep = from;
	for (size_t i = from; i < c->ndiags; i++) {
		struct conf_diag *d = &c->diags[i];
		bool repeat = false;
		for (size_t k = 0; k < from && !repeat; k++)
			repeat = c->diags[k].pos.file == d->pos.file &&
				 c->diags[k].pos.line == d->pos.line &&
				 c->diags[k].pos.col == d->pos.col &&
				 lj_str_eq(without_jail(c->diags[k].msg), without_jail(d->msg));
		if (repeat)
			free(d->msg);
		else
			c->diags[keep++] = *d;
	}
	c->ndiags = keep;
}

/* jail(8)'s booleans: true, false (any case) or a number. */
static bool is_bool_word(const char *s)
{
	return !strcasecmp(s, "true") || !strcasecmp(s, "false") || conf_parse_long(s, NULL);
}

static bool is_jailsys_word(const char *s)
{
	return lj_str_eq(s, "new") || lj_str_eq(s, "inherit") || lj_str_eq(s, "disable") ||
	       lj_str_eq(s, "0") || lj_str_eq(s, "1") || lj_str_eq(s, "2");
}

/* [IFACE|]ADDRESS[/PREFIX], as ip4.addr and ip6.addr take them. */
static const char *check_address(const char *value, int family)
{
	const char *addr = strchr(value, '|') ? strchr(value, '|') + 1 : value;
	LJ_CLEANUP_FREE char *copy = lj_xstrdup(addr);
	char *slash = strchr(copy, '/');
	unsigned char buf[sizeof(struct in6_addr)];
	int maxlen = family == AF_INET ? 32 : 128;

	if (addr != value && addr - value - 1 == 0)
		return "an empty interface name before '|'";
	if (slash) {
		*slash++ = '\0';
		long len;
		if (!conf_parse_long(slash, &len) || len < 0 || len > maxlen) {
			if (family != AF_INET || inet_pton(AF_INET, slash, buf) != 1)
				return family == AF_INET
					       ? "a prefix length from 0 to 32 or a netmask"
					       : "a prefix length from 0 to 128";
		}
	}
	if (inet_pton(family, copy, buf) != 1)
		return family == AF_INET ? "an IPv4 address" : "an IPv6 address";
	return NULL;
}

static void check_values(struct conf *c, const char *jail, const struct conf_param *p)
{
	const struct conf_param_def *d = p->def;
	const char *name = p->name;

	switch (d->type) {
	case CONF_T_BOOL:
		if (p->nvalues && !is_bool_word(p->values[p->nvalues - 1]))
			conf_diag_add(
				c, p->pos,
				"jail '%s': %s: '%s' is not a boolean (true, false or a number)",
				jail, name, p->values[p->nvalues - 1]);
		break;
	case CONF_T_INT:
		if (p->nvalues != 1)
			conf_diag_add(c, p->pos, "jail '%s': %s takes one integer, not %zu values",
				      jail, name, p->nvalues);
		else if (!conf_parse_long(p->values[0], NULL))
			conf_diag_add(c, p->pos, "jail '%s': %s: '%s' is not an integer", jail,
				      name, p->values[0]);
		break;
	case CONF_T_STRING:
		if (p->nvalues != 1)
			conf_diag_add(c, p->pos, "jail '%s': %s takes one value, not %zu", jail,
				      name, p->nvalues);
		break;
	case CONF_T_LIST: break;
	case CONF_T_JAILSYS:
		if (p->nvalues > 1)
			conf_diag_add(c, p->pos, "jail '%s': %s takes one value, not %zu", jail,
				      name, p->nvalues);
		else if (p->nvalues == 1 && !is_jailsys_word(p->values[0]))
			conf_diag_add(c, p->pos,
				      "jail '%s': %s: '%s' is not one of new, inherit or disable",
				      jail, name, p->values[0]);
		break;
	case CONF_T_IP4:
	case CONF_T_IP6:
		for (size_t i = 0; i < p->nvalues; i++) {
			const char *want = check_address(
				p->values[i], d->type == CONF_T_IP4 ? AF_INET : AF_INET6);
			if (want) {
				conf_diag_add(c, p->value_pos[i], "jail '%s': %s: '%s' is not %s",
					      jail, name, p->values[i], want);
				break;
			}
		}
		break;
	}
}

static bool value_allowed(const struct conf_host_param *d, const char *value)
{
	for (const char *const *o = d->only; *o; o++)
		if (lj_str_eq(*o, value))
			return true;
	return false;
}

/* Whether this host can do what the parameter asks. */
static void check_host(struct conf *c, const struct conf_host *host, const char *jail,
		       const struct conf_param *p)
{
	const struct conf_host_param *d = host->param(p->def->name);

	/* A parameter the host does not describe is one it cannot do. */
	if (!d || d->support == CONF_UNSUPPORTED) {
		/* A boolean that turns off what the host cannot do asks for nothing. */
		if (p->def->type == CONF_T_BOOL && !conf_param_bool(p))
			return;
		conf_diag_add(c, p->pos, "jail '%s': parameter '%s' is not supported on %s: %s",
			      jail, p->name, host->name, d ? d->note : "unknown to this host");
		return;
	}
	if (d->only) {
		for (size_t i = 0; i < p->nvalues; i++) {
			if (!value_allowed(d, p->values[i])) {
				conf_diag_add(c, p->pos,
					      "jail '%s': %s = %s is not possible on %s: %s",
					      jail, p->name, p->values[i], host->name,
					      d->note);
				return;
			}
		}
	}
}

/*
 * The mount lines: well formed, of a type a jail may have, and aimed inside
 * the jail's path. A target outside it would make ljail mount over a host
 * folder; the runtime resolves targets inside the root again, this is the
 * early, clear refusal.
 */
static void check_mount_lines(struct conf *c, const struct conf_host *host,
			      const struct conf_jail *j, const struct conf_param *p)
{
	const struct conf_param *path = conf_jail_param(j, "path");
	const char *root = path && path->nvalues == 1 ? path->values[0] : NULL;

	for (size_t i = 0; i < p->nvalues; i++) {
		struct conf_fstab_entry e;
		const char *why = NULL;
		int rc = conf_fstab_parse(p->values[i], &e, &why);
		if (rc < 0) {
			conf_diag_add(c, p->value_pos[i], "jail '%s': mount line '%s' %s", j->name,
				      p->values[i], why);
			continue;
		}
		if (rc == 0)
			continue;
		if (!conf_fstype_known(e.type) || !host->fstype(e.type))
			conf_diag_add(c, p->value_pos[i],
				      "jail '%s': mount line '%s': file system type '%s' cannot be "
				      "mounted in a jail on %s (see ljail.conf(5))",
				      j->name, p->values[i], e.type, host->name);
		else if (root && !conf_path_below(e.target, root))
			conf_diag_add(c, p->value_pos[i],
				      "jail '%s': mount line '%s': target '%s' is outside the "
				      "jail's path '%s'",
				      j->name, p->values[i], e.target, root);
		conf_fstab_entry_release(&e);
	}
}

/* rctl rules: rctl(8)'s own syntax, and what this host can enforce of them. */
static void check_rctl_rules(struct conf *c, const struct conf_host *host, const char *jail,
			     const struct conf_param *p)
{
	for (size_t i = 0; i < p->nvalues; i++) {
		struct conf_rctl_rule r;
		const char *why = NULL;
		if (conf_rctl_parse(p->values[i], &r, &why) < 0)
			conf_diag_add(c, p->value_pos[i], "jail '%s': rctl rule '%s' %s", jail,
				      p->values[i], why);
		else if (host && host->rctl && (why = host->rctl(r.resource, r.action, r.per)))
			conf_diag_add(c, p->value_pos[i],
				      "jail '%s': rctl rule '%s' is not possible on %s: %s", jail,
				      p->values[i], host->name, why);
	}
}

bool conf_name_usable(const char *n)
{
	size_t len = strlen(n);
	bool ok = len > 0 && len <= CONF_NAME_MAX &&
		  strspn(n, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == len;
	return ok && n[0] != '.' && n[0] != '-' && n[len - 1] != '.' && !strstr(n, "..");
}

#define NAME_RULE                                                                                  \
	"use up to 200 letters, digits, '_' and '-', with '.' between parts of a "             \
	"hierarchical name"

int conf_name_check(const char *kind, const char *name, struct lj_error *err)
{
	if (conf_name_usable(name))
		return 0;
	LJ_CLEANUP_FREE char *shown = lj_str_printable(name, 64);
	return lj_error_usage(err, "%s name '%s' is not usable: " NAME_RULE, kind, shown);
}

/* Jail names become file names and command arguments: keep them plain. */
static void check_jail_name(struct conf *c, const struct conf_jail *j)
{
	if (!conf_name_usable(j->name)) {
		LJ_CLEANUP_FREE char *shown = lj_str_printable(j->name, 64);
		conf_diag_add(c, j->pos, "jail name '%s' is not usable: " NAME_RULE, shown);
	}
}

/*
 * jail(8) reads a name given to two blocks as two jails (and fails to make
 * the second); here a name is the jail's state, lock and jail.conf.d file,
 * so the commands that act refuse it, while config show prints both.
 */
static void check_defined_once(struct conf *c, const struct conf_jail *j)
{
	const struct conf_block *first = conf_block_named(c, j->name);
	if (first && (first->pos.file != j->pos.file || first->pos.line != j->pos.line ||
		      first->pos.col != j->pos.col))
		conf_diag_add(c, j->pos, "jail '%s' is already defined at %s:%u:%u", j->name,
			      first->pos.file, first->pos.line, first->pos.col);
}

static void check_statement_names(struct conf *c)
{
	for (size_t b = 0; b < c->nblocks; b++) {
		const struct conf_block *blk = &c->blocks[b];
		for (size_t i = 0; i < blk->nstmts; i++) {
			const struct conf_stmt *s = &blk->stmts[i];
			if ((s->flags & CONF_STMT_VAR) || conf_param_find(s->name, NULL))
				continue;
			const char *hint = conf_param_suggest(s->name);
			if (hint)
				conf_diag_add(c, s->pos,
					      "unknown parameter '%s'; did you mean '%s'?", s->name,
					      hint);
			else
				conf_diag_add(c, s->pos, "unknown parameter '%s'", s->name);
		}
	}
}

int conf_check(struct conf *c, const struct conf_host *host)
{
	size_t before = c->ndiags;

	/*
	 * Without a host (config show), only the table's entries are looked up:
	 * show prints what jail(8) would print, even what no command could use
	 * (an empty ip4.addr, a %%PLACEHOLDER%%, fe80::1%lo0); the checks are
	 * config check's and those of the commands that act.
	 */
	if (!host) {
		for (size_t ji = 0; ji < c->njails; ji++)
			for (size_t i = 0; i < c->jails[ji].nparams; i++) {
				struct conf_param *p = &c->jails[ji].params[i];
				p->def = conf_param_find(p->name, &p->negated);
			}
		return 0;
	}
	check_statement_names(c);
	for (size_t ji = 0; ji < c->njails; ji++) {
		struct conf_jail *j = &c->jails[ji];
		check_jail_name(c, j);
		check_defined_once(c, j);
		for (size_t i = 0; i < j->nparams; i++) {
			struct conf_param *p = &j->params[i];
			p->def = conf_param_find(p->name, &p->negated);
			if (!p->def)
				continue; /* reported with its statement */
			size_t n = c->ndiags;
			check_values(c, j->name, p);
			if (c->ndiags == n)
				check_host(c, host, j->name, p);
			if (c->ndiags == n && lj_str_eq(p->def->name, "mount"))
				check_mount_lines(c, host, j, p);
			if (c->ndiags == n && lj_str_eq(p->def->name, "rctl"))
				check_rctl_rules(c, host, j->name, p);
			drop_repeats(c, n);
		}
	}
	return c->ndiags > before ? -EINVAL : 0;
}
