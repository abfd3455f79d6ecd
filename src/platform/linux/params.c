/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What each jail.conf parameter becomes on a Linux host, or why Linux cannot
 * do it (conf/host.h). One entry per parameter of conf_param_table, in its
 * order; a unit test holds the two tables to the same names, and
 * scripts/params-mdoc prints both into ljail.conf(5).
 */
#include "platform/platform.h"

#include "base/util.h"
#include "conf/host.h"

#define ONLY(...) ((const char *const[]){__VA_ARGS__, NULL})

/* clang-format off: one entry per line keeps the table readable (and
 * scripts/params-mdoc reads it). */
#define S(n, l) { .name = n, .support = CONF_SUPPORTED, .note = l }
#define M(n, l) { .name = n, .support = CONF_MAPPED, .note = l }
#define MO(n, o, l) { .name = n, .support = CONF_MAPPED, .only = o, .note = l }
#define U(n, l) { .name = n, .support = CONF_UNSUPPORTED, .note = l }

static const struct conf_host_param lx_params[] = {
	S("jid", "the jail's number, unique among running jails"),
	S("name", "the jail's name"),
	S("path", "the jail's root: pivot_root(2) into it, old root detached"),
	S("persist", "the jail stays up with no process in it"),
	U("parent", "read-only on FreeBSD; jails are not nested on Linux"),
	U("dying", "read-only on FreeBSD; Linux jails do not linger dying"),
	M("host", "new: own UTS namespace; inherit: the host's"),
	S("host.hostname", "the hostname in the jail's UTS namespace"),
	S("host.domainname", "the NIS domain name in the UTS namespace"),
	U("host.hostuuid", "Linux has no per-namespace host UUID"),
	U("host.hostid", "Linux has no per-namespace host id"),
	U("securelevel", "Linux has no securelevel"),
	MO("enforce_statfs", ONLY("2"),
	   "a private mount namespace shows only the jail's own mounts, as 2 does"),
	MO("children.max", ONLY("0"),
	   "as with 0, a jail makes no jails: no namespaces without CAP_SYS_ADMIN, no user "
	   "namespaces (seccomp)"),
	U("children.cur", "read-only on FreeBSD"),
	U("cpuset.id", "read-only on FreeBSD; no cpuset ids on Linux"),
	U("osrelease", "the Linux kernel release cannot be changed per jail"),
	U("osreldate", "a FreeBSD version number; no meaning on Linux"),
	M("devfs_ruleset", "chooses the device nodes of the jail's /dev: 0 none, 1 and 2 the basic set, "
	  "3 and 4 the jail set, 5 the jail set with tun"),
	S("vnet", "new: own network namespace; inherit: the host's"),
	M("ip4", "inherit: the host's network namespace, all of it: its interfaces, its "
	  "listening sockets on every address including loopback, and its abstract unix "
	  "sockets, so a jail can connect to host daemons that trust whoever reaches them "
	  "(uid 0 in the jail is uid 0 to them); disable: a new one with only loopback; "
	  "new: a new one with ip4.addr"),
	M("ip4.addr", "ADDR/PREFIX on the jail's own interface (vnet.ifname) in its own network stack; "
	  "never a share of the host's stack"),
	U("ip4.saddrsel", "Linux chooses source addresses by routing"),
	M("ip6", "as ip4, for IPv6"),
	M("ip6.addr", "as ip4.addr, for IPv6"),
	U("ip6.saddrsel", "Linux chooses source addresses by routing"),
	M("sysvmsg", "new: own IPC namespace; inherit: the host's; disable: the calls refused by seccomp"),
	M("sysvsem", "as sysvmsg, for semaphores"),
	M("sysvshm", "as sysvmsg, for shared memory"),
	M("linux", "the host kernel is Linux: Linux programs run natively"),
	U("linux.osname", "the kernel's name is Linux; it cannot be changed per jail"),
	U("linux.osrelease", "the Linux kernel release cannot be changed per jail"),
	U("linux.oss_version", "no OSS emulation on Linux"),
	S("meta", "free text kept with the jail"),
	S("env", "free text kept with the jail"),
	U("mac.label", "no MAC framework labels on Linux"),
	U("zfs.mount_snapshot", "no ZFS snapshot mounting in jails on Linux"),
	U("allow.set_hostname", "changing the hostname needs CAP_SYS_ADMIN, which would give the jail's root the host; "
	  "set host.hostname"),
	M("allow.sysvipc", "the jail shares the host's IPC namespace"),
	M("allow.raw_sockets", "raw and packet sockets; refused by a seccomp filter when off, never by dropping "
	  "CAP_NET_RAW"),
	M("allow.chflags", "CAP_LINUX_IMMUTABLE: chattr +i and +a"),
	U("allow.mount", "mounting needs CAP_SYS_ADMIN, which would give the jail's root the host; list the "
	  "jail's mounts in its configuration"),
	U("allow.mount.devfs", "as allow.mount"),
	U("allow.mount.fdescfs", "as allow.mount"),
	U("allow.mount.fusefs", "as allow.mount"),
	U("allow.mount.lindebugfs", "debugfs exposes the host kernel"),
	U("allow.mount.linprocfs", "as allow.mount"),
	U("allow.mount.linsysfs", "as allow.mount"),
	U("allow.mount.nullfs", "as allow.mount"),
	U("allow.mount.procfs", "as allow.mount"),
	U("allow.mount.tmpfs", "as allow.mount"),
	U("allow.mount.zfs", "no ZFS delegation to jails here"),
	U("allow.quotas", "no per-jail quota control on Linux"),
	M("allow.socket_af", "every socket family; when off, seccomp allows unix, inet, inet6 and netlink"),
	M("allow.mlock", "CAP_IPC_LOCK"),
	M("allow.reserved_ports", "CAP_NET_BIND_SERVICE: ports below 1024"),
	M("allow.read_msgbuf", "CAP_SYSLOG: reading the kernel log"),
	M("allow.unprivileged_proc_debug", "users may ptrace their own processes in the jail"),
	U("allow.suser", "root in a jail always has the jail's bounded capabilities"),
	U("allow.nfsd", "the kernel NFS server cannot run in a jail"),
	U("allow.extattr", "no system extended attributes from jails"),
	U("allow.adjtime", "the host clock is never adjusted from a jail"),
	U("allow.settime", "the host clock is never set from a jail"),
	M("allow.routing", "CAP_NET_ADMIN over the jail's own network namespace"),
	U("allow.unprivileged_parent_tampering", "no parent jails on Linux"),
	U("allow.vmm", "no bhyve; /dev/kvm is never given to jails"),
	U("allow.setaudit", "no per-jail audit masks on Linux; the host's audit rules see jails"),
	U("allow.dying", "Linux jails do not linger dying"),
	S("command", "the command jail(8) runs in the jail"),
	S("depend", "jails started before this one and stopped after it"),
	S("exec.prepare", "commands run on the host before anything else"),
	S("exec.prestart", "commands run on the host before the jail is made"),
	S("exec.created", "commands run on the host once the jail exists"),
	S("exec.start", "commands run in the jail to start it"),
	S("exec.poststart", "commands run on the host after exec.start"),
	S("exec.prestop", "commands run on the host before stopping"),
	S("exec.stop", "commands run in the jail to stop it"),
	S("exec.poststop", "commands run on the host after the jail is gone"),
	S("exec.release", "commands run on the host last of all"),
	S("exec.clean", "commands run with a clean environment"),
	S("exec.jail_user", "the user commands in the jail run as"),
	S("exec.system_jail_user", "look exec.jail_user up on the host, not in the jail"),
	S("exec.system_user", "the user host commands run as"),
	S("exec.timeout", "seconds a command may run"),
	S("exec.consolelog", "a host file the jail's commands write to"),
	U("exec.fib", "no FIBs on Linux; use vnet and policy routing"),
	S("stop.timeout", "seconds from SIGTERM to SIGKILL on stop"),
	M("interface", "with ip4.addr or ip6.addr: the bridge the jail's veth joins, as vnet.bridge"),
	S("ip4.defaultrouter", "ljail's own: the jail's IPv4 default route, set in its own network stack"),
	S("ip6.defaultrouter", "ljail's own: as ip4.defaultrouter, for IPv6"),
	U("ip_hostname", "addresses come from ip4.addr and ip6.addr only; name lookups are not trusted"),
	M("mount", "fstab lines; devfs, fdescfs, procfs, linprocfs, linsysfs and nullfs map to Linux "
	  "file systems"),
	M("mount.fstab", "a file of fstab lines, as mount"),
	M("mount.devfs", "a tmpfs /dev with the devfs_ruleset's nodes"),
	M("mount.fdescfs", "the /dev/fd, stdin, stdout and stderr links"),
	M("mount.procfs", "proc on /proc, sensitive files masked"),
	S("overlay.lower", "ljail's own: a thin jail's template tree, the read-only lower layer of an "
	  "overlay mounted on path inside the jail"),
	S("overlay.upper", "ljail's own: the folder that holds a thin jail's changes; its work folder is "
	  "the sibling named work"),
	S("vnet.interface", "host interfaces moved into the jail, and back on stop"),
	S("vnet.bridge", "ljail's own: the host bridge the jail's veth joins (made when missing)"),
	S("vnet.bridge.addr", "ljail's own: ADDR/PREFIX the bridge gets on the host when it lacks it"),
	S("vnet.ifname", "ljail's own: the name of the jail's end of the veth (default eth0)"),
	S("vnet.nat", "ljail's own: masquerade the bridge's subnet to the host's uplinks (nftables) while "
	  "the jail runs"),
	S("vnet.network", "ljail's own: the ljail network (ljail network list) the jail joins: its "
	  "bridge, gateway, NAT and name server; ip4.addr is the jail's address on it"),
	S("vnet.publish", "ljail's own: [HOSTADDR:]HOSTPORT:JAILPORT[/tcp|/udp]: the host's port "
	  "forwarded to the jail's address while it runs (nftables)"),
	S("dns.resolvconf", "ljail's own: the jail's /etc/resolv.conf: jail (its own, the default), host (the "
	  "host's, read-only) or nameserver addresses"),
	S("allow.io_uring",
	  "ljail's own: io_uring; refused by seccomp when off (the default), as its operations "
	  "make sockets and open files without the system calls the filter checks"),
	S("userns",
	  "ljail's own: new gives the jail a user namespace (its root is root over the jail alone; "
	  "see THREAT MODEL in ljail(8)); inherit, the default, shares the host's ids"),
	S("userns.idmap",
	  "ljail's own: BASE:COUNT, the host ids that the jail's ids 0 to COUNT - 1 stand for; "
	  "ljail create hands out a range of 65536 of its own to each jail"),
	M("cpuset.cpus",
	  "ljail's own: the CPUs the jail is pinned to, as cpuset -l takes them (0-3,6), through "
	  "its cgroup's cpuset"),
	M("rctl",
	  "resource limits in rctl(8)'s words, enforced by the jail's own cgroup (see Resource "
	  "limits)"),
	S("boot",
	  "ljail's own: ljail start -a --boot (the boot unit) starts the jail, with the jails it "
	  "depends on"),
	U("zfs.dataset", "no ZFS delegation to jails here"),
};

/*
 * The file system types a mount line may name, and what ljail mounts for
 * each. Anything else (nfs, ext4, a device) is refused: mounting a block
 * device or a network file system would hand the jail the host's kernel
 * parsers and the host's network identity.
 */
static const struct {
	const char *name;
	const char *note;
} lx_fstypes[] = {
	{"devfs", "tmpfs with the device nodes of devfs_ruleset, and a new devpts"},
	{"fdescfs", "the /dev/fd, stdin, stdout and stderr links"},
	{"procfs", "proc, with sensitive files masked"},
	{"linprocfs", "proc, with sensitive files masked"},
	{"proc", "proc, with sensitive files masked"},
	{"linsysfs", "sysfs, read-only"},
	{"sysfs", "sysfs, read-only"},
	{"tmpfs", "tmpfs, with its options"},
	{"nullfs", "a bind mount, nosuid and nodev"},
	{"bind", "a bind mount, nosuid and nodev"},
	{"devpts", "a new devpts instance"},
	{"mqueue", "a POSIX message queue file system"},
};

/* clang-format on */

static const struct conf_host_param *lx_param(const char *name)
{
	for (size_t i = 0; i < LJ_ARRAY_SIZE(lx_params); i++)
		if (lj_str_eq(lx_params[i].name, name))
			return &lx_params[i];
	return NULL;
}

static const char *lx_fstype(const char *type)
{
	for (size_t i = 0; i < LJ_ARRAY_SIZE(lx_fstypes); i++)
		if (lj_str_eq(lx_fstypes[i].name, type))
			return lx_fstypes[i].note;
	return NULL;
}

/*
 * What the jail's cgroup (and, for openfiles, its processes' rlimit) can
 * enforce of rctl(8)'s rules. Only deny: cgroups hold a limit, they do not
 * report, signal or slow down at a threshold as rctl's other actions do.
 */
static const char *lx_rctl(const char *resource, const char *action, const char *per)
{
	static const char *const enforced[] = {"memoryuse", "swapuse", "maxproc", "pcpu",
					       "openfiles", "readbps", "writebps", "readiops",
					       "writeiops"};
	if (!lj_str_eq(per, "jail"))
		return "only the jail as a whole is limited here (its cgroup), not each process, "
		       "user or login class";
	if (!lj_str_eq(action, "deny"))
		return "only deny: a cgroup holds a limit, it does not log, signal or throttle "
		       "when one is reached";
	for (size_t i = 0; i < LJ_ARRAY_SIZE(enforced); i++)
		if (lj_str_eq(enforced[i], resource))
			return NULL;
	if (lj_str_eq(resource, "cputime") || lj_str_eq(resource, "wallclock"))
		return "no cgroup ends a jail after an amount of time; pcpu limits its share of the "
		       "CPU";
	if (lj_str_eq(resource, "vmemoryuse") || lj_str_eq(resource, "datasize") ||
	    lj_str_eq(resource, "stacksize") || lj_str_eq(resource, "coredumpsize") ||
	    lj_str_eq(resource, "memorylocked"))
		return "a per-process limit on Linux (an rlimit), not one for the whole jail; "
		       "memoryuse limits the jail's memory";
	if (lj_str_eq(resource, "nthr"))
		return "maxproc counts threads too on Linux (the pids controller counts tasks)";
	return "System V IPC and pseudo-terminal counts have no cgroup controller";
}

static const struct conf_host lx_host = {
	.name = "Linux",
	.param = lx_param,
	.fstype = lx_fstype,
	.rctl = lx_rctl,
};

const struct conf_host *plat_conf_host(void)
{
	return &lx_host;
}
