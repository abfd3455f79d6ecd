/* SPDX-License-Identifier: BSD-2-Clause */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/files.h"

static void test_statements(void **state)
{
	(void)state;
	struct conf *c = t_load("persist;\n$v = 1;\na { path = /x; mount += y; depend b; }\n",
				NULL);
	assert_int_equal(c->nblocks, 2);
	assert_string_equal(c->blocks[0].name, "*");
	assert_true(c->blocks[0].wildcard);
	assert_int_equal(c->blocks[0].nstmts, 2);
	assert_int_equal(c->blocks[0].stmts[0].nvalues, 0);
	assert_true(c->blocks[0].stmts[1].flags & CONF_STMT_VAR);
	const struct conf_block *a = &c->blocks[1];
	assert_string_equal(a->name, "a");
	assert_int_equal(a->nstmts, 3);
	assert_true(a->stmts[1].flags & CONF_STMT_APPEND);
	assert_string_equal(a->stmts[2].name, "depend");
	assert_string_equal(a->stmts[2].values[0].text, "b");
	assert_int_equal(a->stmts[0].pos.line, 3);
	assert_int_equal(a->stmts[0].pos.col, 5);
	t_free(c);
}

static void test_empty_statements_and_files(void **state)
{
	(void)state;
	assert_show("", "|", "");
	assert_show(";;\n# nothing\n", "|", "");
	assert_show("a { ; ; }\n;", "|", "name=a\n");
}

static void test_quoted_block_names(void **state)
{
	(void)state;
	assert_show("\"a\" { } 'b' { }\n", "|", "name=a\nname=b\n");
}

static void test_include(void **state)
{
	(void)state;
	char *dir = t_tmpdir();
	t_write(dir, "jail.conf",
		"$root = /jails;\npath = \"$root/$name\";\n.include \"jail.conf.d/*.conf\";\n"
		".include \"missing[.]conf\";\n");
	char *sub = lj_xasprintf("%s/jail.conf.d", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	t_write(sub, "b.conf", "b { $id = 2; host.hostname = \"h$id\"; }\n");
	t_write(sub, "a.conf", "a { $id = 1; host.hostname = \"h$id\"; }\n");

	struct conf c;
	conf_init(&c);
	char *main_conf = lj_xasprintf("%s/jail.conf", dir);
	assert_int_equal(conf_load_file(&c, main_conf), 0);
	assert_int_equal(conf_resolve(&c), 0);
	assert_int_equal(conf_check(&c, plat_conf_host()), 0);
	char *s = t_show_e(&c, "|");
	assert_string_equal(s, "name=a|path=/jails/a|host.hostname=h1\n"
			       "name=b|path=/jails/b|host.hostname=h2\n");
	char *a_conf = lj_xasprintf("%s/a.conf", sub);
	assert_true(conf_file_loaded(&c, a_conf));
	free(a_conf);
	free(s);
	conf_release(&c);

	/* A file that includes itself is a loop, reported where it happens. */
	t_write(dir, "loop.conf", ".include \"loop.conf\";\n");
	char *loop = lj_xasprintf("%s/loop.conf", dir);
	conf_init(&c);
	assert_int_equal(conf_load_file(&c, loop), -EINVAL);
	assert_int_equal(c.ndiags, 1);
	assert_non_null(strstr(c.diags[0].msg, "include loop"));
	assert_int_equal(c.diags[0].pos.line, 1);
	conf_release(&c);

	free(loop);
	free(main_conf);
	free(sub);
	t_rmtree(dir);
	free(dir);
}

static void test_include_depth(void **state)
{
	(void)state;
	char *dir = t_tmpdir();
	for (int i = 0; i < 40; i++) {
		char name[32], text[64];
		snprintf(name, sizeof(name), "f%d.conf", i);
		snprintf(text, sizeof(text), ".include \"f%d.conf\";\n", i + 1);
		t_write(dir, name, text);
	}
	t_write(dir, "f40.conf", "a { }\n");
	char *first = lj_xasprintf("%s/f0.conf", dir);
	struct conf c;
	conf_init(&c);
	assert_int_equal(conf_load_file(&c, first), -EINVAL);
	assert_int_equal(c.ndiags, 1);
	assert_string_equal(c.diags[0].msg, ".include nested deeper than 32 files");
	conf_release(&c);
	free(first);
	t_rmtree(dir);
	free(dir);
}

/* 20,000 nested blocks once overflowed the stack; now one clear line. */
static void test_deep_nesting(void **state)
{
	(void)state;
	struct lj_strbuf sb = {0};
	for (int i = 0; i < 20000; i++)
		lj_strbuf_adds(&sb, "* { ");
	for (int i = 0; i < 20000; i++)
		lj_strbuf_adds(&sb, "} ");
	lj_strbuf_adds(&sb, "after { path = /x; }\n");
	struct conf *c = t_load(sb.buf, NULL);
	char *diags = t_diags(c);
	assert_string_equal(diags, "test.conf:1:257: jail blocks nested deeper than 64");
	/* What follows the deep part is still read. */
	assert_non_null(conf_block_named(c, "after"));
	free(diags);
	t_free(c);
	lj_strbuf_release(&sb);
}

/* Noise gives the first CONF_DIAGS_MAX diagnostics and one closing line. */
static void test_too_many_errors(void **state)
{
	(void)state;
	struct lj_strbuf sb = {0};
	for (int i = 0; i < 1000; i++)
		lj_strbuf_adds(&sb, "= 1;\n"); /* a syntax error on every line */
	struct conf *c = t_load(sb.buf, NULL);
	assert_int_equal(c->ndiags, CONF_DIAGS_MAX);
	char *diags = t_diags(c);
	const char *last = strrchr(diags, '\n') + 1;
	assert_string_equal(last, "test.conf:51:1: too many errors; stopped after 50");
	free(diags);
	t_free(c);
	lj_strbuf_release(&sb);
}

/* A FIFO would block the open for ever; anything but a regular file is refused. */
static void test_only_regular_files(void **state)
{
	(void)state;
	char *dir = t_tmpdir();
	char *fifo = lj_xasprintf("%s/fifo.conf", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	struct conf c;
	conf_init(&c);
	assert_int_equal(conf_load_file(&c, fifo), -EINVAL);
	assert_int_equal(c.ndiags, 1);
	char *want = lj_xasprintf("cannot read '%s': not a regular file", fifo);
	assert_string_equal(c.diags[0].msg, want);
	conf_release(&c);
	/* A file gone since it was listed is no error where that is allowed. */
	char *gone = lj_xasprintf("%s/gone.conf", dir);
	conf_init(&c);
	assert_int_equal(conf_load_file_if_present(&c, gone), 0);
	assert_int_equal(c.ndiags, 0);
	assert_int_equal(conf_load_file(&c, gone), -ENOENT);
	conf_release(&c);
	free(gone);
	free(want);
	free(fifo);
	t_rmtree(dir);
	free(dir);
}

static void test_include_in_block(void **state)
{
	(void)state;
	char *dir = t_tmpdir();
	t_write(dir, "common.conf", "persist;\nmount.devfs;\n");
	char *text = lj_xasprintf("a { path = /a; .include \"%s/common.conf\"; }\n", dir);
	assert_show(text, "|", "name=a|path=/a|persist|mount.devfs\n");
	free(text);
	t_rmtree(dir);
	free(dir);
}

/* jail(8)'s grammar takes a jail name as one token: quote a wildcard with a dot. */
static void test_jail_name_is_one_token(void **state)
{
	(void)state;
	assert_diags("web.* { persist; } web.a { }\n", NULL,
		     "test.conf:1:1: a jail name must be one token: quote it (\"web.*\")");
	assert_diags("a/b { }\n", NULL,
		     "test.conf:1:1: a jail name must be one token: quote it (\"a/b\")");
	assert_diags("\"web.*\" { persist; } web.a { } * { } web.b-1 { }\n", NULL, "");
}

/*
 * jail.conf.d: named jails read jail.conf, their own files and those of
 * their dependencies; every jail reads every file and leaves a broken one
 * out, counted, with its diagnostics.
 */
static void test_each_jail_its_own_file(void **state)
{
	(void)state;
	char *dir = t_tmpdir();
	char *confd = lj_xasprintf("%s/jail.conf.d", dir);
	assert_int_equal(mkdir(confd, 0755), 0);
	t_write(dir, "jail.conf", "persist;\n");
	t_write(confd, "a.conf", "a { depend = b; }\n");
	t_write(confd, "b.conf", "b { }\n");
	t_write(confd, "c.conf", "c { }\n");
	t_write(confd, "x.conf", "x { = }\n");
	char *conf_file = lj_xasprintf("%s/jail.conf", dir);
	char *names[] = {"a"};
	struct conf c;
	size_t skipped = 9;
	conf_init(&c);
	assert_int_equal(conf_load_checked(&c, NULL, conf_file, confd, names, 1, NULL, &skipped),
			 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(c.njails, 2); /* a and b, which a depends on; not c, not x */
	assert_non_null(conf_find_jail(&c, "b"));
	assert_null(conf_find_jail(&c, "c"));
	conf_release(&c);
	conf_init(&c);
	assert_int_equal(conf_load_checked(&c, NULL, conf_file, confd, NULL, 0, NULL, &skipped),
			 0);
	assert_int_equal(skipped, 1);
	assert_int_equal(c.njails, 3);
	assert_int_equal(c.ndiags, 1);
	assert_non_null(strstr(c.diags[0].pos.file, "x.conf"));
	conf_release(&c);
	free(conf_file);
	free(confd);
	t_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statements),
		cmocka_unit_test(test_empty_statements_and_files),
		cmocka_unit_test(test_quoted_block_names),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_depth),
		cmocka_unit_test(test_include_in_block),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_jail_name_is_one_token),
		cmocka_unit_test(test_each_jail_its_own_file),
		cmocka_unit_test(test_too_many_errors),
		cmocka_unit_test(test_only_regular_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
