/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LJAIL_CONF_FILES_H
#define LJAIL_CONF_FILES_H

#include "conf/conf.h"

/*
 * The configuration as every command reads it, resolved and checked against
 * host (NULL: config show's reading, no checks): file when given (-f);
 * else, for the jails named (names not NULL), conf_file and the named jails'
 * own files conf_dir/NAME.conf and those of the jails they depend on; else
 * conf_file and every file in conf_dir, where a file that does not hold
 * with conf_file is left out and counted in *skipped (when not NULL) so that
 * the other jails still work. Returns 0, or -EINVAL; every diagnostic
 * (those of the files left out too) is in c, sorted, for the caller.
 */
int conf_load_checked(struct conf *c, const char *file, const char *conf_file,
		      const char *conf_dir, char *const *names, size_t nnames,
		      const struct conf_host *host, size_t *skipped);

#endif
