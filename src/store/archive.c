/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static void read_cleanup(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

static void write_cleanup(struct archive **a)
{
	if (*a)
		archive_write_free(*a);
}

static int copy_data(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t size;
	la_int64_t offset;
	for (;;) {
		int r = archive_read_data_block(in, &buf, &size, &offset);
		if (r == ARCHIVE_EOF)
			return ARCHIVE_OK;
		if (r < ARCHIVE_WARN)
			return r;
		if (archive_write_data_block(out, buf, size, offset) < ARCHIVE_WARN)
			return ARCHIVE_FATAL;
	}
}

int store_unpack_tarball(const char *tarball, const char *target, struct lj_error *err)
{
	__attribute__((cleanup(read_cleanup))) struct archive *in = archive_read_new();
	__attribute__((cleanup(write_cleanup))) struct archive *out = archive_write_disk_new();
	if (!in || !out)
		return lj_error_set(err, ENOMEM, "libarchive: out of memory");
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	/*
	 * A root file system keeps its owners, modes, ACLs and attributes.
	 * The SECURE flags refuse entries that would write outside the target:
	 * absolute names, ".." and paths through symlinks made by the archive.
	 */
	archive_write_disk_set_options(
		out, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
			     ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_FFLAGS |
			     ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			     ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_UNLINK);
	archive_write_disk_set_standard_lookup(out);
	if (archive_read_open_filename(in, tarball, 1 << 16) != ARCHIVE_OK)
		return lj_error_set(err, EINVAL, "tarball '%s': %s", tarball,
				    archive_error_string(in));

	/* Entries are named relative to the target: work from inside it. */
	LJ_CLEANUP_CLOSE int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (chdir(target) < 0)
		return lj_error_set(err, errno, "'%s': %s", target, strerror(errno));
	int rc = 0;
	size_t count = 0;
	for (;;) {
		struct archive_entry *e;
		int r = archive_read_next_header(in, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			rc = lj_error_set(err, EINVAL, "tarball '%s': %s", tarball,
					  archive_error_string(in));
			break;
		}
		r = archive_write_header(out, e);
		if (r >= ARCHIVE_WARN && archive_entry_size(e) > 0)
			r = copy_data(in, out);
		if (r >= ARCHIVE_WARN)
			r = archive_write_finish_entry(out);
		if (r < ARCHIVE_WARN) {
			rc = lj_error_set(err, EINVAL, "tarball '%s': entry '%s': %s", tarball,
					  archive_entry_pathname(e), archive_error_string(out));
			break;
		}
		count++;
	}
	if (rc == 0 && archive_write_close(out) != ARCHIVE_OK)
		rc = lj_error_set(err, EIO, "tarball '%s': %s", tarball, archive_error_string(out));
	if (rc == 0 && count == 0)
		rc = lj_error_set(err, EINVAL, "tarball '%s' holds nothing", tarball);
	if (cwd >= 0 && fchdir(cwd) < 0 && rc == 0)
		rc = lj_error_set(err, errno, "returning from '%s': %s", target, strerror(errno));
	return rc;
}
