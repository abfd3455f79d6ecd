/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/meta.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void store_meta_release(struct store_meta *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	*m = (struct store_meta){0};
}

const char *store_meta_get(const struct store_meta *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (lj_str_eq(m->keys[i], key))
			return m->values[i];
	return NULL;
}

void store_meta_set(struct store_meta *m, const char *key, const char *value)
{
	for (size_t i = 0; i < m->n; i++) {
		if (lj_str_eq(m->keys[i], key)) {
			free(m->values[i]);
			m->values[i] = lj_xstrdup(value);
			return;
		}
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->keys = lj_xrealloc(m->keys, m->cap * sizeof(*m->keys));
		m->values = lj_xrealloc(m->values, m->cap * sizeof(*m->values));
	}
	m->keys[m->n] = lj_xstrdup(key);
	m->values[m->n++] = lj_xstrdup(value);
}

int store_meta_read(const char *file, struct store_meta *m, struct lj_error *err)
{
	*m = (struct store_meta){0};
	LJ_CLEANUP_FCLOSE FILE *f = fopen(file, "re");
	if (!f)
		return errno == ENOENT
			       ? -ENOENT
			       : lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
	store_meta_parse(f, m);
	return 0;
}

void store_meta_parse(FILE *f, struct store_meta *m)
{
	LJ_CLEANUP_FREE char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		char *eq = strchr(line, '=');
		if (eq && line[0] != '#') {
			*eq = '\0';
			store_meta_set(m, line, eq + 1);
		}
	}
}

int store_meta_write(const char *file, const struct store_meta *m, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *tmp = lj_xasprintf("%s.tmp", file);
	LJ_CLEANUP_FCLOSE FILE *f = fopen(tmp, "we");
	if (!f)
		return lj_error_set(err, errno, "'%s': %s", tmp, strerror(errno));
	for (size_t i = 0; i < m->n; i++)
		fprintf(f, "%s=%s\n", m->keys[i], m->values[i]);
	bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	FILE *done = lj_steal_ptr(&f);
	ok = fclose(done) == 0 && ok;
	if (!ok || rename(tmp, file) < 0) {
		int e = errno ? errno : EIO;
		unlink(tmp);
		return lj_error_set(err, e, "'%s': %s", file, strerror(e));
	}
	return 0;
}
