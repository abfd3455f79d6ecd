/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fstab(5) lines, as the `mount` parameter and mount.fstab files hold them:
 * "SOURCE TARGET TYPE [OPTIONS [FREQ [PASSNO]]]", and the FreeBSD file
 * system types a jail's lines may name.
 */
#ifndef LJAIL_CONF_FSTAB_H
#define LJAIL_CONF_FSTAB_H

#include <stdbool.h>

struct conf_fstab_entry {
	char *source;
	char *target;
	char *type;
	char *options; /* "rw" when the line has none */
};

/*
 * Parses one line. Returns 1 with *out filled, 0 for a blank or comment
 * line, or -EINVAL with *why saying what is wrong.
 */
int conf_fstab_parse(const char *line, struct conf_fstab_entry *out, const char **why);
void conf_fstab_entry_release(struct conf_fstab_entry *e);
/*
 * Whether a line may name this file system type: FreeBSD's (devfs, fdescfs,
 * procfs, linprocfs, linsysfs, nullfs, tmpfs) and the Linux names of the same
 * things. What a host mounts for each is the host's (conf/host.h).
 */
bool conf_fstype_known(const char *type);
/* True when target is root or lies below it, as plain absolute paths. */
bool conf_path_below(const char *target, const char *root);

#endif
