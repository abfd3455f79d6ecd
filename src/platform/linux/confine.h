/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What keeps root in a jail from the host: a capability bounding set close
 * to the powers of root in a FreeBSD jail (confine.c says which and why)
 * and a seccomp filter for what capabilities cannot express.
 */
#ifndef LJAIL_LINUX_CONFINE_H
#define LJAIL_LINUX_CONFINE_H

#include <stdint.h>

#include <stddef.h>

#include "base/error.h"
#include "model/jail.h"

/* What seccomp refuses to the jail, from its powers (lx_jail_deny). */
enum {
	LJ_DENY_RAW_SOCKETS = 1 << 0, /* allow.raw_sockets off */
	LJ_DENY_SOCKET_AF = 1 << 1,   /* allow.socket_af off: only unix, inet, netlink */
	LJ_DENY_SYSVMSG = 1 << 2,     /* sysvmsg = disable */
	LJ_DENY_SYSVSEM = 1 << 3,
	LJ_DENY_SYSVSHM = 1 << 4,
	LJ_DENY_PTRACE = 1 << 5, /* allow.unprivileged_proc_debug off */
	LJ_DENY_IO_URING = 1 << 6, /* allow.io_uring off */
};

/* The capability bounding set of j's root, as bits by CAP_ number. */
uint64_t lx_jail_caps(const struct lj_jail *j);
/* What the seccomp filter refuses j (LJ_DENY_*). */
unsigned lx_jail_deny(const struct lj_jail *j);

/*
 * Builds the jail's seccomp filter (LJ_DENY_* in deny, plus what every jail
 * is refused) as a BPF program, in *prog (to free) of *len bytes. Built once
 * per jail, at start: every later entry into the jail only loads it.
 */
int lj_seccomp_build(unsigned deny, void **prog, size_t *len, struct lj_error *err);

/*
 * Loads a program from lj_seccomp_build. Needs CAP_SYS_ADMIN (there is no
 * no_new_privs), so it comes before lj_confine_caps.
 */
int lj_seccomp_load(const void *prog, size_t len, struct lj_error *err);

/* Shrinks the bounding set to caps and makes caps the process's own. */
int lj_confine_caps(uint64_t caps, struct lj_error *err);

#endif
