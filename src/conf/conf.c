/* SPDX-License-Identifier: BSD-2-Clause */
#include "conf/conf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void conf_init(struct conf *c)
{
	*c = (struct conf){0};
}

void conf_value_release(struct conf_value *v)
{
	free(v->text);
	for (size_t i = 0; i < v->nrefs; i++)
		free(v->refs[i].name);
	free(v->refs);
	*v = (struct conf_value){0};
}

void conf_stmt_release(struct conf_stmt *s)
{
	free(s->name);
	for (size_t k = 0; k < s->nvalues; k++)
		conf_value_release(&s->values[k]);
	free(s->values);
	*s = (struct conf_stmt){0};
}

static void conf_block_release(struct conf_block *b)
{
	free(b->name);
	for (size_t i = 0; i < b->nstmts; i++)
		conf_stmt_release(&b->stmts[i]);
	free(b->stmts);
}

static void conf_jail_release(struct conf_jail *j)
{
	free(j->name);
	for (size_t i = 0; i < j->nparams; i++) {
		struct conf_param *p = &j->params[i];
		free(p->name);
		for (size_t k = 0; k < p->nvalues; k++)
			free(p->values[k]);
		free(p->values);
		free(p->value_pos);
	}
	free(j->params);
}

void conf_release(struct conf *c)
{
	for (size_t i = 0; i < c->nblocks; i++)
		conf_block_release(&c->blocks[i]);
	free(c->blocks);
	for (size_t i = 0; i < c->njails; i++)
		conf_jail_release(&c->jails[i]);
	free(c->jails);
	for (size_t i = 0; i < c->ndiags; i++)
		free(c->diags[i].msg);
	free(c->diags);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c->loaded);
	free(c->block_slots);
	*c = (struct conf){0};
}

const char *conf_intern_file(struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (lj_str_eq(c->files[i], name))
			return c->files[i];
	char **slot = LJ_VEC_PUSH(c->files, c->nfiles, c->capfiles);
	*slot = lj_xstrdup(name);
	return *slot;
}

void conf_diag_add(struct conf *c, struct conf_pos pos, const char *fmt, ...)
{
	va_list ap;
	if (c->gave_up)
		return;
	if (c->ndiags == CONF_DIAGS_MAX) {
		c->gave_up = true;
		c->stopped_at = pos;
		return;
	}
	struct conf_diag *d = LJ_VEC_PUSH(c->diags, c->ndiags, c->capdiags);
	d->pos = pos;
	va_start(ap, fmt);
	d->msg = lj_xvasprintf(fmt, ap);
	va_end(ap);
}

static const struct conf *sort_conf;

static size_t file_rank(const char *file)
{
	for (size_t i = 0; i < sort_conf->nfiles; i++)
		if (sort_conf->files[i] == file)
			return i;
	return (size_t)-1;
}

static int diag_order(const void *pa, const void *pb)
{
	const struct conf_diag *a = pa, *b = pb;
	size_t fa = file_rank(a->pos.file), fb = file_rank(b->pos.file);
	if (fa != fb)
		return fa < fb ? -1 : 1;
	if (a->pos.line != b->pos.line)
		return a->pos.line < b->pos.line ? -1 : 1;
	if (a->pos.col != b->pos.col)
		return a->pos.col < b->pos.col ? -1 : 1;
	return a < b ? -1 : a > b; /* keep the order of equal positions */
}

void conf_diag_sort(struct conf *c)
{
	if (c->ndiags < 2)
		return;
	/* qsort is not stable; the address tiebreak keeps it so in practice. */
	sort_conf = c;
	qsort(c->diags, c->ndiags, sizeof(c->diags[0]), diag_order);
	sort_conf = NULL;
}

void conf_diag_print(const struct conf *c, FILE *out)
{
	for (size_t i = 0; i < c->ndiags; i++) {
		const struct conf_diag *d = &c->diags[i];
		if (d->pos.line)
			fprintf(out, "%s:%u:%u: %s\n", d->pos.file, d->pos.line, d->pos.col,
				d->msg);
		else
			fprintf(out, "%s: %s\n", d->pos.file, d->msg);
	}
	if (c->gave_up)
		fprintf(out, "%s:%u:%u: too many errors; stopped after %d\n", c->stopped_at.file,
			c->stopped_at.line, c->stopped_at.col, CONF_DIAGS_MAX);
}

/* FNV-1a: short names, no adversary gains from collisions beyond a slow parse. */
static size_t name_hash(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

static void slot_put(size_t *slots, size_t nslots, const struct conf_block *blocks, size_t i)
{
	size_t at = name_hash(blocks[i].name) & (nslots - 1);
	while (slots[at])
		at = (at + 1) & (nslots - 1);
	slots[at] = i + 1;
}

void conf_block_index(struct conf *c, size_t i)
{
	/* Kept at most half full, so probes stay short; grown by doubling. */
	if ((c->nnamed + 1) * 2 > c->nslots) {
		size_t n = c->nslots ? c->nslots * 2 : 64;
		size_t *slots = lj_xcalloc(n, sizeof(*slots));
		/*
		 * In the order the blocks were read, so that of two blocks with
		 * one name the first is still found first.
		 */
		for (size_t k = 0; k < i; k++)
			if (!c->blocks[k].wildcard)
				slot_put(slots, n, c->blocks, k);
		free(c->block_slots);
		c->block_slots = slots;
		c->nslots = n;
	}
	slot_put(c->block_slots, c->nslots, c->blocks, i);
	c->nnamed++;
}

const struct conf_block *conf_block_named(const struct conf *c, const char *name)
{
	if (!c->nslots)
		return NULL;
	for (size_t at = name_hash(name) & (c->nslots - 1); c->block_slots[at];
	     at = (at + 1) & (c->nslots - 1)) {
		const struct conf_block *b = &c->blocks[c->block_slots[at] - 1];
		if (lj_str_eq(b->name, name))
			return b;
	}
	return NULL;
}

struct conf_jail *conf_find_jail(struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->njails; i++)
		if (lj_str_eq(c->jails[i].name, name))
			return &c->jails[i];
	return NULL;
}

const struct conf_param *conf_jail_param(const struct conf_jail *j, const char *name)
{
	for (size_t i = 0; i < j->nparams; i++)
		if (conf_names_equal(j->params[i].name, name))
			return &j->params[i];
	return NULL;
}

/*
 * jail(8): a "*" component makes a wildcard name; a non-final "*" matches one
 * component of a jail name, a final one matches one or more.
 */
bool conf_name_is_wildcard(const char *name)
{
	for (const char *w = strchr(name, '*'); w; w = strchr(w + 1, '*'))
		if ((w == name || w[-1] == '.') && (w[1] == '\0' || w[1] == '.'))
			return true;
	return false;
}

bool conf_wildcard_match(const char *jail, const char *pattern)
{
	const char *j = jail, *w = pattern, *jd, *wd;

	while ((jd = strchr(j, '.')) && (wd = strchr(w, '.'))) {
		if (strncmp(j, w, (size_t)(jd - j) + 1) != 0 && strncmp(w, "*.", 2) != 0)
			return false;
		j = jd + 1;
		w = wd + 1;
	}
	return lj_str_eq(j, w) || lj_str_eq(w, "*");
}

static bool names_equal_no(const char *a, const char *b)
{
	return (lj_str_starts(a, "no") && lj_str_eq(a + 2, b)) ||
	       (lj_str_starts(b, "no") && lj_str_eq(a, b + 2));
}

/* jail(8)'s rule: names are equal up to a "no" prefix on any one component. */
bool conf_names_equal(const char *a, const char *b)
{
	const char *dot;

	if (lj_str_eq(a, b) || names_equal_no(a, b))
		return true;
	while ((dot = strchr(a, '.')) && strncmp(a, b, (size_t)(dot - a) + 1) == 0) {
		b += dot - a + 1;
		a = dot + 1;
		if (names_equal_no(a, b))
			return true;
	}
	return false;
}

bool conf_parse_long(const char *s, long *out)
{
	return lj_parse_long(s, out);
}

/* jail(8)'s bool_param: valueless, "true" or a non-zero number, flipped by "no". */
bool conf_param_bool(const struct conf_param *p)
{
	bool value = true;
	if (p->nvalues) {
		const char *s = p->values[p->nvalues - 1];
		long n = 0;
		value = !strcasecmp(s, "true") || (conf_parse_long(s, &n) && n != 0);
	}
	return value != p->negated;
}
