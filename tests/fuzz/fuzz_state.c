/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the two KEY=VALUE formats ljail reads back: run state
 * files and the meta files of templates and jails.
 */
#include <stdint.h>
#include <stdio.h>

#include "runtime/state.h"
#include "store/meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int head = 0; head < 2; head++) {
		FILE *f = fmemopen((void *)data, size, "r");
		if (!f)
			return 0;
		struct lj_state s;
		if (lj_state_parse(f, &s, head) == 0)
			(void)lj_kv_get(&s.plat, "pid");
		lj_state_release(&s);
		fclose(f);
	}
	FILE *f = fmemopen((void *)data, size, "r");
	if (f) {
		struct store_meta m = {0};
		store_meta_parse(f, &m);
		(void)store_meta_get(&m, "current");
		store_meta_release(&m);
		fclose(f);
	}
	return 0;
}
