/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Keeping a live change in a jail's own configuration file, the one ljail
 * create wrote (jail.conf.d/NAME.conf): a list parameter's line replaced,
 * the file rewritten atomically and read back before it is kept.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"

/* Does line set param (param = ..., param += ...)? */
static bool sets(const char *line, const char *param)
{
	line += strspn(line, " \t");
	size_t n = strlen(param);
	if (strncmp(line, param, n) != 0)
		return false;
	line += n;
	line += strspn(line, " \t");
	return line[0] == '=' || (line[0] == '+' && line[1] == '=');
}

/* Are the jail's values of param, as the file now reads, these? */
static bool reads_back(const struct lj_paths *paths, const char *name, const char *param,
		       char *const *values, size_t n)
{
	struct conf c;
	struct lj_error ignored = {0};
	if (store_load_conf(paths, NULL, name, &c, &ignored) < 0)
		return false;
	const struct conf_jail *j = conf_find_jail(&c, name);
	const struct conf_param *p = j ? conf_jail_param(j, param) : NULL;
	bool same = p && p->nvalues == n;
	for (size_t i = 0; same && i < n; i++)
		same = lj_str_eq(p->values[i], values[i]);
	conf_release(&c);
	return same;
}

static int write_whole(const char *file, const char *text, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *tmp = lj_xasprintf("%s.new", file);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	bool ok =
		fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) && fsync(fd) == 0;
	int e = errno;
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	if (!ok || rename(tmp, file) < 0) {
		e = ok ? errno : e;
		unlink(tmp);
		return lj_error_set(err, e ? e : EIO, "'%s': %s", file, strerror(e ? e : EIO));
	}
	return 0;
}

int store_keep_list(const struct lj_paths *paths, const char *name, const char *param,
		    char *const *values, size_t n, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/%s.conf", paths->conf_dir, name);
	LJ_CLEANUP_FCLOSE FILE *f = fopen(file, "re");
	if (!f)
		return lj_error_set(err, errno, "jail '%s': '%s': %s", name, file, strerror(errno));
	struct lj_strbuf old = {0}, out = {0};
	char line[4096];
	while (fgets(line, sizeof(line), f))
		lj_strbuf_addf(&old, "%s", line);
	LJ_CLEANUP_FREE char *before = lj_strbuf_take(&old);
	/* The old lines of param go; the new one goes before the block's last '}'. */
	const char *close_at = strrchr(before, '}');
	if (!close_at) {
		return lj_error_set(err, EINVAL, "jail '%s': '%s' has no block to keep %s in", name,
				    file, param);
	}
	for (const char *l = before; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l + 1) : strlen(l);
		if (l <= close_at && close_at < l + len) {
			lj_strbuf_addf(&out, "\t%s = ", param);
			for (size_t i = 0; i < n; i++)
				lj_strbuf_addf(&out, "%s\"%s\"", i ? ", " : "", values[i]);
			lj_strbuf_addf(&out, ";\n");
		}
		LJ_CLEANUP_FREE char *copy = lj_xstrndup(l, len);
		if (!sets(copy, param))
			lj_strbuf_addn(&out, l, len);
		l += len;
	}
	LJ_CLEANUP_FREE char *after = lj_strbuf_take(&out);
	int rc = write_whole(file, after, err);
	if (rc < 0)
		return rc;
	/* Read back as the next start will: anything else puts the file back as it was. */
	if (!reads_back(paths, name, param, values, n)) {
		write_whole(file, before, err);
		return lj_error_set(err, EINVAL,
				    "jail '%s': '%s' did not read back with the new %s; left as "
				    "it was",
				    name, file, param);
	}
	return 0;
}
