/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/init.h"

#include "base/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* Signals passed on to every process of the jail. */
static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPWR};

static bool others_alive(int procfd)
{
	int fd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return true; /* when in doubt, keep the jail */
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return true;
	}
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d)))
		found = isdigit((unsigned char)e->d_name[0]) &&
			!(e->d_name[0] == '1' && !e->d_name[1]);
	closedir(d);
	return found;
}

/* Reaps every child; true when main_pid was among them, with its status. */
static bool reap(pid_t main_pid, int *status)
{
	int ws;
	pid_t pid;
	bool main_done = false;
	while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
		if (pid == main_pid) {
			main_done = true;
			*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
		}
	}
	return main_done;
}

static void ignore_signal(int sig)
{
	(void)sig;
}

_Noreturn void lj_init_run(int procfd, bool persist, pid_t main_pid)
{
	int status = 0;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < LJ_ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	/*
	 * The kernel drops signals to a namespace's init that it has no
	 * handler for, even from the host: a handler must exist, although the
	 * signals are then read from a signalfd and never reach it.
	 */
	struct sigaction sa = {.sa_handler = ignore_signal};
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&set, sig) == 1)
			sigaction(sig, &sa, NULL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		_exit(1);

	/* Ending init ends the jail: the kernel kills what is left in it. */
	bool stopping = false;
	/* The main process may have ended before the signalfd was there. */
	if (reap(main_pid, &status))
		_exit(status);
	for (;;) {
		struct pollfd p = {.fd = sfd, .events = POLLIN};
		/* While stopping, look again now and then in case a notice was missed. */
		int n = poll(&p, 1, stopping ? 100 : -1);
		if (n < 0 && errno != EINTR)
			_exit(1);
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			int sig = (int)si.ssi_signo;
			if (sig == SIGCHLD) {
				if (reap(main_pid, &status))
					_exit(status);
			} else if (main_pid > 0 && (sig == SIGINT || sig == SIGQUIT)) {
				/* The terminal sent these to the command's group already. */
			} else {
				/* kill(-1) in a PID namespace reaches every process but init. */
				kill(-1, sig);
				if (sig == SIGTERM)
					stopping = true;
			}
		}
		if (reap(main_pid, &status))
			_exit(status);
		if ((stopping || !persist) && !others_alive(procfd))
			_exit(0);
	}
}
