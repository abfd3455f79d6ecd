/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/*
 * libarchive is opened when a tarball is unpacked, not linked: it brings
 * libxml2, ICU and libstdc++ along, whose loading would cost every ljail
 * command (ljail exec among them) milliseconds for a feature one command uses.
 */
#define ARCHIVE_SYMBOLS(X)                                                                         \
	X(archive_entry_pathname)                                                                  \
	X(archive_entry_size)                                                                      \
	X(archive_error_string)                                                                    \
	X(archive_read_data_block)                                                                 \
	X(archive_read_free)                                                                       \
	X(archive_read_new)                                                                        \
	X(archive_read_next_header)                                                                \
	X(archive_read_open_filename)                                                              \
	X(archive_read_support_filter_all)                                                         \
	X(archive_read_support_format_gnutar)                                                      \
	X(archive_read_support_format_tar)                                                         \
	X(archive_write_close)                                                                     \
	X(archive_write_data_block)                                                                \
	X(archive_write_disk_new)                                                                  \
	X(archive_write_disk_set_options)                                                          \
	X(archive_write_disk_set_standard_lookup)                                                  \
	X(archive_write_finish_entry)                                                              \
	X(archive_write_free)                                                                      \
	X(archive_write_header)

#define DECLARE(name) static __typeof__(name) *sym_##name;
ARCHIVE_SYMBOLS(DECLARE)
#undef DECLARE

static int load_libarchive(struct lj_error *err)
{
	static void *handle;
	if (handle)
		return 0;
	void *h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return lj_error_set(err, ENOENT, "libarchive: %s (apt-get install libarchive13)",
				    dlerror());
#define LOAD(name)                                                                                 \
	if (!(sym_##name = (__typeof__(name) *)dlsym(h, #name))) {                                 \
		dlclose(h);                                                                        \
		return lj_error_set(err, ENOENT, "libarchive: no %s", #name);                      \
	}
	ARCHIVE_SYMBOLS(LOAD)
#undef LOAD
	handle = h;
	return 0;
}

static void read_cleanup(struct archive **a)
{
	if (*a)
		sym_archive_read_free(*a);
}

static void write_cleanup(struct archive **a)
{
	if (*a)
		sym_archive_write_free(*a);
}

static int copy_data(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t size;
	la_int64_t offset;
	for (;;) {
		int r = sym_archive_read_data_block(in, &buf, &size, &offset);
		if (r == ARCHIVE_EOF)
			return ARCHIVE_OK;
		if (r < ARCHIVE_WARN)
			return r;
		if (sym_archive_write_data_block(out, buf, size, offset) < ARCHIVE_WARN)
			return ARCHIVE_FATAL;
	}
}

int store_unpack_tarball(const char *tarball, const char *target, struct lj_error *err)
{
	int loaded = load_libarchive(err);
	if (loaded < 0)
		return loaded;
	__attribute__((cleanup(read_cleanup))) struct archive *in = sym_archive_read_new();
	__attribute__((cleanup(write_cleanup))) struct archive *out = sym_archive_write_disk_new();
	if (!in || !out)
		return lj_error_set(err, ENOMEM, "libarchive: out of memory");
	sym_archive_read_support_filter_all(in);
	sym_archive_read_support_format_tar(in);
	sym_archive_read_support_format_gnutar(in);
	/*
	 * A root file system keeps its owners, modes, ACLs and attributes.
	 * The SECURE flags refuse entries that would write outside the target:
	 * absolute names, ".." and paths through symlinks made by the archive.
	 */
	sym_archive_write_disk_set_options(
		out, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
			     ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_FFLAGS |
			     ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			     ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_UNLINK);
	sym_archive_write_disk_set_standard_lookup(out);
	if (sym_archive_read_open_filename(in, tarball, 1 << 16) != ARCHIVE_OK)
		return lj_error_set(err, EINVAL, "tarball '%s': %s", tarball,
				    sym_archive_error_string(in));

	/* Entries are named relative to the target: work from inside it. */
	LJ_CLEANUP_CLOSE int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (chdir(target) < 0)
		return lj_error_set(err, errno, "'%s': %s", target, strerror(errno));
	int rc = 0;
	size_t count = 0;
	for (;;) {
		struct archive_entry *e;
		int r = sym_archive_read_next_header(in, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			rc = lj_error_set(err, EINVAL, "tarball '%s': %s", tarball,
					  sym_archive_error_string(in));
			break;
		}
		r = sym_archive_write_header(out, e);
		if (r >= ARCHIVE_WARN && sym_archive_entry_size(e) > 0)
			r = copy_data(in, out);
		if (r >= ARCHIVE_WARN)
			r = sym_archive_write_finish_entry(out);
		if (r < ARCHIVE_WARN) {
			rc = lj_error_set(err, EINVAL, "tarball '%s': entry '%s': %s", tarball,
					  sym_archive_entry_pathname(e),
					  sym_archive_error_string(out));
			break;
		}
		count++;
	}
	if (rc == 0 && sym_archive_write_close(out) != ARCHIVE_OK)
		rc = lj_error_set(err, EIO, "tarball '%s': %s", tarball,
				  sym_archive_error_string(out));
	if (rc == 0 && count == 0)
		rc = lj_error_set(err, EINVAL, "tarball '%s' holds nothing", tarball);
	if (cwd >= 0 && fchdir(cwd) < 0 && rc == 0)
		rc = lj_error_set(err, errno, "returning from '%s': %s", target, strerror(errno));
	return rc;
}
