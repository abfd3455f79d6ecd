/* SPDX-License-Identifier: BSD-2-Clause */
#include "model/jail.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/fstab.h"
#include "conf/params.h"
#include "conf/rctl.h"

const struct lj_hook_def lj_hooks[LJ_HOOK_COUNT] = {
	[LJ_HOOK_PREPARE] = {"exec.prepare", false},
	[LJ_HOOK_PRESTART] = {"exec.prestart", false},
	[LJ_HOOK_CREATED] = {"exec.created", false},
	[LJ_HOOK_START] = {"exec.start", true},
	[LJ_HOOK_COMMAND] = {"command", true},
	[LJ_HOOK_POSTSTART] = {"exec.poststart", false},
	[LJ_HOOK_PRESTOP] = {"exec.prestop", false},
	[LJ_HOOK_STOP] = {"exec.stop", true},
	[LJ_HOOK_POSTSTOP] = {"exec.poststop", false},
	[LJ_HOOK_RELEASE] = {"exec.release", false},
};

static const struct conf_param *param(const struct conf_jail *cj, const char *name)
{
	return cj ? conf_jail_param(cj, name) : NULL;
}

static const char *string_param(const struct conf_jail *cj, const char *name)
{
	const struct conf_param *p = param(cj, name);
	return p && p->nvalues ? p->values[p->nvalues - 1] : NULL;
}

/* A boolean, with FreeBSD's default when the jail does not set it. */
static bool bool_param(const struct conf_jail *cj, const char *name, bool dflt)
{
	const struct conf_param *p = param(cj, name);
	return p ? conf_param_bool(p) : dflt;
}

static long long_param(const struct conf_jail *cj, const char *name, long dflt)
{
	const char *s = string_param(cj, name);
	long v;
	return s && lj_parse_long(s, &v) ? v : dflt;
}

/* new, inherit or disable, as a jailsys parameter's last value says. */
static const char *jailsys_param(const struct conf_jail *cj, const char *name)
{
	const struct conf_param *p = param(cj, name);
	if (!p)
		return NULL;
	const char *s = p->nvalues ? p->values[p->nvalues - 1] : "new";
	if (lj_str_eq(s, "0"))
		return "disable";
	if (lj_str_eq(s, "1"))
		return "new";
	if (lj_str_eq(s, "2"))
		return "inherit";
	return s;
}

static char *where(const struct conf_pos *pos)
{
	return lj_xasprintf("%s:%u", pos->file ? pos->file : "-", pos->line);
}

static void add_mount(struct lj_jail *j, enum lj_mount_kind kind, const char *source,
		      const char *target, const char *options, bool ro, char *at)
{
	struct lj_mount *m = LJ_VEC_PUSH(j->mounts, j->nmounts, j->capmounts);
	*m = (struct lj_mount){
		.kind = kind,
		.source = lj_xstrdup(source),
		.target = lj_xstrdup(target),
		.options = lj_xstrdup(options),
		.readonly = ro,
		.where = at,
	};
}

static bool has_option(const char *options, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = options; p && *p;) {
		const char *end = strchrnul(p, ',');
		if ((size_t)(end - p) == n && !strncmp(p, opt, n))
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

static enum lj_mount_kind kind_of(const char *type)
{
	if (lj_str_eq(type, "devfs"))
		return LJ_MOUNT_DEV;
	if (lj_str_eq(type, "fdescfs"))
		return LJ_MOUNT_FDESC;
	if (lj_str_eq(type, "procfs") || lj_str_eq(type, "linprocfs") || lj_str_eq(type, "proc"))
		return LJ_MOUNT_PROC;
	if (lj_str_eq(type, "linsysfs") || lj_str_eq(type, "sysfs"))
		return LJ_MOUNT_SYSFS;
	if (lj_str_eq(type, "tmpfs"))
		return LJ_MOUNT_TMPFS;
	if (lj_str_eq(type, "devpts"))
		return LJ_MOUNT_DEVPTS;
	if (lj_str_eq(type, "mqueue"))
		return LJ_MOUNT_MQUEUE;
	return LJ_MOUNT_BIND; /* nullfs, bind: conf_fstype_known allows no more */
}

/*
 * One fstab line. The target is a host path below the jail's path (as in
 * FreeBSD's jail.conf); the jail sees it relative to its root. The runtime
 * resolves it again inside the root, so a symlink in the jail cannot move it.
 */
static int add_fstab_line(struct lj_jail *j, const char *line, const struct conf_pos *pos,
			  struct lj_error *err)
{
	struct conf_fstab_entry e;
	const char *why = NULL;
	LJ_CLEANUP_FREE char *at = where(pos);

	int rc = conf_fstab_parse(line, &e, &why);
	if (rc < 0)
		return lj_error_usage(err, "jail '%s': %s: mount line '%s' %s", j->name, at, line,
				      why);
	if (rc == 0)
		return 0;
	if (!conf_fstype_known(e.type)) {
		rc = lj_error_usage(err,
				    "jail '%s': %s: file system type '%s' cannot be mounted "
				    "in a jail",
				    j->name, at, e.type);
	} else if (!conf_path_below(e.target, j->path)) {
		rc = lj_error_usage(err,
				    "jail '%s': %s: mount target '%s' is outside the jail's "
				    "path '%s'",
				    j->name, at, e.target, j->path);
	} else {
		const char *inside = e.target + strlen(j->path);
		while (inside[0] == '/' && inside[1] == '/')
			inside++;
		enum lj_mount_kind kind = kind_of(e.type);
		bool idmap = has_option(e.options, "idmap");
		if (kind == LJ_MOUNT_BIND && e.source[0] != '/')
			rc = lj_error_usage(err,
					    "jail '%s': %s: nullfs source '%s' is not an "
					    "absolute path",
					    j->name, at, e.source);
		else if (idmap && (kind != LJ_MOUNT_BIND || !j->idmap.count))
			rc = lj_error_usage(err,
					    "jail '%s': %s: idmap goes with nullfs lines of a jail "
					    "with userns = new",
					    j->name, at);
		else {
			add_mount(j, kind, e.source, *inside ? inside : "/", e.options,
				  has_option(e.options, "ro"), lj_steal_ptr(&at));
			j->mounts[j->nmounts - 1].idmap = idmap;
		}
	}
	conf_fstab_entry_release(&e);
	return rc < 0 ? rc : 0;
}

static int add_fstab_file(struct lj_jail *j, const char *file, struct lj_error *err)
{
	LJ_CLEANUP_FCLOSE FILE *f = fopen(file, "re");
	if (!f)
		return lj_error_set(err, errno, "jail '%s': mount.fstab '%s': %s", j->name, file,
				    strerror(errno));
	LJ_CLEANUP_FREE char *line = NULL;
	size_t cap = 0;
	struct conf_pos pos = {.file = file};
	while (getline(&line, &cap, f) >= 0) {
		pos.line++;
		line[strcspn(line, "\n")] = '\0';
		int rc = add_fstab_line(j, line, &pos, err);
		if (rc < 0)
			return rc;
	}
	if (ferror(f))
		return lj_error_set(err, EIO, "jail '%s': mount.fstab '%s': read error", j->name,
				    file);
	return 0;
}

static char **copy_values(const struct conf_param *p, size_t *n)
{
	*n = p ? p->nvalues : 0;
	if (!*n)
		return NULL;
	char **v = lj_xcalloc(*n, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = lj_xstrdup(p->values[i]);
	return v;
}

/* "[IFACE|]ADDR/PREFIX" as "IFACE|ADDR/PREFIX", the jail's interface when none is named. */
static int add_address(struct lj_jail *j, const char *value, const struct conf_pos *pos,
		       size_t *cap, struct lj_error *err)
{
	const char *bar = strchr(value, '|');
	const char *addr = bar ? bar + 1 : value;
	if (!strchr(addr, '/')) {
		LJ_CLEANUP_FREE char *at = where(pos);
		return lj_error_usage(err,
				      "jail '%s': %s: address '%s' needs a prefix length in the "
				      "jail's own stack, as %s/24",
				      j->name, at, addr, addr);
	}
	LJ_CLEANUP_FREE char *iface = bar ? lj_xstrndup(value, (size_t)(bar - value)) : NULL;
	*LJ_VEC_PUSH(j->addrs, j->naddrs, *cap) =
		lj_xasprintf("%s|%s", iface ? iface : j->ifname, addr);
	return 0;
}

/*
 * vnet.publish: forwarded to the jail's first IPv4 address, so the jail
 * needs one in a stack of its own (an inherit jail listens on the host's
 * ports itself).
 */
static int publish_from_conf(struct lj_jail *j, const struct conf_param *p, struct lj_error *err)
{
	size_t cap = 0;
	for (size_t i = 0; p && i < p->nvalues; i++) {
		LJ_CLEANUP_FREE char *at = where(&p->value_pos[i]);
		struct lj_publish pub;
		const char *why;
		if (lj_publish_parse(p->values[i], &pub, &why) < 0)
			return lj_error_usage(err, "jail '%s': %s: vnet.publish '%s': %s", j->name,
					      at, p->values[i], why);
		for (size_t k = 0; k < j->npublish; k++)
			if (lj_publish_clash(&j->publish[k], &pub))
				return lj_error_usage(err,
						      "jail '%s': %s: vnet.publish '%s': that host "
						      "port is published twice",
						      j->name, at, p->values[i]);
		*LJ_VEC_PUSH(j->publish, j->npublish, cap) = pub;
	}
	if (j->npublish && !lj_jail_addr4(j))
		return lj_error_usage(err,
				      "jail '%s': vnet.publish needs an IPv4 address of the jail's "
				      "own (ip4.addr) to forward to",
				      j->name);
	return 0;
}

static int network_from_conf(struct lj_jail *j, const struct conf_jail *cj, struct lj_error *err)
{
	const char *ip4 = jailsys_param(cj, "ip4");
	const char *ip6 = jailsys_param(cj, "ip6");
	const char *vnet = jailsys_param(cj, "vnet");
	const struct conf_param *a4 = param(cj, "ip4.addr");
	const struct conf_param *a6 = param(cj, "ip6.addr");
	bool has_addrs = (a4 && a4->nvalues) || (a6 && a6->nvalues);

	/* Linux has one network namespace for both families: they must agree. */
	if (ip4 && ip6 && lj_str_eq(ip4, "inherit") != lj_str_eq(ip6, "inherit"))
		return lj_error_usage(err,
				      "jail '%s': ip4 = %s and ip6 = %s: on Linux both families "
				      "share one network stack, so they must both inherit or not",
				      j->name, ip4, ip6);
	const char *mode = ip4 ? ip4 : ip6;
	bool inherit = mode && lj_str_eq(mode, "inherit");
	if (vnet && lj_str_eq(vnet, "new") && inherit)
		return lj_error_usage(
			err, "jail '%s': vnet and ip4 = inherit contradict each other", j->name);
	/*
	 * FreeBSD's ip4.addr without vnet limits a jail to some of the host's
	 * addresses; Linux cannot limit a shared stack that way, so the honest
	 * meaning here is the jail's own stack holding those addresses.
	 */
	if (has_addrs && inherit)
		return lj_error_usage(err,
				      "jail '%s': ip4.addr with ip4 = inherit: Linux cannot limit "
				      "the host's network stack to some addresses; leave ip4 = "
				      "inherit out and the jail gets its own stack with them",
				      j->name);
	j->own_net = !inherit;

	const char *bridge = string_param(cj, "vnet.bridge");
	if (!bridge)
		bridge = string_param(cj, "interface");
	const char *ifname = string_param(cj, "vnet.ifname");
	j->ifname = lj_xstrdup(ifname ? ifname : "eth0");
	j->bridge = bridge ? lj_xstrdup(bridge) : NULL;
	const char *baddr = string_param(cj, "vnet.bridge.addr");
	j->bridge_addr = baddr ? lj_xstrdup(baddr) : NULL;
	if (strlen(j->ifname) >= 16 || (j->bridge && strlen(j->bridge) >= 16))
		return lj_error_usage(err, "jail '%s': interface names have at most 15 characters",
				      j->name);
	if (!j->own_net && (j->bridge || param(cj, "vnet.interface")))
		return lj_error_usage(err,
				      "jail '%s': vnet.bridge and vnet.interface need the "
				      "jail's own network stack, not ip4 = inherit",
				      j->name);
	j->vnet_ifaces = copy_values(param(cj, "vnet.interface"), &j->nvnet_ifaces);

	size_t cap = 0;
	for (size_t i = 0; a4 && i < a4->nvalues; i++)
		if (add_address(j, a4->values[i], &a4->value_pos[i], &cap, err) < 0)
			return -EINVAL;
	for (size_t i = 0; a6 && i < a6->nvalues; i++)
		if (add_address(j, a6->values[i], &a6->value_pos[i], &cap, err) < 0)
			return -EINVAL;
	const char *network = string_param(cj, "vnet.network");
	j->network = network ? lj_xstrdup(network) : NULL;
	if (j->network && (j->bridge || j->bridge_addr || !j->own_net))
		return lj_error_usage(err,
				      "jail '%s': vnet.network brings its own bridge: it goes "
				      "without vnet.bridge, interface, vnet.bridge.addr and ip4 = "
				      "inherit",
				      j->name);
	if (has_addrs && !j->bridge && !j->network && !j->nvnet_ifaces)
		return lj_error_usage(
			err,
			"jail '%s': ip4.addr needs somewhere to live: vnet.network, "
			"vnet.bridge (or interface) naming a bridge, or vnet.interface",
			j->name);
	if (publish_from_conf(j, param(cj, "vnet.publish"), err) < 0)
		return -EINVAL;
	const char *gw4 = string_param(cj, "ip4.defaultrouter");
	const char *gw6 = string_param(cj, "ip6.defaultrouter");
	j->gw4 = gw4 ? lj_xstrdup(gw4) : NULL;
	j->gw6 = gw6 ? lj_xstrdup(gw6) : NULL;
	j->nat = bool_param(cj, "vnet.nat", false);
	if (j->nat && (!j->bridge || !j->bridge_addr))
		return lj_error_usage(err,
				      "jail '%s': vnet.nat needs vnet.bridge and "
				      "vnet.bridge.addr (the subnet to masquerade)",
				      j->name);
	j->resolvconf = copy_values(param(cj, "dns.resolvconf"), &j->nresolvconf);
	return 0;
}

const char *lj_addr_bare(const char *value, char *buf, size_t len)
{
	const char *bar = strchr(value, '|');
	snprintf(buf, len, "%s", bar ? bar + 1 : value);
	buf[strcspn(buf, "/")] = '\0';
	return buf;
}

bool lj_bridge_name_ok(const char *name)
{
	size_t len = strlen(name);
	return len > 0 && len < 16 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == len;
}

bool lj_addr4_ok(const char *text)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	struct in_addr in;
	long prefix;
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &in) == 1 &&
	       (!slash || (lj_parse_long(slash + 1, &prefix) && prefix >= 0 && prefix <= 32));
}

int lj_idmap_parse(const char *text, struct lj_idmap *map)
{
	char *end;
	errno = 0;
	unsigned long long base = strtoull(text, &end, 10);
	if (errno || end == text || *end != ':' || !isdigit((unsigned char)*text))
		return -EINVAL;
	const char *c = end + 1;
	unsigned long long count = strtoull(c, &end, 10);
	if (errno || end == c || *end || !isdigit((unsigned char)*c))
		return -EINVAL;
	/*
	 * Host id 0 is never a jail's: whoever holds it in a jail would own the
	 * host's files. The top id, 2^32 - 1, is the kernel's "no id".
	 */
	if (base == 0 || count == 0 || base > UINT32_MAX || count > UINT32_MAX ||
	    base + count > UINT32_MAX)
		return -EINVAL;
	*map = (struct lj_idmap){(uint32_t)base, (uint32_t)count};
	return 0;
}

/*
 * userns = new: a user namespace whose ids are userns.idmap's host ids, so
 * root in the jail is root over the jail's own namespaces and files only.
 * inherit (the default, as jail(8) configurations expect): the host's ids.
 */
static int userns_from_conf(struct lj_jail *j, const struct conf_jail *cj, struct lj_error *err)
{
	const char *mode = jailsys_param(cj, "userns");
	const char *idmap = string_param(cj, "userns.idmap");
	if (!mode || lj_str_eq(mode, "inherit")) {
		if (idmap)
			return lj_error_usage(err, "jail '%s': userns.idmap needs userns = new",
					      j->name);
		return 0;
	}
	if (!lj_str_eq(mode, "new"))
		return lj_error_usage(err, "jail '%s': userns = %s: use new or inherit", j->name,
				      mode);
	if (!idmap)
		return lj_error_usage(err,
				      "jail '%s': userns = new needs userns.idmap = "
				      "\"BASE:COUNT\" (host ids for the jail's)",
				      j->name);
	if (lj_idmap_parse(idmap, &j->idmap) < 0)
		return lj_error_usage(err,
				      "jail '%s': userns.idmap '%s': give BASE:COUNT, host ids "
				      "from 1 up, within 2^32 - 1",
				      j->name, idmap);
	return 0;
}

/* "N", "N-M", comma-separated: what cpuset -l and the kernel's cpu lists take. */
static bool cpu_list_ok(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p;) {
		if (!isdigit((unsigned char)*p))
			return false;
		char *end;
		unsigned long a = strtoul(p, &end, 10);
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p) || strtoul(p, &end, 10) < a)
				return false;
			p = end;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return false;
	}
	return true;
}

/* One rctl rule into l: 0, or -EINVAL with *why. */
static int limit_rule(const char *text, struct lj_limits *l, const char **why)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{"memoryuse", offsetof(struct lj_limits, memoryuse)},
		{"swapuse", offsetof(struct lj_limits, swapuse)},
		{"maxproc", offsetof(struct lj_limits, maxproc)},
		{"openfiles", offsetof(struct lj_limits, openfiles)},
		{"pcpu", offsetof(struct lj_limits, pcpu)},
		{"readbps", offsetof(struct lj_limits, readbps)},
		{"writebps", offsetof(struct lj_limits, writebps)},
		{"readiops", offsetof(struct lj_limits, readiops)},
		{"writeiops", offsetof(struct lj_limits, writeiops)},
	};
	struct conf_rctl_rule r;
	if (conf_rctl_parse(text, &r, why) < 0)
		return -EINVAL;
	size_t f = 0;
	while (f < LJ_ARRAY_SIZE(fields) && !lj_str_eq(fields[f].name, r.resource))
		f++;
	if (f == LJ_ARRAY_SIZE(fields) || !lj_str_eq(r.action, "deny") ||
	    !lj_str_eq(r.per, "jail")) {
		*why = "cannot be enforced (see ljail.conf(5), Resource limits)";
		return -EINVAL;
	}
	if (r.amount > INT64_MAX || (lj_str_eq(r.resource, "pcpu") && r.amount == 0)) {
		*why = "has an amount out of range";
		return -EINVAL;
	}
	*(int64_t *)((char *)l + fields[f].off) = (int64_t)r.amount;
	return 0;
}

int lj_limits_parse(char *const *rules, size_t n, struct lj_limits *l, size_t *bad,
		    const char **why)
{
	*l = LJ_LIMITS_NONE;
	for (size_t i = 0; i < n; i++) {
		if (limit_rule(rules[i], l, why) < 0) {
			*bad = i;
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * rctl rules, checked by conf_check already: each resource's amount, the
 * last rule for a resource winning as a later rctl -a would.
 */
static int limits_from_conf(struct lj_jail *j, const struct conf_jail *cj, struct lj_error *err)
{
	const struct conf_param *p = param(cj, "rctl");
	size_t bad = 0;
	const char *why = NULL;
	if (lj_limits_parse(p ? p->values : NULL, p ? p->nvalues : 0, &j->limits, &bad, &why) < 0) {
		LJ_CLEANUP_FREE char *at = where(&p->value_pos[bad]);
		return lj_error_usage(err, "jail '%s': %s: rctl rule '%s' %s", j->name, at,
				      p->values[bad], why);
	}
	return 0;
}

static void ipc_from_conf(struct lj_jail *j, const struct conf_jail *cj)
{
	static const struct {
		const char *name;
		size_t off;
	} sysv[] = {{"sysvmsg", offsetof(struct lj_powers, sysvmsg_off)},
		    {"sysvsem", offsetof(struct lj_powers, sysvsem_off)},
		    {"sysvshm", offsetof(struct lj_powers, sysvshm_off)}};

	j->own_ipc = !bool_param(cj, "allow.sysvipc", false);
	for (size_t i = 0; i < LJ_ARRAY_SIZE(sysv); i++) {
		const char *v = jailsys_param(cj, sysv[i].name);
		if (v && lj_str_eq(v, "inherit"))
			j->own_ipc = false;
		else if (v && lj_str_eq(v, "disable"))
			*(bool *)((char *)&j->powers + sysv[i].off) = true;
	}
}

static int powers_from_conf(struct lj_jail *j, const struct conf_jail *cj, struct lj_error *err)
{
	struct lj_powers *p = &j->powers;
	p->reserved_ports = bool_param(cj, "allow.reserved_ports", true);
	p->mlock = bool_param(cj, "allow.mlock", false);
	p->chflags = bool_param(cj, "allow.chflags", false);
	p->read_msgbuf = bool_param(cj, "allow.read_msgbuf", false);
	p->routing = bool_param(cj, "allow.routing", false);
	/* Routing in the host's stack would be the host's routing table. */
	if (p->routing && !j->own_net)
		return lj_error_usage(err,
				      "jail '%s': allow.routing needs the jail's own "
				      "network stack, not ip4 = inherit",
				      j->name);
	p->raw_sockets = bool_param(cj, "allow.raw_sockets", false);
	p->socket_af = bool_param(cj, "allow.socket_af", false);
	p->io_uring = bool_param(cj, "allow.io_uring", false);
	p->proc_debug = bool_param(cj, "allow.unprivileged_proc_debug", true);
	return 0;
}

static size_t depth(const char *target)
{
	size_t n = 0;
	for (const char *p = target; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			n++;
	return n;
}

/*
 * In jail(8)'s order, but never a mount over one made after it: a line for
 * /dev/shm came before mount.devfs and was hidden under the new /dev. A
 * stable sort by the target's depth keeps every other order as written.
 */
static void order_by_depth(struct lj_jail *j)
{
	for (size_t i = 1; i < j->nmounts; i++) {
		struct lj_mount m = j->mounts[i];
		size_t d = depth(m.target), k = i;
		for (; k > 0 && depth(j->mounts[k - 1].target) > d; k--)
			j->mounts[k] = j->mounts[k - 1];
		j->mounts[k] = m;
	}
}

static int mounts_from_conf(struct lj_jail *j, const struct conf_jail *cj, struct lj_error *err)
{
	const struct conf_param *p = param(cj, "mount");
	for (size_t i = 0; p && i < p->nvalues; i++) {
		int rc = add_fstab_line(j, p->values[i], &p->value_pos[i], err);
		if (rc < 0)
			return rc;
	}
	const char *fstab = string_param(cj, "mount.fstab");
	if (fstab) {
		int rc = add_fstab_file(j, fstab, err);
		if (rc < 0)
			return rc;
	}
	/* jail(8)'s order: mount lines, mount.fstab, then devfs, fdescfs, procfs. */
	static const struct {
		const char *param;
		enum lj_mount_kind kind;
		const char *target;
	} implied[] = {{"mount.devfs", LJ_MOUNT_DEV, "/dev"},
		       {"mount.fdescfs", LJ_MOUNT_FDESC, "/dev/fd"},
		       {"mount.procfs", LJ_MOUNT_PROC, "/proc"}};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(implied); i++) {
		const struct conf_param *ip = param(cj, implied[i].param);
		if (ip && conf_param_bool(ip))
			add_mount(j, implied[i].kind, implied[i].param, implied[i].target, "rw",
				  false, where(&ip->pos));
	}
	order_by_depth(j);
	return 0;
}

int lj_jail_from_conf(struct lj_jail *j, const struct conf_jail *cj, struct lj_error *err)
{
	int rc;
	*j = (struct lj_jail){.name = lj_xstrdup(cj->name), .conf = cj, .limits = LJ_LIMITS_NONE};

	const char *path = string_param(cj, "path");
	if (!path || !*path)
		return lj_error_usage(err, "jail '%s': no path: set path to the jail's root folder",
				      j->name);
	if (path[0] != '/')
		return lj_error_usage(err, "jail '%s': path '%s' is not an absolute path", j->name,
				      path);
	j->path = lj_xstrdup(path);
	/* Trailing slashes would make the mount targets below it look outside. */
	for (size_t n = strlen(j->path); n > 1 && j->path[n - 1] == '/'; n--)
		j->path[n - 1] = '\0';

	const char *lower = string_param(cj, "overlay.lower");
	const char *upper = string_param(cj, "overlay.upper");
	if (!lower != !upper)
		return lj_error_usage(err, "jail '%s': overlay.lower and overlay.upper go together",
				      j->name);
	if (lower && (lower[0] != '/' || upper[0] != '/'))
		return lj_error_usage(err,
				      "jail '%s': overlay.lower and overlay.upper must be "
				      "absolute paths",
				      j->name);
	if (lower) {
		j->overlay_lower = lj_xstrdup(lower);
		j->overlay_upper = lj_xstrdup(upper);
	}

	/* jail(8): a jail named by a number gets that jid. */
	long jid = 0;
	if (!lj_parse_long(cj->name, &jid))
		jid = 0;
	jid = long_param(cj, "jid", jid);
	if (jid < 0 || jid > 999999)
		return lj_error_usage(err, "jail '%s': jid %ld is out of range (1 to 999999)",
				      j->name, jid);
	j->jid = jid;

	const char *host = jailsys_param(cj, "host");
	j->own_uts = !(host && lj_str_eq(host, "inherit"));
	const char *hn = string_param(cj, "host.hostname");
	const char *dn = string_param(cj, "host.domainname");
	if ((hn || dn) && !j->own_uts)
		return lj_error_usage(err, "jail '%s': host.hostname needs host = new, not inherit",
				      j->name);
	j->hostname = hn ? lj_xstrdup(hn) : NULL;
	j->domainname = dn ? lj_xstrdup(dn) : NULL;

	if ((rc = userns_from_conf(j, cj, err)) < 0)
		return rc;
	if ((rc = network_from_conf(j, cj, err)) < 0)
		return rc;
	ipc_from_conf(j, cj);
	if ((rc = powers_from_conf(j, cj, err)) < 0)
		return rc;

	if ((rc = limits_from_conf(j, cj, err)) < 0)
		return rc;
	const char *cpus = string_param(cj, "cpuset.cpus");
	if (cpus && !cpu_list_ok(cpus))
		return lj_error_usage(err,
				      "jail '%s': cpuset.cpus '%s' is not a list of CPUs as "
				      "cpuset -l takes it (0-3,6)",
				      j->name, cpus);
	j->cpus = cpus ? lj_xstrdup(cpus) : NULL;
	j->persist = bool_param(cj, "persist", false);
	j->devfs_ruleset = (int)long_param(cj, "devfs_ruleset", 4);
	if (j->devfs_ruleset < 0 || j->devfs_ruleset > 5)
		return lj_error_usage(err,
				      "jail '%s': devfs_ruleset %d: only rulesets 0 to 5 exist "
				      "here (see ljail.conf(5))",
				      j->name, j->devfs_ruleset);
	if ((rc = mounts_from_conf(j, cj, err)) < 0)
		return rc;

	for (int h = 0; h < LJ_HOOK_COUNT; h++)
		j->hooks[h] = copy_values(param(cj, lj_hooks[h].param), &j->nhooks[h]);
	const char *ju = string_param(cj, "exec.jail_user");
	const char *su = string_param(cj, "exec.system_user");
	const char *cl = string_param(cj, "exec.consolelog");
	j->jail_user = ju ? lj_xstrdup(ju) : NULL;
	j->system_user = su ? lj_xstrdup(su) : NULL;
	j->consolelog = cl ? lj_xstrdup(cl) : NULL;
	j->system_jail_user = bool_param(cj, "exec.system_jail_user", false);
	j->exec_clean = bool_param(cj, "exec.clean", false);
	j->exec_timeout = long_param(cj, "exec.timeout", 0);
	j->stop_timeout = long_param(cj, "stop.timeout", 10);
	if (j->exec_timeout < 0 || j->stop_timeout < 0)
		return lj_error_usage(err,
				      "jail '%s': exec.timeout and stop.timeout cannot be "
				      "negative",
				      j->name);
	j->depend = copy_values(param(cj, "depend"), &j->ndepend);
	return 0;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void lj_jail_for_maintenance(struct lj_jail *j)
{
	for (int h = 0; h < LJ_HOOK_COUNT; h++) {
		free_list(j->hooks[h], j->nhooks[h]);
		j->hooks[h] = NULL;
		j->nhooks[h] = 0;
	}
	/*
	 * The jail's own network, as configured: maintenance runs the jail's
	 * programs as root, and a program planted in a vnet jail must not get
	 * the host's network for it. A jail with ip4 = inherit shares the
	 * host's anyway; one with no network has none here either.
	 */
	j->persist = false;
}

void lj_jail_default(struct lj_jail *j, const char *name, const char *path)
{
	*j = (struct lj_jail){
		.name = lj_xstrdup(name),
		.path = lj_xstrdup(path),
		.hostname = lj_xstrdup(name),
		.own_uts = true,
		.own_ipc = true,
		.own_net = true,
		.devfs_ruleset = 4,
		.stop_timeout = 10,
		.powers = {.reserved_ports = true, .proc_debug = true},
		.limits = LJ_LIMITS_NONE,
	};
	/* What the account's d2l.conf mounts, minus the host folders. */
	add_mount(j, LJ_MOUNT_DEV, "devfs", "/dev", "rw", false, lj_xstrdup("default"));
	add_mount(j, LJ_MOUNT_PROC, "proc", "/proc", "rw", false, lj_xstrdup("default"));
	add_mount(j, LJ_MOUNT_SYSFS, "sysfs", "/sys", "ro", true, lj_xstrdup("default"));
	add_mount(j, LJ_MOUNT_TMPFS, "tmpfs", "/tmp", "rw,mode=1777", false, lj_xstrdup("default"));
}

void lj_jail_release(struct lj_jail *j)
{
	free(j->name);
	free(j->path);
	free(j->overlay_lower);
	free(j->overlay_upper);
	free(j->hostname);
	free(j->domainname);
	free(j->bridge);
	free(j->bridge_addr);
	free(j->ifname);
	free_list(j->addrs, j->naddrs);
	free(j->gw4);
	free(j->gw6);
	free_list(j->vnet_ifaces, j->nvnet_ifaces);
	free_list(j->resolvconf, j->nresolvconf);
	free(j->network);
	free(j->dns);
	free(j->publish);
	for (size_t i = 0; i < j->nmounts; i++) {
		free(j->mounts[i].source);
		free(j->mounts[i].target);
		free(j->mounts[i].options);
		free(j->mounts[i].where);
	}
	free(j->mounts);
	for (int h = 0; h < LJ_HOOK_COUNT; h++)
		free_list(j->hooks[h], j->nhooks[h]);
	free(j->jail_user);
	free(j->system_user);
	free(j->consolelog);
	free(j->cpus);
	free_list(j->depend, j->ndepend);
	*j = (struct lj_jail){0};
}

const char *lj_jail_addr4(const struct lj_jail *j)
{
	for (size_t i = 0; i < j->naddrs; i++) {
		const char *addr = strchr(j->addrs[i], '|') + 1;
		if (!strchr(addr, ':'))
			return addr;
	}
	return NULL;
}
