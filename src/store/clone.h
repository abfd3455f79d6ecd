/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cloning a template version into a jail's container folder with the best
 * means the file system offers: a btrfs snapshot when the template is a
 * btrfs subvolume, else an overlay (the template as the read-only lower
 * layer, mounted when the jail starts), or a full copy when asked.
 */
#ifndef LJAIL_STORE_CLONE_H
#define LJAIL_STORE_CLONE_H

#include <stdbool.h>

#include "base/error.h"

/*
 * Makes DIR/root from the template tree. *method is "btrfs", "overlay" or
 * "copy"; for an overlay *upper is the folder of the jail's changes (to free).
 */
int store_clone(const char *template_root, const char *dir, bool thick, const char **method,
		char **upper, struct lj_error *err);

#endif
