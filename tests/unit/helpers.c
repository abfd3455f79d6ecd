/* SPDX-License-Identifier: BSD-2-Clause */
#include "helpers.h"

#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct conf *t_load(const char *text, const struct conf_host *host)
{
	struct conf *c = lj_xcalloc(1, sizeof(*c));
	conf_init(c);
	if (conf_load_buffer(c, "test.conf", text, strlen(text)) == 0)
		conf_resolve(c);
	conf_check(c, host);
	conf_diag_sort(c);
	return c;
}

void t_free(struct conf *c)
{
	conf_release(c);
	free(c);
}

char *t_diags(const struct conf *c)
{
	char *buf = T_CAPTURE(f, conf_diag_print(c, f));
	/* One line per diagnostic; drop the last newline to compare easily. */
	size_t len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

char *t_show_e(const struct conf *c, const char *sep)
{
	return T_CAPTURE(f, for (size_t i = 0; i < c->njails; i++)
				    conf_print_jail_line(f, &c->jails[i], sep));
}

char *t_tmpdir(void)
{
	char tmpl[] = "/tmp/ljail-unit-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return lj_xstrdup(d);
}

void t_write(const char *dir, const char *name, const char *text)
{
	char *path = lj_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void t_rmtree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
