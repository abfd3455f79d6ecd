/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/users.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/linux/sys.h"

FILE *lx_open_jail_file(int rootfd, const char *path, int *err)
{
	int fd = lj_open_in_root(rootfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	struct stat st;
	if (fd < 0) {
		*err = -fd;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*err = EINVAL;
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		*err = errno;
		close(fd);
	}
	return f;
}

int lx_user_in_jail(int rootfd, const char *jail, const char *user, struct lj_user *u,
		    struct lj_error *err)
{
	int e = 0;
	*u = (struct lj_user){0};
	LJ_CLEANUP_FCLOSE FILE *pf = lx_open_jail_file(rootfd, "/etc/passwd", &e);
	if (!pf)
		return lj_error_set(err, e, "jail '%s': /etc/passwd in the jail: %s", jail,
				    e == EINVAL ? "not a plain file" : strerror(e));
	LJ_CLEANUP_FCLOSE FILE *gf = lx_open_jail_file(rootfd, "/etc/group", &e);
	if (!gf)
		return lj_error_set(err, e, "jail '%s': /etc/group in the jail: %s", jail,
				    e == EINVAL ? "not a plain file" : strerror(e));
	return lj_user_from_files(pf, gf, jail, user, u, err);
}
