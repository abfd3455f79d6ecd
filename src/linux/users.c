/* SPDX-License-Identifier: BSD-2-Clause */
#include "linux/users.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "linux/sys.h"

void lj_user_release(struct lj_user *u)
{
	free(u->name);
	free(u->groups);
	free(u->home);
	free(u->shell);
	*u = (struct lj_user){0};
}

void lj_user_root(struct lj_user *u)
{
	*u = (struct lj_user){.name = lj_xstrdup("root"),
			      .home = lj_xstrdup("/root"),
			      .shell = lj_xstrdup("/bin/sh")};
	u->groups = lj_xcalloc(1, sizeof(gid_t));
	u->ngroups = 1;
}

/*
 * The jail's files are the jail's to write: opened inside its root, never
 * following a link out of it, and only if they are plain files (a FIFO or a
 * device planted there would block or mislead ljail).
 */
static FILE *open_jail_file(int rootfd, const char *path, int *err)
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

static bool user_matches(const struct passwd *pw, const char *user)
{
	long n;
	if (lj_str_eq(pw->pw_name, user))
		return true;
	return conf_parse_long(user, &n) && n >= 0 && (uid_t)n == pw->pw_uid;
}

static void add_group(struct lj_user *u, gid_t g, size_t *cap)
{
	for (size_t i = 0; i < u->ngroups; i++)
		if (u->groups[i] == g)
			return;
	*LJ_VEC_PUSH(u->groups, u->ngroups, *cap) = g;
}

int lj_user_in_jail(int rootfd, const char *jail, const char *user, struct lj_user *u,
		    struct lj_error *err)
{
	int e = 0;
	char buf[4096];
	struct passwd pw, *pwp = NULL;
	*u = (struct lj_user){0};

	LJ_CLEANUP_FCLOSE FILE *pf = open_jail_file(rootfd, "/etc/passwd", &e);
	if (!pf)
		return lj_error_set(err, e, "jail '%s': /etc/passwd in the jail: %s", jail,
				    e == EINVAL ? "not a plain file" : strerror(e));
	while (fgetpwent_r(pf, &pw, buf, sizeof(buf), &pwp) == 0)
		if (user_matches(pwp, user))
			break;
	if (!pwp || !user_matches(pwp, user))
		return lj_error_usage(err, "jail '%s': no user '%s' in the jail's /etc/passwd",
				      jail, user);
	u->name = lj_xstrdup(pw.pw_name);
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	u->home = lj_xstrdup(pw.pw_dir && *pw.pw_dir ? pw.pw_dir : "/");
	u->shell = lj_xstrdup(pw.pw_shell && *pw.pw_shell ? pw.pw_shell : "/bin/sh");

	size_t cap = 0;
	add_group(u, u->gid, &cap);
	LJ_CLEANUP_FCLOSE FILE *gf = open_jail_file(rootfd, "/etc/group", &e);
	if (!gf) {
		int code = e;
		lj_user_release(u);
		return lj_error_set(err, code, "jail '%s': /etc/group in the jail: %s", jail,
				    code == EINVAL ? "not a plain file" : strerror(code));
	}
	struct group gr, *grp = NULL;
	char gbuf[16384];
	while (fgetgrent_r(gf, &gr, gbuf, sizeof(gbuf), &grp) == 0)
		for (char **m = gr.gr_mem; m && *m; m++)
			if (lj_str_eq(*m, u->name))
				add_group(u, gr.gr_gid, &cap);
	return 0;
}

int lj_user_on_host(const char *jail, const char *user, struct lj_user *u, struct lj_error *err)
{
	long n;
	*u = (struct lj_user){0};
	errno = 0;
	struct passwd *pw = conf_parse_long(user, &n) ? getpwuid((uid_t)n) : getpwnam(user);
	if (!pw)
		return lj_error_usage(err, "jail '%s': no user '%s' on the host", jail, user);
	u->name = lj_xstrdup(pw->pw_name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->home = lj_xstrdup(pw->pw_dir);
	u->shell = lj_xstrdup(pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh");
	int count = 16;
	for (;;) {
		u->groups = lj_xrealloc(u->groups, (size_t)count * sizeof(gid_t));
		int got = count;
		if (getgrouplist(u->name, u->gid, u->groups, &got) >= 0) {
			u->ngroups = (size_t)got;
			break;
		}
		count = got > count ? got : count * 2;
	}
	return 0;
}

int lj_user_become(const struct lj_user *u)
{
	if (setgroups(u->ngroups, u->groups) < 0 || setresgid(u->gid, u->gid, u->gid) < 0 ||
	    setresuid(u->uid, u->uid, u->uid) < 0)
		return -errno;
	return 0;
}
