/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the id range parsers: userns.idmap's BASE:COUNT,
 * which must never accept a range that takes in host id 0 or wraps, and the
 * /etc/subuid lines ljail create keeps clear of, read whatever they hold.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "model/jail.h"
#include "store/ids.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LJ_CLEANUP_FREE char *text = lj_xstrndup((const char *)data, size);
	struct lj_idmap map = {0};
	if (lj_idmap_parse(text, &map) == 0) {
		if (map.base == 0 || map.count == 0 || (uint64_t)map.base + map.count > UINT32_MAX)
			abort();
	} else {
		map = (struct lj_idmap){STORE_IDS_FIRST, LJ_IDMAP_COUNT};
	}
	/* A range inside one the text lists always overlaps it. */
	bool overlaps = store_ids_subid_overlaps(text, map.base, map.count);
	LJ_CLEANUP_FREE char *line = lj_xasprintf("x:%u:1\n%s", map.base, text);
	if (!store_ids_subid_overlaps(line, map.base, map.count))
		abort();
	(void)overlaps;
	return 0;
}
