/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/spawn.h"
#include "runtime/jobs.h"
#include "runtime/lifecycle.h"

/* Do two platform records name the same jail? */
static bool same_record(const struct lj_kvlist *a, const struct lj_kvlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!lj_str_eq(a->items[i].key, b->items[i].key) ||
		    !lj_str_eq(a->items[i].value, b->items[i].value))
			return false;
	return true;
}

static struct plat_jail *run_jail;

static void pass_to_jail(int sig)
{
	struct lj_error ignored = {0};
	if (run_jail)
		plat_signal(run_jail, sig, &ignored);
}

int lj_run(const struct lj_paths *paths, const struct lj_jail *j, const char *user,
	   char *const *argv, int *status, struct lj_error *err)
{
	/*
	 * The command's own copy: argv points into main()'s argument strings,
	 * which the jail's init overwrites with its name (base/proctitle.h).
	 */
	size_t argc = 0;
	while (argv[argc])
		argc++;
	char **args = lj_xcalloc(argc + 1, sizeof(*args));
	for (size_t i = 0; i < argc; i++)
		args[i] = lj_xstrdup(argv[i]);
	LJ_CLEANUP_FREE char *user_copy = user ? lj_xstrdup(user) : NULL;
	struct plat_run run = {.argv = args, .user = user_copy};
	struct rt_start st = {.paths = paths, .j = j, .run = &run};
	int lock;
	int rc = lj_state_lock(paths, j->name, &lock, err);
	if (rc == 0) {
		rc = rt_start_locked(&st, err);
		/* Unlocked while the command runs, so that `ljail stop` can end it. */
		lj_state_unlock(paths, j->name, lock, rc < 0);
	}
	for (size_t i = 0; i < argc; i++)
		free(args[i]);
	free(args);
	if (rc < 0)
		return rc;

	/*
	 * The terminal's SIGINT and SIGQUIT are for the command (the jail and it
	 * share ljail's process group); SIGTERM and SIGHUP to ljail go to the
	 * jail, which passes them on.
	 */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	run_jail = st.pj;
	struct sigaction sa = {.sa_handler = pass_to_jail};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	rc = plat_wait_exit(st.pj, status, err);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	run_jail = NULL;

	/* The jail is gone; what is left is the stop's tail: its state and the host's last commands. */
	if (rc == 0)
		rc = lj_state_lock_wait(paths, j->name, &lock, err);
	if (rc == 0) {
		struct rt_stop stop = {.paths = paths, .name = j->name, .j = j};
		struct lj_error ignored = {0};
		/* Unless `ljail stop` got there first, or another run of it has begun. */
		if (rt_probe(paths, j->name, &stop.r, &ignored) == 0 && stop.r.status != RT_NONE &&
		    same_record(&stop.r.state.plat, &st.state.plat)) {
			if (!stop.r.pj) {
				/* Ended: the network's host side goes by the record's own handle. */
				stop.r.pj = st.pj;
				st.pj = NULL;
			}
			rc = rt_stop_locked(&stop, RT_STOP_NET, err);
		}
		rt_running_close(&stop.r);
		lj_state_unlock(paths, j->name, lock, true);
	}
	rt_start_release(&st);
	return rc;
}

int lj_exec_running(const struct lj_paths *paths, const char *name, char *const *argv, int *status,
		    struct lj_error *err)
{
	struct rt_running r;
	int rc = rt_running_open(paths, name, &r, err);
	if (rc < 0)
		return rc;
	struct plat_command cmd = {.argv = argv, .out_fd = -1};
	pid_t helper = plat_attach(r.pj, &cmd, err);
	if (helper > 0)
		lj_wait(helper, 0, status);
	rt_running_close(&r);
	return helper < 0 ? (int)helper : 0;
}
