/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the name check every command runs before a name
 * becomes a path, and for the one-line form errors print names in. A name
 * the check accepts can never leave the folder it is joined to; what is
 * printed is one line of printable ASCII.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/util.h"
#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LJ_CLEANUP_FREE char *name = lj_xstrndup((const char *)data, size);
	struct lj_error err = {0};

	if (conf_name_check("jail", name, &err) == 0) {
		size_t len = strlen(name);
		if (len == 0 || len > CONF_NAME_MAX || strchr(name, '/') || strstr(name, "..") ||
		    name[0] == '.' || name[0] == '-')
			abort();
	} else {
		if (!err.usage || !err.msg[0])
			abort();
		for (const char *p = err.msg; *p; p++)
			if (*p < 0x20 || *p >= 0x7f)
				abort();
	}
	return 0;
}
