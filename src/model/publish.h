/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A published port (vnet.publish): a host port whose connections go to a
 * port of the jail's own address, in podman's -p syntax,
 * "[HOSTADDR:]HOSTPORT:JAILPORT[/tcp|/udp]".
 */
#ifndef LJAIL_MODEL_PUBLISH_H
#define LJAIL_MODEL_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lj_publish {
	char host_addr[16]; /* an IPv4 address of the host, or "" for all of them */
	uint16_t host_port;
	uint16_t jail_port;
	bool udp;
};

/*
 * Reads text into p: 0, or -EINVAL with *why saying what is wrong (ports
 * 1-65535, the address in dotted form, the protocol tcp or udp).
 */
int lj_publish_parse(const char *text, struct lj_publish *p, const char **why);

/* The canonical text, "[ADDR:]HOSTPORT:JAILPORT/PROTO", into buf. */
const char *lj_publish_format(const struct lj_publish *p, char *buf, size_t len);

/*
 * Do a and b want one host port? The same protocol and port, and the same
 * address or one of them on every address.
 */
bool lj_publish_clash(const struct lj_publish *a, const struct lj_publish *b);

#endif
