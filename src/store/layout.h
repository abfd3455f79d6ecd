/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where a jail made by `ljail create` lives, and the facts every command
 * that moves or copies one needs: CONTAINERS/NAME (meta, root, and for a
 * thin overlay jail upper and work; snapshots below), jail.conf.d/NAME.conf,
 * and the per-name lock that one create, destroy, rename or clone of a name
 * holds at a time.
 */
#ifndef LJAIL_STORE_LAYOUT_H
#define LJAIL_STORE_LAYOUT_H

#include <stdbool.h>

#include "base/error.h"
#include "base/paths.h"
#include "model/jail.h"

char *store_container_dir(const struct lj_paths *paths, const char *name);
char *store_conf_file(const struct lj_paths *paths, const char *name);

/* Takes the name's lock (*fd); store_name_unlock lets it go and removes its file. */
int store_name_lock(const struct lj_paths *paths, const char *name, int *fd, struct lj_error *err);
void store_name_unlock(const struct lj_paths *paths, const char *name, int *fd);

/* 1 when the jail runs, 0 when not, or an error when that cannot be told. */
int store_jail_running(const struct lj_paths *paths, const char *name, struct lj_error *err);

/* A jail ljail made, as its meta records it. */
struct store_jail_info {
	char method[16];       /* overlay, btrfs or copy */
	struct lj_idmap idmap; /* count 0: the host's ids */
	char *lower;           /* the template version below an overlay jail, or NULL */
};

/*
 * Reads NAME's meta and checks that the jail is one ljail made and not
 * running (what is moved or copied must hold still); the caller releases
 * info with store_jail_info_release.
 */
int store_jail_info(const struct lj_paths *paths, const char *name, struct store_jail_info *info,
		    struct lj_error *err);
void store_jail_info_release(struct store_jail_info *info);

/*
 * The name's lock (*lock) and store_jail_info of a jail that must hold
 * still for what (a command's name, said when it runs); on an error
 * neither is held.
 */
int store_hold_stopped(const struct lj_paths *paths, const char *name, const char *what, int *lock,
		       struct store_jail_info *info, struct lj_error *err);

/*
 * A jail's configuration file made over for another name or place, as the
 * administrator would with an editor: the "OLD {" line, every path below
 * the old container folder, host.hostname when it was the old name, the id
 * range and the address when new ones are given, and vnet.publish lines
 * commented out when drop_publish (a host port is one jail's).
 */
struct store_retarget {
	const char *old_name, *new_name;
	const char *old_dir, *new_dir;
	const struct lj_idmap *idmap; /* NULL: as it was */
	const char *addr;             /* NULL: as it was */
	bool drop_publish;
	bool thick; /* overlay.* lines commented out: the tree is whole now */
};
char *store_conf_retarget(const char *text, const struct store_retarget *r);

/*
 * After a rename, clone or import (verb) of old_name to name: when the
 * configuration text named the jail after itself, the new name goes into
 * its /etc/hostname and /etc/hosts. That failing is no failure of the
 * command (the jail is made): *warning says it, for the front to print.
 */
void store_rename_inside(const struct lj_paths *paths, const char *text, const char *old_name,
			 const char *name, const struct store_jail_info *info, const char *verb,
			 struct lj_error *warning);

/* The quoted value of the last `key = "value";` line of a configuration text, or NULL. */
char *store_conf_text_value(const char *text, const char *key);

/*
 * Under the networks' lock: jail NAME's configuration file, made from text
 * by r, with a new address leased on network when there is one (r->addr).
 */
int store_write_conf_leased(const struct lj_paths *paths, const char *name, const char *text,
			    struct store_retarget *r, const char *network, struct lj_error *err);

/*
 * Calls fn for each jail of the whole configuration (jail.conf and every
 * jail.conf.d file; a broken file left out, as with -a) until fn returns
 * non-zero, and returns that.
 */
struct conf_jail;
int store_each_configured(const struct lj_paths *paths,
			  int (*fn)(const struct conf_jail *cj, void *ctx), void *ctx);

/* A folder's entries that do not start with '.', sorted; none when it is missing. */
int store_list_dir(const char *dir, char ***names, size_t *n, struct lj_error *err);

/* The lock-free helpers of clone, rename and import. */
char *store_read_text(const char *file, struct lj_error *err);
int store_write_new_text(const char *file, const char *text, struct lj_error *err);

/*
 * Gives every file of the tree at root owned by an id in [from, from +
 * count) the same id in [to, to + count), keeping set-id bits and file
 * capabilities (whose v3 form names the namespace's root). The tree must
 * hold still: a jail that is not running, in ljail's own folder.
 */
int store_shift_ids(const char *root, uint32_t from, uint32_t to, uint32_t count,
		    struct lj_error *err);

#endif
