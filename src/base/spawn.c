/* SPDX-License-Identifier: BSD-2-Clause */
#include "base/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t caught;
static volatile pid_t waiting_for; /* the child lj_spawn_* waits for, or 0 */

static void on_interrupt(int sig)
{
	caught = sig;
	pid_t child = waiting_for;
	if (child > 0)
		kill(child, sig);
}

void lj_interrupt_catch(void)
{
	struct sigaction sa = {.sa_handler = on_interrupt, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int lj_interrupted(void)
{
	return caught;
}

/* From its start until it is reaped, a child of lj_spawn_* gets what is caught. */
static void track(pid_t pid)
{
	waiting_for = pid;
	/* A signal caught between the spawn and the line above reaches it here. */
	if (caught)
		kill(pid, caught);
}

static int wait_spawned(pid_t pid, int *status)
{
	int rc = lj_wait(pid, 0, status);
	waiting_for = 0;
	return rc;
}

static int refuse_if_interrupted(char *const argv[], struct lj_error *err)
{
	if (!caught)
		return 0;
	return lj_error_set(err, EINTR, "%s: not started: interrupted by signal %d", argv[0],
			    (int)caught);
}

static int start(char *const argv[], int out_fd, pid_t *pid, struct lj_error *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (out_fd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
		posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
	}
	int rc = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return lj_error_set(err, rc, "%s: %s", argv[0], strerror(rc));
	return 0;
}

/*
 * With SIGCHLD blocked, a child that ends after the last waitpid leaves the
 * signal pending, so sigtimedwait cannot miss it. The pid stays ours until
 * it is reaped, so the SIGKILL on timeout can never reach another process.
 * POSIX only: no pidfd, so the base layer builds on FreeBSD as well.
 */
static int wait_until(pid_t pid, long timeout, int *ws)
{
	sigset_t chld, old;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);

	struct timespec now, end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout;
	int rc = 0;
	for (;;) {
		pid_t r = waitpid(pid, ws, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long left_ns = (end.tv_sec - now.tv_sec) * 1000000000LL + (end.tv_nsec - now.tv_nsec);
		if (left_ns <= 0) {
			kill(pid, SIGKILL);
			rc = -ETIMEDOUT;
			break;
		}
		struct timespec left = {(time_t)(left_ns / 1000000000LL), (long)(left_ns % 1000000000LL)};
		(void)sigtimedwait(&chld, NULL, &left);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int lj_wait(pid_t pid, long timeout, int *status)
{
	int ws, rc = 0;
	if (timeout > 0)
		rc = wait_until(pid, timeout, &ws);
	if (rc == -ETIMEDOUT || timeout <= 0) {
		/* Reaps the killed child, or waits without a limit. */
		while (waitpid(pid, &ws, 0) < 0)
			if (errno != EINTR)
				return -errno;
	} else if (rc < 0) {
		return rc;
	}
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return rc;
}

bool lj_have_program(const char *prog)
{
	const char *path = getenv("PATH");
	LJ_CLEANUP_FREE char *dirs = lj_xstrdup(
		path && *path ? path
			      : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/%s", d, prog);
		if (access(file, X_OK) == 0)
			return true;
	}
	return false;
}

int lj_spawn_wait(char *const argv[], int out_fd, int *status, struct lj_error *err)
{
	pid_t pid;
	int rc = refuse_if_interrupted(argv, err);
	if (rc < 0)
		return rc;
	fflush(NULL);
	rc = start(argv, out_fd, &pid, err);
	if (rc < 0)
		return rc;
	track(pid);
	rc = wait_spawned(pid, status);
	return rc < 0 ? lj_error_set(err, -rc, "%s: %s", argv[0], strerror(-rc)) : 0;
}

int lj_spawn_lines(char *const argv[], void (*line)(void *ctx, const char *text), void *ctx,
		   int *status, struct lj_error *err)
{
	int p[2];
	pid_t pid;
	int rc = refuse_if_interrupted(argv, err);
	if (rc < 0)
		return rc;
	if (pipe2(p, O_CLOEXEC) < 0)
		return lj_error_set(err, errno, "pipe: %s", strerror(errno));
	fflush(NULL);
	rc = start(argv, p[1], &pid, err);
	close(p[1]);
	if (rc < 0) {
		close(p[0]);
		return rc;
	}
	track(pid);
	FILE *f = fdopen(p[0], "r");
	LJ_CLEANUP_FREE char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	while (f && (n = getline(&buf, &cap, f)) >= 0) {
		/* Progress bars redraw with \r: each redraw counts as a line. */
		for (char *s = buf, *e; *s; s = e) {
			e = s + strcspn(s, "\r\n");
			char c = *e;
			*e = '\0';
			if (*s)
				line(ctx, s);
			if (c)
				e++;
		}
	}
	if (f)
		fclose(f);
	else
		close(p[0]);
	rc = wait_spawned(pid, status);
	return rc < 0 ? lj_error_set(err, -rc, "%s: %s", argv[0], strerror(-rc)) : 0;
}

int lj_in_child(int (*fn)(void *ctx, struct lj_error *err), void *ctx, const char *what,
		struct lj_error *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return lj_error_set(err, errno, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct lj_error e = {0};
		close(p[0]);
		int rc = fn(ctx, &e);
		if (rc < 0) {
			ssize_t ignored = write(p[1], &e, sizeof(e));
			(void)ignored;
		}
		_exit(rc < 0 ? 1 : 0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return lj_error_set(err, errno, "fork: %s", strerror(errno));
	}
	struct lj_error child = {0};
	ssize_t n = read(p[0], &child, sizeof(child));
	close(p[0]);
	int status;
	int rc = lj_wait(pid, 0, &status);
	if (rc == 0 && status == 0)
		return 0;
	if (n == (ssize_t)sizeof(child)) {
		child.msg[sizeof(child.msg) - 1] = '\0';
		*err = child;
		return -(child.code ? child.code : EIO);
	}
	return lj_error_set(err, EIO, "%s failed", what);
}
