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

/*
 * Loads the jail's seccomp filter (LJ_DENY_* in deny, plus what every jail is
 * refused). Needs CAP_SYS_ADMIN, so it comes before lj_confine_caps.
 */
int lj_confine_seccomp(unsigned deny, struct lj_error *err);

/* Shrinks the bounding set to caps and makes caps the process's own. */
int lj_confine_caps(uint64_t caps, struct lj_error *err);

#endif
