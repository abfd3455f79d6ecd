/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/edit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/spawn.h"
#include "platform/platform.h"
#include "store/tree.h"

int store_edit_tree(const char *root, const char *lower, const char *upper,
		    const struct lj_idmap *idmap,
		    int (*fn)(int rootfd, void *ctx, struct lj_error *err), void *ctx,
		    struct lj_error *err)
{
	return plat_tree_edit(root, lower, upper, idmap, fn, ctx, err);
}

static int hostname_edit(int rootfd, void *ctx, struct lj_error *err)
{
	const char *name = ctx;
	LJ_CLEANUP_FREE char *line = lj_xasprintf("%s\n", name);
	int rc = store_write_in_root(rootfd, "/etc/hostname", line, strlen(line), 0644, err);
	if (rc < 0)
		return rc;

	/* /etc/hosts as the jail has it: a plain file inside the tree, or nothing. */
	char hosts[65536];
	size_t len = 0;
	int fd = plat_open_in_root(rootfd, "/etc/hosts", O_RDONLY | O_NONBLOCK, 0);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		ssize_t n = read(fd, hosts, sizeof(hosts));
		len = n > 0 ? (size_t)n : 0;
	}
	if (fd >= 0)
		close(fd);
	size_t out_len;
	LJ_CLEANUP_FREE char *out = store_hosts_with_name(hosts, len, name, &out_len);
	return out ? store_write_in_root(rootfd, "/etc/hosts", out, out_len, 0644, err) : 0;
}

char *store_hosts_with_name(const char *text, size_t len, const char *name, size_t *out_len)
{
	/* Already there as a name (not the address) on some line: nothing to do. */
	for (size_t at = 0; at < len;) {
		const char *line = text + at;
		const char *nl = memchr(line, '\n', len - at);
		size_t ll = nl ? (size_t)(nl - line) : len - at;
		LJ_CLEANUP_FREE char *copy = lj_xstrndup(line, ll);
		char *save = NULL;
		if (copy[0] != '#' && strtok_r(copy, " \t", &save))
			for (char *tok; (tok = strtok_r(NULL, " \t", &save));)
				if (lj_str_eq(tok, name))
					return NULL;
		at += ll + 1;
	}
	struct lj_strbuf sb = {0};
	lj_strbuf_addn(&sb, text, len);
	if (len && text[len - 1] != '\n')
		lj_strbuf_addc(&sb, '\n');
	lj_strbuf_addf(&sb, "127.0.1.1\t%s\n", name);
	*out_len = sb.len;
	return lj_strbuf_take(&sb);
}

int store_set_hostname(const char *root, const char *lower, const char *upper,
		       const struct lj_idmap *idmap, const char *name, struct lj_error *err)
{
	return store_edit_tree(root, lower, upper, idmap, hostname_edit, (void *)name, err);
}
