/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The default configuration: jail.conf, and jail.conf.d/NAME.conf, a file of
 * its own for each jail, as FreeBSD's rc.d/jail gives a named jail its own
 * file. A command on named jails reads jail.conf and those jails' own files
 * (and the files of the jails they depend on); a command over every jail
 * reads every file, and a broken one costs only its own jails.
 */
#include "conf/files.h"

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

/* The names a file of its own may be looked up by: usable ones only. */
static bool wanted_has(char **wanted, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (lj_str_eq(wanted[i], name))
			return true;
	return false;
}

/*
 * Adds to wanted the literal `depend` values of the blocks that apply to a
 * wanted jail (its own, and wildcard or global ones that match it).
 */
static void add_depends(const struct conf *c, char ***wanted, size_t *n, size_t *cap)
{
	for (size_t b = 0; b < c->nblocks; b++) {
		const struct conf_block *blk = &c->blocks[b];
		bool applies = false;
		for (size_t w = 0; w < *n && !applies; w++)
			applies = blk->wildcard ? conf_wildcard_match((*wanted)[w], blk->name)
						: lj_str_eq(blk->name, (*wanted)[w]);
		for (size_t s = 0; applies && s < blk->nstmts; s++) {
			const struct conf_stmt *st = &blk->stmts[s];
			if (!lj_str_eq(st->name, "depend"))
				continue;
			for (size_t v = 0; v < st->nvalues; v++) {
				const char *dep = st->values[v].text;
				if (!st->values[v].nrefs && conf_name_usable(dep) &&
				    !wanted_has(*wanted, *n, dep))
					*LJ_VEC_PUSH(*wanted, *n, *cap) = lj_xstrdup(dep);
			}
		}
	}
}

static int load_named(struct conf *c, const char *conf_file, const char *conf_dir,
		      char *const *names, size_t nnames)
{
	int rc = conf_load_file_if_present(c, conf_file);
	char **wanted = NULL;
	size_t n = 0, cap = 0, tried = 0;
	for (size_t i = 0; i < nnames; i++)
		if (conf_name_usable(names[i]) && !wanted_has(wanted, n, names[i]))
			*LJ_VEC_PUSH(wanted, n, cap) = lj_xstrdup(names[i]);
	/* Each wanted jail's own file, then those of the jails it depends on. */
	while (tried < n) {
		for (; tried < n; tried++) {
			LJ_CLEANUP_FREE char *file =
				lj_xasprintf("%s/%s.conf", conf_dir, wanted[tried]);
			if (conf_file_loaded(c, file))
				continue;
			int r = conf_load_file_if_present(c, file);
			if (r < 0 && rc == 0)
				rc = r;
		}
		add_depends(c, &wanted, &n, &cap);
	}
	for (size_t i = 0; i < n; i++)
		free(wanted[i]);
	free(wanted);
	return rc;
}

/* Copies other's diagnostics into c, their file names interned in c. */
static void take_diags(struct conf *c, const struct conf *other)
{
	for (size_t i = 0; i < other->ndiags; i++) {
		struct conf_pos pos = other->diags[i].pos;
		pos.file = pos.file ? conf_intern_file(c, pos.file) : NULL;
		conf_diag_add(c, pos, "%s", other->diags[i].msg);
	}
}

/* jail.conf with file alone: does file's share of the configuration hold? */
static bool file_holds(struct conf *c, const char *conf_file, const char *file,
		       const struct conf_host *host)
{
	struct conf trial;
	conf_init(&trial);
	int rc = conf_load_file_if_present(&trial, conf_file);
	if (rc == 0)
		rc = conf_load_file_if_present(&trial, file);
	if (rc == 0)
		rc = conf_resolve(&trial);
	if (rc == 0)
		rc = conf_check(&trial, host);
	bool holds = rc == 0 && trial.ndiags == 0;
	if (!holds)
		take_diags(c, &trial);
	conf_release(&trial);
	return holds;
}

static int load_every(struct conf *c, const char *conf_file, const char *conf_dir,
		      const struct conf_host *host, size_t *skipped)
{
	/* jail.conf is every jail's: when it is broken, nothing is read further. */
	int rc = conf_load_file_if_present(c, conf_file);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *pattern = lj_xasprintf("%s/*.conf", conf_dir);
	glob_t g = {0};
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			if (conf_file_loaded(c, g.gl_pathv[i]))
				continue;
			/* A file that fails with jail.conf alone is left out, with its errors. */
			if (!file_holds(c, conf_file, g.gl_pathv[i], host)) {
				(*skipped)++;
				continue;
			}
			int r = conf_load_file_if_present(c, g.gl_pathv[i]);
			if (r < 0 && rc == 0)
				rc = r;
		}
	}
	globfree(&g);
	return rc;
}

int conf_load_checked(struct conf *c, const char *file, const char *conf_file,
		      const char *conf_dir, char *const *names, size_t nnames,
		      const struct conf_host *host, size_t *skipped)
{
	size_t left_out = 0;
	int rc;
	if (file)
		rc = conf_load_file(c, file);
	else if (names)
		rc = load_named(c, conf_file, conf_dir, names, nnames);
	else
		rc = load_every(c, conf_file, conf_dir, host, &left_out);
	size_t before = c->ndiags;
	/* Resolve only what parsed; the names are checked either way. */
	if (rc == 0)
		rc = conf_resolve(c);
	int check = conf_check(c, host);
	if (rc == 0)
		rc = check;
	if (c->ndiags)
		conf_diag_sort(c);
	if (skipped)
		*skipped = left_out;
	/* The diagnostics of files left out are reported, but the rest stands. */
	bool failed = rc < 0 || c->ndiags > before || (left_out == 0 && c->ndiags);
	return failed ? -EINVAL : 0;
}
