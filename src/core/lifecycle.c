/* SPDX-License-Identifier: BSD-2-Clause */
#include "core/lifecycle.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/hooks.h"
#include "core/nat.h"
#include "core/state.h"
#include "linux/confine.h"
#include "linux/create.h"
#include "linux/enter.h"
#include "linux/net.h"
#include "linux/users.h"

struct start {
	const struct lj_paths *paths;
	const struct lj_jail *j;
	struct lj_state state;
	struct lj_created created;
	const struct lj_run_command *run; /* `ljail run`: the command init runs */
};

struct step {
	int (*run)(struct start *st, struct lj_error *err);
	void (*undo)(struct start *st);
};

static int hook(struct start *st, enum lj_hook h, struct lj_error *err)
{
	return lj_hooks_run(st->j, &st->state, st->created.pidfd, h, err);
}

/* Undo steps cannot fail the start any further: their errors are dropped. */
static void hook_quietly(struct start *st, enum lj_hook h)
{
	struct lj_error ignored = {0};
	hook(st, h, &ignored);
}

static void snapshot_params(struct lj_state *s, const struct lj_jail *j)
{
	if (!j->conf)
		return;
	for (size_t i = 0; i < j->conf->nparams; i++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		if (!f)
			continue;
		conf_print_param(f, &j->conf->params[i]);
		fclose(f);
		*LJ_VEC_PUSH(s->params, s->nparams, s->capparams) = text;
	}
}

static int step_claim(struct start *st, struct lj_error *err)
{
	const struct lj_jail *j = st->j;
	st->state = (struct lj_state){
		.jid = j->jid,
		.name = lj_xstrdup(j->name),
		.path = lj_xstrdup(j->path),
		.hostname = lj_xstrdup(j->hostname ? j->hostname : j->name),
		.phase = LJ_PHASE_STARTING,
		.own_net = j->own_net,
		.persist = j->persist,
		.caps = j->caps,
	};
	snapshot_params(&st->state, j);
	int rc = lj_seccomp_build(j->deny, &st->state.seccomp, &st->state.seccomp_len, err);
	if (rc < 0)
		return lj_error_wrap(err, "jail '%s'", j->name);
	return lj_state_claim(st->paths, &st->state, err);
}

static void undo_claim(struct start *st)
{
	struct lj_error ignored = {0};
	lj_state_remove(st->paths, st->state.name, &ignored);
}

static int step_prepare(struct start *st, struct lj_error *err)
{
	return hook(st, LJ_HOOK_PREPARE, err);
}

static void undo_prepare(struct start *st)
{
	hook_quietly(st, LJ_HOOK_RELEASE);
}

static int step_prestart(struct start *st, struct lj_error *err)
{
	return hook(st, LJ_HOOK_PRESTART, err);
}

static void undo_prestart(struct start *st)
{
	hook_quietly(st, LJ_HOOK_POSTSTOP);
}

static int step_create(struct start *st, struct lj_error *err)
{
	struct lj_run_command run;
	if (st->run) {
		/* The filter built for the state, handed to init as it is. */
		run = *st->run;
		run.seccomp = st->state.seccomp;
		run.seccomp_len = st->state.seccomp_len;
	}
	int rc = lj_create(st->j, st->run ? &run : NULL, &st->created, err);
	if (rc < 0)
		return rc;
	st->state.pid = st->created.pid;
	st->state.starttime = st->created.starttime;
	/*
	 * With no command left to run before the commit, the jail is as good as
	 * running: one write instead of two. (Should ljail die before the
	 * commit, init dies with it and the state is seen to be stale.)
	 */
	const struct lj_jail *j = st->j;
	if (!j->nhooks[LJ_HOOK_CREATED] && !j->nhooks[LJ_HOOK_START] &&
	    !j->nhooks[LJ_HOOK_COMMAND] && !j->nhooks[LJ_HOOK_POSTSTART])
		st->state.phase = LJ_PHASE_RUNNING;
	return lj_state_write(st->paths, &st->state, err);
}

static void undo_create(struct start *st)
{
	struct lj_error ignored = {0};
	if (st->created.pidfd < 0)
		return; /* lj_create cleaned up after itself */
	if (st->created.go >= 0)
		close(st->created.go); /* init reads EOF and ends */
	st->created.go = -1;
	lj_kill_init(st->created.pidfd, &ignored);
}

static int step_created(struct start *st, struct lj_error *err)
{
	return hook(st, LJ_HOOK_CREATED, err);
}

static int open_netns(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* After exec.created, as jail(8) gives vnet.interface: the jail's own network. */
static int step_network(struct start *st, struct lj_error *err)
{
	const struct lj_jail *j = st->j;
	if (!lj_net_wanted(j))
		return 0;
	LJ_CLEANUP_CLOSE int netns = open_netns(st->state.pid);
	if (netns < 0)
		return lj_error_set(err, errno, "jail '%s': its network namespace: %s", j->name,
				    strerror(errno));
	/* Written down first: whoever cleans up after a crash gives them back. */
	for (size_t i = 0; i < j->nvnet_ifaces; i++)
		*LJ_VEC_PUSH(st->state.moved, st->state.nmoved, st->state.capmoved) =
			lj_xstrdup(j->vnet_ifaces[i]);
	if (j->nat)
		st->state.nat = lj_net_subnet(j->bridge_addr);
	if (j->nat && !st->state.nat)
		return lj_error_usage(err,
				      "jail '%s': vnet.bridge.addr '%s' is not an IPv4 "
				      "ADDR/PREFIX",
				      j->name, j->bridge_addr);
	int rc = lj_state_write(st->paths, &st->state, err);
	if (rc == 0)
		rc = lj_net_setup(j, st->state.jid, netns, err);
	if (rc == 0 && j->nat)
		rc = lj_nat_sync(st->paths, err);
	return rc;
}

static void undo_network(struct start *st)
{
	struct lj_error ignored = {0};
	LJ_CLEANUP_CLOSE int netns = open_netns(st->state.pid);
	lj_net_teardown(st->state.jid, st->state.moved, st->state.nmoved, netns);
	if (st->state.nat) {
		free(st->state.nat);
		st->state.nat = NULL;
		lj_state_write(st->paths, &st->state, &ignored);
		lj_nat_sync(st->paths, &ignored);
	}
}

static int step_start(struct start *st, struct lj_error *err)
{
	return hook(st, LJ_HOOK_START, err);
}

static int step_command(struct start *st, struct lj_error *err)
{
	return hook(st, LJ_HOOK_COMMAND, err);
}

static int step_poststart(struct start *st, struct lj_error *err)
{
	return hook(st, LJ_HOOK_POSTSTART, err);
}

static int step_commit(struct start *st, struct lj_error *err)
{
	int rc = 0;
	if (st->state.phase != LJ_PHASE_RUNNING) {
		st->state.phase = LJ_PHASE_RUNNING;
		rc = lj_state_write(st->paths, &st->state, err);
	}
	return rc < 0 ? rc : lj_create_commit(&st->created, err);
}

static const struct step start_steps[] = {
	{step_claim, undo_claim},   {step_prepare, undo_prepare}, {step_prestart, undo_prestart},
	{step_create, undo_create}, {step_created, NULL},         {step_network, undo_network},
	{step_start, NULL},         {step_command, NULL},         {step_poststart, NULL},
	{step_commit, NULL},
};

/*
 * What an earlier ljail left: a running jail stays (starting it again is an
 * error); the remains of a start that was killed halfway are removed.
 */
static int clear_leftovers(const struct lj_paths *paths, const char *name, struct lj_error *err)
{
	struct lj_state old;
	int rc = lj_state_read(paths, name, &old, err);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	int pidfd = lj_state_open_init(&old);
	if (pidfd >= 0 && old.phase == LJ_PHASE_RUNNING) {
		close(pidfd);
		lj_state_release(&old);
		return lj_error_set(err, EEXIST, "jail '%s' is already running", name);
	}
	LJ_CLEANUP_CLOSE int netns = pidfd >= 0 && old.own_net ? open_netns(old.pid) : -1;
	if (pidfd >= 0) {
		lj_kill_init(pidfd, err);
		close(pidfd);
	}
	/*
	 * Its interfaces, while its namespace is held. When its init was gone
	 * already, so are they, and the jid may be another jail's by now.
	 */
	if (netns >= 0)
		lj_net_teardown(old.jid, old.moved, old.nmoved, netns);
	bool nat = old.nat != NULL;
	lj_state_release(&old);
	int rc2 = lj_state_remove(paths, name, err);
	if (rc2 == 0 && nat)
		rc2 = lj_nat_sync(paths, err);
	return rc2;
}

static int start_locked(const struct lj_paths *paths, const struct lj_jail *j,
			const struct lj_run_command *run, struct lj_created *keep,
			struct lj_state *keep_state, struct lj_error *err)
{
	struct start st = {.paths = paths, .j = j, .run = run, .created = {.pidfd = -1, .go = -1}};
	size_t done = 0;
	int rc = clear_leftovers(paths, j->name, err);

	for (; rc == 0 && done < LJ_ARRAY_SIZE(start_steps); done++)
		if ((rc = start_steps[done].run(&st, err)) < 0)
			break;
	if (rc < 0) {
		/* Walk back over the steps that were done, the failed one included. */
		for (size_t i = done + 1; i-- > 0;)
			if (i < LJ_ARRAY_SIZE(start_steps) && start_steps[i].undo)
				start_steps[i].undo(&st);
	}
	if (rc == 0 && keep) {
		*keep = st.created;
		*keep_state = st.state;
		return 0;
	}
	if (st.created.pidfd >= 0)
		close(st.created.pidfd);
	lj_state_release(&st.state);
	return rc;
}

int lj_start(const struct lj_paths *paths, const struct lj_jail *j, struct lj_error *err)
{
	int lock;
	int rc = lj_state_lock(paths, j->name, &lock, err);
	if (rc < 0)
		return rc;
	rc = start_locked(paths, j, NULL, NULL, NULL, err);
	lj_state_unlock(paths, j->name, lock, rc < 0);
	return rc;
}

/* Waits up to timeout seconds for the init behind pidfd to end. */
static bool wait_gone(int pidfd, long timeout)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int n;
	while ((n = poll(&p, 1, (int)(timeout * 1000))) < 0 && errno == EINTR)
		;
	return n > 0;
}

static int stop_locked(const struct lj_paths *paths, const char *name, const struct lj_jail *j,
		       struct lj_error *err)
{
	struct lj_state s;
	int rc = lj_state_read(paths, name, &s, err);
	if (rc == -ENOENT)
		return lj_error_set(err, ESRCH, "jail '%s' is not running", name);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_CLOSE int pidfd = lj_state_open_init(&s);
	if (pidfd < 0) {
		/* It ended on its own (no persist), or a start was killed halfway. */
		rc = lj_state_remove(paths, name, err);
		if (rc == 0 && s.nat)
			rc = lj_nat_sync(paths, err);
		lj_state_release(&s);
		return rc < 0 ? rc : lj_error_set(err, ESRCH, "jail '%s' is not running", name);
	}
	/* As jail -r: a failing exec.prestop or exec.stop leaves the jail running. */
	if ((rc = lj_hooks_run(j, &s, pidfd, LJ_HOOK_PRESTOP, err)) < 0 ||
	    (rc = lj_hooks_run(j, &s, pidfd, LJ_HOOK_STOP, err)) < 0) {
		lj_state_release(&s);
		return rc;
	}
	/*
	 * Held open, the jail's network namespace outlives its init, so its
	 * interfaces can be taken down now rather than whenever the kernel's
	 * own clean-up gets to them.
	 */
	LJ_CLEANUP_CLOSE int netns = s.own_net ? open_netns(s.pid) : -1;
	/* init passes SIGTERM on to every process and ends once they are gone. */
	long timeout = j ? j->stop_timeout : 10;
	if (pidfd_send_signal(pidfd, SIGTERM, NULL, 0) < 0 || !wait_gone(pidfd, timeout))
		rc = lj_kill_init(pidfd, err);
	if (rc == 0 && netns >= 0)
		lj_net_teardown(s.jid, s.moved, s.nmoved, netns);
	if (rc == 0)
		rc = lj_state_remove(paths, name, err);
	if (rc == 0 && s.nat)
		rc = lj_nat_sync(paths, err);
	if (rc == 0)
		rc = lj_hooks_run(j, &s, -1, LJ_HOOK_POSTSTOP, err);
	if (rc == 0)
		rc = lj_hooks_run(j, &s, -1, LJ_HOOK_RELEASE, err);
	lj_state_release(&s);
	return rc;
}

int lj_stop(const struct lj_paths *paths, const char *name, const struct lj_jail *j,
	    struct lj_error *err)
{
	int lock;
	int rc = lj_state_lock(paths, name, &lock, err);
	if (rc < 0)
		return rc;
	rc = stop_locked(paths, name, j, err);
	struct lj_state left;
	struct lj_error ignored = {0};
	bool gone = lj_state_read(paths, name, &left, &ignored) == -ENOENT;
	if (!gone)
		lj_state_release(&left);
	lj_state_unlock(paths, name, lock, gone);
	return rc;
}

static pid_t run_init = -1;

static void pass_to_init(int sig)
{
	if (run_init > 0)
		kill(run_init, sig);
}

int lj_run(const struct lj_paths *paths, const struct lj_jail *j, const char *user,
	   char *const *argv, int *status, struct lj_error *err)
{
	/*
	 * The command's own copy: argv points into main()'s argument strings,
	 * which the jail's init overwrites with its name (core/proctitle.h).
	 */
	size_t argc = 0;
	while (argv[argc])
		argc++;
	char **args = lj_xcalloc(argc + 1, sizeof(*args));
	for (size_t i = 0; i < argc; i++)
		args[i] = lj_xstrdup(argv[i]);
	LJ_CLEANUP_FREE char *user_copy = user ? lj_xstrdup(user) : NULL;
	struct lj_run_command run = {.argv = args, .user = user_copy};
	struct lj_created c;
	struct lj_state s;
	int lock;
	int rc = lj_state_lock(paths, j->name, &lock, err);
	if (rc < 0)
		return rc;
	rc = start_locked(paths, j, &run, &c, &s, err);
	for (size_t i = 0; i < argc; i++)
		free(args[i]);
	free(args);
	/* Unlocked while the command runs, so that `ljail stop` can end it. */
	lj_state_unlock(paths, j->name, lock, rc < 0);
	if (rc < 0)
		return rc;

	/*
	 * The terminal's SIGINT and SIGQUIT are for the command (init and it
	 * share ljail's process group); SIGTERM and SIGHUP to ljail go to init,
	 * which passes them on.
	 */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	run_init = c.pid;
	struct sigaction sa = {.sa_handler = pass_to_init};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* init is ljail's own child here: it ends with the command's status. */
	siginfo_t si;
	while (waitid(P_PIDFD, (id_t)c.pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
	*status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	close(c.pidfd);

	/* The jail is gone; what is left is its state and the host's last commands. */
	rc = lj_state_lock_wait(paths, j->name, &lock, err);
	if (rc == 0) {
		struct lj_state now;
		struct lj_error ignored = {0};
		bool ours = lj_state_read(paths, j->name, &now, &ignored) == 0 &&
			    now.pid == s.pid && now.starttime == s.starttime;
		if (ours) {
			lj_state_release(&now);
			rc = lj_state_remove(paths, j->name, err);
			if (rc == 0)
				rc = lj_hooks_run(j, &s, -1, LJ_HOOK_POSTSTOP, err);
			if (rc == 0)
				rc = lj_hooks_run(j, &s, -1, LJ_HOOK_RELEASE, err);
		}
		lj_state_unlock(paths, j->name, lock, true);
	}
	lj_state_release(&s);
	return rc;
}

int lj_exec_running(const struct lj_paths *paths, const char *name, char *const *argv, int *status,
		    struct lj_error *err)
{
	struct lj_state s;
	int rc = lj_state_read(paths, name, &s, err);
	if (rc < 0)
		return rc == -ENOENT ? -ESRCH : rc;
	LJ_CLEANUP_CLOSE int pidfd = lj_state_open_init(&s);
	if (pidfd < 0 || s.phase != LJ_PHASE_RUNNING) {
		lj_state_release(&s);
		return -ESRCH;
	}
	struct lj_user root;
	lj_user_root(&root);
	struct lj_command cmd = {.jail = name, .user = &root, .argv = argv, .out_fd = -1};
	pid_t helper = lj_spawn_in_running(&s, pidfd, &cmd, err);
	if (helper > 0)
		lj_wait(helper, 0, status);
	lj_user_release(&root);
	lj_state_release(&s);
	return helper < 0 ? (int)helper : 0;
}
