/* SPDX-License-Identifier: BSD-2-Clause */
#include "base/user.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static bool user_matches(const struct passwd *pw, const char *user)
{
	long n;
	if (lj_str_eq(pw->pw_name, user))
		return true;
	return lj_parse_long(user, &n) && n >= 0 && (uid_t)n == pw->pw_uid;
}

static void add_group(struct lj_user *u, gid_t g, size_t *cap)
{
	for (size_t i = 0; i < u->ngroups; i++)
		if (u->groups[i] == g)
			return;
	*LJ_VEC_PUSH(u->groups, u->ngroups, *cap) = g;
}

int lj_user_from_files(FILE *passwd, FILE *group, const char *jail, const char *user,
		       struct lj_user *u, struct lj_error *err)
{
	char buf[4096];
	struct passwd pw, *pwp = NULL;
	*u = (struct lj_user){0};

	while (fgetpwent_r(passwd, &pw, buf, sizeof(buf), &pwp) == 0)
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
	struct group gr, *grp = NULL;
	char gbuf[16384];
	while (fgetgrent_r(group, &gr, gbuf, sizeof(gbuf), &grp) == 0)
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
	struct passwd *pw = lj_parse_long(user, &n) ? getpwuid((uid_t)n) : getpwnam(user);
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
