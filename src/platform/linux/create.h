/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Making a jail: a child in new namespaces sets up the jail's root, mounts,
 * hostname and loopback, pivots into the root, confines itself and becomes
 * the jail's init. The parent learns of success or of the first error.
 */
#ifndef LJAIL_PLATFORM_LINUX_CREATE_H
#define LJAIL_PLATFORM_LINUX_CREATE_H

#include "base/error.h"
#include "platform/linux/handle.h"

/*
 * Creates pj's jail and waits until it is set up (pid, starttime, pidfd and
 * go filled in), or returns the error the child met, whole (with nothing
 * left behind: the child is gone). The init then waits for a byte on go;
 * if ljail dies before that, init dies too. run is NULL for a jail that
 * lives on its own.
 */
int lx_create(struct plat_jail *pj, const struct plat_run *run, struct lj_error *err);

#endif
