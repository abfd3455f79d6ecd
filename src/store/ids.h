/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host id ranges ljail create hands to jails with their own user
 * namespace: one range of LJ_IDMAP_COUNT ids per jail, recorded in the
 * jail's meta (idmap=BASE:COUNT), never handed out while a jail holds it,
 * free again once the jail is destroyed.
 */
#ifndef LJAIL_STORE_IDS_H
#define LJAIL_STORE_IDS_H

#include <stdbool.h>

#include "base/error.h"
#include "base/paths.h"
#include "model/jail.h"

/*
 * Picks a free range into *map and holds the store's id lock (*lock_fd)
 * until the caller has recorded it in the new jail's meta and closes the
 * fd. Free means: no jail's meta (made or half-made) records it, no entry
 * of /etc/subuid or /etc/subgid (other users' namespaces) overlaps it, and
 * no account or group of the host has an id in it.
 */
int store_ids_claim(const struct lj_paths *paths, struct lj_idmap *map, int *lock_fd,
		    struct lj_error *err);

/*
 * Takes the id lock alone: for renaming a half-made jail's folder into
 * place, which a claim's reading of the folder must not overlap.
 */
int store_ids_hold(const struct lj_paths *paths, int *lock_fd, struct lj_error *err);

/* Lets go of the id lock (and removes its file); *lock_fd becomes -1. */
void store_ids_release(const struct lj_paths *paths, int *lock_fd);

/* Where the ranges start: systemd's range for container ids, 524288 and up. */
#define STORE_IDS_FIRST 524288u
#define STORE_IDS_LAST  1879048191u

/* Does [base, base + count) overlap a range in the text of an /etc/subuid-like file? */
bool store_ids_subid_overlaps(const char *text, uint32_t base, uint32_t count);

#endif
