/* SPDX-License-Identifier: BSD-2-Clause */
#include "base/kv.h"

#include <stdarg.h>
#include <stdlib.h>

void lj_kv_add(struct lj_kvlist *l, const char *key, const char *value)
{
	struct lj_kv *kv = LJ_VEC_PUSH(l->items, l->n, l->cap);
	kv->key = lj_xstrdup(key);
	kv->value = lj_xstrdup(value ? value : "");
}

void lj_kv_addf(struct lj_kvlist *l, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	LJ_CLEANUP_FREE char *v = lj_xvasprintf(fmt, ap);
	va_end(ap);
	lj_kv_add(l, key, v);
}

const char *lj_kv_get(const struct lj_kvlist *l, const char *key)
{
	for (size_t i = l->n; i-- > 0;)
		if (lj_str_eq(l->items[i].key, key))
			return l->items[i].value;
	return NULL;
}

void lj_kv_release(struct lj_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	free(l->items);
	*l = (struct lj_kvlist){0};
}
