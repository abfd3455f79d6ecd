/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/network.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "conf/conf.h"
#include "platform/platform.h"
#include "runtime/state.h"
#include "store/layout.h"
#include "store/meta.h"
#include "store/store.h"

static char *networks_dir(const struct lj_paths *paths)
{
	return lj_xasprintf("%s/networks", paths->data_dir);
}

static char *network_file(const struct lj_paths *paths, const char *name)
{
	return lj_xasprintf("%s/networks/%s", paths->data_dir, name);
}

/* "A.B.C.D/P" into host-order address and prefix; false when it is not that. */
static bool parse_cidr(const char *text, uint32_t *addr, int *prefix)
{
	char buf[INET_ADDRSTRLEN + 4];
	const char *slash = strchr(text, '/');
	if (!slash || (size_t)(slash - text) >= INET_ADDRSTRLEN)
		return false;
	memcpy(buf, text, (size_t)(slash - text));
	buf[slash - text] = '\0';
	long p;
	struct in_addr in;
	if (inet_pton(AF_INET, buf, &in) != 1 || !lj_parse_long(slash + 1, &p) || p < 0 || p > 32)
		return false;
	*addr = ntohl(in.s_addr);
	*prefix = (int)p;
	return true;
}

static uint32_t mask_of(int prefix)
{
	return prefix ? ~(0xffffffffu >> prefix) : 0;
}

static char *cidr_text(uint32_t addr, int prefix)
{
	struct in_addr in = {.s_addr = htonl(addr)};
	char buf[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &in, buf, sizeof(buf));
	return prefix < 0 ? lj_xstrdup(buf) : lj_xasprintf("%s/%d", buf, prefix);
}

void store_network_release(struct store_network *net)
{
	free(net->name);
	free(net->bridge);
	free(net->gateway);
	free(net->subnet);
	*net = (struct store_network){0};
}

int store_network_load(const struct lj_paths *paths, const char *name, struct store_network *net,
		       struct lj_error *err)
{
	*net = (struct store_network){0};
	int rc = store_check_name("network", name, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *file = network_file(paths, name);
	struct store_meta m = {0};
	rc = store_meta_read(file, &m, err);
	if (rc == -ENOENT)
		return lj_error_set(err, ENOENT,
				    "network '%s' does not exist (ljail network list shows those "
				    "there are)",
				    name);
	if (rc < 0)
		return rc;
	const char *bridge = store_meta_get(&m, "bridge");
	const char *gateway = store_meta_get(&m, "gateway");
	const char *nat = store_meta_get(&m, "nat");
	const char *dns = store_meta_get(&m, "dns");
	uint32_t gw;
	int prefix;
	/* Checked, not trusted: the bridge's name and addresses go to netlink and nft. */
	if (!bridge || !lj_bridge_name_ok(bridge) || !gateway ||
	    !parse_cidr(gateway, &gw, &prefix) || prefix < 8 || prefix > 30) {
		store_meta_release(&m);
		return lj_error_usage(err, "'%s': not a network ljail made (bridge, gateway)",
				      file);
	}
	net->name = lj_xstrdup(name);
	net->bridge = lj_xstrdup(bridge);
	net->gateway = cidr_text(gw, prefix);
	net->subnet = cidr_text(gw & mask_of(prefix), prefix);
	net->nat = !nat || !lj_str_eq(nat, "no");
	net->dns = !dns || !lj_str_eq(dns, "no");
	store_meta_release(&m);
	return 0;
}

int store_network_names(const struct lj_paths *paths, char ***names, size_t *n,
			struct lj_error *err)
{
	LJ_CLEANUP_FREE char *dir = networks_dir(paths);
	return store_list_dir(dir, names, n, err);
}

int store_network_lock(const struct lj_paths *paths, int *fd, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *dir = networks_dir(paths);
	int rc = lj_make_dirs(dir, 0755, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *lock = lj_xasprintf("%s/.lock", dir);
	return lj_state_lock_file(lock, fd, err);
}

void store_network_unlock(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * The bridge's name, stable for the network: readable for the host's own
 * instance ("lj" and the name), else "ljn" and a hash of the instance's run
 * folder and the name, so two instances' networks of one name never share a
 * bridge.
 */
static void bridge_name(const struct lj_paths *paths, const char *name, char out[16])
{
	snprintf(out, 16, "lj%s", name);
	if (strlen(name) <= 13 && lj_bridge_name_ok(out) && lj_str_eq(paths->root, "/"))
		return;
	uint32_t h = lj_fnv1a(lj_fnv1a(lj_fnv1a(LJ_FNV1A_BASIS, paths->run_dir), "/"), name);
	snprintf(out, 16, "ljn%08x", h);
}

/* Does subnet overlap a network of this instance's (other than skip)? Its name in *who. */
static bool overlaps_network(const struct lj_paths *paths, uint32_t net, int prefix, char **who)
{
	char **names;
	size_t n;
	struct lj_error ignored = {0};
	bool found = false;
	if (store_network_names(paths, &names, &n, &ignored) < 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		struct store_network other = {0};
		uint32_t a;
		int p;
		if (!found && store_network_load(paths, names[i], &other, &ignored) == 0 &&
		    parse_cidr(other.subnet, &a, &p)) {
			uint32_t both = mask_of(p < prefix ? p : prefix);
			if ((a & both) == (net & both)) {
				found = true;
				*who = lj_xstrdup(names[i]);
			}
		}
		if (other.name)
			store_network_release(&other);
		free(names[i]);
	}
	free(names);
	return found;
}

/* A free 10.X.Y.0/24 (X 1-254), as Incus picks its bridge's: random, then checked. */
static int pick_subnet(const struct lj_paths *paths, uint32_t *net, struct lj_error *err)
{
	for (int tries = 0; tries < 200; tries++) {
		uint16_t r;
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return lj_error_set(err, errno ? errno : EIO, "random subnet: %s",
					    strerror(errno ? errno : EIO));
		uint32_t x = 1 + (r >> 8) % 254, y = r & 0xff;
		uint32_t candidate = 10u << 24 | x << 16 | y << 8;
		LJ_CLEANUP_FREE char *text = cidr_text(candidate, 24);
		LJ_CLEANUP_FREE char *who = NULL;
		char why[128];
		if (overlaps_network(paths, candidate, 24, &who))
			continue;
		int rc = plat_net_subnet_free(text, NULL, why, sizeof(why));
		if (rc == 0) {
			*net = candidate;
			return 0;
		}
		if (rc != -EADDRINUSE)
			return lj_error_set(err, -rc, "reading the host's routes: %s",
					    strerror(-rc));
	}
	return lj_error_set(err, EADDRNOTAVAIL,
			    "no free 10.X.Y.0/24 found for a network: name one with --subnet");
}

static int create_locked(const struct lj_paths *paths, const char *name,
			 const struct store_network_opts *o, struct lj_error *err)
{
	int rc = store_check_name("network", name, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *file = network_file(paths, name);
	if (access(file, F_OK) == 0)
		return lj_error_usage(err, "network '%s' already exists", name);
	uint32_t net = 0;
	int prefix = 24;
	if (o->subnet) {
		if (!parse_cidr(o->subnet, &net, &prefix) || prefix < 8 || prefix > 30 ||
		    (net & ~mask_of(prefix)) != 0)
			return lj_error_usage(
				err,
				"network '%s': --subnet '%s' is not an IPv4 subnet "
				"NET/PREFIX with a prefix of 8 to 30, as 10.40.0.0/24",
				name, o->subnet);
		LJ_CLEANUP_FREE char *who = NULL;
		char why[128];
		if (overlaps_network(paths, net, prefix, &who))
			return lj_error_usage(err, "network '%s': %s overlaps network '%s'", name,
					      o->subnet, who);
		rc = plat_net_subnet_free(o->subnet, NULL, why, sizeof(why));
		if (rc == -EADDRINUSE)
			return lj_error_usage(err, "network '%s': %s is in use: %s", name,
					      o->subnet, why);
		if (rc < 0)
			return lj_error_set(err, -rc, "reading the host's routes: %s",
					    strerror(-rc));
	} else if ((rc = pick_subnet(paths, &net, err)) < 0) {
		return lj_error_wrap(err, "network '%s'", name);
	}
	char bridge[16];
	bridge_name(paths, name, bridge);
	LJ_CLEANUP_FREE char *gateway = cidr_text(net + 1, prefix);
	struct store_meta m = {0};
	store_meta_set(&m, "bridge", bridge);
	store_meta_set(&m, "gateway", gateway);
	store_meta_set(&m, "nat", o->no_nat ? "no" : "yes");
	store_meta_set(&m, "dns", o->no_dns ? "no" : "yes");
	rc = store_meta_write(file, &m, err);
	store_meta_release(&m);
	return rc;
}

int store_network_create(const struct lj_paths *paths, const char *name,
			 const struct store_network_opts *o, struct lj_error *err)
{
	LJ_CLEANUP_CLOSE int fd = -1;
	int rc = store_network_lock(paths, &fd, err);
	return rc < 0 ? rc : create_locked(paths, name, o, err);
}

/*
 * Calls fn for each configured jail on the network (vnet.network naming it,
 * or vnet.bridge naming its bridge) until fn returns non-zero. A jail whose
 * file is broken is left out, as with -a.
 */
struct on_network {
	const struct store_network *net;
	int (*fn)(const struct conf_jail *cj, void *ctx);
	void *ctx;
};

static int if_on_network(const struct conf_jail *cj, void *ctx)
{
	const struct on_network *o = ctx;
	const struct conf_param *n = conf_jail_param(cj, "vnet.network");
	const struct conf_param *b = conf_jail_param(cj, "vnet.bridge");
	bool on = (n && n->nvalues && lj_str_eq(n->values[n->nvalues - 1], o->net->name)) ||
		  (b && b->nvalues && lj_str_eq(b->values[b->nvalues - 1], o->net->bridge));
	return on ? o->fn(cj, o->ctx) : 0;
}

static int each_jail_on(const struct lj_paths *paths, const struct store_network *net,
			int (*fn)(const struct conf_jail *cj, void *ctx), void *ctx)
{
	struct on_network o = {net, fn, ctx};
	return store_each_configured(paths, if_on_network, &o);
}

static int first_user(const struct conf_jail *cj, void *ctx)
{
	const struct conf_param *n = conf_jail_param(cj, "vnet.network");
	const struct conf_param *b = conf_jail_param(cj, "vnet.bridge");
	const struct conf_pos *pos = n ? &n->value_pos[0] : &b->value_pos[0];
	*(char **)ctx = lj_xasprintf("jail '%s' (%s:%u) is on it", cj->name, pos->file, pos->line);
	return 1;
}

int store_network_destroy(const struct lj_paths *paths, const char *name, struct lj_error *err)
{
	LJ_CLEANUP_CLOSE int fd = -1;
	int rc = store_network_lock(paths, &fd, err);
	struct store_network net;
	if (rc < 0 || (rc = store_network_load(paths, name, &net, err)) < 0)
		return rc;
	LJ_CLEANUP_FREE char *user = NULL;
	each_jail_on(paths, &net, first_user, &user);
	if (user)
		rc = lj_error_usage(err, "network '%s': %s; destroy or move it first", name, user);
	LJ_CLEANUP_FREE char *file = network_file(paths, name);
	if (rc == 0 && unlink(file) < 0)
		rc = lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
	store_network_release(&net);
	return rc;
}

/* The addresses the network's jails have, and who has a given one. */
struct taken {
	const char *self; /* the jail being made: its own old file does not count */
	uint32_t want;    /* an address asked for, or 0 */
	uint32_t *addrs;
	size_t n, cap;
	char *holder; /* "jail 'X' (FILE:LINE)" of want */
};

static int note_addresses(const struct conf_jail *cj, void *ctx)
{
	struct taken *t = ctx;
	const struct conf_param *a = conf_jail_param(cj, "ip4.addr");
	if (lj_str_eq(cj->name, t->self))
		return 0;
	for (size_t i = 0; a && i < a->nvalues; i++) {
		char bare[128];
		struct in_addr in;
		if (inet_pton(AF_INET, lj_addr_bare(a->values[i], bare, sizeof(bare)), &in) != 1)
			continue;
		uint32_t addr = ntohl(in.s_addr);
		*LJ_VEC_PUSH(t->addrs, t->n, t->cap) = addr;
		if (addr == t->want && !t->holder)
			t->holder = lj_xasprintf("jail '%s' (%s:%u)", cj->name,
						 a->value_pos[i].file, a->value_pos[i].line);
	}
	return 0;
}

static bool taken_has(const struct taken *t, uint32_t addr)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->addrs[i] == addr)
			return true;
	return false;
}

int store_network_lease(const struct lj_paths *paths, const char *network, const char *name,
			const char *want, struct store_network *net, char **addr,
			struct lj_error *err)
{
	*addr = NULL;
	struct lj_error missing = {0};
	int rc = store_network_load(paths, network, net, &missing);
	if (rc == -ENOENT && lj_str_eq(network, STORE_NETWORK_DEFAULT)) {
		/* The default network comes with the first jail that asks for it. */
		struct store_network_opts o = {0};
		rc = create_locked(paths, network, &o, err);
		if (rc == 0)
			rc = store_network_load(paths, network, net, err);
	} else if (rc < 0) {
		*err = missing;
	}
	if (rc < 0)
		return rc;
	uint32_t gw, base;
	int prefix;
	parse_cidr(net->gateway, &gw, &prefix);
	base = gw & mask_of(prefix);
	uint32_t last = base | ~mask_of(prefix); /* the broadcast address */
	struct taken t = {.self = name};
	if (want) {
		char bare[128];
		struct in_addr in;
		if (inet_pton(AF_INET, lj_addr_bare(want, bare, sizeof(bare)), &in) != 1) {
			rc = lj_error_usage(err, "--ip4 '%s' is not an IPv4 address", want);
			goto out;
		}
		t.want = ntohl(in.s_addr);
		if ((t.want & mask_of(prefix)) != base || t.want == base || t.want == last ||
		    t.want == gw) {
			rc = lj_error_usage(err,
					    "--ip4 %s: not an address for a jail on network '%s' "
					    "(%s, gateway %s)",
					    bare, network, net->subnet, net->gateway);
			goto out;
		}
	}
	each_jail_on(paths, net, note_addresses, &t);
	if (t.holder) {
		char bare[128];
		rc = lj_error_usage(err, "--ip4 %s: %s has that address on network '%s'",
				    lj_addr_bare(want, bare, sizeof(bare)), t.holder, network);
		goto out;
	}
	uint32_t chosen = t.want;
	for (uint32_t a = base + 1; !chosen && a < last; a++)
		if (a != gw && !taken_has(&t, a))
			chosen = a;
	if (!chosen) {
		rc = lj_error_set(err, EADDRNOTAVAIL, "network '%s' (%s) has no address left",
				  network, net->subnet);
		goto out;
	}
	*addr = cidr_text(chosen, prefix);
out:
	free(t.addrs);
	free(t.holder);
	if (rc < 0)
		store_network_release(net);
	return rc;
}

int store_network_apply(const struct lj_paths *paths, struct lj_jail *j, struct lj_error *err)
{
	if (!j->network)
		return 0;
	struct store_network net;
	int rc = store_network_load(paths, j->network, &net, err);
	if (rc < 0)
		return lj_error_wrap(err, "jail '%s'", j->name);
	uint32_t gw, a;
	int prefix, p;
	parse_cidr(net.gateway, &gw, &prefix);
	const char *addr4 = lj_jail_addr4(j);
	if (!addr4)
		rc = lj_error_usage(
			err,
			"jail '%s': vnet.network '%s' needs ip4.addr, the jail's address "
			"in %s",
			j->name, net.name, net.subnet);
	/* Every IPv4 address of the jail's on the network's segment, as its routes assume. */
	for (size_t i = 0; rc == 0 && i < j->naddrs; i++) {
		const char *cidr = strchr(j->addrs[i], '|') + 1;
		if (strchr(cidr, ':'))
			continue;
		if (!parse_cidr(cidr, &a, &p) || p != prefix ||
		    (a & mask_of(prefix)) != (gw & mask_of(prefix)) || a == gw)
			rc = lj_error_usage(err,
					    "jail '%s': ip4.addr '%s' is not an address on network "
					    "'%s': it needs one in %s other than the gateway %s",
					    j->name, cidr, net.name, net.subnet, net.gateway);
	}
	if (rc == 0) {
		j->bridge = lj_xstrdup(net.bridge);
		j->bridge_addr = lj_xstrdup(net.gateway);
		j->net_owned = true;
		j->nat = net.nat;
		LJ_CLEANUP_FREE char *gw_bare = cidr_text(gw, -1);
		if (!j->gw4)
			j->gw4 = lj_xstrdup(gw_bare);
		if (net.dns) {
			j->dns = lj_xstrdup(gw_bare);
			if (!j->nresolvconf) {
				j->resolvconf = lj_xcalloc(1, sizeof(*j->resolvconf));
				j->resolvconf[0] = lj_xstrdup(gw_bare);
				j->nresolvconf = 1;
			}
		}
	}
	store_network_release(&net);
	return rc;
}

int store_jail_from_conf(const struct lj_paths *paths, struct lj_jail *j,
			 const struct conf_jail *cj, struct lj_error *err)
{
	int rc = lj_jail_from_conf(j, cj, err);
	return rc < 0 ? rc : store_network_apply(paths, j, err);
}

struct ports {
	const char *name;
	char *const *publish;
	size_t n;
	struct lj_error *err;
};

static int ports_clash(const struct conf_jail *cj, void *ctx)
{
	const struct ports *w = ctx;
	const struct conf_param *p = conf_jail_param(cj, "vnet.publish");
	if (!p || lj_str_eq(cj->name, w->name))
		return 0;
	for (size_t v = 0; v < p->nvalues; v++)
		for (size_t k = 0; k < w->n; k++) {
			struct lj_publish theirs, mine;
			const char *why;
			if (lj_publish_parse(p->values[v], &theirs, &why) == 0 &&
			    lj_publish_parse(w->publish[k], &mine, &why) == 0 &&
			    lj_publish_clash(&theirs, &mine))
				return lj_error_usage(w->err,
						      "--publish %s: jail '%s' publishes that host "
						      "port (%s:%u)",
						      w->publish[k], cj->name, p->value_pos[v].file,
						      p->value_pos[v].line);
		}
	return 0;
}

int store_network_ports_free(const struct lj_paths *paths, const char *name, char *const *publish,
			     size_t n, struct lj_error *err)
{
	struct ports w = {name, publish, n, err};
	return n ? store_each_configured(paths, ports_clash, &w) : 0;
}
