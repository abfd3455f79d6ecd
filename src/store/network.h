/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail's networks: a bridge of ljail's own with a private IPv4 subnet, its
 * first address the jails' gateway and name server, NAT to the host's
 * uplinks. `ljail create` puts jails on the network "default" (made on
 * first use) with an address of its own; jail.conf says `vnet.network =
 * "NAME"; ip4.addr = "ADDR/PREFIX";` and the rest comes from here.
 *
 * A network is DATA/networks/NAME (KEY=VALUE lines). An address belongs to
 * the jail whose configuration has it: handed out under the networks' lock
 * by reading every jail's file, so it is never given twice and is free
 * again once the jail's file is gone.
 */
#ifndef LJAIL_STORE_NETWORK_H
#define LJAIL_STORE_NETWORK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/paths.h"
#include "model/jail.h"

#define STORE_NETWORK_DEFAULT "default"

struct store_network {
	char *name;
	char *bridge;  /* the host bridge */
	char *gateway; /* the bridge's address, "ADDR/PREFIX" */
	char *subnet;  /* "NET/PREFIX" */
	bool nat;      /* masquerade to the host's uplinks */
	bool dns;      /* a name server on the gateway: the jails' names, the host's resolvers */
};

struct store_network_opts {
	const char *subnet; /* NULL: a free 10.X.Y.0/24 */
	bool no_nat;
	bool no_dns;
};

int store_network_load(const struct lj_paths *paths, const char *name, struct store_network *net,
		       struct lj_error *err);
void store_network_release(struct store_network *net);

/* The networks' names, sorted; the caller frees each and the vector. */
int store_network_names(const struct lj_paths *paths, char ***names, size_t *n,
			struct lj_error *err);

int store_network_create(const struct lj_paths *paths, const char *name,
			 const struct store_network_opts *o, struct lj_error *err);

/* Refused while a configured jail is on it. */
int store_network_destroy(const struct lj_paths *paths, const char *name, struct lj_error *err);

/*
 * The networks' lock, held by a create from choosing an address until the
 * jail's file has it (*fd; closed by store_network_unlock).
 */
int store_network_lock(const struct lj_paths *paths, int *fd, struct lj_error *err);
void store_network_unlock(int *fd);

/*
 * Under the lock: the network (made first when it is the default one and
 * missing), and an address on it for jail name: want ("ADDR" or
 * "ADDR/PREFIX") when given and free, else the lowest free one. *addr is
 * "ADDR/PREFIX", freed by the caller.
 */
int store_network_lease(const struct lj_paths *paths, const char *network, const char *name,
			const char *want, struct store_network *net, char **addr,
			struct lj_error *err);

/*
 * Under the lock: refuses a host port of publish (vnet.publish values) that
 * a configured jail other than name publishes, naming it and its file:line.
 */
int store_network_ports_free(const struct lj_paths *paths, const char *name, char *const *publish,
			     size_t n, struct lj_error *err);

/*
 * Completes a jail with vnet.network from its network: bridge, gateway,
 * default route, NAT, name server (and resolv.conf unless dns.resolvconf
 * says otherwise). Its addresses must be in the network's subnet.
 */
int store_network_apply(const struct lj_paths *paths, struct lj_jail *j, struct lj_error *err);

/* lj_jail_from_conf and store_network_apply: a jail as starting it needs. */
int store_jail_from_conf(const struct lj_paths *paths, struct lj_jail *j,
			 const struct conf_jail *cj, struct lj_error *err);

#endif
