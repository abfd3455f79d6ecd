/* SPDX-License-Identifier: BSD-2-Clause */
/* The default configuration: jail.conf, then jail.conf.d/NAME.conf by name. */
#include "conf/files.h"

#include <errno.h>
#include <glob.h>
#include <string.h>

int conf_load_defaults(struct conf *c, const char *conf_file, const char *conf_dir)
{
	int rc = 0;

	rc = conf_load_file_if_present(c, conf_file);

	LJ_CLEANUP_FREE char *pattern = lj_xasprintf("%s/*.conf", conf_dir);
	glob_t g = {0};
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			/*
			 * jail.conf may .include these itself; read each file once.
			 * One removed since the glob (a destroy meanwhile) is simply gone.
			 */
			if (conf_file_loaded(c, g.gl_pathv[i]))
				continue;
			int r = conf_load_file_if_present(c, g.gl_pathv[i]);
			if (r < 0 && rc == 0)
				rc = r;
		}
	}
	globfree(&g);
	return rc;
}

int conf_load_checked(struct conf *c, const char *file, const char *conf_file,
		      const char *conf_dir, const struct conf_host *host)
{
	int rc = file ? conf_load_file(c, file) : conf_load_defaults(c, conf_file, conf_dir);
	/* Resolve only what parsed; the names are checked either way. */
	if (rc == 0)
		rc = conf_resolve(c);
	int check = conf_check(c, host);
	if (rc == 0)
		rc = check;
	if (c->ndiags)
		conf_diag_sort(c);
	return rc < 0 || c->ndiags ? -EINVAL : 0;
}
