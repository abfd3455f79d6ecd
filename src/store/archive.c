/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/dl.h"

/*
 * libarchive is opened when a tarball is unpacked, not linked: it brings
 * libxml2, ICU and libstdc++ along, whose loading would cost every ljail
 * command (ljail exec among them) milliseconds for a feature one command uses.
 */
#define ARCHIVE_SYMBOLS(X)                                                                         \
	X(archive_entry_free)                                                                      \
	X(archive_entry_gid)                                                                       \
	X(archive_entry_new)                                                                       \
	X(archive_entry_set_filetype)                                                              \
	X(archive_entry_set_gid)                                                                   \
	X(archive_entry_set_mtime)                                                                 \
	X(archive_entry_set_pathname)                                                              \
	X(archive_entry_set_perm)                                                                  \
	X(archive_entry_set_size)                                                                  \
	X(archive_entry_set_uid)                                                                   \
	X(archive_entry_uid)                                                                       \
	X(archive_read_disk_descend)                                                               \
	X(archive_read_disk_new)                                                                   \
	X(archive_read_disk_open)                                                                  \
	X(archive_read_disk_set_symlink_physical)                                                  \
	X(archive_read_next_header2)                                                               \
	X(archive_write_add_filter_zstd)                                                           \
	X(archive_write_data)                                                                      \
	X(archive_write_new)                                                                       \
	X(archive_write_open_fd)                                                                   \
	X(archive_write_set_format_pax_restricted)                                                 \
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

#define SLOT(name) {#name, (void **)&sym_##name},
static const struct lj_dl_sym archive_syms[] = {ARCHIVE_SYMBOLS(SLOT)};
#undef SLOT

static int load_libarchive(struct lj_error *err)
{
	static void *handle;
	return lj_dl_open(&handle, "libarchive.so.13", archive_syms, LJ_ARRAY_SIZE(archive_syms),
			  "apt-get install libarchive13", err);
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

/* An id as the jail sees it: in the range, less its base; outside, nobody. */
static int64_t jail_view(const struct lj_idmap *m, int64_t id)
{
	if (!m->count)
		return id;
	return id >= m->base && id - m->base < m->count ? id - m->base : 65534;
}

/*
 * A file's bytes from the disk into the tarball: archive_write_data, as
 * archive_write_data_block is for disk writers alone. Holes read as blocks
 * at offsets are written out as zeros, so the stream stays in order.
 */
static int copy_to_archive(struct archive *in, struct archive *out)
{
	static const char zeros[65536];
	la_int64_t at = 0;
	for (;;) {
		const void *buf;
		size_t size;
		la_int64_t offset;
		int r = sym_archive_read_data_block(in, &buf, &size, &offset);
		if (r == ARCHIVE_EOF)
			return ARCHIVE_OK;
		if (r < ARCHIVE_WARN)
			return r;
		while (at < offset) {
			size_t n = offset - at < (la_int64_t)sizeof(zeros) ? (size_t)(offset - at)
									   : sizeof(zeros);
			if (sym_archive_write_data(out, zeros, n) < 0)
				return ARCHIVE_FATAL;
			at += (la_int64_t)n;
		}
		if (size && sym_archive_write_data(out, buf, size) != (la_ssize_t)size)
			return ARCHIVE_FATAL;
		at += (la_int64_t)size;
	}
}

static int add_text(struct archive *out, const struct store_pack_file *f)
{
	struct archive_entry *e = sym_archive_entry_new();
	if (!e)
		return ARCHIVE_FATAL;
	size_t len = strlen(f->text);
	sym_archive_entry_set_pathname(e, f->name);
	sym_archive_entry_set_filetype(e, AE_IFREG);
	sym_archive_entry_set_perm(e, 0644);
	sym_archive_entry_set_size(e, (la_int64_t)len);
	sym_archive_entry_set_mtime(e, time(NULL), 0);
	int r = sym_archive_write_header(out, e);
	if (r >= ARCHIVE_WARN && sym_archive_write_data(out, f->text, len) != (la_ssize_t)len)
		r = ARCHIVE_FATAL;
	sym_archive_entry_free(e);
	return r;
}

int store_pack_tree(int fd, const char *prefix, const struct lj_idmap *idmap,
		    const struct store_pack_file *files, size_t nfiles, struct lj_error *err)
{
	int loaded = load_libarchive(err);
	if (loaded < 0)
		return loaded;
	__attribute__((cleanup(read_cleanup))) struct archive *in = sym_archive_read_disk_new();
	__attribute__((cleanup(write_cleanup))) struct archive *out = sym_archive_write_new();
	struct archive_entry *e = sym_archive_entry_new();
	if (!in || !out || !e) {
		if (e)
			sym_archive_entry_free(e);
		return lj_error_set(err, ENOMEM, "libarchive: out of memory");
	}
	/* Links are stored as links, never followed out of the tree; no names, ids alone. */
	sym_archive_read_disk_set_symlink_physical(in);
	sym_archive_write_add_filter_zstd(out);
	sym_archive_write_set_format_pax_restricted(out);
	int rc = 0;
	if (sym_archive_write_open_fd(out, fd) != ARCHIVE_OK ||
	    sym_archive_read_disk_open(in, ".") != ARCHIVE_OK)
		rc = lj_error_set(err, EIO, "libarchive: %s", sym_archive_error_string(out));
	for (size_t i = 0; rc == 0 && i < nfiles; i++)
		if (add_text(out, &files[i]) < ARCHIVE_WARN)
			rc = lj_error_set(err, EIO, "writing '%s': %s", files[i].name,
					  sym_archive_error_string(out));
	while (rc == 0) {
		int r = sym_archive_read_next_header2(in, e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			rc = lj_error_set(err, EIO, "reading the tree: %s",
					  sym_archive_error_string(in));
			break;
		}
		sym_archive_read_disk_descend(in);
		const char *path = sym_archive_entry_pathname(e);
		LJ_CLEANUP_FREE char *name = lj_xasprintf(
			"%s/%s", prefix, path[0] == '.' && path[1] == '/' ? path + 2 : path);
		if (lj_str_eq(path, "."))
			name[strlen(prefix)] = '\0';
		sym_archive_entry_set_pathname(e, name);
		sym_archive_entry_set_uid(e, jail_view(idmap, sym_archive_entry_uid(e)));
		sym_archive_entry_set_gid(e, jail_view(idmap, sym_archive_entry_gid(e)));
		r = sym_archive_write_header(out, e);
		if (r >= ARCHIVE_WARN && sym_archive_entry_size(e) > 0)
			r = copy_to_archive(in, out);
		if (r < ARCHIVE_WARN)
			rc = lj_error_set(err, EIO, "'%s': %s", path,
					  sym_archive_error_string(out));
	}
	sym_archive_entry_free(e);
	if (rc == 0 && sym_archive_write_close(out) != ARCHIVE_OK)
		rc = lj_error_set(err, EIO, "libarchive: %s", sym_archive_error_string(out));
	return rc;
}
