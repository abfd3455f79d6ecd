/* SPDX-License-Identifier: BSD-2-Clause */
#include "conf/fstab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/*
 * What a jail may mount. Device-backed types are left out on purpose: root in
 * a jail must not reach the host's block devices, and ljail mounts only file
 * systems that hold no host data of their own, or binds of host folders the
 * configuration names.
 */
static const char *const fstypes[] = {
	"devfs", "fdescfs", "procfs", "linprocfs", "proc", "linsysfs",
	"sysfs", "tmpfs", "nullfs", "bind", "devpts", "mqueue",
};

bool conf_fstype_known(const char *type)
{
	for (size_t i = 0; i < LJ_ARRAY_SIZE(fstypes); i++)
		if (lj_str_eq(fstypes[i], type))
			return true;
	return false;
}

void conf_fstab_entry_release(struct conf_fstab_entry *e)
{
	free(e->source);
	free(e->target);
	free(e->type);
	free(e->options);
	*e = (struct conf_fstab_entry){0};
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

int conf_fstab_parse(const char *line, struct conf_fstab_entry *out, const char **why)
{
	char *fields[7];
	size_t n = 0;
	const char *p = line;

	*out = (struct conf_fstab_entry){0};
	while (n < LJ_ARRAY_SIZE(fields)) {
		p += strspn(p, " \t\n");
		if (!*p || *p == '#')
			break;
		size_t len = strcspn(p, " \t\n");
		fields[n++] = lj_xstrndup(p, len);
		p += len;
	}
	int rc = 1;
	if (n == 0) {
		rc = 0;
	} else if (n < 3) {
		*why = "needs at least SOURCE TARGET TYPE";
		rc = -EINVAL;
	} else if (n > 6) {
		*why = "has more than the six fstab fields";
		rc = -EINVAL;
	} else if (fields[1][0] != '/') {
		*why = "needs an absolute TARGET";
		rc = -EINVAL;
	} else if ((n > 4 && !all_digits(fields[4])) || (n > 5 && !all_digits(fields[5]))) {
		*why = "needs numbers in the FREQ and PASSNO fields";
		rc = -EINVAL;
	}
	if (rc == 1) {
		out->source = lj_steal_ptr(&fields[0]);
		out->target = lj_steal_ptr(&fields[1]);
		out->type = lj_steal_ptr(&fields[2]);
		out->options = n > 3 ? lj_steal_ptr(&fields[3]) : lj_xstrdup("rw");
	}
	for (size_t i = 0; i < n; i++)
		free(fields[i]);
	return rc;
}

bool conf_path_below(const char *target, const char *root)
{
	size_t len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		len--;
	if (len == 1 && root[0] == '/')
		return target[0] == '/';
	if (strncmp(target, root, len) != 0 || (target[len] != '\0' && target[len] != '/'))
		return false;
	/* ".." could climb back out of the root; such a target is refused. */
	for (const char *s = target + len; (s = strstr(s, "..")); s += 2)
		if (s[-1] == '/' && (s[2] == '/' || s[2] == '\0'))
			return false;
	return true;
}
