/* SPDX-License-Identifier: BSD-2-Clause */
#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/spawn.h"
#include "base/user.h"

static int open_consolelog(const struct lj_jail *j, struct lj_error *err)
{
	if (!j->consolelog)
		return -1;
	/* A host file named by root's configuration; appended to, as jail(8) does. */
	int fd = open(j->consolelog, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return lj_error_set(err, errno, "jail '%s': exec.consolelog '%s': %s", j->name,
				    j->consolelog, strerror(errno));
	return fd;
}

static int user_for(const struct lj_jail *j, struct plat_jail *pj, bool in_jail,
		    struct lj_user *u, struct lj_error *err)
{
	const char *name = in_jail ? j->jail_user : j->system_user;
	if (!name) {
		if (in_jail) {
			lj_user_root(u);
			return 0;
		}
		/* Host commands run as the caller when no exec.system_user is set. */
		*u = (struct lj_user){0};
		return 0;
	}
	if (!in_jail || j->system_jail_user)
		return lj_user_on_host(j->name, name, u, err);
	return plat_user(pj, name, u, err);
}

static char **jail_env(const struct lj_state *s)
{
	char **env = lj_xcalloc(4, sizeof(*env));
	env[0] = lj_xasprintf("JID=%ld", s ? s->jid : 0L);
	env[1] = lj_xasprintf("JNAME=%s", s ? s->name : "");
	env[2] = lj_xasprintf("JPATH=%s", s ? s->path : "");
	return env;
}

static void free_env(char **env)
{
	for (char **e = env; e && *e; e++)
		free(*e);
	free(env);
}

/* A host command: the caller's own context, or exec.system_user's. */
static pid_t spawn_host(const struct lj_jail *j, const struct lj_user *u, char *const *argv,
			char **env, int out, struct lj_error *err)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return lj_error_set(err, errno, "jail '%s': fork: %s", j->name, strerror(errno));
	if (pid > 0)
		return pid;
	if (out >= 0 && (dup2(out, 1) < 0 || dup2(out, 2) < 0))
		_exit(126);
	if (j->exec_clean) {
		const char *term = getenv("TERM");
		LJ_CLEANUP_FREE char *t = term ? lj_xstrdup(term) : NULL;
		clearenv();
		setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
		if (t)
			setenv("TERM", t, 1);
	}
	for (char **e = env; *e; e++)
		putenv(*e);
	if (u->name) {
		setenv("HOME", u->home, 1);
		setenv("USER", u->name, 1);
		setenv("LOGNAME", u->name, 1);
		int rc = lj_user_become(u);
		if (rc < 0) {
			fprintf(stderr, "ljail: jail '%s': becoming user '%s': %s\n", j->name,
				u->name, strerror(-rc));
			_exit(126);
		}
		if (j->exec_clean && chdir(u->home) < 0 && chdir("/") < 0)
			_exit(126);
	}
	execv(argv[0], argv);
	fprintf(stderr, "ljail: jail '%s': %s: %s\n", j->name, argv[0], strerror(errno));
	_exit(127);
}

int lj_hooks_run(const struct lj_jail *j, const struct lj_state *s, struct plat_jail *pj,
		 enum lj_hook hook, struct lj_error *err)
{
	const struct lj_hook_def *def = &lj_hooks[hook];
	if (!j || !j->nhooks[hook])
		return 0;

	struct lj_user u;
	int rc = user_for(j, pj, def->in_jail, &u, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_CLOSE int out = open_consolelog(j, err);
	if (j->consolelog && out < 0) {
		lj_user_release(&u);
		return out;
	}
	char **env = def->in_jail ? NULL : jail_env(s);
	for (size_t i = 0; i < j->nhooks[hook] && rc == 0; i++) {
		char *argv[] = {"/bin/sh", "-c", j->hooks[hook][i], NULL};
		struct plat_command cmd = {
			.as = &u,
			.argv = argv,
			.cwd = j->exec_clean ? PLAT_HOME : "/",
			.clean_env = j->exec_clean,
			.out_fd = out,
		};
		pid_t pid = def->in_jail ? plat_attach(pj, &cmd, err)
					 : spawn_host(j, &u, argv, env, out, err);
		if (pid < 0) {
			rc = pid;
			break;
		}
		int status = 0;
		int w = lj_wait(pid, j->exec_timeout, &status);
		if (w == -ETIMEDOUT)
			rc = lj_error_set(err, ETIMEDOUT,
					  "jail '%s': %s '%s' timed out after %ld seconds", j->name,
					  def->param, j->hooks[hook][i], j->exec_timeout);
		else if (w < 0)
			rc = lj_error_set(err, -w, "jail '%s': %s: %s", j->name, def->param,
					  strerror(-w));
		else if (status != 0)
			rc = lj_error_set(err, EIO, "jail '%s': %s '%s' failed (exit status %d)",
					  j->name, def->param, j->hooks[hook][i], status);
	}
	free_env(env);
	lj_user_release(&u);
	return rc;
}
