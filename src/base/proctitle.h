/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The command line a process shows in ps(1). A jail's init is a fork of the
 * `ljail start` that made it; without this it would show that command line,
 * with the host's paths, to everyone in the jail.
 */
#ifndef LJAIL_CORE_PROCTITLE_H
#define LJAIL_CORE_PROCTITLE_H

/* Remembers where main()'s argv strings lie; call first thing in main(). */
void lj_proctitle_init(int argc, char **argv);

/* Overwrites them with title (cut to fit), the rest zeroed. */
void lj_proctitle_set(const char *title);

#endif
