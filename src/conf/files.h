/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LJAIL_CONF_FILES_H
#define LJAIL_CONF_FILES_H

#include "conf/conf.h"

/*
 * Loads conf_file when it exists, then every conf_dir/NAME.conf in name order
 * that conf_file did not already include. No file at all is an empty
 * configuration, not an error.
 */
int conf_load_defaults(struct conf *c, const char *conf_file, const char *conf_dir);

/*
 * The configuration as every command acting on jails reads it: file (or,
 * when NULL, the default files), resolved and checked in mode. 0, or
 * -EINVAL with every diagnostic in c, sorted, for the caller to report.
 */
int conf_load_checked(struct conf *c, const char *file, const char *conf_file,
		      const char *conf_dir, const struct conf_host *host);

#endif
