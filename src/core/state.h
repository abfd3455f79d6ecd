/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Run state: one file per running jail in the run folder (NAME.state),
 * written atomically, and one lock per jail (NAME.lock) held by whichever
 * ljail starts or stops it. The state names the jail's init by pid and start
 * time, so a recycled pid is never taken for the jail; a state whose init is
 * gone is stale and is removed by the next ljail that takes the jail's lock.
 */
#ifndef LJAIL_CORE_STATE_H
#define LJAIL_CORE_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/paths.h"

enum lj_phase {
	LJ_PHASE_STARTING, /* ljail start has not finished: maybe killed halfway */
	LJ_PHASE_RUNNING,
};

struct lj_state {
	long jid;
	char *name;
	char *path;
	char *hostname;
	pid_t pid;                    /* the jail's init, as the host sees it */
	unsigned long long starttime; /* of that pid, from /proc/PID/stat */
	enum lj_phase phase;
	bool own_net;
	bool persist;
	uint64_t caps; /* the jail's capability bounding set */
	void *seccomp; /* that filter, built at start, as a BPF program */
	size_t seccomp_len;
	char **moved; /* vnet.interface: host interfaces to give back on stop */
	size_t nmoved, capmoved;
	char *nat;     /* the subnet masqueraded for this jail (vnet.nat), or NULL */
	char **params; /* "name=value" as `ljail config show` prints them */
	size_t nparams, capparams;
};

void lj_state_release(struct lj_state *s);

/*
 * Takes the jail's lock without waiting; fails with a message naming the jail
 * when another ljail holds it. *fd is the lock to pass to lj_state_unlock.
 */
int lj_state_lock(const struct lj_paths *paths, const char *name, int *fd, struct lj_error *err);
/* The same, waiting while another ljail holds it. */
int lj_state_lock_wait(const struct lj_paths *paths, const char *name, int *fd,
		       struct lj_error *err);
/* Drops the lock; with forget, also removes the lock file (the jail is gone). */
void lj_state_unlock(const struct lj_paths *paths, const char *name, int fd, bool forget);

/* Parses a state file's text (the fuzzer's way in): 0, or -EINVAL when it is damaged. */
int lj_state_parse(FILE *f, struct lj_state *s, bool head_only);

/* Reads NAME.state: 0, -ENOENT when there is none, or another error. */
int lj_state_read(const struct lj_paths *paths, const char *name, struct lj_state *s,
		  struct lj_error *err);
int lj_state_write(const struct lj_paths *paths, const struct lj_state *s, struct lj_error *err);
int lj_state_remove(const struct lj_paths *paths, const char *name, struct lj_error *err);

/*
 * Chooses the jail's jid (s->jid if not 0, else the smallest free one) under
 * the run folder's own lock and writes the state, so two jails never get the
 * same jid.
 */
int lj_state_claim(const struct lj_paths *paths, struct lj_state *s, struct lj_error *err);

/* The names of all jails with a state file, sorted. */
int lj_state_names(const struct lj_paths *paths, char ***names, size_t *n, struct lj_error *err);

/*
 * Opens a pidfd for the state's init if it is still the process the state
 * names: >= 0, or -ESRCH when the jail's init is gone (or not made yet).
 */
int lj_state_open_init(const struct lj_state *s);

/* The start time of a process in clock ticks since boot, 0 if it is gone. */
unsigned long long lj_process_starttime(pid_t pid);

#endif
