/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The caller's side of a pseudo-terminal that a command in a jail runs on:
 * the jail's processes never hold the caller's own terminal, so none of them
 * can read what is typed there after the command ends, or take its
 * foreground, as lxc-attach and machinectl shell do it.
 */
#ifndef LJAIL_BASE_TERMINAL_H
#define LJAIL_BASE_TERMINAL_H

#include <stdbool.h>

/* Is any of stdin, stdout and stderr a terminal? */
bool lj_terminal_wanted(void);

/*
 * Puts this process's terminal in raw mode, passes what is typed to master
 * and what master prints to the terminal, and the window size along, until
 * done_fd hangs up (the command ended); then drains master and restores the
 * terminal. Closes neither fd.
 */
void lj_terminal_relay(int master, int done_fd);

#endif
