/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Outbound access for jails on a bridge: the bridge's subnet masqueraded to
 * the host's uplinks with nftables, in one table of ljail's own. The table
 * is made from the run state each time: it holds exactly the subnets of the
 * running jails that ask for it, so the first such jail adds the rule, the
 * last one to stop removes it, and a jail killed unseen is cleaned up by
 * the next start or stop.
 */
#ifndef LJAIL_CORE_NAT_H
#define LJAIL_CORE_NAT_H

#include "core/error.h"
#include "core/paths.h"

int lj_nat_sync(const struct lj_paths *paths, struct lj_error *err);

#endif
