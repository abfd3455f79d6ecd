/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where ljail keeps things. Everything hangs off one root ("/" normally;
 * -R DIR or LJAIL_ROOT=DIR for a private instance, as the tests use), so two
 * instances never share a file.
 */
#ifndef LJAIL_CORE_PATHS_H
#define LJAIL_CORE_PATHS_H

#include <sys/types.h>

#include "base/error.h"

struct lj_paths {
	char *root;           /* "/" or an absolute folder */
	char *conf_file;      /* ROOT/etc/ljail/jail.conf */
	char *conf_dir;       /* ROOT/etc/ljail/jail.conf.d */
	char *data_dir;       /* ROOT/var/lib/ljail */
	char *media_dir;      /* ROOT/var/lib/ljail/media */
	char *templates_dir;  /* ROOT/var/lib/ljail/templates */
	char *containers_dir; /* ROOT/var/lib/ljail/containers */
	char *run_dir;        /* ROOT/run/ljail */
};

/* root NULL means "/"; a relative root is made absolute. */
int lj_paths_init(struct lj_paths *p, const char *root, struct lj_error *err);
void lj_paths_release(struct lj_paths *p);

/* mkdir -p: the folders on the way 0755, the last one mode. */
int lj_make_dirs(const char *path, mode_t mode, struct lj_error *err);

#endif
