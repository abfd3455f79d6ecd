/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A jail made by create as one zstd tarball, and back: `ljail export JAIL
 * FILE` packs an "ljail-export" note (its name, its folder, whether its ids
 * were its own), its jail.conf.d file as "jail.conf", and its tree as the
 * jail sees it under "root/" (a thin jail's template and changes as one,
 * owners as the jail's ids, so the file fits any range); `ljail import FILE
 * [NAME]` makes a whole (thick) jail of it with a range and an address of
 * its own. The tarball is unpacked with libarchive's SECURE flags: an entry
 * that would land outside the new jail's folder is an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/archive.h"
#include "store/edit.h"
#include "store/ids.h"
#include "store/layout.h"
#include "store/meta.h"
#include "store/store.h"
#include "store/tree.h"

struct pack {
	int fd;
	const struct lj_idmap *idmap;
	struct store_pack_file files[2];
};

/* In the tree-editing child: the tree is its working folder while it is packed. */
static int pack_tree(int rootfd, void *ctx, struct lj_error *err)
{
	struct pack *p = ctx;
	if (fchdir(rootfd) < 0)
		return lj_error_set(err, errno, "entering the tree: %s", strerror(errno));
	return store_pack_tree(p->fd, "root", p->idmap, p->files, LJ_ARRAY_SIZE(p->files), err);
}

int store_jail_export(const struct lj_paths *paths, const char *name, const char *file,
		      struct lj_error *err)
{
	int lock = -1;
	struct store_jail_info info;
	int rc = store_hold_stopped(paths, name, "export", &lock, &info, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, name);
	LJ_CLEANUP_FREE char *conf = store_conf_file(paths, name);
	LJ_CLEANUP_FREE char *text = store_read_text(conf, err);
	LJ_CLEANUP_FREE char *note = lj_xasprintf("name=%s\ndir=%s\nids=%s\n", name, dir,
						  info.idmap.count ? "jail" : "host");
	/* Made here by the host's root, never over an existing file. */
	int fd = text ? open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
	if (!text)
		rc = -EIO;
	else if (fd < 0)
		rc = lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
	if (rc == 0) {
		struct pack p = {fd, &info.idmap, {{"ljail-export", note}, {"jail.conf", text}}};
		LJ_CLEANUP_FREE char *root = lj_xasprintf("%s/root", dir);
		LJ_CLEANUP_FREE char *upper = info.lower ? lj_xasprintf("%s/upper", dir) : NULL;
		rc = store_edit_tree(root, info.lower, upper, &info.idmap, pack_tree, &p, err);
		if (rc == 0 && fsync(fd) < 0)
			rc = lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
	}
	if (fd >= 0) {
		close(fd);
		if (rc < 0)
			unlink(file);
	}
	store_jail_info_release(&info);
	store_name_unlock(paths, name, &lock);
	return rc < 0 ? lj_error_wrap(err, "jail '%s': export", name) : 0;
}

/* The note and the configuration an export holds, read from its unpacked folder. */
struct exported {
	char *name, *dir, *text;
	bool own_ids;
};

static int read_exported(const char *unpacked, struct exported *x, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *note_file = lj_xasprintf("%s/ljail-export", unpacked);
	LJ_CLEANUP_FREE char *conf_file = lj_xasprintf("%s/jail.conf", unpacked);
	struct store_meta m = {0};
	int rc = store_meta_read(note_file, &m, err);
	if (rc < 0)
		return rc == -ENOENT
			       ? lj_error_usage(err,
						"not a file ljail export made (no ljail-export)")
			       : rc;
	const char *name = store_meta_get(&m, "name"), *dir = store_meta_get(&m, "dir");
	const char *ids = store_meta_get(&m, "ids");
	if (!name || !dir || !ids || store_check_name("jail", name, err) < 0)
		rc = lj_error_usage(err, "not a file ljail export made (its note is incomplete)");
	else if (!(x->text = store_read_text(conf_file, err)))
		rc = -EIO;
	if (rc == 0) {
		x->name = lj_xstrdup(name);
		x->dir = lj_xstrdup(dir);
		x->own_ids = lj_str_eq(ids, "jail");
	}
	store_meta_release(&m);
	return rc;
}

static void exported_release(struct exported *x)
{
	free(x->name);
	free(x->dir);
	free(x->text);
}

static int import_locked(const struct lj_paths *paths, const char *file, const char *name,
			 const char *part, struct exported *x, struct lj_error *warning,
			 struct lj_error *err)
{
	LJ_CLEANUP_FREE char *unpacked = lj_xasprintf("%s/unpacked", part);
	LJ_CLEANUP_FREE char *root = lj_xasprintf("%s/root", part);
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, name);
	if (mkdir(unpacked, 0700) < 0)
		return lj_error_set(err, errno, "'%s': %s", unpacked, strerror(errno));
	int rc = store_unpack_tarball(file, unpacked, err);
	if (rc == 0)
		rc = read_exported(unpacked, x, err);
	LJ_CLEANUP_FREE char *tree = lj_xasprintf("%s/root", unpacked);
	if (rc == 0 && rename(tree, root) < 0)
		rc = lj_error_set(err, errno, "'%s' holds no tree: %s", file, strerror(errno));
	struct lj_error ignored = {0};
	store_remove_tree(unpacked, &ignored);
	if (rc < 0)
		return rc;
	/*
	 * Its own range, held until the meta records it. A whole tree is kept
	 * as the jail's own ids, as the tarball has them, and mounted through
	 * the range when the jail starts (as create's copies are).
	 */
	struct lj_idmap idmap = {0};
	int ids_lock = -1;
	rc = x->own_ids ? store_ids_claim(paths, &idmap, &ids_lock, err) : 0;
	if (rc == 0) {
		struct store_meta m = {0};
		char ids[32], created[32];
		snprintf(ids, sizeof(ids), "%u:%u", idmap.base, idmap.count);
		snprintf(created, sizeof(created), "%lld", (long long)time(NULL));
		store_meta_set(&m, "method", "copy");
		store_meta_set(&m, "created", created);
		store_meta_set(&m, "imported_from", x->name);
		if (idmap.count)
			store_meta_set(&m, "idmap", ids);
		LJ_CLEANUP_FREE char *meta = lj_xasprintf("%s/meta", part);
		rc = store_meta_write(meta, &m, err);
		store_meta_release(&m);
	}
	store_ids_release(paths, &ids_lock);
	LJ_CLEANUP_FREE char *network = store_conf_text_value(x->text, "vnet.network");
	struct store_retarget r = {
		.old_name = x->name,
		.new_name = name,
		.old_dir = x->dir,
		.new_dir = dir,
		.idmap = idmap.count ? &idmap : NULL,
		.drop_publish = true,
		.thick = true,
	};
	bool conf_written = false;
	if (rc == 0)
		conf_written =
			(rc = store_write_conf_leased(paths, name, x->text, &r, network, err)) == 0;
	if (rc == 0 && idmap.count)
		rc = store_ids_hold(paths, &ids_lock, err);
	if (rc == 0 && rename(part, dir) < 0)
		rc = lj_error_set(err, errno, "'%s': %s", dir, strerror(errno));
	store_ids_release(paths, &ids_lock);
	if (rc < 0 && conf_written) {
		LJ_CLEANUP_FREE char *conf = store_conf_file(paths, name);
		unlink(conf);
	}
	struct store_jail_info whole = {.idmap = idmap};
	if (rc == 0)
		store_rename_inside(paths, x->text, x->name, name, &whole, "imported", warning);
	return rc;
}

int store_jail_import(const struct lj_paths *paths, const char *file, const char *name, char **made,
		      struct lj_error *warning, struct lj_error *err)
{
	*made = NULL;
	struct exported x = {0};
	LJ_CLEANUP_FREE char *named = NULL;
	int rc = 0;
	if (!name) {
		/* The name it had: read from the tarball's note before anything is made. */
		LJ_CLEANUP_FREE char *peek =
			lj_xasprintf("%s/.import-XXXXXX", paths->containers_dir);
		if ((rc = lj_make_dirs(paths->containers_dir, 0755, err)) < 0)
			return rc;
		if (!mkdtemp(peek))
			return lj_error_set(err, errno, "'%s': %s", peek, strerror(errno));
		struct lj_error ignored = {0};
		rc = store_unpack_tarball(file, peek, err);
		if (rc == 0)
			rc = read_exported(peek, &x, err);
		store_remove_tree(peek, &ignored);
		if (rc < 0)
			return lj_error_wrap(err, "import '%s'", file);
		named = lj_xstrdup(x.name);
		exported_release(&x);
		x = (struct exported){0};
		name = named;
	}
	LJ_CLEANUP_CLOSE int lock = -1;
	if ((rc = store_check_name("jail", name, err)) < 0 ||
	    (rc = store_name_lock(paths, name, &lock, err)) < 0)
		return rc;
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, name);
	LJ_CLEANUP_FREE char *conf = store_conf_file(paths, name);
	LJ_CLEANUP_FREE char *part = lj_xasprintf("%s/.%s.part", paths->containers_dir, name);
	struct lj_error ignored = {0};
	if (access(dir, F_OK) == 0 || access(conf, F_OK) == 0) {
		rc = lj_error_usage(err, "jail '%s' already exists", name);
	} else {
		store_remove_tree(part, &ignored);
		if (mkdir(part, 0700) < 0)
			rc = lj_error_set(err, errno, "'%s': %s", part, strerror(errno));
		else
			rc = import_locked(paths, file, name, part, &x, warning, err);
		if (rc < 0)
			store_remove_tree(part, &ignored);
	}
	exported_release(&x);
	store_name_unlock(paths, name, &lock);
	if (rc == 0)
		*made = lj_xstrdup(name);
	return rc;
}
