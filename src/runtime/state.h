/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Run state: one file per running jail in the run folder (NAME.state),
 * written atomically, with its head again in NAME.record so that a damaged
 * state never hides a running jail, and one lock per jail (NAME.lock) held
 * by whichever ljail starts or stops it. The platform's part of the state names the
 * jail's processes so that a recycled pid is never taken for the jail; a
 * state whose jail is gone is stale and is removed by the next ljail that
 * takes the jail's lock (runtime/running.h).
 */
#ifndef LJAIL_RUNTIME_STATE_H
#define LJAIL_RUNTIME_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/kv.h"
#include "base/paths.h"

enum lj_phase {
	LJ_PHASE_STARTING, /* ljail start has not finished: maybe killed halfway */
	LJ_PHASE_RUNNING,
};

/* A parameter as the jail was started with it (jls -v shows them). */
struct lj_state_param {
	char *name;
	char **values;
	size_t nvalues;
	bool negated; /* a boolean written with its "no" prefix */
};

/*
 * The run state of one jail: what is the same on every platform, typed, and
 * the platform's own part as the KEY=VALUE pairs plat_record gave (written
 * as plat.KEY), which only plat_open reads.
 */
struct lj_state {
	long jid;
	char *name;
	char *path;
	char *hostname;
	enum lj_phase phase;
	bool persist;
	bool damaged; /* NAME.state was unreadable: this is its record, without params */
	struct lj_kvlist plat;
	struct lj_state_param *params;
	size_t nparams, capparams;
};

void lj_state_release(struct lj_state *s);

/*
 * Takes the jail's lock, trying for up to two seconds (others look at a lock
 * by taking it for a moment); fails with a message naming the jail when
 * another ljail holds it. *fd is the lock to pass to lj_state_unlock.
 */
int lj_state_lock(const struct lj_paths *paths, const char *name, int *fd, struct lj_error *err);
/* The same with one try: for tidying, which leaves a busy jail be. */
int lj_state_lock_now(const struct lj_paths *paths, const char *name, int *fd,
		      struct lj_error *err);
/* The same, waiting while another ljail holds it. */
int lj_state_lock_wait(const struct lj_paths *paths, const char *name, int *fd,
		       struct lj_error *err);
/* Drops the lock; with forget, also removes the lock file (the jail is gone). */
void lj_state_unlock(const struct lj_paths *paths, const char *name, int fd, bool forget);

/* Parses a state file's text (the fuzzer's way in): 0, or -EINVAL when it is damaged. */
int lj_state_parse(FILE *f, struct lj_state *s, bool head_only);

/*
 * Reads NAME.state, or when that is damaged NAME.record (s->damaged set): 0,
 * -ENOENT when there is neither, or an error when both are damaged.
 */
int lj_state_read(const struct lj_paths *paths, const char *name, struct lj_state *s,
		  struct lj_error *err);
int lj_state_write(const struct lj_paths *paths, const struct lj_state *s, struct lj_error *err);
int lj_state_remove(const struct lj_paths *paths, const char *name, struct lj_error *err);

/* Makes the run folder (root's alone: it holds locks and the jails' records). */
int lj_state_make_dir(const struct lj_paths *paths, struct lj_error *err);
/* Takes a lock file by path, waiting; for locks other than a jail's own. */
int lj_state_lock_file(const char *file, int *fd, struct lj_error *err);

/* Is the jail's lock held by an ljail now (probed without waiting)? */
bool lj_state_lock_held(const struct lj_paths *paths, const char *name);

/* Records a parameter for the state (a copy). */
void lj_state_add_param(struct lj_state *s, const char *name, char *const *values, size_t n,
			bool negated);

/* The names of all jails with a state file, sorted. */
int lj_state_names(const struct lj_paths *paths, char ***names, size_t *n, struct lj_error *err);

#endif
