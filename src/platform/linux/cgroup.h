/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A jail's cgroup: one per jail below the parent "ljail", in the unified
 * hierarchy (cgroup v2) or, on a host with the controllers on v1
 * hierarchies (Debian's hybrid layout), in each of them. It holds every
 * process of the jail and the limits of its rctl rules. fsroot is where the
 * host mounts cgroups (/sys/fs/cgroup), a parameter so that tests can give
 * a tree of their own.
 */
#ifndef LJAIL_PLATFORM_LINUX_CGROUP_H
#define LJAIL_PLATFORM_LINUX_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "model/jail.h"

#define LX_CGROUP_FS "/sys/fs/cgroup"

enum lx_cgroup_mode {
	LX_CGROUP_NONE, /* no controller ljail needs is mounted */
	LX_CGROUP_V1,   /* controllers on hierarchies of their own */
	LX_CGROUP_V2,   /* the unified hierarchy */
};

enum lx_cgroup_mode lx_cgroup_mode(const char *fsroot);

/*
 * Where jails' cgroups go, relative to fsroot: "ljail" at the root of the
 * hierarchy, or, when ljail runs in a cgroup systemd delegated to it (a
 * service with Delegate=yes; systemd marks it with the trusted.delegate or
 * user.delegate attribute), "ljail" inside that cgroup. self is the
 * caller's /proc/self/cgroup text. A new string.
 */
char *lx_cgroup_parent(const char *fsroot, const char *self);
/* The same for the calling process (its /proc/self/cgroup). */
char *lx_cgroup_parent_here(const char *fsroot);

/*
 * In a delegated cgroup, processes may not sit beside the jails' cgroups
 * (cgroup v2 keeps processes out of inner cgroups that hand controllers
 * down): moves the caller into a leaf of its own, "ljail.supervisor", next
 * to parent's "ljail". Nothing to do at the root of the hierarchy.
 */
int lx_cgroup_step_aside(const char *fsroot, const char *parent);

/* The block device that holds path, as "MAJOR:MINOR" of the whole disk, for I/O limits. */
int lx_cgroup_disk(const char *path, char *out, size_t len);

/*
 * Makes the cgroup rel (as "ljail/NAME.TAG") and writes the limits; disk
 * ("MAJOR:MINOR", or NULL) is where I/O limits apply. Errors name the
 * jail, the resource and the file.
 */
int lx_cgroup_make(const char *fsroot, const char *jail, const char *rel,
		   const struct lj_limits *limits, const char *disk, struct lj_error *err);

/* Pins the cgroup rel to cpus (cpuset.cpus, "0-3,6"). */
int lx_cgroup_pin(const char *fsroot, const char *jail, const char *rel, const char *cpus,
		  struct lj_error *err);

/*
 * Forks straight into the cgroup rel where the host's hierarchy is v2
 * (clone3's CLONE_INTO_CGROUP): the child never has to be moved, and moving
 * a process costs a wait for an RCU grace period (about 8 ms here). *placed
 * says whether it was; with v1 (or no cgroup) this is fork(), and the child
 * moves itself (lx_cgroup_enter). Returns as fork does.
 */
pid_t lx_cgroup_fork(const char *fsroot, const char *rel, bool *placed);

/* The v2 cgroup rel, opened for CLONE_INTO_CGROUP; -1 on v1 or without one. */
int lx_cgroup_v2_dir(const char *fsroot, const char *rel);

/* Moves pid (0: the caller) into the cgroup rel, in every hierarchy it has. */
int lx_cgroup_enter(const char *fsroot, const char *rel, pid_t pid);

/*
 * Removes the cgroup rel once its processes are gone (waiting a moment for
 * the kernel to let go of them), and the parent when nothing else is in it.
 */
void lx_cgroup_remove(const char *fsroot, const char *rel);

/* What the jail uses now, -1 where the host does not count it. */
struct lx_cgroup_usage {
	int64_t memoryuse, swapuse, maxproc;
	int64_t cputime_ns; /* CPU time used so far, for pcpu over an interval */
};
void lx_cgroup_usage(const char *fsroot, const char *rel, struct lx_cgroup_usage *u);

/* Changes the limits of a running jail's cgroup (rctl's live changes). */
int lx_cgroup_limit(const char *fsroot, const char *jail, const char *rel,
		    const struct lj_limits *limits, const char *disk, struct lj_error *err);

#endif
