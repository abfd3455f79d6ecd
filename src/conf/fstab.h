/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fstab(5) lines, as the `mount` parameter and mount.fstab files hold them:
 * "SOURCE TARGET TYPE [OPTIONS [FREQ [PASSNO]]]", and the FreeBSD file
 * system types a jail's lines may name, with what each becomes on Linux.
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

struct conf_fstype {
	const char *name;  /* as written in the line */
	const char *linux; /* what ljail mounts for it */
};

/*
 * Parses one line. Returns 1 with *out filled, 0 for a blank or comment
 * line, or -EINVAL with *why saying what is wrong.
 */
int conf_fstab_parse(const char *line, struct conf_fstab_entry *out, const char **why);
void conf_fstab_entry_release(struct conf_fstab_entry *e);
/* The mapping for a type, or NULL when jails cannot mount it here. */
const struct conf_fstype *conf_fstype_find(const char *type);
/* True when target is root or lies below it, as plain absolute paths. */
bool conf_path_below(const char *target, const char *root);

#endif
