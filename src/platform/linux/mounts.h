/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A jail's file system view, made inside its new mount namespace before
 * pivot_root: the root bound onto itself, then each mount of the jail in
 * order. Every target is resolved inside the jail's root and every mount is
 * attached to an fd with the mount API, so no path the jail controls is ever
 * handed to mount(2).
 */
#ifndef LJAIL_LINUX_MOUNTS_H
#define LJAIL_LINUX_MOUNTS_H

#include "base/error.h"
#include "model/jail.h"

/*
 * Makes every mount private (nothing reaches the host, nothing from the host
 * arrives later), mounts the jail's tree on its path as the future root
 * (idmapped to the user namespace userns, or -1 for the host's ids) and
 * returns it as *rootfd. Done as the host's root, before the jail's own
 * namespaces exist.
 */
int lj_mounts_root(const struct lj_jail *j, int userns, int *rootfd, struct lj_error *err);

/*
 * The nullfs lines with "idmap", on the root tree (rootfd) while still the
 * host's root: each host folder seen through the jail's user namespace.
 */
int lj_mounts_idmapped(const struct lj_jail *j, int userns, int rootfd, struct lj_error *err);

/*
 * In the jail's own mount namespace, with the working folder at the root
 * tree (lj_mounts_root's): the tree as a mount of its own, as *rootfd.
 */
int lj_mounts_rebind(const struct lj_jail *j, int *rootfd, struct lj_error *err);

/* The jail's mounts, in order, below rootfd. */
int lj_mounts_apply(const struct lj_jail *j, int rootfd, struct lj_error *err);

/* dns.resolvconf: the host's file or one of nameservers, read-only over the jail's. */
int lj_mounts_resolvconf(const struct lj_jail *j, int rootfd, struct lj_error *err);

/* pivot_root into rootfd and detach the old root. */
int lj_mounts_pivot(const struct lj_jail *j, int rootfd, struct lj_error *err);

/* A fresh tmpfs for /dev with the nodes of a devfs ruleset (linux/devfs.c). */
int lj_devfs_mount(const struct lj_jail *j, const struct lj_mount *m, int targetfd,
		   struct lj_error *err);

/* Attaches the detached mount mntfd onto targetfd. */
int lj_mount_attach(int mntfd, int targetfd);

/*
 * A thin jail's tree: lower read-only below, upper (the jail's changes) on
 * top, detached. overlayfs wants a work folder on upper's file system: it
 * is upper's sibling named work. With userns (an fd, or -1), lower is
 * idmapped to it.
 */
int lj_mount_overlay(const char *lower, const char *upper, int userns, unsigned attrs, int *mntfd);

/* A new detached mount of a kernel file system with mount attributes. */
int lj_mount_new(const char *fstype, const char *const *options, unsigned attrs, int *mntfd);

#endif
