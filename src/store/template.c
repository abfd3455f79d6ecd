/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/template.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "model/jail.h"
#include "runtime/lifecycle.h"
#include "store/archive.h"
#include "store/bootstrap.h"
#include "store/clone.h"
#include "store/meta.h"
#include "store/store.h"
#include "store/tree.h"
#include "platform/platform.h"

void store_template_release(struct store_template *t)
{
	free(t->name);
	free(t->suite);
	free(t->arch);
	free(t->root);
	*t = (struct store_template){0};
}

static char *template_dir(const struct lj_paths *paths, const char *name)
{
	return lj_xasprintf("%s/%s", paths->templates_dir, name);
}

/*
 * A jail stands on the template unless its meta proves otherwise: it names
 * another template or version, or says the jail is a copy. A meta that is
 * missing or damaged proves nothing, and such a jail counts (its name goes to
 * *unsure, when given, for the message).
 */
size_t store_template_users(const struct lj_paths *paths, const char *name, long version,
			    char **unsure)
{
	size_t count = 0;
	if (unsure)
		*unsure = NULL;
	DIR *d = opendir(paths->containers_dir);
	if (!d)
		return errno == ENOENT ? 0 : 1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		LJ_CLEANUP_FREE char *file =
			lj_xasprintf("%s/%s/meta", paths->containers_dir, e->d_name);
		struct store_meta m;
		struct lj_error ignored = {0};
		const char *t = NULL, *v = NULL, *copy = NULL;
		bool readable = store_meta_read(file, &m, &ignored) == 0;
		if (readable) {
			t = store_meta_get(&m, "template");
			v = store_meta_get(&m, "version");
			copy = store_meta_get(&m, "copied_from");
		}
		long ver = 0;
		bool known = readable && (copy || (t && v && lj_parse_long(v, &ver)));
		if (!known) {
			count++;
			if (unsure && !*unsure)
				*unsure = lj_xstrdup(e->d_name);
		} else if (!copy && lj_str_eq(t, name) && (version == 0 || ver == version)) {
			count++;
		}
		if (readable)
			store_meta_release(&m);
	}
	closedir(d);
	return count;
}

int store_template_find(const struct lj_paths *paths, const char *name, struct store_template *t,
			struct lj_error *err)
{
	*t = (struct store_template){0};
	if (store_check_name("template", name, err) < 0)
		return -EINVAL;
	LJ_CLEANUP_FREE char *dir = template_dir(paths, name);
	LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/meta", dir);
	struct store_meta m;
	int rc = store_meta_read(file, &m, err);
	if (rc == -ENOENT)
		return lj_error_set(err, ENOENT,
				    "template '%s' does not exist (see ljail template "
				    "list)",
				    name);
	if (rc < 0)
		return rc;
	const char *v = store_meta_get(&m, "current");
	t->name = lj_xstrdup(name);
	t->suite = lj_xstrdup(store_meta_get(&m, "suite") ? store_meta_get(&m, "suite") : "-");
	t->arch = lj_xstrdup(store_meta_get(&m, "arch") ? store_meta_get(&m, "arch") : "-");
	t->version = v ? atol(v) : 0;
	t->root = lj_xasprintf("%s/%ld", dir, t->version);
	store_meta_release(&m);
	if (t->version <= 0) {
		store_template_release(t);
		return lj_error_set(err, EINVAL, "template '%s': its meta file is damaged", name);
	}
	return 0;
}

/* The suite a tree says it is, from its os-release, for templates not bootstrapped. */
static char *tree_codename(int rootfd)
{
	LJ_CLEANUP_CLOSE int fd =
		plat_open_in_root(rootfd, "/etc/os-release", O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0)
		fd = plat_open_in_root(rootfd, "/usr/lib/os-release", O_RDONLY | O_NONBLOCK, 0);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return lj_xstrdup("-");
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return lj_xstrdup("-");
	buf[n] = '\0';
	char *p = strstr(buf, "VERSION_CODENAME=");
	if (!p)
		return lj_xstrdup("-");
	p += strlen("VERSION_CODENAME=");
	return lj_xstrndup(p, strcspn(p, "\n\"'"));
}

/* The host's timezone and DNS settings, so the jail starts like the host. */
static int copy_host_settings(int rootfd, struct lj_error *err)
{
	char target[4096];
	ssize_t n = readlink("/etc/localtime", target, sizeof(target) - 1);
	int rc = 0;
	if (n > 0) {
		target[n] = '\0';
		rc = store_symlink_in_root(rootfd, "/etc/localtime", target, err);
	}
	static const char *const files[] = {"/etc/timezone", "/etc/resolv.conf"};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(files) && rc == 0; i++) {
		char buf[16384];
		int fd = open(files[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t len = read(fd, buf, sizeof(buf));
		close(fd);
		if (len >= 0)
			rc = store_write_in_root(rootfd, files[i], buf, (size_t)len, 0644, err);
	}
	return rc < 0 ? lj_error_wrap(err, "copying the host's settings in") : 0;
}

static int fill_version(const struct lj_paths *paths, const struct store_template_opts *o,
			const char *tree, const char *suite, struct lj_error *err)
{
	/* On btrfs each version is a subvolume, so that jails can be snapshots of it. */
	bool subvol = plat_clone_supported(paths->templates_dir);
	if (subvol) {
		int rc = plat_clone_volume(tree, err);
		if (rc < 0)
			return rc;
	}
	if (o->tarball || o->dir) {
		if (o->tarball) {
			if (!subvol && mkdir(tree, 0755) < 0)
				return lj_error_set(err, errno, "'%s': %s", tree, strerror(errno));
			return store_unpack_tarball(o->tarball, tree, err);
		}
		struct stat st;
		if (stat(o->dir, &st) < 0 || !S_ISDIR(st.st_mode))
			return lj_error_usage(err, "--from-dir '%s' is not a folder", o->dir);
		return store_copy_tree(o->dir, tree, err);
	}
	LJ_CLEANUP_FREE char *cache =
		lj_xasprintf("%s/debs-%s-%s", paths->media_dir, suite, o->arch ? o->arch : "host");
	LJ_CLEANUP_FREE char *include =
		o->bare      ? (o->include ? lj_xstrdup(o->include) : NULL)
		: o->include ? lj_xasprintf("%s,%s", STORE_TEMPLATE_TOOLS, o->include)
			     : lj_xstrdup(STORE_TEMPLATE_TOOLS);
	struct store_bootstrap b = {
		.suite = suite,
		.variant = o->variant ? o->variant : "minbase",
		.mirror = o->mirror,
		.keyring = o->keyring,
		.components = o->components,
		.include = include,
		.arch = o->arch,
		.cache = cache,
		.progress = o->progress,
		.progress_ctx = o->progress_ctx,
	};
	/* Both end up in mmdebstrap's arguments and its apt source line: checked first. */
	if (o->keyring && access(o->keyring, R_OK) < 0)
		return lj_error_usage(err, "--keyring '%s': %s", o->keyring, strerror(errno));
	if (o->components &&
	    (!*o->components || strspn(o->components, "abcdefghijklmnopqrstuvwxyz0123456789-,") !=
					strlen(o->components)))
		return lj_error_usage(err,
				      "--components '%s': archive components, as main,universe",
				      o->components);
	if (!lj_str_eq(b.variant, "minbase") && !lj_str_eq(b.variant, "buildd") &&
	    !lj_str_eq(b.variant, "standard"))
		return lj_error_usage(err, "variant '%s': use minbase, buildd or standard",
				      b.variant);
	int rc = lj_make_dirs(paths->media_dir, 0755, err);
	return rc < 0 ? rc : store_bootstrap(&b, tree, err);
}

int store_template_create(const struct lj_paths *paths, const char *name,
			  const struct store_template_opts *o, struct lj_error *err)
{
	if (store_check_name("template", name, err) < 0)
		return -EINVAL;
	LJ_CLEANUP_FREE char *dir = template_dir(paths, name);
	if (access(dir, F_OK) == 0)
		return lj_error_usage(err, "template '%s' already exists", name);
	int rc = lj_make_dirs(paths->templates_dir, 0755, err);
	if (rc < 0)
		return rc;

	/* Made aside and renamed into place: a failed create leaves nothing. */
	LJ_CLEANUP_FREE char *part = lj_xasprintf("%s/.%s.part", paths->templates_dir, name);
	struct lj_error ignored = {0};
	store_remove_tree(part, &ignored);
	if (mkdir(part, 0700) < 0)
		return lj_error_set(err, errno, "'%s': %s", part, strerror(errno));
	LJ_CLEANUP_FREE char *tree = lj_xasprintf("%s/1", part);
	const char *suite = o->suite ? o->suite : "bookworm";

	rc = fill_version(paths, o, tree, suite, err);
	LJ_CLEANUP_CLOSE int rootfd = rc == 0 ? open(tree, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (rc == 0 && rootfd < 0)
		rc = lj_error_set(err, errno, "'%s': %s", tree, strerror(errno));
	if (rc == 0)
		rc = copy_host_settings(rootfd, err);
	if (rc == 0) {
		struct store_meta m = {0};
		LJ_CLEANUP_FREE char *codename =
			o->tarball || o->dir ? tree_codename(rootfd) : lj_xstrdup(suite);
		char created[32];
		snprintf(created, sizeof(created), "%lld", (long long)time(NULL));
		store_meta_set(&m, "suite", codename);
		store_meta_set(&m, "arch", o->arch ? o->arch : "host");
		store_meta_set(&m, "variant",
			       o->tarball   ? "tarball"
			       : o->dir     ? "dir"
			       : o->variant ? o->variant
					    : "minbase");
		store_meta_set(&m, "current", "1");
		store_meta_set(&m, "created", created);
		LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/meta", part);
		rc = store_meta_write(file, &m, err);
		store_meta_release(&m);
	}
	if (rc == 0 && rename(part, dir) < 0)
		rc = lj_error_set(err, errno, "'%s': %s", dir, strerror(errno));
	if (rc < 0) {
		store_remove_tree(part, &ignored);
		return lj_error_wrap(err, "template '%s'", name);
	}
	return 0;
}

int store_template_list(const struct lj_paths *paths, struct store_template **out, size_t *n,
			struct lj_error *err)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	DIR *d = opendir(paths->templates_dir);
	if (!d)
		return errno == ENOENT ? 0
				       : lj_error_set(err, errno, "'%s': %s", paths->templates_dir,
						      strerror(errno));
	struct dirent *e;
	while ((e = readdir(d))) {
		struct store_template t;
		struct lj_error ignored = {0};
		if (e->d_name[0] == '.' || store_template_find(paths, e->d_name, &t, &ignored) < 0)
			continue;
		LJ_CLEANUP_FREE char *dir = template_dir(paths, e->d_name);
		store_tree_size(dir, &t.bytes, &ignored);
		t.njails = store_template_users(paths, t.name, 0, NULL);
		*LJ_VEC_PUSH(*out, *n, cap) = t;
	}
	closedir(d);
	return 0;
}

/* Runs argv as root in a throw-away jail on tree, with the host's network (apt needs it). */
static int run_in_tree(const struct lj_paths *paths, const char *tree, char *const *argv,
		       struct lj_error *err)
{
	char name[64];
	snprintf(name, sizeof(name), "update-%d", (int)getpid());
	struct lj_jail j;
	lj_jail_default(&j, name, tree);
	j.own_net = false;
	j.writes_template = true; /* the one command that may */
	int status = 0;
	int rc = lj_run(paths, &j, NULL, argv, &status, err);
	lj_jail_release(&j);
	if (rc == 0 && status != 0)
		rc = lj_error_set(err, EIO, "'%s' failed in the template (exit status %d)", argv[2],
				  status);
	return rc;
}

/* dpkg's status file of a tree, read inside the tree (its links stay in it). */
static char *package_status(const char *tree)
{
	LJ_CLEANUP_CLOSE int root = open(tree, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd = root < 0 ? -1 : plat_open_in_root(root, "/var/lib/dpkg/status",
						   O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return NULL;
	}
	struct lj_strbuf sb = {0};
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		lj_strbuf_addn(&sb, buf, n);
	fclose(f);
	return lj_strbuf_take(&sb);
}

static bool same_packages(const char *a, const char *b)
{
	LJ_CLEANUP_FREE char *sa = package_status(a);
	LJ_CLEANUP_FREE char *sb = package_status(b);
	return sa && sb && lj_str_eq(sa, sb);
}

int store_template_update(const struct lj_paths *paths, const char *name, struct lj_error *err)
{
	struct store_template t;
	int rc = store_template_find(paths, name, &t, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *dir = template_dir(paths, name);
	LJ_CLEANUP_FREE char *next = lj_xasprintf("%s/%ld", dir, t.version + 1);
	LJ_CLEANUP_FREE char *part = lj_xasprintf("%s/.%ld.part", dir, t.version + 1);
	struct lj_error ignored = {0};
	store_remove_tree(part, &ignored);

	/* The next version starts as a copy: the current one stays as its jails know it. */
	rc = plat_clone_supported(t.root) ? plat_clone_snapshot(t.root, part, false, err)
				    : store_copy_tree(t.root, part, err);
	char *argv[] = {"/bin/sh", "-c",
			"export DEBIAN_FRONTEND=noninteractive; apt-get update && "
			"apt-get -y -o Dpkg::Options::=--force-confold upgrade && apt-get clean && "
			"rm -rf /var/lib/apt/lists/*",
			NULL};
	if (rc == 0)
		rc = run_in_tree(paths, part, argv, err);
	/* Nothing upgraded: no new version, and nothing to copy into every new jail. */
	if (rc == 0 && same_packages(t.root, part)) {
		store_remove_tree(part, &ignored);
		store_template_release(&t);
		return 1;
	}
	if (rc == 0 && rename(part, next) < 0)
		rc = lj_error_set(err, errno, "'%s': %s", next, strerror(errno));
	if (rc == 0) {
		LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/meta", dir);
		struct store_meta m;
		rc = store_meta_read(file, &m, err);
		if (rc == 0) {
			char v[32];
			snprintf(v, sizeof(v), "%ld", t.version + 1);
			store_meta_set(&m, "current", v);
			rc = store_meta_write(file, &m, err);
			store_meta_release(&m);
		}
	}
	if (rc < 0) {
		store_remove_tree(part, &ignored);
		store_template_release(&t);
		return lj_error_wrap(err, "template '%s': update", name);
	}
	/* The old version goes once no jail stands on it. */
	if (store_template_users(paths, name, t.version, NULL) == 0)
		store_remove_tree(t.root, &ignored);
	store_template_release(&t);
	return 0;
}

int store_template_destroy(const struct lj_paths *paths, const char *name, struct lj_error *err)
{
	struct store_template t;
	int rc = store_template_find(paths, name, &t, err);
	if (rc < 0)
		return rc;
	store_template_release(&t);
	LJ_CLEANUP_FREE char *unsure = NULL;
	size_t users = store_template_users(paths, name, 0, &unsure);
	if (unsure)
		return lj_error_set(err, EBUSY,
				    "template '%s': jail '%s' has no readable meta file, so it may "
				    "stand on the template; destroy or mend it first",
				    name, unsure);
	if (users)
		return lj_error_set(
			err, EBUSY, "template '%s': %zu jail%s cloned from it; destroy %s first",
			name, users, users == 1 ? " is" : "s are", users == 1 ? "it" : "them");
	LJ_CLEANUP_FREE char *dir = template_dir(paths, name);
	rc = store_remove_tree(dir, err);
	return rc < 0 ? lj_error_wrap(err, "template '%s'", name) : 0;
}
