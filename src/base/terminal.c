/* SPDX-License-Identifier: BSD-2-Clause */
#include "base/terminal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

bool lj_terminal_wanted(void)
{
	return isatty(STDIN_FILENO) || isatty(STDOUT_FILENO) || isatty(STDERR_FILENO);
}

static volatile sig_atomic_t resized;

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

static void copy_size(int master)
{
	struct winsize ws;
	for (int fd = 0; fd <= 2; fd++)
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0) {
			ioctl(master, TIOCSWINSZ, &ws);
			return;
		}
}

/* Writes all of buf to fd (which may be non-blocking), waiting as needed. */
static bool write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			(void)poll(&p, 1, 1000);
			continue;
		}
		if (w <= 0)
			return false;
		buf += w;
		n -= (size_t)w;
	}
	return true;
}

void lj_terminal_relay(int master, int done_fd)
{
	/*
	 * Only the descriptors that were terminals are on the pseudo-terminal;
	 * what it prints goes to the caller's terminal, or nowhere (the echo of
	 * typed input, when only stdin is a terminal).
	 */
	int out = isatty(STDOUT_FILENO) ? STDOUT_FILENO : isatty(STDERR_FILENO) ? STDERR_FILENO : -1;
	bool in = isatty(STDIN_FILENO);
	struct termios saved, raw;
	bool restore = in && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (restore) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	struct sigaction sa = {.sa_handler = on_winch}, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, &old);
	copy_size(master);

	char buf[8192];
	bool ended = false;
	while (!ended) {
		if (resized) {
			resized = 0;
			copy_size(master);
		}
		struct pollfd p[3] = {
			{.fd = master, .events = POLLIN},
			{.fd = done_fd, .events = POLLIN},
			{.fd = in ? STDIN_FILENO : -1, .events = POLLIN},
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			ssize_t n = read(master, buf, sizeof(buf));
			if (n > 0 && out >= 0)
				write_all(out, buf, (size_t)n);
		}
		/* Every slave closed (EIO), or the command's helper gone. */
		if ((p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN))
			ended = true;
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			ended = true;
		if (p[2].revents & POLLIN) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n > 0)
				write_all(master, buf, (size_t)n);
			else
				in = false; /* end of input: nothing more to pass on */
		} else if (p[2].revents & (POLLHUP | POLLERR)) {
			in = false;
		}
	}
	/* What the command printed last. */
	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (out >= 0)
			write_all(out, buf, (size_t)n);
	}
	sigaction(SIGWINCH, &old, NULL);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
}
