/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whole trees in ljail's store: removed without ever following a symlink or
 * leaving the file system they start on, copied, measured; and files written
 * inside a jail's tree without a symlink there leading anywhere else.
 */
#ifndef LJAIL_STORE_TREE_H
#define LJAIL_STORE_TREE_H

#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

/*
 * Removes PATH and everything below it. Refuses (before removing anything)
 * when a mount point lies below PATH; while removing, a symlink is removed
 * as a link and a folder on another mount is never entered.
 */
int store_remove_tree(const char *path, struct lj_error *err);

/* Copies SRC to DST (which must not exist) with everything kept; reflinks when it can. */
int store_copy_tree(const char *src, const char *dst, struct lj_error *err);

/* Bytes the tree takes on disk, hard links counted once, not crossing mounts. */
int store_tree_size(const char *path, uint64_t *bytes, struct lj_error *err);

/* Writes a file at PATH inside the tree rootfd, replacing what is there (a symlink too). */
int store_write_in_root(int rootfd, const char *path, const void *data, size_t len, mode_t mode,
			struct lj_error *err);

/* Makes PATH inside the tree rootfd a symlink to target, replacing what is there. */
int store_symlink_in_root(int rootfd, const char *path, const char *target, struct lj_error *err);

#endif
