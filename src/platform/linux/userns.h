/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * User namespaces for jails with userns = new: made from a jail's id map,
 * joined by the process that becomes the jail, and the idmapped mounts that
 * show host-owned trees (the template) as the jail's own.
 */
#ifndef LJAIL_PLATFORM_LINUX_USERNS_H
#define LJAIL_PLATFORM_LINUX_USERNS_H

#include <stdbool.h>

#include "base/error.h"
#include "model/jail.h"

/*
 * A new user namespace whose ids 0 to map->count - 1 are host ids
 * map->base and up (uids and gids alike): its fd, or -errno with err
 * filled. No process stays in it; the fd keeps it.
 */
int lx_userns_make(const struct lj_idmap *map, int *nsfd, struct lj_error *err);

/*
 * Joins the user namespace nsfd as its root (lx_userns_become_root).
 */
int lx_userns_join(int nsfd);

/*
 * In a user namespace just joined: its root, uid and gid 0, with no
 * supplementary groups (the host's groups must not go along: a host group
 * kept would open host files). -errno on failure.
 */
int lx_userns_become_root(void);

/* Is the process behind pidfd in a user namespace other than ljail's? 1, 0 or -errno. */
int lx_pid_has_own_userns(int pidfd);

/* Makes mntfd (a detached mount) show its files through the namespace's ids. */
int lx_userns_idmap_mount(int mntfd, int nsfd);

/*
 * For ljail's own work on a jail's files from the host (a copy into it,
 * its hostname at create): what this process makes from here on belongs
 * to the jail's root. Only for a process forked for the purpose.
 */
int lx_userns_act_as_root(const struct lj_idmap *map);

#endif
