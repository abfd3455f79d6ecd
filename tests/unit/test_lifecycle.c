/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The runtime's start, stop and run against the recording platform, as an
 * ordinary user: the order of exec.* commands and platform calls, and for
 * every step that can fail, exactly which undos run and that nothing is
 * left (no run state, no jail, no lock).
 */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/jail.h"
#include "plat_record.h"
#include "runtime/lifecycle.h"
#include "runtime/running.h"

static const char *const hooks[] = {
	"exec.prepare", "exec.prestart", "exec.created", "exec.start",   "command",
	"exec.poststart", "exec.prestop", "exec.stop",   "exec.poststop", "exec.release",
};

struct fixture {
	char *dir;
	char *log;
	struct lj_paths paths;
	struct conf *conf;
	struct lj_jail j;
};

static int setup(void **state)
{
	struct fixture *f = lj_xcalloc(1, sizeof(*f));
	f->dir = t_tmpdir();
	f->log = lj_xasprintf("%s/log", f->dir);
	struct lj_error err = {0};
	assert_int_equal(lj_paths_init(&f->paths, f->dir, &err), 0);
	rec_reset(f->log);
	unsetenv("LJT_FAIL");

	/* Every command logs its phase and fails when LJT_FAIL names it. */
	struct lj_strbuf sb = {0};
	lj_strbuf_adds(&sb, "j { path = /nonexistent/j; persist; vnet; vnet.bridge = ljtb0;\n"
			    "  vnet.bridge.addr = 10.9.0.1/24; ip4.addr = 10.9.0.2/24; vnet.nat;\n");
	for (size_t i = 0; i < LJ_ARRAY_SIZE(hooks); i++)
		lj_strbuf_addf(&sb, "  %s = 'echo %s >> %s; test \"$LJT_FAIL\" != %s';\n", hooks[i],
			       hooks[i], f->log, hooks[i]);
	lj_strbuf_adds(&sb, "}\n");
	LJ_CLEANUP_FREE char *text = lj_strbuf_take(&sb);
	f->conf = t_load(text, NULL);
	LJ_CLEANUP_FREE char *diags = t_diags(f->conf);
	assert_string_equal(diags, "");
	assert_int_equal(lj_jail_from_conf(&f->j, &f->conf->jails[0], &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	lj_jail_release(&f->j);
	t_free(f->conf);
	lj_paths_release(&f->paths);
	t_rmtree(f->dir);
	free(f->dir);
	free(f->log);
	free(f);
	return 0;
}

/* The log since the last call, which is emptied. */
static char *take_log(struct fixture *f)
{
	FILE *in = fopen(f->log, "re");
	assert_non_null(in);
	struct lj_strbuf sb = {0};
	char line[512];
	while (fgets(line, sizeof(line), in))
		lj_strbuf_adds(&sb, line);
	fclose(in);
	FILE *out = fopen(f->log, "we");
	fclose(out);
	return lj_strbuf_take(&sb);
}

static void drop_log(struct fixture *f)
{
	free(take_log(f));
}

#define assert_log(f, expected)                                                                    \
	do {                                                                                       \
		char *log_ = take_log(f);                                                          \
		assert_string_equal(log_, expected);                                               \
		free(log_);                                                                        \
	} while (0)

static bool run_file_exists(struct fixture *f, const char *name)
{
	LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/%s", f->paths.run_dir, name);
	return access(file, F_OK) == 0;
}

/* Nothing of the jail is left: no state, no lock, no jail. */
static void assert_nothing_left(struct fixture *f)
{
	assert_false(run_file_exists(f, "j.state"));
	assert_false(run_file_exists(f, "j.lock"));
	assert_int_equal(rec_alive(), 0);
}

static const char started[] = "plan j\n"
			      "exec.prepare\n"
			      "exec.prestart\n"
			      "create j\n"
			      "exec.created\n"
			      "net_sync running=1\n"
			      "jid 1\n"
			      "net_up j\n"
			      "attach j\n"
			      "exec.start\n"
			      "attach j\n"
			      "command\n"
			      "exec.poststart\n"
			      "commit j\n";

static void test_start_order(void **state)
{
	struct fixture *f = *state;
	struct lj_error err = {0};
	assert_int_equal(lj_start(&f->paths, &f->j, &err), 0);
	assert_log(f, started);
	struct rt_running r;
	assert_int_equal(rt_running_open(&f->paths, "j", &r, &err), 0);
	assert_int_equal(r.state.jid, 1);
	assert_int_equal(r.status, RT_RUNNING);
	rt_running_close(&r);
	assert_true(run_file_exists(f, "j.state"));
	assert_int_equal(rec_alive(), 1);
}

/* One start step made to fail, and the log from there on: the undos, in reverse. */
struct start_failure {
	const char *hook; /* an exec.* command that fails, or NULL */
	const char *call; /* a platform call that fails, or NULL */
	const char *log;  /* the whole log of the failed start */
};

#define UNDO_CREATED                                                                               \
	"net_down j\ndestroy j\nexec.poststop\nexec.release\nrelease 1\nnet_sync running=0\n"

static const struct start_failure start_failures[] = {
	{NULL, "plan", "plan j\n"},
	{"exec.prepare", NULL,
	 "plan j\nexec.prepare\nexec.release\nrelease 0\nnet_sync running=0\n"},
	{"exec.prestart", NULL,
	 "plan j\nexec.prepare\nexec.prestart\nexec.poststop\nexec.release\nrelease 0\n"
	 "net_sync running=0\n"},
	{NULL, "create",
	 "plan j\nexec.prepare\nexec.prestart\ncreate j\nexec.poststop\nexec.release\n"
	 "release 0\nnet_sync running=0\n"},
	{"exec.created", NULL,
	 "plan j\nexec.prepare\nexec.prestart\ncreate j\nexec.created\ndestroy j\nexec.poststop\n"
	 "exec.release\nrelease 1\nnet_sync running=0\n"},
	{NULL, "net_sync",
	 "plan j\nexec.prepare\nexec.prestart\ncreate j\nexec.created\n"
	 "net_sync running=1\n" UNDO_CREATED},
	{NULL, "net_up",
	 "plan j\nexec.prepare\nexec.prestart\ncreate j\nexec.created\n"
	 "net_sync running=1\njid 1\nnet_up j\n" UNDO_CREATED},
	{"exec.start", NULL,
	 "plan j\nexec.prepare\nexec.prestart\ncreate j\nexec.created\nnet_sync running=1\n"
	 "jid 1\nnet_up j\nattach j\nexec.start\n" UNDO_CREATED},
	{"command", NULL,
	 "plan j\nexec.prepare\nexec.prestart\ncreate j\nexec.created\nnet_sync running=1\n"
	 "jid 1\nnet_up j\nattach j\nexec.start\nattach j\ncommand\n" UNDO_CREATED},
	{"exec.poststart", NULL,
	 "plan j\nexec.prepare\nexec.prestart\ncreate j\nexec.created\nnet_sync running=1\n"
	 "jid 1\nnet_up j\nattach j\nexec.start\nattach "
	 "j\ncommand\nexec.poststart\n" UNDO_CREATED},
	{NULL, "commit",
	 "plan j\nexec.prepare\nexec.prestart\ncreate j\nexec.created\nnet_sync running=1\n"
	 "jid 1\nnet_up j\nattach j\nexec.start\nattach j\ncommand\nexec.poststart\n"
	 "commit j\n" UNDO_CREATED},
};

static void test_start_failures(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < LJ_ARRAY_SIZE(start_failures); i++) {
		const struct start_failure *c = &start_failures[i];
		struct lj_error err = {0};
		rec_reset(f->log);
		if (c->hook)
			setenv("LJT_FAIL", c->hook, 1);
		else
			unsetenv("LJT_FAIL");
		rec_fail(c->call);
		assert_true(lj_start(&f->paths, &f->j, &err) < 0);
		assert_non_null(strstr(err.msg, "jail 'j'"));
		char *log = take_log(f);
		if (!lj_str_eq(log, c->log))
			fail_msg("failing %s:\n%s\nexpected:\n%s", c->hook ? c->hook : c->call, log,
				 c->log);
		free(log);
		assert_nothing_left(f);
	}
}

/*
 * Starting a running jail is refused and undoes nothing: the running jail's
 * state stays, and no other file is touched (an earlier ljail removed
 * "(null).state" here).
 */
static void test_start_running_jail(void **state)
{
	struct fixture *f = *state;
	struct lj_error err = {0};
	assert_int_equal(lj_start(&f->paths, &f->j, &err), 0);
	LJ_CLEANUP_FREE char *planted = lj_xasprintf("%s/(null).state", f->paths.run_dir);
	FILE *p = fopen(planted, "we");
	assert_non_null(p);
	fclose(p);
	drop_log(f);
	assert_int_equal(lj_start(&f->paths, &f->j, &err), -EEXIST);
	assert_string_equal(err.msg, "jail 'j' is already running");
	assert_log(f, "");
	assert_true(run_file_exists(f, "(null).state"));
	assert_true(run_file_exists(f, "j.state"));
	assert_int_equal(rec_alive(), 1);
}

static const char stopped[] = "exec.prestop\n"
			      "attach j\n"
			      "exec.stop\n"
			      "term j\n"
			      "net_down j\n"
			      "release 1\n"
			      "net_sync running=0\n"
			      "exec.poststop\n"
			      "exec.release\n";

static void start_quietly(struct fixture *f)
{
	struct lj_error err = {0};
	unsetenv("LJT_FAIL");
	rec_fail(NULL);
	assert_int_equal(lj_start(&f->paths, &f->j, &err), 0);
	drop_log(f);
}

static void test_stop_order(void **state)
{
	struct fixture *f = *state;
	struct lj_error err = {0};
	start_quietly(f);
	assert_int_equal(lj_stop(&f->paths, "j", &f->j, &err), 0);
	assert_log(f, stopped);
	assert_nothing_left(f);
	/* Stopping again: not running, and nothing runs. */
	assert_int_equal(lj_stop(&f->paths, "j", &f->j, &err), -ESRCH);
	assert_string_equal(err.msg, "jail 'j' is not running");
	assert_log(f, "");
}

/* As jail -r: a failing exec.prestop or exec.stop leaves the jail running. */
static void test_stop_refused(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *hook, *log;
	} cases[] = {
		{"exec.prestop", "exec.prestop\n"},
		{"exec.stop", "exec.prestop\nattach j\nexec.stop\n"},
	};
	start_quietly(f);
	for (size_t i = 0; i < LJ_ARRAY_SIZE(cases); i++) {
		struct lj_error err = {0};
		setenv("LJT_FAIL", cases[i].hook, 1);
		assert_true(lj_stop(&f->paths, "j", &f->j, &err) < 0);
		assert_non_null(strstr(err.msg, cases[i].hook));
		assert_log(f, cases[i].log);
		assert_true(run_file_exists(f, "j.state"));
		assert_int_equal(rec_alive(), 1);
	}
}

/* What ignores SIGTERM is ended when stop.timeout is over. */
static void test_stop_ends_what_ignores_term(void **state)
{
	struct fixture *f = *state;
	struct lj_error err = {0};
	start_quietly(f);
	rec_ignore_term(true);
	assert_int_equal(lj_stop(&f->paths, "j", &f->j, &err), 0);
	assert_log(f, "exec.prestop\nattach j\nexec.stop\nterm j\ndestroy j\nnet_down j\n"
		      "release 1\nnet_sync running=0\nexec.poststop\nexec.release\n");
	assert_nothing_left(f);
}

/* After the jail has ended, a failure stops the walk but undoes nothing. */
static void test_stop_failures_after_the_end(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *hook, *call, *log;
	} cases[] = {
		{NULL, "destroy", "exec.prestop\nattach j\nexec.stop\nterm j\ndestroy j\n"},
		{NULL, "net_sync",
		 "exec.prestop\nattach j\nexec.stop\nterm j\nnet_down j\nrelease 1\nnet_sync "
		 "running=0\n"},
		{"exec.poststop", NULL,
		 "exec.prestop\nattach j\nexec.stop\nterm j\nnet_down j\nrelease 1\nnet_sync "
		 "running=0\n"
		 "exec.poststop\n"},
		{"exec.release", NULL,
		 "exec.prestop\nattach j\nexec.stop\nterm j\nnet_down j\nrelease 1\nnet_sync "
		 "running=0\n"
		 "exec.poststop\nexec.release\n"},
	};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(cases); i++) {
		struct lj_error err = {0};
		rec_reset(f->log);
		start_quietly(f);
		rec_ignore_term(cases[i].call && lj_str_eq(cases[i].call, "destroy"));
		rec_fail(cases[i].call);
		if (cases[i].hook)
			setenv("LJT_FAIL", cases[i].hook, 1);
		assert_true(lj_stop(&f->paths, "j", &f->j, &err) < 0);
		char *log = take_log(f);
		if (!lj_str_eq(log, cases[i].log))
			fail_msg("failing %s:\n%s\nexpected:\n%s",
				 cases[i].hook ? cases[i].hook : cases[i].call, log, cases[i].log);
		free(log);
		/* The jail is gone either way; its state too once it was forgotten. */
		assert_int_equal(rec_alive(), 0);
		if (!cases[i].call || !lj_str_eq(cases[i].call, "destroy"))
			assert_false(run_file_exists(f, "j.state"));
		struct lj_error ignored = {0};
		rec_fail(NULL);
		unsetenv("LJT_FAIL");
		lj_stop(&f->paths, "j", &f->j, &ignored);
		assert_nothing_left(f);
	}
}

/* A jail that ended unseen: stop tidies its state and says it is not running. */
static void test_stop_stale(void **state)
{
	struct fixture *f = *state;
	struct lj_error err = {0};
	start_quietly(f);
	rec_kill_all();
	assert_int_equal(lj_stop(&f->paths, "j", &f->j, &err), -ESRCH);
	assert_string_equal(err.msg, "jail 'j' is not running");
	/* What the jail had beyond its processes goes with its state. */
	assert_log(f, "release 1\nnet_sync running=0\n");
	assert_nothing_left(f);
}

/* ljail run: a start, the command's status, then the tail of a stop. */
static void test_run(void **state)
{
	struct fixture *f = *state;
	struct lj_error err = {0};
	char *argv[] = {"true", NULL};
	int status = -1;
	rec_exit_status(3);
	assert_int_equal(lj_run(&f->paths, &f->j, NULL, argv, &status, &err), 0);
	assert_int_equal(status, 3);
	char *log = take_log(f);
	const char *tail = "wait_exit j\nnet_down j\nrelease 1\nnet_sync running=0\nexec.poststop\n"
			   "exec.release\n";
	assert_true(lj_str_starts(log, "plan j\nexec.prepare\nexec.prestart\ncreate-run j\n"));
	assert_non_null(strstr(log, "commit j\n"));
	assert_string_equal(strstr(log, "wait_exit"), tail);
	free(log);
	assert_nothing_left(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_running_jail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_ends_what_ignores_term, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_failures_after_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
