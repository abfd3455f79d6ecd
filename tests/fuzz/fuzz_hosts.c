/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the /etc/hosts editing `ljail create` does on a
 * jail's tree: the text is the jail's, so any bytes at all.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/edit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	char *out = store_hosts_with_name((const char *)data, size, "jail-1", &len);
	if (out) {
		/* The original text stays as it was, with the name's line after it. */
		if (len < size || memcmp(out, data, size) != 0 ||
		    memcmp(out + len - 17, "127.0.1.1\tjail-1\n", 17) != 0)
			abort();
		free(out);
	}
	return 0;
}
