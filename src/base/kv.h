/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An ordered list of KEY=VALUE pairs: how a platform hands its own part of a
 * jail's run state to the runtime and gets it back, without the runtime
 * knowing what the keys mean. A key may repeat (a list).
 */
#ifndef LJAIL_BASE_KV_H
#define LJAIL_BASE_KV_H

#include <stddef.h>

#include "base/util.h"

struct lj_kv {
	char *key;
	char *value;
};

struct lj_kvlist {
	struct lj_kv *items;
	size_t n, cap;
};

void lj_kv_add(struct lj_kvlist *l, const char *key, const char *value);
void lj_kv_addf(struct lj_kvlist *l, const char *key, const char *fmt, ...) LJ_PRINTF(3, 4);
/* The last value of key, or NULL. */
const char *lj_kv_get(const struct lj_kvlist *l, const char *key);
void lj_kv_release(struct lj_kvlist *l);

#endif
