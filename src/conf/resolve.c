/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From blocks to jails, with jail(8)'s rules, so that a jail has the same
 * parameters, in the same order, as `jail -e` shows on FreeBSD:
 *
 *  - a jail starts with its name (or, for a number, its jid);
 *  - it collects the statements of every wildcard block (and the global
 *    statements) that matches it, and its own, in the order of the blocks in
 *    the files: a later statement overrides an earlier one in place, or
 *    appends to it with +=;
 *  - then variables and parameter references are substituted, per jail. A
 *    parameter whose value still holds references when another one needs it
 *    is resolved first and moves before it; a reference back into the chain
 *    is a loop;
 *  - variables are dropped.
 */
#include "conf/conf.h"
#include "conf/params.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
	RP_VAR = 1 << 0,
	RP_IMMUTABLE = 1 << 1,
};

struct rparam {
	char *name;
	unsigned flags;
	struct conf_value *values;
	size_t nvalues, capvalues;
	struct conf_pos pos;
	unsigned gen;
	bool bad;
};

struct rjail {
	struct conf *c;
	const char *name;
	struct rparam **params;
	size_t nparams, capparams;
	bool failed;
};

static void copy_value(struct conf_value *dst, const struct conf_value *src)
{
	*dst = (struct conf_value){.text = lj_xstrdup(src->text), .pos = src->pos};
	for (size_t i = 0; i < src->nrefs; i++) {
		struct conf_varref *r = LJ_VEC_PUSH(dst->refs, dst->nrefs, dst->caprefs);
		*r = src->refs[i];
		r->name = lj_xstrdup(src->refs[i].name);
	}
}

static void release_values(struct rparam *p)
{
	for (size_t i = 0; i < p->nvalues; i++)
		conf_value_release(&p->values[i]);
	free(p->values);
	p->values = NULL;
	p->nvalues = p->capvalues = 0;
}

static void free_rparam(struct rparam *p)
{
	release_values(p);
	free(p->name);
	free(p);
}

static void jail_error(struct rjail *j, struct conf_pos pos, const char *fmt, ...) LJ_PRINTF(3, 4);
static void jail_error(struct rjail *j, struct conf_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	LJ_CLEANUP_FREE char *msg = lj_xvasprintf(fmt, ap);
	va_end(ap);
	conf_diag_add(j->c, pos, "jail '%s': %s", j->name, msg);
	j->failed = true;
}

/*
 * The parameters jail(8) itself knows by name. A variable may not take one
 * of these names; other parameters' names ($host, $ip4, $enforce_statfs)
 * are free for variables, as in jail(8).
 */
static bool jail8_knows(const char *name)
{
	static const char *const known[] = {
		"allow.dying",     "command",	       "depend",	   "exec.clean",
		"exec.consolelog", "exec.fib",	       "exec.jail_user",   "exec.poststart",
		"exec.poststop",   "exec.prepare",     "exec.prestart",	   "exec.prestop",
		"exec.release",	   "exec.created",     "exec.start",	   "exec.stop",
		"exec.system_jail_user", "exec.system_user", "exec.timeout", "interface",
		"ip_hostname",	   "mount",	       "mount.devfs",	   "mount.fdescfs",
		"mount.procfs",	   "mount.fstab",      "stop.timeout",	   "vnet.interface",
		"ip4.addr",	   "ip6.addr",	       "allow.chflags",	   "allow.mount",
		"allow.raw_sockets", "allow.set_hostname", "allow.socket_af", "allow.sysvipc",
		"devfs_ruleset",   "host.hostname",    "jid",		   "name",
		"path",		   "persist",	       "securelevel",	   "vnet",
	};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(known); i++)
		if (conf_names_equal(known[i], name))
			return true;
	return false;
}

static void add_param(struct rjail *j, const char *name, unsigned flags, bool append,
		      const struct conf_value *values, size_t nvalues, struct conf_pos pos)
{
	struct rparam *dp = NULL;

	for (size_t i = 0; i < j->nparams; i++) {
		if (conf_names_equal(j->params[i]->name, name)) {
			dp = j->params[i];
			break;
		}
	}
	if (dp) {
		if ((dp->flags ^ flags) & RP_VAR) {
			jail_error(j, pos,
				   "variable '$%s' cannot have the same name as a parameter", name);
			return;
		}
		if (dp->flags & RP_IMMUTABLE) {
			jail_error(j, pos,
				   "parameter '%s' comes from the jail's block name and cannot be "
				   "set again",
				   dp->name);
			return;
		}
		if (!lj_str_eq(dp->name, name)) {
			free(dp->name);
			dp->name = lj_xstrdup(name);
		}
		if (!append || nvalues == 0)
			release_values(dp);
	} else {
		if ((flags & RP_VAR) && jail8_knows(name)) {
			jail_error(j, pos,
				   "variable '$%s' cannot have the same name as a parameter", name);
			return;
		}
		dp = lj_xcalloc(1, sizeof(*dp));
		dp->name = lj_xstrdup(name);
		*LJ_VEC_PUSH(j->params, j->nparams, j->capparams) = dp;
	}
	dp->flags |= flags;
	dp->pos = pos;
	for (size_t i = 0; i < nvalues; i++)
		copy_value(LJ_VEC_PUSH(dp->values, dp->nvalues, dp->capvalues), &values[i]);
}

static void add_block_params(struct rjail *j, const struct conf_block *b)
{
	for (size_t i = 0; i < b->nstmts; i++) {
		const struct conf_stmt *s = &b->stmts[i];
		add_param(j, s->name, (s->flags & CONF_STMT_VAR) ? RP_VAR : 0,
			  s->flags & CONF_STMT_APPEND, s->values, s->nvalues, s->pos);
	}
}

static struct rparam *find_exact(const struct rjail *j, const char *name, size_t *index)
{
	for (size_t i = 0; i < j->nparams; i++) {
		if (lj_str_eq(j->params[i]->name, name)) {
			*index = i;
			return j->params[i];
		}
	}
	return NULL;
}

static bool has_refs(const struct rparam *p)
{
	for (size_t i = 0; i < p->nvalues; i++)
		if (p->values[i].nrefs)
			return true;
	return false;
}

static void drop_first_ref(struct conf_value *v)
{
	free(v->refs[0].name);
	memmove(&v->refs[0], &v->refs[1], (v->nrefs - 1) * sizeof(v->refs[0]));
	v->nrefs--;
}

static void mark_bad(struct rjail *j, unsigned gen)
{
	for (size_t i = 0; i < j->nparams; i++)
		if (j->params[i]->gen == gen)
			j->params[i]->bad = true;
}

/* Moves params[from] to index `to` (to < from), shifting the rest right. */
static void move_before(struct rjail *j, size_t from, size_t to)
{
	struct rparam *p = j->params[from];
	memmove(&j->params[to + 1], &j->params[to], (from - to) * sizeof(j->params[0]));
	j->params[to] = p;
}

/*
 * Substitutes the first reference of value vi of p with the value of the
 * parameter or variable it names. Returns false when p must wait for that
 * one, which now stands at index i and is the one to work on.
 */
static bool substitute_first(struct rjail *j, size_t *i, unsigned gen, size_t vi)
{
	struct rparam *p = j->params[*i];
	struct conf_value *s = &p->values[vi];
	struct conf_varref *v = &s->refs[0];
	size_t vpi;
	struct rparam *vp = find_exact(j, v->name, &vpi);

	if (!vp || vp->nvalues == 0) {
		jail_error(j, v->pos, "%s: variable '%s' is not defined", p->name, v->name);
		goto bad;
	}
	if (vp->bad)
		goto bad;
	if (vp->gen == gen) {
		jail_error(j, v->pos, "%s: variable loop through '%s'", p->name, v->name);
		goto bad;
	}
	if (has_refs(vp)) {
		vp->gen = gen;
		move_before(j, vpi, *i);
		return false;
	}
	if (vp->nvalues > 1 && (s->text[0] != '\0' || s->nrefs > 1)) {
		jail_error(j, v->pos,
			   "%s: '%s' has a list of values, which cannot be put inside "
			   "another string",
			   p->name, v->name);
		goto bad;
	}

	size_t at = v->offset, add = strlen(vp->values[0].text);
	struct lj_strbuf sb = {.buf = s->text, .len = strlen(s->text), .cap = strlen(s->text) + 1};
	lj_strbuf_insert(&sb, at, vp->values[0].text, add);
	s->text = sb.buf;
	for (size_t k = 1; k < s->nrefs; k++)
		s->refs[k].offset += add;
	drop_first_ref(s);

	/* A list substituted as a whole value becomes several values. */
	if (vp->nvalues > 1) {
		size_t extra = vp->nvalues - 1;
		for (size_t k = 0; k < extra; k++)
			LJ_VEC_PUSH(p->values, p->nvalues, p->capvalues);
		memmove(&p->values[vi + 1 + extra], &p->values[vi + 1],
			(p->nvalues - extra - vi - 1) * sizeof(p->values[0]));
		for (size_t k = 0; k < extra; k++)
			copy_value(&p->values[vi + 1 + k], &vp->values[k + 1]);
	}
	return true;

bad:
	mark_bad(j, gen);
	drop_first_ref(&p->values[vi]);
	return true;
}

static void resolve_variables(struct rjail *j)
{
	unsigned gen = 0;

	for (size_t i = 0; i < j->nparams; i++) {
		j->params[i]->gen = ++gen;
	again:
		for (size_t vi = 0; vi < j->params[i]->nvalues; vi++) {
			while (j->params[i]->values[vi].nrefs) {
				if (!substitute_first(j, &i, gen, vi))
					goto again; /* work on the one moved to i first */
			}
		}
	}
}

static void emit_jail(struct conf *c, struct rjail *rj, const struct conf_block *b)
{
	struct conf_jail *j = LJ_VEC_PUSH(c->jails, c->njails, c->capjails);
	j->name = lj_xstrdup(b->name);
	j->pos = b->pos;
	j->failed = rj->failed;
	for (size_t i = 0; i < rj->nparams; i++) {
		struct rparam *rp = rj->params[i];
		if (rp->flags & RP_VAR)
			continue;
		struct conf_param *p = LJ_VEC_PUSH(j->params, j->nparams, j->capparams);
		p->name = lj_xstrdup(rp->name);
		p->pos = rp->pos;
		p->nvalues = rp->nvalues;
		p->values = lj_xcalloc(rp->nvalues, sizeof(char *));
		p->value_pos = lj_xcalloc(rp->nvalues, sizeof(struct conf_pos));
		for (size_t k = 0; k < rp->nvalues; k++) {
			p->values[k] = lj_xstrdup(rp->values[k].text);
			p->value_pos[k] = rp->values[k].pos;
		}
	}
}

/*
 * jail(8) takes a block named by a non-zero integer (as strtol reads it, so
 * "-3" too) as the jail's jid, and gives the jail that name after its other
 * parameters.
 */
static bool name_is_jid(const char *name)
{
	long v;
	return conf_parse_long(name, &v) && v != 0;
}

static void resolve_jail(struct conf *c, const struct conf_block *b, const size_t *wild,
			 size_t nwild)
{
	struct rjail j = {.c = c, .name = b->name};
	struct conf_value self = {.text = b->name, .pos = b->pos};
	bool did_self = false;

	add_param(&j, name_is_jid(b->name) ? "jid" : "name", 0, false, &self, 1, b->pos);
	j.params[0]->flags |= RP_IMMUTABLE;

	for (size_t i = 0; i < nwild; i++) {
		const struct conf_block *w = &c->blocks[wild[i]];
		if (b->seq < w->seq && !did_self) {
			add_block_params(&j, b);
			did_self = true;
		}
		if (conf_wildcard_match(b->name, w->name))
			add_block_params(&j, w);
	}
	if (!did_self)
		add_block_params(&j, b);
	if (name_is_jid(b->name)) {
		size_t at;
		if (!find_exact(&j, "name", &at))
			add_param(&j, "name", 0, false, &self, 1, b->pos);
	}

	resolve_variables(&j);
	emit_jail(c, &j, b);
	for (size_t i = 0; i < j.nparams; i++)
		free_rparam(j.params[i]);
	free(j.params);
}

int conf_resolve(struct conf *c)
{
	size_t before = c->ndiags;

	/* The wildcard blocks once, not once per jail: 190,000 jails took minutes. */
	LJ_CLEANUP_FREE size_t *wild = lj_xcalloc(c->nblocks + 1, sizeof(*wild));
	size_t nwild = 0;
	for (size_t i = 0; i < c->nblocks; i++)
		if (c->blocks[i].wildcard)
			wild[nwild++] = i;
	for (size_t i = 0; i < c->nblocks; i++)
		if (!c->blocks[i].wildcard)
			resolve_jail(c, &c->blocks[i], wild, nwild);
	return c->ndiags > before ? -EINVAL : 0;
}
