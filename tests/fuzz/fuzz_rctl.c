/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for rctl rules (conf/rctl.c) and the limits they become
 * (model's lj_limits_parse): a rule the parser accepts names a resource
 * rctl(8) knows and an action, with no overflow on the way; the limits never
 * hold a negative amount other than "none".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "conf/rctl.h"
#include "model/jail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LJ_CLEANUP_FREE char *text = lj_xstrndup((const char *)data, size);
	struct conf_rctl_rule r;
	const char *why = NULL;
	if (conf_rctl_parse(text, &r, &why) == 0) {
		if (!conf_rctl_resource_known(r.resource) || !r.action[0] || !r.per[0])
			abort();
	} else if (!why || !*why) {
		abort();
	}
	char *rules[] = {text};
	struct lj_limits l;
	size_t bad = 0;
	if (lj_limits_parse(rules, 1, &l, &bad, &why) == 0) {
		const int64_t *v = &l.memoryuse;
		for (size_t i = 0; i < sizeof(l) / sizeof(*v); i++)
			if (v[i] < -1)
				abort();
	}
	return 0;
}
