/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail doctor: what the host offers jails, and, from inside a running jail
 * as an ordinary user, each failure of the account (ICMP, DNS over UDP,
 * netlink, a listening socket, the home folder). One line per check: ok, or
 * what is wrong and how to fix it.
 */
#ifndef LJAIL_PLATFORM_LINUX_DOCTOR_H
#define LJAIL_PLATFORM_LINUX_DOCTOR_H

#include "base/user.h"
#include "platform/platform.h"

struct lj_doctor {
	plat_report_fn report;
	void *ctx;
	unsigned failed;
};

void lj_doctor_host(struct lj_doctor *d, const char *store_dir);
/* In a process inside the jail, already running as the user. */
void lj_doctor_inside(struct lj_doctor *d, const struct lj_user *u, bool own_net);

#endif
