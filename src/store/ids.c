/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/ids.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/state.h"
#include "store/meta.h"

static bool overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

bool store_ids_subid_overlaps(const char *text, uint32_t base, uint32_t count)
{
	/* Lines of NAME:START:COUNT; anything else is not a range and is skipped. */
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[256];
		if (len < sizeof(buf)) {
			memcpy(buf, line, len);
			buf[len] = '\0';
			char *c1 = strchr(buf, ':');
			char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			char *end1, *end2;
			if (c2) {
				unsigned long long start = strtoull(c1 + 1, &end1, 10);
				unsigned long long n = strtoull(c2 + 1, &end2, 10);
				if (end1 == c2 && end2 != c2 + 1 && overlaps(start, n, base, count))
					return true;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

static bool subid_file_overlaps(const char *file, uint32_t base, uint32_t count)
{
	FILE *f = fopen(file, "re");
	if (!f)
		return false;
	char text[65536];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return store_ids_subid_overlaps(text, base, count);
}

static bool host_ids_in(uint32_t base, uint32_t count)
{
	bool found = false;
	setpwent();
	for (struct passwd *p; !found && (p = getpwent());)
		found = p->pw_uid >= base && p->pw_uid - base < count;
	endpwent();
	setgrent();
	for (struct group *g; !found && (g = getgrent());)
		found = g->gr_gid >= base && g->gr_gid - base < count;
	endgrent();
	return found;
}

/* The ranges recorded by jails, made and half-made (.NAME.part): up to max. */
static size_t recorded(const char *dir, struct lj_idmap *out, size_t max)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	for (struct dirent *e; d && n < max && (e = readdir(d));) {
		if (lj_str_eq(e->d_name, ".") || lj_str_eq(e->d_name, ".."))
			continue;
		LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/%s/meta", dir, e->d_name);
		struct store_meta m = {0};
		struct lj_error ignored = {0};
		if (store_meta_read(file, &m, &ignored) == 0) {
			const char *v = store_meta_get(&m, "idmap");
			if (v && lj_idmap_parse(v, &out[n]) == 0)
				n++;
		}
		store_meta_release(&m);
	}
	if (d)
		closedir(d);
	return n;
}

int store_ids_hold(const struct lj_paths *paths, int *lock_fd, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *lock = lj_xasprintf("%s/.ids.lock", paths->containers_dir);
	return lj_state_lock_file(lock, lock_fd, err);
}

int store_ids_claim(const struct lj_paths *paths, struct lj_idmap *map, int *lock_fd,
		    struct lj_error *err)
{
	int rc = store_ids_hold(paths, lock_fd, err);
	if (rc < 0)
		return rc;
	enum { MAX_JAILS = 16384 };
	struct lj_idmap *used = lj_xcalloc(MAX_JAILS, sizeof(*used));
	size_t nused = recorded(paths->containers_dir, used, MAX_JAILS);
	const uint32_t count = LJ_IDMAP_COUNT;
	for (uint64_t base = STORE_IDS_FIRST; base + count - 1 <= STORE_IDS_LAST; base += count) {
		bool taken = false;
		for (size_t i = 0; i < nused && !taken; i++)
			taken = overlaps(base, count, used[i].base, used[i].count);
		if (taken || subid_file_overlaps("/etc/subuid", (uint32_t)base, count) ||
		    subid_file_overlaps("/etc/subgid", (uint32_t)base, count) ||
		    host_ids_in((uint32_t)base, count))
			continue;
		free(used);
		*map = (struct lj_idmap){(uint32_t)base, count};
		return 0;
	}
	free(used);
	store_ids_release(paths, lock_fd);
	return lj_error_set(err, ENOSPC, "no free range of %u host ids for the jail's own", count);
}

void store_ids_release(const struct lj_paths *paths, int *lock_fd)
{
	if (*lock_fd < 0)
		return;
	/* Removed while held, as the name locks are: a waiter sees it went and retries. */
	LJ_CLEANUP_FREE char *lock = lj_xasprintf("%s/.ids.lock", paths->containers_dir);
	unlink(lock);
	close(*lock_fd);
	*lock_fd = -1;
}
