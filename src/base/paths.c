/* SPDX-License-Identifier: BSD-2-Clause */
#include "base/paths.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int lj_paths_init(struct lj_paths *p, const char *root, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *abs = NULL;

	*p = (struct lj_paths){0};
	if (!root || !*root)
		root = "/";
	if (root[0] != '/') {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return lj_error_set(err, errno,
					    "root '%s': cannot read the working folder: %s", root,
					    strerror(errno));
		abs = lj_xasprintf("%s/%s", cwd, root);
		root = abs;
	}
	/* "/" + "etc/..." and "/x" + "/etc/...": no doubled slash either way. */
	size_t len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		len--;
	p->root = lj_xstrndup(root, len);
	const char *base = lj_str_eq(p->root, "/") ? "" : p->root;

	p->conf_file = lj_xasprintf("%s/etc/ljail/jail.conf", base);
	p->conf_dir = lj_xasprintf("%s/etc/ljail/jail.conf.d", base);
	p->data_dir = lj_xasprintf("%s/var/lib/ljail", base);
	p->media_dir = lj_xasprintf("%s/media", p->data_dir);
	p->templates_dir = lj_xasprintf("%s/templates", p->data_dir);
	p->containers_dir = lj_xasprintf("%s/containers", p->data_dir);
	p->run_dir = lj_xasprintf("%s/run/ljail", base);
	return 0;
}

void lj_paths_release(struct lj_paths *p)
{
	free(p->root);
	free(p->conf_file);
	free(p->conf_dir);
	free(p->data_dir);
	free(p->media_dir);
	free(p->templates_dir);
	free(p->containers_dir);
	free(p->run_dir);
	*p = (struct lj_paths){0};
}

int lj_make_dirs(const char *path, mode_t mode, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *tmp = lj_xstrdup(path);
	for (char *p = tmp + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(tmp, c ? 0755 : mode) < 0 && errno != EEXIST)
				return lj_error_set(err, errno, "'%s': %s", tmp, strerror(errno));
			if (!c)
				break;
			*p = c;
		}
	}
	return 0;
}
