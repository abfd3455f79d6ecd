/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The jail's init: PID 1 of its PID namespace and the only process ljail
 * keeps per jail. It reaps orphans, passes signals on to every process in
 * the jail, and ends the jail when it is empty (unless persist). Ending init
 * ends the jail: the kernel kills what is left, and the namespaces with
 * their mounts go away with the last process.
 */
#ifndef LJAIL_LINUX_INIT_H
#define LJAIL_LINUX_INIT_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Runs init; never returns. procfd is a proc mount of the jail's PID
 * namespace, used to see whether any other process is left. A persistent
 * init keeps the jail when it is empty. With a main_pid (`ljail run`), the
 * jail ends when that process does, with its exit status.
 */
_Noreturn void lj_init_run(int procfd, bool persist, pid_t main_pid);

#endif
