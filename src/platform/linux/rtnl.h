/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Network set-up through rtnetlink (libmnl), never by running ip(8). Each
 * call acts in the caller's network namespace and returns 0 or -errno.
 * (Not named netlink.h: src/ is on the include path and would hide
 * <linux/netlink.h>.)
 */
#ifndef LJAIL_LINUX_RTNL_H
#define LJAIL_LINUX_RTNL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

/* Brings the interface up in the caller's network namespace. */
int lj_netlink_link_up(const char *ifname, struct lj_error *err);

/* A veth pair: name here, peer created straight in the namespace peer_netns (an fd). */
int lj_rtnl_veth_add(const char *name, const char *peer, int peer_netns);
/* A bridge; -EEXIST when it is there already. */
int lj_rtnl_bridge_add(const char *name);
int lj_rtnl_link_del(const char *name);
/*
 * Changes a link: rename (new_name), enslave to a bridge (master >= 0, 0
 * detaches), move to another namespace (netns >= 0), bring up. -1/NULL
 * leave a property as it is.
 */
int lj_rtnl_link_set(const char *name, const char *new_name, int master, int netns, bool up);
/* ADDR/PREFIX on the link, IPv4 or IPv6. */
int lj_rtnl_addr_add(const char *name, const char *cidr);
/* The default route through gw, IPv4 or IPv6. */
int lj_rtnl_route_default(const char *gw);

/*
 * Does a route of the host's (any table, the local addresses' too) reach
 * into NET/PREFIX (net in host order)? 1 with the interface it uses in
 * ifname, 0, or -errno. Routes through skip do not count; default routes
 * never do.
 */
int lj_rtnl_route_overlaps(uint32_t net, int prefix, const char *skip, char ifname[16]);

#endif
