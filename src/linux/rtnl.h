/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Network set-up through rtnetlink (libmnl), never by running ip(8). (Not
 * named netlink.h: src/ is on the include path and would hide <linux/netlink.h>.)
 */
#ifndef LJAIL_LINUX_RTNL_H
#define LJAIL_LINUX_RTNL_H

#include "core/error.h"

/* Brings the interface up in the caller's network namespace. */
int lj_netlink_link_up(const char *ifname, struct lj_error *err);

#endif
