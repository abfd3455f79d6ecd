/* SPDX-License-Identifier: BSD-2-Clause */
#include "conf/params.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define ONLY(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Kernel parameters of jail(2), then jail(8)'s pseudo-parameters. */
/* clang-format off: one entry per line keeps the table readable (and
 * scripts/params-mdoc reads it). */
#define K(n, t, s, l)                                                                              \
	{                                                                                          \
		.name = n, .type = CONF_T_##t, .support = CONF_##s, .linux = l                     \
	}
#define KO(n, t, s, o, l)                                                                          \
	{                                                                                          \
		.name = n, .type = CONF_T_##t, .support = CONF_##s, .only = o, .linux = l          \
	}
#define P(n, t, s, l)                                                                              \
	{                                                                                          \
		.name = n, .type = CONF_T_##t, .support = CONF_##s, .pseudo = true, .linux = l     \
	}

const struct conf_param_def conf_param_table[] = {
	K("jid", INT, SUPPORTED, "the jail's number, unique among running jails"),
	K("name", STRING, SUPPORTED, "the jail's name"),
	K("path", STRING, SUPPORTED, "the jail's root: pivot_root(2) into it, old root detached"),
	K("persist", BOOL, SUPPORTED, "the jail stays up with no process in it"),
	K("parent", INT, UNSUPPORTED, "read-only on FreeBSD; jails are not nested on Linux"),
	K("dying", BOOL, UNSUPPORTED, "read-only on FreeBSD; Linux jails do not linger dying"),
	K("host", JAILSYS, MAPPED, "new: own UTS namespace; inherit: the host's"),
	K("host.hostname", STRING, SUPPORTED, "the hostname in the jail's UTS namespace"),
	K("host.domainname", STRING, SUPPORTED, "the NIS domain name in the UTS namespace"),
	K("host.hostuuid", STRING, UNSUPPORTED, "Linux has no per-namespace host UUID"),
	K("host.hostid", INT, UNSUPPORTED, "Linux has no per-namespace host id"),
	K("securelevel", INT, UNSUPPORTED, "Linux has no securelevel"),
	KO("enforce_statfs", INT, MAPPED, ONLY("2"),
	   "a private mount namespace shows only the jail's own mounts, as 2 does"),
	KO("children.max", INT, MAPPED, ONLY("0"),
	   "as with 0, a jail makes no jails: no namespaces without CAP_SYS_ADMIN, no user "
	   "namespaces (seccomp)"),
	K("children.cur", INT, UNSUPPORTED, "read-only on FreeBSD"),
	K("cpuset.id", INT, UNSUPPORTED, "read-only on FreeBSD; no cpuset ids on Linux"),
	K("osrelease", STRING, UNSUPPORTED, "the Linux kernel release cannot be changed per jail"),
	K("osreldate", INT, UNSUPPORTED, "a FreeBSD version number; no meaning on Linux"),
	K("devfs_ruleset", INT, MAPPED,
	  "chooses the device nodes of the jail's /dev: 0 none, 1 and 2 the basic set, "
	  "3 and 4 the jail set, 5 the jail set with tun"),
	K("vnet", JAILSYS, SUPPORTED, "new: own network namespace; inherit: the host's"),
	K("ip4", JAILSYS, MAPPED,
	  "inherit: the host's network namespace; disable: a new one with only loopback; "
	  "new: a new one with ip4.addr"),
	K("ip4.addr", IP4, MAPPED,
	  "ADDR/PREFIX on the jail's own interface (vnet.ifname) in its own network stack; "
	  "never a share of the host's stack"),
	K("ip4.saddrsel", BOOL, UNSUPPORTED, "Linux chooses source addresses by routing"),
	K("ip6", JAILSYS, MAPPED, "as ip4, for IPv6"),
	K("ip6.addr", IP6, MAPPED, "as ip4.addr, for IPv6"),
	K("ip6.saddrsel", BOOL, UNSUPPORTED, "Linux chooses source addresses by routing"),
	K("sysvmsg", JAILSYS, MAPPED,
	  "new: own IPC namespace; inherit: the host's; disable: the calls refused by seccomp"),
	K("sysvsem", JAILSYS, MAPPED, "as sysvmsg, for semaphores"),
	K("sysvshm", JAILSYS, MAPPED, "as sysvmsg, for shared memory"),
	K("linux", JAILSYS, MAPPED, "the host kernel is Linux: Linux programs run natively"),
	K("linux.osname", STRING, UNSUPPORTED,
	  "the kernel's name is Linux; it cannot be changed per jail"),
	K("linux.osrelease", STRING, UNSUPPORTED,
	  "the Linux kernel release cannot be changed per jail"),
	K("linux.oss_version", INT, UNSUPPORTED, "no OSS emulation on Linux"),
	K("meta", STRING, SUPPORTED, "free text kept with the jail"),
	K("env", STRING, SUPPORTED, "free text kept with the jail"),
	K("mac.label", STRING, UNSUPPORTED, "no MAC framework labels on Linux"),
	K("zfs.mount_snapshot", BOOL, UNSUPPORTED, "no ZFS snapshot mounting in jails on Linux"),
	K("allow.set_hostname", BOOL, UNSUPPORTED,
	  "changing the hostname needs CAP_SYS_ADMIN, which would give the jail's root the host; "
	  "set host.hostname"),
	K("allow.sysvipc", BOOL, MAPPED, "the jail shares the host's IPC namespace"),
	K("allow.raw_sockets", BOOL, MAPPED,
	  "raw and packet sockets; refused by a seccomp filter when off, never by dropping "
	  "CAP_NET_RAW"),
	K("allow.chflags", BOOL, MAPPED, "CAP_LINUX_IMMUTABLE: chattr +i and +a"),
	K("allow.mount", BOOL, UNSUPPORTED,
	  "mounting needs CAP_SYS_ADMIN, which would give the jail's root the host; list the "
	  "jail's mounts in its configuration"),
	K("allow.mount.devfs", BOOL, UNSUPPORTED, "as allow.mount"),
	K("allow.mount.fdescfs", BOOL, UNSUPPORTED, "as allow.mount"),
	K("allow.mount.fusefs", BOOL, UNSUPPORTED, "as allow.mount"),
	K("allow.mount.lindebugfs", BOOL, UNSUPPORTED, "debugfs exposes the host kernel"),
	K("allow.mount.linprocfs", BOOL, UNSUPPORTED, "as allow.mount"),
	K("allow.mount.linsysfs", BOOL, UNSUPPORTED, "as allow.mount"),
	K("allow.mount.nullfs", BOOL, UNSUPPORTED, "as allow.mount"),
	K("allow.mount.procfs", BOOL, UNSUPPORTED, "as allow.mount"),
	K("allow.mount.tmpfs", BOOL, UNSUPPORTED, "as allow.mount"),
	K("allow.mount.zfs", BOOL, UNSUPPORTED, "no ZFS delegation to jails here"),
	K("allow.quotas", BOOL, UNSUPPORTED, "no per-jail quota control on Linux"),
	K("allow.socket_af", BOOL, MAPPED,
	  "every socket family; when off, seccomp allows unix, inet, inet6 and netlink"),
	K("allow.mlock", BOOL, MAPPED, "CAP_IPC_LOCK"),
	K("allow.reserved_ports", BOOL, MAPPED, "CAP_NET_BIND_SERVICE: ports below 1024"),
	K("allow.read_msgbuf", BOOL, MAPPED, "CAP_SYSLOG: reading the kernel log"),
	K("allow.unprivileged_proc_debug", BOOL, MAPPED,
	  "users may ptrace their own processes in the jail"),
	K("allow.suser", BOOL, UNSUPPORTED,
	  "root in a jail always has the jail's bounded capabilities"),
	K("allow.nfsd", BOOL, UNSUPPORTED, "the kernel NFS server cannot run in a jail"),
	K("allow.extattr", BOOL, UNSUPPORTED, "no system extended attributes from jails"),
	K("allow.adjtime", BOOL, UNSUPPORTED, "the host clock is never adjusted from a jail"),
	K("allow.settime", BOOL, UNSUPPORTED, "the host clock is never set from a jail"),
	K("allow.routing", BOOL, MAPPED, "CAP_NET_ADMIN over the jail's own network namespace"),
	K("allow.unprivileged_parent_tampering", BOOL, UNSUPPORTED, "no parent jails on Linux"),
	K("allow.vmm", BOOL, UNSUPPORTED, "no bhyve; /dev/kvm is never given to jails"),

	P("allow.dying", BOOL, UNSUPPORTED, "Linux jails do not linger dying"),
	P("command", LIST, SUPPORTED, "the command jail(8) runs in the jail"),
	P("depend", LIST, SUPPORTED, "jails started before this one and stopped after it"),
	P("exec.prepare", LIST, SUPPORTED, "commands run on the host before anything else"),
	P("exec.prestart", LIST, SUPPORTED, "commands run on the host before the jail is made"),
	P("exec.created", LIST, SUPPORTED, "commands run on the host once the jail exists"),
	P("exec.start", LIST, SUPPORTED, "commands run in the jail to start it"),
	P("exec.poststart", LIST, SUPPORTED, "commands run on the host after exec.start"),
	P("exec.prestop", LIST, SUPPORTED, "commands run on the host before stopping"),
	P("exec.stop", LIST, SUPPORTED, "commands run in the jail to stop it"),
	P("exec.poststop", LIST, SUPPORTED, "commands run on the host after the jail is gone"),
	P("exec.release", LIST, SUPPORTED, "commands run on the host last of all"),
	P("exec.clean", BOOL, SUPPORTED, "commands run with a clean environment"),
	P("exec.jail_user", STRING, SUPPORTED, "the user commands in the jail run as"),
	P("exec.system_jail_user", BOOL, SUPPORTED,
	  "look exec.jail_user up on the host, not in the jail"),
	P("exec.system_user", STRING, SUPPORTED, "the user host commands run as"),
	P("exec.timeout", INT, SUPPORTED, "seconds a command may run"),
	P("exec.consolelog", STRING, SUPPORTED, "a host file the jail's commands write to"),
	P("exec.fib", INT, UNSUPPORTED, "no FIBs on Linux; use vnet and policy routing"),
	P("stop.timeout", INT, SUPPORTED, "seconds from SIGTERM to SIGKILL on stop"),
	P("interface", STRING, MAPPED,
	  "with ip4.addr or ip6.addr: the bridge the jail's veth joins, as vnet.bridge"),
	P("ip4.defaultrouter", STRING, SUPPORTED,
	  "ljail's own: the jail's IPv4 default route, set in its own network stack"),
	P("ip6.defaultrouter", STRING, SUPPORTED, "ljail's own: as ip4.defaultrouter, for IPv6"),
	P("ip_hostname", BOOL, UNSUPPORTED,
	  "addresses come from ip4.addr and ip6.addr only; name lookups are not trusted"),
	P("mount", LIST, MAPPED,
	  "fstab lines; devfs, fdescfs, procfs, linprocfs, linsysfs and nullfs map to Linux "
	  "file systems"),
	P("mount.fstab", STRING, MAPPED, "a file of fstab lines, as mount"),
	P("mount.devfs", BOOL, MAPPED, "a tmpfs /dev with the devfs_ruleset's nodes"),
	P("mount.fdescfs", BOOL, MAPPED, "the /dev/fd, stdin, stdout and stderr links"),
	P("mount.procfs", BOOL, MAPPED, "proc on /proc, sensitive files masked"),
	P("overlay.lower", STRING, SUPPORTED,
	  "ljail's own: a thin jail's template tree, the read-only lower layer of an "
	  "overlay mounted on path inside the jail"),
	P("overlay.upper", STRING, SUPPORTED,
	  "ljail's own: the folder that holds a thin jail's changes; its work folder is "
	  "the sibling named work"),
	P("vnet.interface", LIST, SUPPORTED,
	  "host interfaces moved into the jail, and back on stop"),
	P("vnet.bridge", STRING, SUPPORTED,
	  "ljail's own: the host bridge the jail's veth joins (made when missing)"),
	P("vnet.bridge.addr", STRING, SUPPORTED,
	  "ljail's own: ADDR/PREFIX the bridge gets on the host when it lacks it"),
	P("vnet.ifname", STRING, SUPPORTED,
	  "ljail's own: the name of the jail's end of the veth (default eth0)"),
	P("vnet.nat", BOOL, SUPPORTED,
	  "ljail's own: masquerade the bridge's subnet to the host's uplinks (nftables) while "
	  "the jail runs"),
	P("dns.resolvconf", LIST, SUPPORTED,
	  "ljail's own: the jail's /etc/resolv.conf: jail (its own, the default), host (the "
	  "host's, read-only) or nameserver addresses"),
	P("zfs.dataset", LIST, UNSUPPORTED, "no ZFS delegation to jails here"),
};

/* clang-format on */

const size_t conf_param_count = LJ_ARRAY_SIZE(conf_param_table);

static const struct conf_param_def *find_exact(const char *name)
{
	for (size_t i = 0; i < conf_param_count; i++)
		if (lj_str_eq(conf_param_table[i].name, name))
			return &conf_param_table[i];
	return NULL;
}

static bool negatable(const struct conf_param_def *d)
{
	return d && (d->type == CONF_T_BOOL || d->type == CONF_T_JAILSYS);
}

const struct conf_param_def *conf_param_find(const char *name, bool *negated)
{
	const struct conf_param_def *d = find_exact(name);
	if (negated)
		*negated = false;
	if (d)
		return d;

	/* jail(8) reads "no" on the last component as "false". */
	const char *last = strrchr(name, '.');
	last = last ? last + 1 : name;
	if (!lj_str_starts(last, "no"))
		return NULL;
	LJ_CLEANUP_FREE char *plain = lj_xstrdup(name);
	memmove(plain + (last - name), last + 2, strlen(last + 2) + 1);
	d = find_exact(plain);
	if (!negatable(d))
		return NULL;
	if (negated)
		*negated = true;
	return d;
}

/* Optimal string alignment distance: edits plus swaps of neighbours. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	LJ_CLEANUP_FREE size_t *d = lj_xcalloc((la + 1) * (lb + 1), sizeof(size_t));
#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (size_t i = 0; i <= la; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= lb; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < best)
				best = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	}
	size_t r = D(la, lb);
#undef D
	return r;
}

const char *conf_param_suggest(const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	/* Long names are too costly to compare and never a typo of a short one. */
	if (strlen(name) > 64)
		return NULL;
	size_t limit = strlen(name) / 3 < 2 ? 2 : strlen(name) / 3;

	for (size_t i = 0; i < conf_param_count; i++) {
		size_t d = edit_distance(name, conf_param_table[i].name);
		if (d < best_d) {
			best_d = d;
			best = conf_param_table[i].name;
		}
	}
	return best_d <= limit && best_d < strlen(name) ? best : NULL;
}

const char *conf_type_name(enum conf_type type)
{
	switch (type) {
	case CONF_T_BOOL: return "boolean";
	case CONF_T_INT: return "integer";
	case CONF_T_STRING: return "string";
	case CONF_T_LIST: return "list";
	case CONF_T_JAILSYS: return "new, inherit or disable";
	case CONF_T_IP4: return "IPv4 address list";
	case CONF_T_IP6: return "IPv6 address list";
	}
	return "value";
}
