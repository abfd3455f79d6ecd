/* SPDX-License-Identifier: BSD-2-Clause */
/* Root file system tarballs (gzip, xz, zstd, or none), read with libarchive. */
#ifndef LJAIL_STORE_ARCHIVE_H
#define LJAIL_STORE_ARCHIVE_H

#include "base/error.h"
#include "model/jail.h"

/*
 * Unpacks the tarball into target (an empty folder) with owners, modes,
 * times, links, device nodes and extended attributes; an entry that would
 * land outside target (absolute, "..", or through a symlink) is an error.
 */
int store_unpack_tarball(const char *tarball, const char *target, struct lj_error *err);

/* A file of text packed beside the tree. */
struct store_pack_file {
	const char *name;
	const char *text;
};

/*
 * Packs the files, then the tree in the working folder under prefix, into
 * a zstd-compressed tarball written to fd: links stored as links, owners as
 * numbers as the jail sees them (its range's base taken off; an id outside
 * it becomes 65534), modes, times, extended attributes.
 */
int store_pack_tree(int fd, const char *prefix, const struct lj_idmap *idmap,
		    const struct store_pack_file *files, size_t nfiles, struct lj_error *err);

#endif
