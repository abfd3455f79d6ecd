/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Editing a jail's tree from the host while the jail is not running: a
 * thin jail's overlay is mounted in a private mount namespace of a child
 * process (so the host never sees it), and every file is reached inside the
 * tree with RESOLVE_IN_ROOT.
 */
#ifndef LJAIL_STORE_EDIT_H
#define LJAIL_STORE_EDIT_H

#include <stddef.h>

#include "base/error.h"
#include "model/jail.h"

/*
 * Calls fn with the tree's root (an overlay of lower and upper when upper
 * is set), seen through the jail's ids when idmap has a count.
 */
int store_edit_tree(const char *root, const char *lower, const char *upper,
		    const struct lj_idmap *idmap,
		    int (*fn)(int rootfd, void *ctx, struct lj_error *err), void *ctx,
		    struct lj_error *err);

/* /etc/hostname, and the name in /etc/hosts so that sudo and friends resolve it. */
int store_set_hostname(const char *root, const char *lower, const char *upper,
		       const struct lj_idmap *idmap, const char *name, struct lj_error *err);

/*
 * /etc/hosts text (the jail's, so anything at all) with "127.0.1.1 NAME"
 * added, in a new buffer of *out_len bytes; NULL when NAME is already there.
 */
char *store_hosts_with_name(const char *text, size_t len, const char *name, size_t *out_len);

#endif
