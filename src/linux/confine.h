/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What keeps root in a jail from the host: a capability bounding set close
 * to the powers of root in a FreeBSD jail (core/jail.c says which and why)
 * and a seccomp filter for what capabilities cannot express.
 */
#ifndef LJAIL_LINUX_CONFINE_H
#define LJAIL_LINUX_CONFINE_H

#include <stdint.h>

#include "core/error.h"

#include <stddef.h>

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
