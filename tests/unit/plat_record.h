/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A recording platform for the runtime's unit tests: every call is written
 * as one line to a log file (which the exec.* commands on the host append
 * to as well, so the log is the whole order of events), jails are entries in
 * a table instead of processes, and any call can be made to fail. It is a
 * test double for the orchestration only; the real platform is tested by
 * the integration suites.
 */
#ifndef LJAIL_TESTS_PLAT_RECORD_H
#define LJAIL_TESTS_PLAT_RECORD_H

#include <stdbool.h>

/* Starts a fresh record: an empty log at log_file, no jails, nothing failing. */
void rec_reset(const char *log_file);
/* Makes the named call ("plan", "create", "net_up", "commit", ...) fail with EIO. */
void rec_fail(const char *call);
/* A jail ignores SIGTERM (so a stop must end it). */
void rec_ignore_term(bool ignore);
/* The exit status plat_wait_exit reports for `ljail run`. */
void rec_exit_status(int status);
/* Every jail ends, unseen by ljail (as when init is killed from outside). */
void rec_kill_all(void);
/* How many jails of the table are alive. */
int rec_alive(void);

#endif
