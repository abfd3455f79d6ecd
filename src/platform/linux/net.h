/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A jail's own network stack, made from a few parameters: what FreeBSD
 * users write by hand with epair, a bridge and exec.prestart lines. A veth
 * pair, one end on a host bridge (made when missing), the other in the
 * jail named vnet.ifname; the jail's addresses, its default routes, and
 * host interfaces moved in with vnet.interface. All through rtnetlink.
 */
#ifndef LJAIL_LINUX_NET_H
#define LJAIL_LINUX_NET_H

#include <stddef.h>

#include "base/error.h"
#include "base/kv.h"
#include "model/jail.h"

/*
 * The host end of a jail's veth: named by the start's tag (recorded in the
 * run state), so any later ljail finds it and no other instance has it.
 */
void lj_net_host_veth(const char *tag, char name[16]);

/* Does the jail need any of this (a bridge, addresses, moved interfaces)? */
bool lj_net_wanted(const struct lj_jail *j);

/* Sets the jail's network up; netns is an fd of its network namespace. */
int lj_net_setup(const struct lj_jail *j, const char *tag, int netns, struct lj_error *err);

/*
 * Takes it down: the veth goes, moved interfaces go back to the host. While
 * netns (an fd) is open the jail's stack still exists, so this is done
 * before the kernel's own, later, clean-up.
 */
void lj_net_teardown(const char *tag, char *const *moved, size_t nmoved, int netns);

/* The subnet of ADDR/PREFIX ("10.0.5.1/24" gives "10.0.5.0/24"), or NULL. */
char *lj_net_subnet(const char *cidr);

/* The network part of a run state's record (checked) into an opened handle. */
struct plat_jail;
void lx_net_open_record(struct plat_jail *pj, const struct lj_kvlist *rec);

/*
 * The bridges of ljail networks that running jails are on, each with its
 * name server, made; those of this instance's that none is on, removed.
 */
struct lj_paths;
int lx_bridges_sync(const struct lj_paths *paths, struct plat_jail *const *running, size_t n,
		    struct lj_error *err);

#endif
