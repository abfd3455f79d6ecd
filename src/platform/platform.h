/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seam between what a jail is (model/) and how a platform makes it.
 * The runtime, the store and the front reach the platform only through
 * this header; one implementation is linked in: platform/linux today,
 * platform/freebsd later, and a recording double in the unit tests.
 *
 * A running jail is an opaque handle. On Linux it is the jail's init (pid,
 * start time and pidfd); on FreeBSD it will be a jid. The handle's own part
 * of the run state is a list of KEY=VALUE pairs (plat_record) that
 * plat_open reads back, so the runtime stores it without knowing it.
 *
 * Every function follows ljail's error convention (base/error.h): 0 or a
 * non-negative result, or a negative errno with err filled in. Functions
 * that take a jail away (net_down, destroy) cannot fail a caller's undo any
 * further and return nothing.
 */
#ifndef LJAIL_PLATFORM_PLATFORM_H
#define LJAIL_PLATFORM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/kv.h"
#include "base/paths.h"
#include "base/user.h"
#include "conf/host.h"
#include "model/jail.h"

struct plat_jail;

/*
 * Plan: everything the platform needs to make j, checked and built before
 * anything on the host changes (on Linux the seccomp filter). j must outlive
 * the handle.
 */
int plat_plan(const struct lj_jail *j, struct plat_jail **out, struct lj_error *err);

/* What `ljail run` asks for: once committed, argv runs as user and ends the jail. */
struct plat_run {
	char *const *argv;
	const char *user; /* looked up in the jail; NULL: root */
};

/*
 * Create: the jail exists (processes, file systems, its own stack when
 * asked for) but holds until plat_commit; should ljail die before that, it
 * goes away by itself. run is NULL for a jail that lives on its own.
 */
int plat_create(struct plat_jail *pj, const struct plat_run *run, struct lj_error *err);
/* Lets the jail run on its own: from here on it outlives ljail. */
int plat_commit(struct plat_jail *pj, struct lj_error *err);

/* Does the jail have network set-up for plat_net_up (a bridge, addresses, moved interfaces)? */
bool plat_net_wanted(const struct plat_jail *pj);
/*
 * Network up and down: the jail's interfaces, addresses and routes. The host
 * objects are named so that a later ljail finds them from the record alone
 * (on Linux by the start's tag; jid for platforms whose jids are host-wide).
 */
int plat_net_up(struct plat_jail *pj, long jid, struct lj_error *err);
void plat_net_down(struct plat_jail *pj, long jid);
/*
 * Shared host network state (on Linux the NAT table), made anew from the
 * jails that run: running holds their handles.
 */
bool plat_net_shared(const struct plat_jail *pj);
int plat_net_sync(const struct lj_paths *paths, struct plat_jail *const *running, size_t n,
		  struct lj_error *err);

/*
 * Could a bridge of ljail's own have the IPv4 subnet NET/PREFIX here? 0
 * when no route of the host's reaches into it (routes through bridge, the
 * network's own, aside) and none of the host's name servers is in it;
 * -EADDRINUSE with why saying what is in the way; or -errno.
 */
int plat_net_subnet_free(const char *subnet, const char *bridge, char *why, size_t len);

/* The handle's part of the run state, appended to rec. */
void plat_record(const struct plat_jail *pj, struct lj_kvlist *rec);
/*
 * Opens the running jail a record describes: -ESRCH (err untouched) when it
 * is gone, its processes ended or replaced by others.
 */
int plat_open(const char *name, const struct lj_kvlist *rec, struct plat_jail **out,
	      struct lj_error *err);
/* Does the record hold anything the platform must take down though its jail is gone? */
bool plat_record_net_shared(const struct lj_kvlist *rec);
/*
 * Takes away what a record names that outlives the jail's processes (on
 * Linux its cgroup), once they are gone: before its run state goes.
 */
void plat_release(const struct lj_kvlist *rec);

/* What `ljail list` shows of a running jail beyond its state (on Linux: its init's pid). */
void plat_describe(const struct plat_jail *pj, struct lj_kvlist *out);

/*
 * What a running jail uses of what rctl limits, as rctl -u reports it: -1
 * where the host does not count it. pcpu is measured over a tenth of a
 * second, in percent of one CPU.
 */
struct plat_usage {
	int64_t memoryuse, swapuse, maxproc, pcpu;
};
int plat_usage(struct plat_jail *pj, struct plat_usage *u, struct lj_error *err);

/*
 * Changes a running jail's limits (rctl's live changes): what its cgroup
 * holds from now on, and the openfiles its new processes get. A resource
 * limits leaves out stays as it was.
 */
int plat_limit(struct plat_jail *pj, const struct lj_limits *limits, struct lj_error *err);

/* Sends sig to the jail (its init passes it to every process). */
int plat_signal(struct plat_jail *pj, int sig, struct lj_error *err);
/* Waits up to timeout seconds for the jail to end by itself: true when it did. */
bool plat_wait_gone(struct plat_jail *pj, long timeout);
/*
 * For `ljail run`: waits until the jail ends and gives the command's exit
 * status (or 128 plus the signal).
 */
int plat_wait_exit(struct plat_jail *pj, int *status, struct lj_error *err);
/* Ends what is left of the jail at once and waits until it is gone. */
int plat_destroy(struct plat_jail *pj, struct lj_error *err);
/* Frees the handle; the jail itself is left as it is. */
void plat_close(struct plat_jail *pj);

/* A command to run inside a running jail. */
struct plat_command {
	const char *user;         /* a user of the jail's own; NULL: root */
	const struct lj_user *as; /* or one already looked up (exec -u) */
	char *const *argv;        /* looked up in the jail's PATH */
	const char *argv0;        /* NULL, or "-sh" for a login shell */
	const char *cwd;          /* NULL: "/"; PLAT_HOME: the user's home */
	bool clean_env;           /* HOME, SHELL, USER, LOGNAME, PATH, TERM only */
	int out_fd;               /* -1, or the fd stdout and stderr go to */
	/* Instead of argv: fn runs in the jail as the user; its result is the status. */
	int (*fn)(void *ctx, const struct lj_user *u);
	void *ctx;
	/*
	 * Non-NULL: the command runs on a pseudo-terminal of the jail's own
	 * (in place of those of stdin, stdout and stderr that are terminals),
	 * and plat_attach fills this in for the caller to relay; master is -1
	 * when the jail has none to give (no devfs), and the command then runs
	 * in a session of its own. NULL: a session of its own.
	 */
	struct plat_terminal *terminal;
};

struct plat_terminal {
	int master; /* the pseudo-terminal's master, or -1 */
	int done;   /* hangs up when the command has ended */
};
#define PLAT_HOME ((const char *)1)

/*
 * The one way into a running jail: forks a helper that joins the jail and
 * takes on its confinement, runs the command there and exits with its
 * status. SIGTERM and SIGHUP sent to the helper reach the command. Returns
 * the helper's pid, for lj_wait.
 */
pid_t plat_attach(struct plat_jail *pj, const struct plat_command *cmd, struct lj_error *err);

/* USER (a name or a number) as the running jail's own files say. */
int plat_user(struct plat_jail *pj, const char *user, struct lj_user *u, struct lj_error *err);
/*
 * Work on a running jail's files: fn gets its root as its processes see it
 * (their mounts included; with its own ids, files show the host ids they
 * stand for), in a forked child whose new files belong to the jail's root.
 */
int plat_jail_edit(struct plat_jail *pj, int (*fn)(int rootfd, void *ctx, struct lj_error *err),
		   void *ctx, struct lj_error *err);
/*
 * The ids a running jail's own ids stand for on the host (count 0: the
 * host's own).
 */
int plat_jail_idmap(struct plat_jail *pj, struct lj_idmap *map, struct lj_error *err);

/* The jail's first ordinary user (uid 1000 and up), or NULL. */
char *plat_first_user(struct plat_jail *pj);

/*
 * Work on a jail's tree while it does not run: fn gets the tree's root
 * (a thin jail's overlay of lower and upper, lower NULL for a plain folder),
 * in a forked child whose mounts nobody else sees. With idmap (a jail with
 * its own ids; NULL or count 0: the host's), the tree shows the host ids
 * the jail's stand for, as to a running jail's plat_jail_root, and the
 * files fn makes belong to the jail's root.
 */
int plat_tree_edit(const char *root, const char *lower, const char *upper,
		   const struct lj_idmap *idmap,
		   int (*fn)(int rootfd, void *ctx, struct lj_error *err), void *ctx,
		   struct lj_error *err);
/* Opens path inside the tree rootfd, never leaving it: an fd or -errno. */
int plat_open_in_root(int rootfd, const char *path, int flags, mode_t mode);

/*
 * Which mount the open folder fd is on (its identity, for safe removal that
 * never crosses into a mount), and the first mount point at or below path
 * in ljail's own view, copied to buf; NULL when there is none.
 */
int plat_mount_id(int fd, uint64_t *id);
const char *plat_mount_below(const char *path, char *buf, size_t len);

/*
 * Cheap copies of trees, where the file system has them (btrfs on Linux,
 * ZFS later): can dir hold them, is path one (a copy can be made of it),
 * make an empty volume, snapshot src as dst.
 */
bool plat_clone_supported(const char *dir);
bool plat_clone_is_volume(const char *path);
int plat_clone_volume(const char *path, struct lj_error *err);
int plat_clone_snapshot(const char *src, const char *dst, bool readonly, struct lj_error *err);

/*
 * For commands that put processes into jails: makes sure ljail runs from a
 * copy of itself that nothing can change, so that no process in a jail can
 * reach the host's ljail binary. May execute ljail anew with argv (and only
 * returns then in the new one); an error when it cannot.
 */
int plat_run_sealed(char **argv, struct lj_error *err);

/*
 * What jail.conf's parameters and mount types become on this host, or why
 * they cannot be done: what `config check` and the acting commands hold a
 * configuration to.
 */
const struct conf_host *plat_conf_host(void);

/* ljail doctor: each check's result, for the front to print. */
struct plat_check {
	const char *name;
	bool ok;
	const char *detail; /* what was found, or what to do */
};
typedef void (*plat_report_fn)(void *ctx, const struct plat_check *check);
/*
 * What the host offers jails (store_dir: where templates and jails are
 * kept, for what its file system must support). Returns the number of
 * failed checks.
 */
unsigned plat_doctor_host(const char *store_dir, plat_report_fn report, void *ctx);
/*
 * From inside the running jail, as user (NULL: its first ordinary user, else
 * nobody); *failed counts the checks that failed.
 */
int plat_doctor_jail(struct plat_jail *pj, const char *user, plat_report_fn report, void *ctx,
		     unsigned *failed, struct lj_error *err);

#endif
