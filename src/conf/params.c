/* SPDX-License-Identifier: BSD-2-Clause */
#include "conf/params.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Kernel parameters of jail(2), then jail(8)'s pseudo-parameters. */
/* clang-format off: one entry per line keeps the table readable (and
 * scripts/params-mdoc reads it). */
#define K(n, t) { .name = n, .type = CONF_T_##t }
#define P(n, t) { .name = n, .type = CONF_T_##t, .pseudo = true }

const struct conf_param_def conf_param_table[] = {
	K("jid", INT),
	K("name", STRING),
	K("path", STRING),
	K("persist", BOOL),
	K("parent", INT),
	K("dying", BOOL),
	K("host", JAILSYS),
	K("host.hostname", STRING),
	K("host.domainname", STRING),
	K("host.hostuuid", STRING),
	K("host.hostid", INT),
	K("securelevel", INT),
	K("enforce_statfs", INT),
	K("children.max", INT),
	K("children.cur", INT),
	K("cpuset.id", INT),
	K("osrelease", STRING),
	K("osreldate", INT),
	K("devfs_ruleset", INT),
	K("vnet", JAILSYS),
	K("ip4", JAILSYS),
	K("ip4.addr", IP4),
	K("ip4.saddrsel", BOOL),
	K("ip6", JAILSYS),
	K("ip6.addr", IP6),
	K("ip6.saddrsel", BOOL),
	K("sysvmsg", JAILSYS),
	K("sysvsem", JAILSYS),
	K("sysvshm", JAILSYS),
	K("linux", JAILSYS),
	K("linux.osname", STRING),
	K("linux.osrelease", STRING),
	K("linux.oss_version", INT),
	K("meta", STRING),
	K("env", STRING),
	K("mac.label", STRING),
	K("zfs.mount_snapshot", BOOL),
	K("allow.set_hostname", BOOL),
	K("allow.sysvipc", BOOL),
	K("allow.raw_sockets", BOOL),
	K("allow.chflags", BOOL),
	K("allow.mount", BOOL),
	K("allow.mount.devfs", BOOL),
	K("allow.mount.fdescfs", BOOL),
	K("allow.mount.fusefs", BOOL),
	K("allow.mount.lindebugfs", BOOL),
	K("allow.mount.linprocfs", BOOL),
	K("allow.mount.linsysfs", BOOL),
	K("allow.mount.nullfs", BOOL),
	K("allow.mount.procfs", BOOL),
	K("allow.mount.tmpfs", BOOL),
	K("allow.mount.zfs", BOOL),
	K("allow.quotas", BOOL),
	K("allow.socket_af", BOOL),
	K("allow.mlock", BOOL),
	K("allow.reserved_ports", BOOL),
	K("allow.read_msgbuf", BOOL),
	K("allow.unprivileged_proc_debug", BOOL),
	K("allow.suser", BOOL),
	K("allow.nfsd", BOOL),
	K("allow.extattr", BOOL),
	K("allow.adjtime", BOOL),
	K("allow.settime", BOOL),
	K("allow.routing", BOOL),
	K("allow.unprivileged_parent_tampering", BOOL),
	K("allow.vmm", BOOL),
	K("allow.setaudit", BOOL),
	P("allow.dying", BOOL),
	P("command", LIST),
	P("depend", LIST),
	P("exec.prepare", LIST),
	P("exec.prestart", LIST),
	P("exec.created", LIST),
	P("exec.start", LIST),
	P("exec.poststart", LIST),
	P("exec.prestop", LIST),
	P("exec.stop", LIST),
	P("exec.poststop", LIST),
	P("exec.release", LIST),
	P("exec.clean", BOOL),
	P("exec.jail_user", STRING),
	P("exec.system_jail_user", BOOL),
	P("exec.system_user", STRING),
	P("exec.timeout", INT),
	P("exec.consolelog", STRING),
	P("exec.fib", INT),
	P("stop.timeout", INT),
	P("interface", STRING),
	P("ip4.defaultrouter", STRING),
	P("ip6.defaultrouter", STRING),
	P("ip_hostname", BOOL),
	P("mount", LIST),
	P("mount.fstab", STRING),
	P("mount.devfs", BOOL),
	P("mount.fdescfs", BOOL),
	P("mount.procfs", BOOL),
	P("overlay.lower", STRING),
	P("overlay.upper", STRING),
	P("vnet.interface", LIST),
	P("vnet.bridge", STRING),
	P("vnet.bridge.addr", STRING),
	P("vnet.ifname", STRING),
	P("vnet.nat", BOOL),
	P("vnet.network", STRING),
	P("vnet.publish", LIST),
	P("dns.resolvconf", LIST),
	P("allow.io_uring", BOOL),
	P("userns", JAILSYS),
	P("rctl", LIST),
	P("cpuset.cpus", STRING),
	P("userns.idmap", STRING),
	P("boot", BOOL),
	P("zfs.dataset", LIST),
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
