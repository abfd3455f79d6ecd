/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/meta.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* The last value given for key: a key written twice keeps its last value. */
const char *store_meta_get(const struct store_meta *m, const char *key)
{
	for (size_t i = m->n; i-- > 0;)
		if (lj_str_eq(m->keys[i], key))
			return m->values[i];
	return NULL;
}

static void append(struct store_meta *m, const char *key, const char *value)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->keys = lj_xrealloc(m->keys, m->cap * sizeof(*m->keys));
		m->values = lj_xrealloc(m->values, m->cap * sizeof(*m->values));
	}
	m->keys[m->n] = lj_xstrdup(key);
	m->values[m->n++] = lj_xstrdup(value);
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
	append(m, key, value);
}

/*
 * ljail's own meta files are a few lines; one larger than this is damage.
 * A 1 MB file once took seconds to read.
 */
#define META_SIZE_MAX (64u << 10)

int store_meta_read(const char *file, struct store_meta *m, struct lj_error *err)
{
	*m = (struct store_meta){0};
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT
			       ? -ENOENT
			       : lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > META_SIZE_MAX) {
		close(fd);
		return lj_error_set(err, EINVAL, "'%s' is damaged", file);
	}
	LJ_CLEANUP_FCLOSE FILE *f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
	}
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
		/* Appended in one pass; store_meta_get finds the last. */
		if (eq && line[0] != '#') {
			*eq = '\0';
			append(m, line, eq + 1);
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
