/* SPDX-License-Identifier: BSD-2-Clause */
#include "model/publish.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

/* A port: 1-65535 in decimal digits alone (no sign, no spaces, no leading zeros games). */
static bool parse_port(const char *s, size_t len, uint16_t *out)
{
	if (len == 0 || len > 5)
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

static int refuse(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

int lj_publish_parse(const char *text, struct lj_publish *p, const char **why)
{
	memset(p, 0, sizeof(*p));
	const char *end = text + strlen(text);
	const char *slash = strchr(text, '/');
	if (slash) {
		if (lj_str_eq(slash + 1, "udp"))
			p->udp = true;
		else if (!lj_str_eq(slash + 1, "tcp"))
			return refuse(why, "the protocol after '/' is tcp or udp");
		end = slash;
	}
	/* The jail's port is after the last colon, the host's before it. */
	const char *last = NULL;
	for (const char *c = text; c < end; c++)
		if (*c == ':')
			last = c;
	if (!last)
		return refuse(why, "it is [HOSTADDR:]HOSTPORT:JAILPORT[/tcp|/udp], as 8080:80");
	if (!parse_port(last + 1, (size_t)(end - last - 1), &p->jail_port))
		return refuse(why, "the jail's port is a number from 1 to 65535");
	const char *first = memchr(text, ':', (size_t)(last - text));
	const char *hport = first ? first + 1 : text;
	if (!parse_port(hport, (size_t)(last - hport), &p->host_port))
		return refuse(why, "the host's port is a number from 1 to 65535");
	if (first) {
		size_t len = (size_t)(first - text);
		char addr[INET_ADDRSTRLEN];
		struct in_addr in;
		if (len == 0 || len >= sizeof(addr))
			return refuse(why, "the host address is an IPv4 address, as 127.0.0.1");
		memcpy(addr, text, len);
		addr[len] = '\0';
		if (inet_pton(AF_INET, addr, &in) != 1)
			return refuse(why, "the host address is an IPv4 address, as 127.0.0.1");
		/* Stored in the canonical form, so that two spellings never differ. */
		inet_ntop(AF_INET, &in, p->host_addr, sizeof(p->host_addr));
		if (lj_str_eq(p->host_addr, "0.0.0.0"))
			memset(p->host_addr, 0, sizeof(p->host_addr));
	}
	return 0;
}

const char *lj_publish_format(const struct lj_publish *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%u:%u/%s", p->host_addr, p->host_addr[0] ? ":" : "", p->host_port,
		 p->jail_port, p->udp ? "udp" : "tcp");
	return buf;
}

bool lj_publish_clash(const struct lj_publish *a, const struct lj_publish *b)
{
	return a->udp == b->udp && a->host_port == b->host_port &&
	       (!a->host_addr[0] || !b->host_addr[0] || lj_str_eq(a->host_addr, b->host_addr));
}
