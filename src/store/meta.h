/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The small KEY=VALUE files ljail keeps beside templates and jails (their
 * suite, version, template, clone method), written atomically.
 */
#ifndef LJAIL_STORE_META_H
#define LJAIL_STORE_META_H

#include <stddef.h>
#include <stdio.h>

#include "base/error.h"

struct store_meta {
	char **keys, **values;
	size_t n, cap;
};

/* -ENOENT when the file does not exist. */
int store_meta_read(const char *file, struct store_meta *m, struct lj_error *err);
/* Adds the KEY=VALUE lines of f to m (the fuzzer's way in). */
void store_meta_parse(FILE *f, struct store_meta *m);
int store_meta_write(const char *file, const struct store_meta *m, struct lj_error *err);
const char *store_meta_get(const struct store_meta *m, const char *key);
void store_meta_set(struct store_meta *m, const char *key, const char *value);
void store_meta_release(struct store_meta *m);

#endif
