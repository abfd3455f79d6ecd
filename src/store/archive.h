/* SPDX-License-Identifier: BSD-2-Clause */
/* Root file system tarballs (gzip, xz, zstd, or none), read with libarchive. */
#ifndef LJAIL_STORE_ARCHIVE_H
#define LJAIL_STORE_ARCHIVE_H

#include "base/error.h"

/*
 * Unpacks the tarball into target (an empty folder) with owners, modes,
 * times, links, device nodes and extended attributes; an entry that would
 * land outside target (absolute, "..", or through a symlink) is an error.
 */
int store_unpack_tarball(const char *tarball, const char *target, struct lj_error *err);

#endif
