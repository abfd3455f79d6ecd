/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Jails made by ljail: `ljail create` clones a template into
 * CONTAINERS/NAME and writes jail.conf.d/NAME.conf; `ljail destroy` removes
 * exactly those two; `ljail useradd` adds a user inside a jail.
 */
#ifndef LJAIL_STORE_STORE_H
#define LJAIL_STORE_STORE_H

#include <stdbool.h>

#include "base/error.h"
#include "base/paths.h"

struct store_create_opts {
	const char *template; /* NULL: debian-12, or the only template */
	bool thick;           /* a full copy instead of an overlay */
	const char *hostname; /* NULL: the jail's name */
	const char *ip4; /* inherit, disable, or ADDR[/PREFIX] on the network (NULL: one free) */
	const char
		*network; /* an ljail network; NULL: "default" unless ip4 or vnet say otherwise */
	char **publish;   /* vnet.publish values (--publish) */
	size_t npublish;
	bool vnet;            /* its own stack on a bridge named here, addressed by hand */
	const char *bridge;   /* with vnet: default ljbr0 */
	const char *router;   /* with vnet: the bridge's address and the default route */
	bool nat;             /* with vnet: vnet.nat */
	bool privileged;      /* the host's ids (userns = inherit), not a range of its own */
	char **rctl;          /* rctl rules to write (--rctl), checked as config check does */
	size_t nrctl;
};

struct store_user_opts {
	const char *uid;    /* NULL: the jail's useradd chooses */
	const char *groups; /* G,G or NULL */
	const char *shell;  /* NULL: /bin/bash */
	bool sudo;
};

/* Refuses a jail or template name that cannot be a file name (kind: "jail", "template"). */
int store_check_name(const char *kind, const char *name, struct lj_error *err);

int store_jail_create(const struct lj_paths *paths, const char *name,
		      const struct store_create_opts *o, struct lj_error *err);

/*
 * Removes the jail's container folder and its jail.conf.d file, nothing
 * else; a running jail is refused unless force, which stops it first.
 */
int store_jail_destroy(const struct lj_paths *paths, const char *conf_file, const char *name,
		       bool force, struct lj_error *err);

/*
 * Adds USER inside the jail (running or not), its home made, filled from
 * /etc/skel and owned by the user, also when the folder already exists.
 */
int store_useradd(const struct lj_paths *paths, const char *conf_file, const char *name,
		  const char *user, const struct store_user_opts *o, struct lj_error *err);

/*
 * Copies one file between the host and a jail (running or not): with
 * to_jail, host_path into jail_path, else jail_path out to host_path. The
 * jail's side is opened inside its root (openat2, RESOLVE_IN_ROOT), so a
 * link in the jail never sends a read or a write to the host, and a symlink
 * as the file itself is refused. Owner and mode go along; a folder as the
 * destination takes the source's name.
 */
int store_cp(const struct lj_paths *paths, const char *conf_file, const char *jail,
	     const char *jail_path, const char *host_path, bool to_jail, struct lj_error *err);

/* The configuration of jail NAME (jail.conf and its own file), checked for the host. */
struct conf;
int store_load_conf(const struct lj_paths *paths, const char *conf_file, const char *name,
		    struct conf *c, struct lj_error *err);
/*
 * The jail NAME as its configuration makes it (c holds the configuration j
 * points into): on success the caller releases both; on an error neither
 * needs it.
 */
struct lj_jail;
int store_load_jail(const struct lj_paths *paths, const char *conf_file, const char *name,
		    struct conf *c, struct lj_jail *j, struct lj_error *err);

/*
 * Keeps values as the list parameter param of the jail's own file in
 * jail.conf.d (the one create wrote): its line replaced, checked by reading
 * the configuration back; -ENOENT when the jail has no such file.
 */
int store_keep_list(const struct lj_paths *paths, const char *name, const char *param,
		    char *const *values, size_t n, struct lj_error *err);

/*
 * A jail made by create, renamed (its folder, its jail.conf.d file, and the
 * host name inside when it was the old name) or cloned under a new name
 * (thin where the store allows: the upper layer copied, reflinked where it
 * can be, or a btrfs snapshot; with an id range and an address of its own,
 * and without its source's published ports). Neither may run. A host name
 * inside that could not be changed is no failure: *warning says so.
 */
int store_jail_rename(const struct lj_paths *paths, const char *from, const char *to,
		      struct lj_error *warning, struct lj_error *err);
int store_jail_clone(const struct lj_paths *paths, const char *src, const char *dst,
		     struct lj_error *warning, struct lj_error *err);

/*
 * Snapshots of a jail's own files (its upper layer, or its tree), kept in
 * its folder: made (NULL name: the time, UTC, YYYYMMDD-HHMMSS; *made says
 * which, freed by the caller), listed by name, removed, and rolled back to
 * (the jail's files replaced by a copy of the snapshot, which stays). The
 * jail must not run.
 */
int store_snapshot_make(const struct lj_paths *paths, const char *jail, const char *snap,
			char **made, struct lj_error *err);
int store_snapshot_list(const struct lj_paths *paths, const char *jail, char ***names, size_t *n,
			struct lj_error *err);
int store_snapshot_remove(const struct lj_paths *paths, const char *jail, const char *snap,
			  struct lj_error *err);
int store_rollback(const struct lj_paths *paths, const char *jail, const char *snap,
		   struct lj_error *err);

/*
 * A stopped jail made by create as a zstd tarball FILE (its jail.conf.d
 * file and its tree as the jail sees it, ids as the jail's), and such a
 * file as a new whole jail NAME (NULL: the name it had; *made says which)
 * with ids and an address of its own, without published ports (*warning as
 * for clone).
 */
int store_jail_export(const struct lj_paths *paths, const char *name, const char *file,
		      struct lj_error *err);
int store_jail_import(const struct lj_paths *paths, const char *file, const char *name, char **made,
		      struct lj_error *warning, struct lj_error *err);

#endif
