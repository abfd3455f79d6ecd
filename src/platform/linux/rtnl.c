/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/rtnl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* MNL_SOCKET_BUFFER_SIZE is a runtime value; a fixed buffer avoids a VLA. */
#define RTNL_BUF 8192

static void socket_cleanup(struct mnl_socket **nl)
{
	if (*nl)
		mnl_socket_close(*nl);
}

/* Sends one request and waits for the kernel's acknowledgement. */
static int request(struct nlmsghdr *nlh)
{
	__attribute__((cleanup(socket_cleanup))) struct mnl_socket *nl =
		mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	char buf[RTNL_BUF];

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	unsigned portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, NULL) < 0)
		return -errno;
	return 0;
}

static struct nlmsghdr *link_msg(char *buf, int type, unsigned flags, int index)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (unsigned short)type;
	nlh->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = index;
	return nlh;
}

int lj_netlink_link_up(const char *ifname, struct lj_error *err)
{
	int rc = lj_rtnl_link_set(ifname, NULL, -1, -1, true);
	if (rc < 0)
		return lj_error_set(err, -rc, "interface '%s': bringing it up: %s", ifname,
				    strerror(-rc));
	return 0;
}

int lj_rtnl_veth_add(const char *name, const char *peer, int peer_netns)
{
	char buf[RTNL_BUF];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	struct ifinfomsg *pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	memset(pifm, 0, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_netns >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return request(nlh);
}

int lj_rtnl_bridge_add(const char *name)
{
	char buf[RTNL_BUF];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return request(nlh);
}

int lj_rtnl_link_del(const char *name)
{
	char buf[RTNL_BUF];
	unsigned index = if_nametoindex(name);
	if (!index)
		return -ENODEV;
	return request(link_msg(buf, RTM_DELLINK, 0, (int)index));
}

int lj_rtnl_link_set(const char *name, const char *new_name, int master, int netns, bool up)
{
	char buf[RTNL_BUF];
	unsigned index = if_nametoindex(name);
	if (!index)
		return -ENODEV;
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, (int)index);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	if (up) {
		ifm->ifi_change = IFF_UP;
		ifm->ifi_flags = IFF_UP;
	}
	if (new_name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, new_name);
	if (master >= 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	if (netns >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns);
	return request(nlh);
}

/* "ADDR/PREFIX" or "ADDR" into family, bytes and prefix (-1 when none). */
static int parse_cidr(const char *cidr, int *family, unsigned char *bytes, int *prefix)
{
	char addr[INET6_ADDRSTRLEN + 8];
	snprintf(addr, sizeof(addr), "%s", cidr);
	char *slash = strchr(addr, '/');
	*prefix = -1;
	if (slash) {
		*slash = '\0';
		char *end;
		long p = strtol(slash + 1, &end, 10);
		if (*end || p < 0 || p > 128)
			return -EINVAL;
		*prefix = (int)p;
	}
	if (inet_pton(AF_INET, addr, bytes) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, addr, bytes) == 1)
		*family = AF_INET6;
	else
		return -EINVAL;
	if (*prefix > (*family == AF_INET ? 32 : 128))
		return -EINVAL;
	return 0;
}

int lj_rtnl_addr_add(const char *name, const char *cidr)
{
	char buf[RTNL_BUF];
	unsigned char bytes[16];
	int family, prefix;
	unsigned index = if_nametoindex(name);
	if (!index)
		return -ENODEV;
	if (parse_cidr(cidr, &family, bytes, &prefix) < 0)
		return -EINVAL;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = (unsigned char)(prefix < 0 ? (family == AF_INET ? 32 : 128) : prefix);
	ifa->ifa_index = index;
	size_t len = family == AF_INET ? 4 : 16;
	mnl_attr_put(nlh, IFA_LOCAL, len, bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, len, bytes);
	return request(nlh);
}

int lj_rtnl_route_default(const char *gw)
{
	char buf[RTNL_BUF];
	unsigned char bytes[16];
	int family, prefix;
	if (parse_cidr(gw, &family, bytes, &prefix) < 0 || prefix >= 0)
		return -EINVAL;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, bytes);
	return request(nlh);
}

struct overlap {
	uint32_t net, mask; /* host order */
	const char *skip;   /* an interface whose routes do not count, or NULL */
	int found;          /* the interface index of an overlapping route, or 0 */
	bool any;
};

static int route_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);
	if (mnl_attr_type_valid(a, RTA_MAX) >= 0)
		tb[type] = a;
	return MNL_CB_OK;
}

static int route_seen(const struct nlmsghdr *nlh, void *data)
{
	struct overlap *o = data;
	const struct rtmsg *rt = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = {0};
	mnl_attr_parse(nlh, sizeof(*rt), route_attr, tb);
	/* A default route leads everywhere; only routes to a subnet claim it. */
	if (rt->rtm_family != AF_INET || rt->rtm_dst_len == 0 || !tb[RTA_DST])
		return MNL_CB_OK;
	int oif = tb[RTA_OIF] ? (int)mnl_attr_get_u32(tb[RTA_OIF]) : 0;
	char name[IF_NAMESIZE];
	if (o->skip && oif && if_indextoname((unsigned)oif, name) && strcmp(name, o->skip) == 0)
		return MNL_CB_OK;
	uint32_t dst = ntohl(mnl_attr_get_u32(tb[RTA_DST]));
	uint32_t mask = rt->rtm_dst_len >= 32 ? 0xffffffffu : ~(0xffffffffu >> rt->rtm_dst_len);
	/* Two prefixes overlap when the shorter one's mask makes them equal. */
	uint32_t both = mask & o->mask;
	if ((dst & both) == (o->net & both)) {
		o->any = true;
		if (!o->found)
			o->found = oif;
	}
	return MNL_CB_OK;
}

int lj_rtnl_route_overlaps(uint32_t net, int prefix, const char *skip, char ifname[16])
{
	__attribute__((cleanup(socket_cleanup))) struct mnl_socket *nl =
		mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	char buf[RTNL_BUF];
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	struct rtmsg *rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtm_family = AF_INET; /* every table: local addresses are routes of their own */
	unsigned portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	struct overlap o = {
		.net = net,
		.mask = prefix >= 32  ? 0xffffffffu
			: prefix <= 0 ? 0
				      : ~(0xffffffffu >> prefix),
		.skip = skip,
	};
	int rc;
	do {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, route_seen, &o);
	} while (rc > MNL_CB_STOP);
	if (rc < 0)
		return -errno;
	if (!o.any)
		return 0;
	if (!o.found || !if_indextoname((unsigned)o.found, ifname))
		snprintf(ifname, 16, "?");
	return 1;
}
