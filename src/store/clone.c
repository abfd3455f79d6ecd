/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/clone.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"
#include "store/tree.h"

int store_clone(const char *template_root, const char *dir, bool thick, const char **method,
		char **upper, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *root = lj_xasprintf("%s/root", dir);
	*upper = NULL;
	if (thick) {
		*method = "copy";
		return store_copy_tree(template_root, root, err);
	}
	struct stat a, b;
	if (plat_clone_is_volume(template_root) && plat_clone_supported(dir) && stat(template_root, &a) == 0 &&
	    stat(dir, &b) == 0) {
		/* Same btrfs file system: a writable snapshot costs nothing and needs no mount. */
		struct lj_error ignored = {0};
		if (plat_clone_snapshot(template_root, root, false, &ignored) == 0) {
			*method = "btrfs";
			return 0;
		}
	}
	*method = "overlay";
	LJ_CLEANUP_FREE char *up = lj_xasprintf("%s/upper", dir);
	LJ_CLEANUP_FREE char *work = lj_xasprintf("%s/work", dir);
	/* The overlay's root takes the upper folder's owner and mode: those of a root. */
	if (mkdir(root, 0755) < 0 || mkdir(up, 0755) < 0 || mkdir(work, 0700) < 0)
		return lj_error_set(err, errno, "'%s': %s", dir, strerror(errno));
	*upper = lj_steal_ptr(&up);
	return 0;
}
