/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/spawn.h"
#include "platform/linux/handle.h"
#include "platform/linux/rtnl.h"

void lj_net_host_veth(const char *tag, char name[16])
{
	snprintf(name, 16, "ljv%s", tag);
}

static void peer_name(const char *tag, char name[16])
{
	snprintf(name, 16, "ljp%s", tag);
}

bool lj_net_wanted(const struct lj_jail *j)
{
	return j->own_net && (j->bridge || j->naddrs || j->nvnet_ifaces);
}

/* The bridge, made and addressed when it lacks either, and up. */
static int ensure_bridge(const struct lj_jail *j, struct lj_error *err)
{
	int rc = 0;
	/* A network's bridge is made by the sync before, and marked as its own. */
	if (j->net_owned && !if_nametoindex(j->bridge))
		return lj_error_set(err, ENODEV, "jail '%s': bridge '%s' of network '%s' is gone",
				    j->name, j->bridge, j->network);
	if (!if_nametoindex(j->bridge)) {
		rc = lj_rtnl_bridge_add(j->bridge);
		if (rc == -EEXIST)
			rc = 0; /* another jail made it meanwhile */
	}
	if (rc == 0 && j->bridge_addr) {
		rc = lj_rtnl_addr_add(j->bridge, j->bridge_addr);
		if (rc == -EEXIST)
			rc = 0;
	}
	if (rc == 0)
		rc = lj_rtnl_link_set(j->bridge, NULL, -1, -1, true);
	if (rc < 0)
		return lj_error_set(err, -rc, "jail '%s': bridge '%s': %s", j->name, j->bridge,
				    strerror(-rc));
	return 0;
}

/* Inside the jail's stack: names, addresses, links up, default routes. */
struct inside {
	const struct lj_jail *j;
	const char *tag;
	int netns;
};

static int configure_inside(void *ctx, struct lj_error *err)
{
	const struct inside *in = ctx;
	const struct lj_jail *j = in->j;
	if (setns(in->netns, CLONE_NEWNET) < 0)
		return lj_error_set(err, errno, "jail '%s': joining its network: %s", j->name,
				    strerror(errno));
	char peer[16];
	peer_name(in->tag, peer);
	int rc = 0;
	const char *what = "";
	if (j->bridge) {
		what = j->ifname;
		rc = lj_rtnl_link_set(peer, j->ifname, -1, -1, false);
	}
	for (size_t i = 0; i < j->naddrs && rc == 0; i++) {
		LJ_CLEANUP_FREE char *ifname = lj_xstrdup(j->addrs[i]);
		char *cidr = strchr(ifname, '|');
		*cidr++ = '\0';
		what = j->addrs[i];
		rc = lj_rtnl_addr_add(ifname, cidr);
	}
	if (rc == 0 && j->bridge) {
		what = j->ifname;
		rc = lj_rtnl_link_set(j->ifname, NULL, -1, -1, true);
	}
	for (size_t i = 0; i < j->nvnet_ifaces && rc == 0; i++) {
		what = j->vnet_ifaces[i];
		rc = lj_rtnl_link_set(j->vnet_ifaces[i], NULL, -1, -1, true);
	}
	if (rc == 0 && j->gw4) {
		what = j->gw4;
		rc = lj_rtnl_route_default(j->gw4);
	}
	if (rc == 0 && j->gw6) {
		what = j->gw6;
		rc = lj_rtnl_route_default(j->gw6);
	}
	if (rc < 0)
		return lj_error_set(err, -rc, "jail '%s': in the jail, '%s': %s", j->name, what,
				    strerror(-rc));
	return 0;
}

int lj_net_setup(const struct lj_jail *j, const char *tag, int netns, struct lj_error *err)
{
	char host[16], peer[16];
	lj_net_host_veth(tag, host);
	peer_name(tag, peer);
	int rc;
	if (j->bridge) {
		if ((rc = ensure_bridge(j, err)) < 0)
			return rc;
		/*
		 * The name is this start's own (a random tag): nothing of another
		 * jail's, or of another ljail instance's, is ever in the way.
		 */
		rc = lj_rtnl_veth_add(host, peer, netns);
		if (rc == 0)
			rc = lj_rtnl_link_set(host, NULL, (int)if_nametoindex(j->bridge), -1, true);
		if (rc < 0) {
			lj_rtnl_link_del(host);
			return lj_error_set(err, -rc, "jail '%s': veth '%s' on bridge '%s': %s",
					    j->name, host, j->bridge, strerror(-rc));
		}
	}
	for (size_t i = 0; i < j->nvnet_ifaces; i++) {
		rc = lj_rtnl_link_set(j->vnet_ifaces[i], NULL, -1, netns, false);
		if (rc < 0) {
			lj_net_teardown(tag, j->vnet_ifaces, i, netns);
			return lj_error_set(err, -rc, "jail '%s': vnet.interface '%s': %s", j->name,
					    j->vnet_ifaces[i], strerror(-rc));
		}
	}
	struct inside in = {j, tag, netns};
	rc = lj_in_child(configure_inside, &in, "setting the jail's network up", err);
	if (rc < 0)
		lj_net_teardown(tag, j->vnet_ifaces, j->nvnet_ifaces, netns);
	return rc;
}

void lj_net_teardown(const char *tag, char *const *moved, size_t nmoved, int netns)
{
	char host[16];
	lj_net_host_veth(tag, host);
	/* Deleting the host end deletes the pair. */
	lj_rtnl_link_del(host);
	if (!nmoved || netns < 0)
		return;
	int hostns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (hostns < 0)
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (setns(netns, CLONE_NEWNET) == 0)
			for (size_t i = 0; i < nmoved; i++)
				lj_rtnl_link_set(moved[i], NULL, -1, hostns, false);
		_exit(0);
	}
	close(hostns);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

char *lj_net_subnet(const char *cidr)
{
	char addr[64];
	snprintf(addr, sizeof(addr), "%s", cidr);
	char *slash = strchr(addr, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	int prefix = atoi(slash + 1);
	struct in_addr in;
	if (inet_pton(AF_INET, addr, &in) != 1 || prefix < 0 || prefix > 32)
		return NULL;
	uint32_t mask = prefix ? htonl(~((1u << (32 - prefix)) - 1)) : 0;
	in.s_addr &= mask;
	char out[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &in, out, sizeof(out));
	return lj_xasprintf("%s/%d", out, prefix);
}

bool plat_net_wanted(const struct plat_jail *pj)
{
	return pj->j && lj_net_wanted(pj->j);
}

int plat_net_up(struct plat_jail *pj, long jid, struct lj_error *err)
{
	if (pj->netns < 0)
		return lj_error_set(err, ESRCH, "jail '%s': its network namespace is gone", pj->name);
	(void)jid; /* the tag names its interfaces: jids repeat across instances */
	return lj_net_setup(pj->j, pj->tag, pj->netns, err);
}

void plat_net_down(struct plat_jail *pj, long jid)
{
	/*
	 * With no namespace held, the jail's init was gone before ljail could
	 * hold it: so are its interfaces, and the jid may be another jail's by
	 * now, so nothing is touched.
	 */
	(void)jid;
	if (pj && pj->netns >= 0 && pj->tag[0])
		lj_net_teardown(pj->tag, pj->moved, pj->nmoved, pj->netns);
}

bool plat_net_shared(const struct plat_jail *pj)
{
	return pj && (pj->nat || pj->netbr || pj->npublish);
}

void lx_net_open_record(struct plat_jail *pj, const struct lj_kvlist *rec)
{
	/*
	 * The run state is root's, but what goes into nft's script and the
	 * name server's files is checked again, so a damaged record can never
	 * add a rule of its own.
	 */
	const char *br = lj_kv_get(rec, "netbr");
	const char *gw = lj_kv_get(rec, "netgw");
	if (br && lj_bridge_name_ok(br) && gw && lj_addr4_ok(gw) && strchr(gw, '/')) {
		pj->netbr = lj_xstrdup(br);
		pj->netgw = lj_xstrdup(gw);
	}
	const char *dns = lj_kv_get(rec, "dns");
	if (dns && lj_addr4_ok(dns) && !strchr(dns, '/'))
		pj->dns = lj_xstrdup(dns);
	const char *addr4 = lj_kv_get(rec, "addr4");
	if (addr4 && lj_addr4_ok(addr4))
		pj->addr4 = lj_xstrdup(addr4);
	size_t cap = 0;
	for (size_t i = 0; i < rec->n; i++) {
		struct lj_publish p;
		const char *why;
		char text[64];
		if (lj_str_eq(rec->items[i].key, "publish") &&
		    lj_publish_parse(rec->items[i].value, &p, &why) == 0)
			*LJ_VEC_PUSH(pj->publish, pj->npublish, cap) =
				lj_xstrdup(lj_publish_format(&p, text, sizeof(text)));
	}
}

/* Is an IPv4 address of the host's /etc/resolv.conf name servers in net/mask? */
static bool resolver_within(uint32_t net, uint32_t mask, char *addr, size_t len)
{
	FILE *f = fopen("/etc/resolv.conf", "re");
	if (!f)
		return false;
	char line[256];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		char word[16], a[64];
		struct in_addr in;
		if (sscanf(line, " %15s %63s", word, a) == 2 && lj_str_eq(word, "nameserver") &&
		    inet_pton(AF_INET, a, &in) == 1 && (ntohl(in.s_addr) & mask) == net) {
			snprintf(addr, len, "%s", a);
			found = true;
		}
	}
	fclose(f);
	return found;
}

int plat_net_subnet_free(const char *subnet, const char *bridge, char *why, size_t len)
{
	LJ_CLEANUP_FREE char *canonical = lj_net_subnet(subnet);
	if (!canonical)
		return -EINVAL;
	char *slash = strchr(canonical, '/');
	*slash = '\0';
	int prefix = atoi(slash + 1);
	struct in_addr in;
	inet_pton(AF_INET, canonical, &in);
	uint32_t net = ntohl(in.s_addr);
	uint32_t mask = prefix ? ~(0xffffffffu >> prefix) : 0;
	char ifname[16], addr[64];
	int rc = lj_rtnl_route_overlaps(net, prefix, bridge, ifname);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		snprintf(why, len, "the host routes part of it through '%s'", ifname);
		return -EADDRINUSE;
	}
	/*
	 * The host's name server may sit behind its default route, which claims
	 * no subnet: a bridge over its address would cut the host's DNS off.
	 */
	if (resolver_within(net, mask, addr, sizeof(addr))) {
		snprintf(why, len, "the host's name server %s is in it", addr);
		return -EADDRINUSE;
	}
	return 0;
}
