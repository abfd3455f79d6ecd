/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/files.h"
#include "platform/platform.h"
#include "runtime/running.h"
#include "runtime/state.h"
#include "store/edit.h"
#include "store/meta.h"
#include "store/network.h"
#include "store/store.h"

char *store_container_dir(const struct lj_paths *paths, const char *name)
{
	return lj_xasprintf("%s/%s", paths->containers_dir, name);
}

char *store_conf_file(const struct lj_paths *paths, const char *name)
{
	return lj_xasprintf("%s/%s.conf", paths->conf_dir, name);
}

int store_name_lock(const struct lj_paths *paths, const char *name, int *fd, struct lj_error *err)
{
	int rc = lj_make_dirs(paths->containers_dir, 0755, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *lock = lj_xasprintf("%s/.%s.lock", paths->containers_dir, name);
	return lj_state_lock_file(lock, fd, err);
}

void store_name_unlock(const struct lj_paths *paths, const char *name, int *fd)
{
	if (*fd < 0)
		return;
	LJ_CLEANUP_FREE char *lock = lj_xasprintf("%s/.%s.lock", paths->containers_dir, name);
	unlink(lock);
	close(*fd);
	*fd = -1;
}

int store_jail_running(const struct lj_paths *paths, const char *name, struct lj_error *err)
{
	struct rt_running r;
	int rc = rt_probe(paths, name, &r, err);
	if (rc < 0) {
		char why[sizeof(err->msg)];
		snprintf(why, sizeof(why), "%s", err->msg);
		return lj_error_set(err, EBUSY,
				    "%s: cannot tell whether the jail runs, so it is left alone "
				    "(remove the run state if it does not run)",
				    why);
	}
	rc = r.pj != NULL;
	rt_running_close(&r);
	return rc;
}

void store_jail_info_release(struct store_jail_info *info)
{
	free(info->lower);
	info->lower = NULL;
}

int store_jail_info(const struct lj_paths *paths, const char *name, struct store_jail_info *info,
		    struct lj_error *err)
{
	*info = (struct store_jail_info){0};
	int rc = store_check_name("jail", name, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, name);
	LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/meta", dir);
	struct store_meta m = {0};
	struct lj_error missing = {0};
	rc = store_meta_read(file, &m, &missing);
	if (rc == -ENOENT)
		return lj_error_usage(err, "jail '%s' was not made by ljail create (no '%s')", name,
				      file);
	if (rc < 0) {
		*err = missing;
		return rc;
	}
	const char *method = store_meta_get(&m, "method");
	const char *ids = store_meta_get(&m, "idmap");
	const char *tname = store_meta_get(&m, "template");
	const char *version = store_meta_get(&m, "version");
	if (!method || strlen(method) >= sizeof(info->method) ||
	    (ids && lj_idmap_parse(ids, &info->idmap) < 0))
		rc = lj_error_usage(err, "jail '%s': '%s' is not a meta ljail wrote", name, file);
	else
		snprintf(info->method, sizeof(info->method), "%s", method);
	/* An overlay jail's lower layer is its template's version, as create made it. */
	if (rc == 0 && lj_str_eq(method, "overlay")) {
		if (tname && version && store_check_name("template", tname, err) == 0)
			info->lower =
				lj_xasprintf("%s/%s/%s", paths->templates_dir, tname, version);
		else
			rc = lj_error_usage(err, "jail '%s': '%s' names no template", name, file);
	}
	store_meta_release(&m);
	if (rc == 0 && (rc = store_jail_running(paths, name, err)) > 0)
		rc = lj_error_set(err, EBUSY, "jail '%s' is running: stop it first", name);
	if (rc < 0)
		store_jail_info_release(info);
	return rc < 0 ? rc : 0;
}

int store_hold_stopped(const struct lj_paths *paths, const char *name, const char *what, int *lock,
		       struct store_jail_info *info, struct lj_error *err)
{
	int rc = store_check_name("jail", name, err);
	if (rc < 0 || (rc = store_name_lock(paths, name, lock, err)) < 0)
		return rc;
	if ((rc = store_jail_info(paths, name, info, err)) < 0) {
		store_name_unlock(paths, name, lock);
		return rc == -EBUSY ? lj_error_wrap(err, "%s", what) : rc;
	}
	return 0;
}

/* Does line, less its leading blanks, start with key and then " =" or "="? */
static bool sets(const char *line, const char *key)
{
	line += strspn(line, " \t");
	size_t n = strlen(key);
	return strncmp(line, key, n) == 0 && (line[n] == ' ' || line[n] == '=' || line[n] == '\t');
}

char *store_conf_retarget(const char *text, const struct store_retarget *r)
{
	struct lj_strbuf sb = {0};
	LJ_CLEANUP_FREE char *old_dir = lj_xasprintf("%s/", r->old_dir);
	LJ_CLEANUP_FREE char *new_dir = lj_xasprintf("%s/", r->new_dir);
	LJ_CLEANUP_FREE char *old_head = lj_xasprintf("%s {", r->old_name);
	LJ_CLEANUP_FREE char *old_host = lj_xasprintf("\"%s\";", r->old_name);
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		LJ_CLEANUP_FREE char *l = lj_xstrndup(line, len);
		line += len + (line[len] == '\n');
		const char *body = l + strspn(l, " \t");
		if (lj_str_eq(body, old_head)) {
			lj_strbuf_addf(&sb, "%.*s%s {\n", (int)(body - l), l, r->new_name);
			continue;
		}
		if (sets(l, "host.hostname") && strstr(l, old_host)) {
			lj_strbuf_addf(&sb, "\thost.hostname = \"%s\";\n", r->new_name);
			continue;
		}
		if (r->idmap && sets(l, "userns.idmap")) {
			lj_strbuf_addf(&sb, "\tuserns.idmap = \"%u:%u\";\n", r->idmap->base,
				       r->idmap->count);
			continue;
		}
		if (r->addr && sets(l, "ip4.addr")) {
			lj_strbuf_addf(&sb, "\tip4.addr = \"%s\";\n", r->addr);
			continue;
		}
		if (r->thick && (sets(l, "overlay.lower") || sets(l, "overlay.upper"))) {
			lj_strbuf_addf(&sb, "\t# A whole tree now, no template below: %s\n", body);
			continue;
		}
		if (r->drop_publish && sets(l, "vnet.publish")) {
			lj_strbuf_addf(&sb,
				       "\t# A host port is one jail's; the source keeps it: %s\n",
				       body);
			continue;
		}
		/* Paths below the old folder move with it. */
		for (const char *p = l; *p;) {
			const char *at = strstr(p, old_dir);
			if (!at) {
				lj_strbuf_adds(&sb, p);
				break;
			}
			lj_strbuf_addf(&sb, "%.*s%s", (int)(at - p), p, new_dir);
			p = at + strlen(old_dir);
		}
		lj_strbuf_adds(&sb, "\n");
	}
	return lj_strbuf_take(&sb);
}

char *store_conf_text_value(const char *text, const char *key)
{
	char *found = NULL;
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		LJ_CLEANUP_FREE char *l = lj_xstrndup(line, len);
		line += len + (line[len] == '\n');
		const char *q = sets(l, key) ? strchr(l, '"') : NULL;
		const char *end = q ? strchr(q + 1, '"') : NULL;
		if (end) {
			free(found);
			found = lj_xstrndup(q + 1, (size_t)(end - q - 1));
		}
	}
	return found;
}

char *store_read_text(const char *file, struct lj_error *err)
{
	FILE *f = fopen(file, "re");
	if (!f) {
		lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
		return NULL;
	}
	struct lj_strbuf sb = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		lj_strbuf_addf(&sb, "%.*s", (int)n, buf);
	fclose(f);
	return lj_strbuf_take(&sb);
}

int store_write_new_text(const char *file, const char *text, struct lj_error *err)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
	size_t len = strlen(text);
	bool ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		int e = errno ? errno : EIO;
		unlink(file);
		return lj_error_set(err, e, "'%s': %s", file, strerror(e));
	}
	return 0;
}

int store_write_conf_leased(const struct lj_paths *paths, const char *name, const char *text,
			    struct store_retarget *r, const char *network, struct lj_error *err)
{
	LJ_CLEANUP_CLOSE int lock = -1;
	LJ_CLEANUP_FREE char *addr = NULL;
	struct store_network net = {0};
	int rc = store_network_lock(paths, &lock, err);
	if (rc == 0 && network)
		rc = store_network_lease(paths, network, name, NULL, &net, &addr, err);
	if (net.name)
		store_network_release(&net);
	if (rc < 0)
		return rc;
	r->addr = addr;
	LJ_CLEANUP_FREE char *file = store_conf_file(paths, name);
	LJ_CLEANUP_FREE char *made = store_conf_retarget(text, r);
	r->addr = NULL;
	return store_write_new_text(file, made, err);
}

int store_each_configured(const struct lj_paths *paths,
			  int (*fn)(const struct conf_jail *cj, void *ctx), void *ctx)
{
	struct conf c;
	conf_init(&c);
	size_t skipped = 0;
	conf_load_checked(&c, NULL, paths->conf_file, paths->conf_dir, NULL, 0, plat_conf_host(),
			  &skipped);
	int rc = 0;
	for (size_t i = 0; i < c.njails && rc == 0; i++)
		rc = fn(&c.jails[i], ctx);
	conf_release(&c);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int store_list_dir(const char *dir, char ***names, size_t *n, struct lj_error *err)
{
	*names = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0
				       : lj_error_set(err, errno, "'%s': %s", dir, strerror(errno));
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			*LJ_VEC_PUSH(*names, *n, cap) = lj_xstrdup(e->d_name);
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), by_name);
	return 0;
}

void store_rename_inside(const struct lj_paths *paths, const char *text, const char *old_name,
			 const char *name, const struct store_jail_info *info, const char *verb,
			 struct lj_error *warning)
{
	LJ_CLEANUP_FREE char *hostname = store_conf_text_value(text, "host.hostname");
	if (!hostname || !lj_str_eq(hostname, old_name) || lj_str_eq(name, old_name))
		return;
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, name);
	LJ_CLEANUP_FREE char *root = lj_xasprintf("%s/root", dir);
	LJ_CLEANUP_FREE char *upper = info->lower ? lj_xasprintf("%s/upper", dir) : NULL;
	struct lj_error why = {0};
	if (store_set_hostname(root, info->lower, upper, &info->idmap, name, &why) < 0)
		lj_error_set(warning, why.code ? why.code : EIO,
			     "jail '%s': %s, but its /etc/hostname was not renamed: %s", name, verb,
			     why.msg);
}
