/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for vnet.publish's parser: whatever it accepts has ports
 * from 1 to 65535 and an address that is empty or dotted IPv4, and its
 * canonical text (which goes into nft's script) reads back the same.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "model/publish.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LJ_CLEANUP_FREE char *text = lj_xstrndup((const char *)data, size);
	struct lj_publish p, again;
	const char *why = NULL;
	if (lj_publish_parse(text, &p, &why) < 0) {
		if (!why)
			abort();
		return 0;
	}
	struct in_addr in;
	if (p.host_port == 0 || p.jail_port == 0 ||
	    (p.host_addr[0] && inet_pton(AF_INET, p.host_addr, &in) != 1))
		abort();
	char canonical[64];
	lj_publish_format(&p, canonical, sizeof(canonical));
	if (strspn(canonical, "0123456789.:/tcpud") != strlen(canonical) ||
	    lj_publish_parse(canonical, &again, &why) < 0 || memcmp(&p, &again, sizeof(p)) != 0)
		abort();
	return 0;
}
