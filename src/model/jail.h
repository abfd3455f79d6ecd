/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A jail as the runtime sees it: the resolved, checked parameters of one
 * configured jail turned into plain fields (namespaces to make, mounts in
 * order, commands per phase, powers of its root). Built once, before any
 * system call, so that a start either has everything it needs or fails
 * without having touched the host.
 */
#ifndef LJAIL_MODEL_JAIL_H
#define LJAIL_MODEL_JAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "conf/conf.h"
#include "model/publish.h"

/* The file systems a jail's mount lines become (see ljail.conf(5)). */
enum lj_mount_kind {
	LJ_MOUNT_DEV,    /* devfs: a fresh tmpfs /dev with the ruleset's nodes */
	LJ_MOUNT_FDESC,  /* fdescfs: the /dev/fd, stdin, stdout, stderr links */
	LJ_MOUNT_PROC,   /* procfs, linprocfs, proc: proc with sensitive files masked */
	LJ_MOUNT_SYSFS,  /* linsysfs, sysfs: always read-only */
	LJ_MOUNT_TMPFS,  /* tmpfs with its options */
	LJ_MOUNT_BIND,   /* nullfs, bind: a host folder, nosuid and nodev */
	LJ_MOUNT_DEVPTS, /* devpts: a new instance */
	LJ_MOUNT_MQUEUE, /* mqueue */
};

struct lj_mount {
	enum lj_mount_kind kind;
	char *source;  /* host path for LJ_MOUNT_BIND, else the fstab source */
	char *target;  /* absolute path inside the jail ("/" for the root) */
	char *options; /* the fstab options, for tmpfs and error messages */
	bool readonly;
	bool idmap;  /* nullfs with "idmap": the jail's ids are the host's on it */
	char *where; /* "FILE:LINE" of the line, for error messages */
};

/* The commands of each phase, in the order jail(8) runs them. */
enum lj_hook {
	LJ_HOOK_PREPARE,
	LJ_HOOK_PRESTART,
	LJ_HOOK_CREATED,
	LJ_HOOK_START,
	LJ_HOOK_COMMAND,
	LJ_HOOK_POSTSTART,
	LJ_HOOK_PRESTOP,
	LJ_HOOK_STOP,
	LJ_HOOK_POSTSTOP,
	LJ_HOOK_RELEASE,
	LJ_HOOK_COUNT,
};

struct lj_hook_def {
	const char *param; /* "exec.prestart" */
	bool in_jail;      /* run inside the jail, not on the host */
};
extern const struct lj_hook_def lj_hooks[LJ_HOOK_COUNT];

/*
 * What root in the jail may do beyond an ordinary jailed root, as the
 * allow.* parameters and sysv* say; the platform turns them into its own
 * means (on Linux a capability bounding set and a seccomp filter).
 */
struct lj_powers {
	bool raw_sockets;     /* allow.raw_sockets */
	bool socket_af;       /* allow.socket_af: families beyond unix, inet, netlink */
	bool mlock;           /* allow.mlock */
	bool chflags;         /* allow.chflags */
	bool read_msgbuf;     /* allow.read_msgbuf */
	bool routing;         /* allow.routing: only with the jail's own stack */
	bool reserved_ports;  /* allow.reserved_ports */
	bool proc_debug;      /* allow.unprivileged_proc_debug */
	bool io_uring;        /* allow.io_uring (ljail's own) */
	bool sysvmsg_off;     /* sysvmsg = disable */
	bool sysvsem_off;
	bool sysvshm_off;
};

/*
 * The jail's own user ids: jail ids 0 to count - 1 are host ids base to
 * base + count - 1 (a user namespace). count 0: the jail shares the host's
 * ids (userns = inherit), and its root is the host's root.
 */
struct lj_idmap {
	uint32_t base, count;
};

/* The range ljail create hands out: 65536 ids, as Incus and LXC give. */
#define LJ_IDMAP_COUNT 65536u

/*
 * The jail's resource limits (rctl = "resource:deny=amount"), each -1 when
 * the configuration sets none: bytes, a count, or a percentage of one CPU
 * (pcpu); the I/O ones in bytes or operations a second.
 */
struct lj_limits {
	int64_t memoryuse, swapuse, maxproc, openfiles, pcpu;
	int64_t readbps, writebps, readiops, writeiops;
};
#define LJ_LIMITS_NONE ((struct lj_limits){-1, -1, -1, -1, -1, -1, -1, -1, -1})

struct lj_jail {
	char *name;
	long jid; /* asked for by `jid` or a numeric name; 0: the first free one */
	char *path;
	char *overlay_lower; /* a thin jail: path is an overlay of these */
	char *overlay_upper;
	char *hostname;
	char *domainname;
	bool own_uts, own_ipc, own_net;
	struct lj_idmap idmap; /* userns and userns.idmap */

	/* Its own network stack's interfaces. */
	char *bridge;      /* vnet.bridge or interface: the host end joins it */
	char *bridge_addr; /* vnet.bridge.addr */
	char *ifname;      /* vnet.ifname, default eth0 */
	char **addrs;      /* ip4.addr and ip6.addr, "IFNAME|ADDR/PREFIX" */
	size_t naddrs;
	char *gw4, *gw6;    /* ip4.defaultrouter, ip6.defaultrouter */
	char **vnet_ifaces; /* vnet.interface: host interfaces moved in */
	size_t nvnet_ifaces;
	bool nat;          /* vnet.nat */
	char *network;     /* vnet.network: an ljail network; the store fills in the rest */
	bool net_owned;    /* the bridge is an ljail network's: made and removed with its jails */
	char *dns;         /* the network's name server for the jail's names, or NULL */
	struct lj_publish *publish; /* vnet.publish */
	size_t npublish;
	char **resolvconf; /* dns.resolvconf, NULL: the jail's own */
	size_t nresolvconf;
	bool persist;
	bool writes_template; /* template update's own jail: its path may be a template */
	int devfs_ruleset;

	struct lj_mount *mounts; /* in mount order; unmounted in reverse */
	size_t nmounts, capmounts;

	char **hooks[LJ_HOOK_COUNT];
	size_t nhooks[LJ_HOOK_COUNT];
	char *jail_user; /* exec.jail_user, NULL: root */
	bool system_jail_user;
	char *system_user; /* exec.system_user, NULL: the caller */
	bool exec_clean;
	long exec_timeout; /* seconds, 0: none */
	long stop_timeout; /* seconds */
	char *consolelog;

	struct lj_powers powers;
	struct lj_limits limits;
	char *cpus; /* cpuset.cpus: the CPUs it is pinned to, "0-3,6", or NULL */

	char **depend;
	size_t ndepend;

	const struct conf_jail *conf; /* the parameters, for the run state */
};

/*
 * Fills j from a checked jail. Errors name the jail and, where a value is at
 * fault, its FILE:LINE. A path relative to nothing, an unreadable
 * mount.fstab file and a mount line that cannot be honoured fail here,
 * before anything is done.
 */
int lj_jail_from_conf(struct lj_jail *j, const struct conf_jail *cj, struct lj_error *err);

/* A jail with default parameters on a tree, as `ljail run PATH` makes one. */
void lj_jail_default(struct lj_jail *j, const char *name, const char *path);

/*
 * Makes j fit for ljail's own maintenance in it (adding a user, installing
 * sudo): no exec.* commands, and the host's network for apt, without
 * power over its routing.
 */
void lj_jail_for_maintenance(struct lj_jail *j);

void lj_jail_release(struct lj_jail *j);

/*
 * Is name one ljail gives a network's bridge: 1 to 15 lowercase letters,
 * digits and '-' (it goes to netlink, nft's script and file names)?
 */
bool lj_bridge_name_ok(const char *name);

/* Is text an IPv4 "ADDR" or "ADDR/PREFIX" in dotted form, and nothing else? */
bool lj_addr4_ok(const char *text);

/* The jail's first IPv4 address, "ADDR/PREFIX" as ip4.addr has it, or NULL. */
const char *lj_jail_addr4(const struct lj_jail *j);

/*
 * Reads "BASE:COUNT" (userns.idmap) into map: -EINVAL when it is not two
 * numbers, COUNT is 0, the range wraps past 2^32 - 1 or takes in host id 0.
 */
int lj_idmap_parse(const char *text, struct lj_idmap *map);

/*
 * An address as ip4.addr or ip6.addr write it ("[IFACE|]ADDR[/PREFIX]"),
 * the address alone, in buf.
 */
const char *lj_addr_bare(const char *value, char *buf, size_t len);

/*
 * The limits n rctl rules set (a later rule for a resource wins): 0, or
 * -EINVAL with *bad the rule at fault and *why what is wrong with it.
 */
int lj_limits_parse(char *const *rules, size_t n, struct lj_limits *l, size_t *bad,
		    const char **why);

#endif
