/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target for the fstab line parser and the path check. */
#include <stdint.h>
#include <string.h>

#include "conf/fstab.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LJ_CLEANUP_FREE char *line = lj_xstrndup((const char *)data, size);
	struct conf_fstab_entry e;
	const char *why = NULL;

	if (conf_fstab_parse(line, &e, &why) == 1) {
		(void)conf_fstype_known(e.type);
		(void)conf_path_below(e.target, e.source);
		conf_fstab_entry_release(&e);
	}
	return 0;
}
