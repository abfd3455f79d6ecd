/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/doctor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/spawn.h"
#include "platform/linux/cgroup.h"
#include "platform/linux/handle.h"
#include "platform/linux/rtnl.h"
#include "platform/linux/userns.h"

static void report(struct lj_doctor *d, bool ok, const char *what, const char *why, const char *fix)
{
	LJ_CLEANUP_FREE char *detail = ok ? NULL : lj_xasprintf("%s; %s", why, fix);
	struct plat_check check = {.name = what, .ok = ok, .detail = detail};
	d->report(d->ctx, &check);
	if (!ok)
		d->failed++;
}

static bool has_line(const char *file, const char *needle)
{
	FILE *f = fopen(file, "re");
	char line[512];
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	return found;
}

/* Makes a bridge and a veth pair in a throw-away network namespace. */
static int try_links(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		int rc = lj_rtnl_bridge_add("ljdoc0");
		if (rc == 0)
			rc = lj_rtnl_veth_add("ljdoc1", "ljdoc2", -1);
		_exit(rc < 0 ? -rc : 0);
	}
	int ws;
	if (pid < 0 || waitpid(pid, &ws, 0) < 0)
		return EIO;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : EIO;
}

/*
 * Can jails with their own ids be made here: a user namespace with a
 * range of ids mapped, and an idmapped mount of the folder that holds
 * templates and jails (or of the nearest folder above it that exists).
 */
static int try_own_ids(const char *dir, char *why, size_t n)
{
	const struct lj_idmap map = {1879048192u, LJ_IDMAP_COUNT};
	struct lj_error err = {0};
	LJ_CLEANUP_CLOSE int userns = -1;
	if (lx_userns_make(&map, &userns, &err) < 0) {
		snprintf(why, n, "%.200s", err.msg);
		return -err.code;
	}
	LJ_CLEANUP_FREE char *at = lj_xstrdup(dir);
	struct stat st;
	while (stat(at, &st) < 0 && strrchr(at, '/') && strrchr(at, '/') != at)
		*strrchr(at, '/') = '\0';
	LJ_CLEANUP_CLOSE int mnt = open_tree(AT_FDCWD, at, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	int rc = mnt < 0 ? -errno : lx_userns_idmap_mount(mnt, userns);
	if (rc < 0)
		snprintf(why, n, "an idmapped mount of '%s' failed: %s", at, strerror(-rc));
	return rc;
}

void lj_doctor_host(struct lj_doctor *d, const char *store_dir)
{
	static const char *const ns[] = {"mnt", "pid", "uts", "ipc", "net", "cgroup"};
	bool all = true;
	for (size_t i = 0; i < LJ_ARRAY_SIZE(ns); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		all = all && access(path, F_OK) == 0;
	}
	report(d, all, "host: mount, PID, UTS, IPC, network and cgroup namespaces",
	       "the kernel lacks one",
	       "use a kernel built with CONFIG_NAMESPACES and all its parts");
	report(d, has_line("/proc/filesystems", "overlay"), "host: overlayfs for thin jails",
	       "overlay is not in /proc/filesystems", "modprobe overlay");
	int links = try_links();
	char why[128];
	snprintf(why, sizeof(why), "making them failed: %s", strerror(links));
	report(d, links == 0, "host: bridges and veth pairs", why,
	       "modprobe bridge veth (or use a kernel that has them)");
	/* Where jails' cgroups and their rctl limits go: v2 first, v1 on hybrid hosts. */
	enum lx_cgroup_mode mode = lx_cgroup_mode(LX_CGROUP_FS);
	report(d, mode != LX_CGROUP_NONE,
	       mode == LX_CGROUP_V2 ? "host: cgroups for jails and rctl: v2 (the unified hierarchy)"
	       : mode == LX_CGROUP_V1
		       ? "host: cgroups for jails and rctl: v1 (controllers on hierarchies "
			 "of their own, a hybrid host)"
		       : "host: cgroups for jails and rctl",
	       "no cgroup controllers are mounted at " LX_CGROUP_FS,
	       "mount cgroup2 on /sys/fs/cgroup (systemd does on Debian 12)");
	report(d, lj_have_program("mmdebstrap") || lj_have_program("debootstrap"),
	       "host: mmdebstrap or debootstrap for templates", "neither is installed",
	       "apt-get install mmdebstrap");
	report(d, lj_have_program("nft"), "host: nft for vnet.nat and vnet.publish",
	       "nft is not installed", "apt-get install nftables");
	report(d, lj_have_program("dnsmasq"), "host: dnsmasq, the networks' name server",
	       "dnsmasq is not installed", "apt-get install dnsmasq-base");
	char ids_why[256] = "";
	report(d, try_own_ids(store_dir, ids_why, sizeof(ids_why)) == 0,
	       "host: user namespaces and idmapped mounts for jails' own ids (userns = new)",
	       ids_why,
	       "use Linux 5.19 or later and a file system with idmapped mounts (ext4, btrfs, "
	       "xfs, tmpfs) for the store, or create jails with --privileged");
}

/*
 * The default gateway from /proc/net/route (as the jail sees it), else
 * loopback. Only in a jail with its own stack, whose router is the bridge
 * ljail made: a jail with the host's stack pings loopback, so that doctor
 * never sends anything to the host's own router.
 */
static struct in_addr ping_target(bool own_net, bool *is_gw)
{
	struct in_addr a = {htonl(INADDR_LOOPBACK)};
	*is_gw = false;
	FILE *f = own_net ? fopen("/proc/net/route", "re") : NULL;
	char line[256];
	while (f && fgets(line, sizeof(line), f)) {
		char ifname[32];
		unsigned dest, gw;
		if (sscanf(line, "%31s %x %x", ifname, &dest, &gw) == 3 && dest == 0 && gw) {
			a.s_addr = gw;
			*is_gw = true;
			break;
		}
	}
	if (f)
		fclose(f);
	return a;
}

static bool wait_readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) == 1;
}

static int check_icmp(struct in_addr to, char *why, size_t n)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0) {
		snprintf(why, n, "no ICMP socket for an ordinary user: %s", strerror(errno));
		return -1;
	}
	struct icmphdr h = {.type = ICMP_ECHO, .un.echo.sequence = htons(1)};
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = to};
	int rc = -1;
	if (sendto(fd, &h, sizeof(h), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		snprintf(why, n, "sending to %s: %s", inet_ntoa(to), strerror(errno));
	else if (!wait_readable(fd, 2000))
		snprintf(why, n, "no echo reply from %s in 2 s", inet_ntoa(to));
	else
		rc = 0;
	close(fd);
	return rc;
}

static bool nameserver(struct in_addr *out)
{
	FILE *f = fopen("/etc/resolv.conf", "re");
	char line[256], addr[64];
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "nameserver %63s", addr) == 1 &&
			inet_pton(AF_INET, addr, out) == 1;
	if (f)
		fclose(f);
	return found;
}

/* A DNS query for "." over UDP: any answer at all shows UDP works both ways. */
static int check_udp_dns(char *why, size_t n)
{
	struct in_addr ns;
	if (!nameserver(&ns)) {
		snprintf(why, n, "/etc/resolv.conf names no IPv4 nameserver");
		return -1;
	}
	static const unsigned char query[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0,
					      0,    0,    0,    0,    0, 2, 0, 1};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(53), .sin_addr = ns};
	int rc = -1;
	unsigned char reply[512];
	if (fd < 0)
		snprintf(why, n, "no UDP socket: %s", strerror(errno));
	else if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		 send(fd, query, sizeof(query), 0) < 0)
		snprintf(why, n, "to %s: %s", inet_ntoa(ns), strerror(errno));
	else if (!wait_readable(fd, 3000))
		snprintf(why, n, "no answer from %s in 3 s", inet_ntoa(ns));
	else if (recv(fd, reply, sizeof(reply), 0) < 2)
		snprintf(why, n, "from %s: %s", inet_ntoa(ns), strerror(errno));
	else
		rc = 0;
	if (fd >= 0)
		close(fd);
	return rc;
}

static int check_netlink(char *why, size_t n)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		snprintf(why, n, "no netlink socket: %s", strerror(errno));
		return -1;
	}
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {.h = {.nlmsg_len = sizeof(req),
		       .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		 .i = {.ifi_family = AF_UNSPEC}};
	char buf[8192];
	int rc = -1;
	if (send(fd, &req, sizeof(req), 0) < 0 || recv(fd, buf, sizeof(buf), 0) <= 0)
		snprintf(why, n, "listing links: %s", strerror(errno));
	else
		rc = 0;
	close(fd);
	return rc;
}

static int check_listen(char *why, size_t n)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = {htonl(INADDR_ANY)}};
	socklen_t len = sizeof(sa);
	int rc = -1;
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) < 0) {
		snprintf(why, n, "listening on a TCP port: %s", strerror(errno));
	} else {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			snprintf(why, n, "connecting to it: %s", strerror(errno));
		else
			rc = 0;
		if (c >= 0)
			close(c);
	}
	if (s >= 0)
		close(s);
	return rc;
}

static int check_home(const struct lj_user *u, char *why, size_t n)
{
	struct stat st;
	char profile[4096];
	snprintf(profile, sizeof(profile), "%s/.profile", u->home);
	if (stat(u->home, &st) < 0)
		snprintf(why, n, "'%s': %s", u->home, strerror(errno));
	else if (st.st_uid != u->uid)
		snprintf(why, n, "'%s' belongs to uid %u, not to %s", u->home, (unsigned)st.st_uid,
			 u->name);
	else if (access(profile, F_OK) < 0)
		snprintf(why, n, "'%s' has no skeleton files (.profile)", u->home);
	else
		return 0;
	return -1;
}

void lj_doctor_inside(struct lj_doctor *d, const struct lj_user *u, bool own_net)
{
	char why[512], what[128];
	bool is_gw;
	struct in_addr to = ping_target(own_net, &is_gw);
	snprintf(what, sizeof(what), "jail, as %s: ping %s (%s)", u->name, inet_ntoa(to),
		 is_gw     ? "the default router"
		 : own_net ? "no default route; loopback"
			   : "the host's stack; loopback");
	report(d, check_icmp(to, why, sizeof(why)) == 0, what, why,
	       "the jail needs its own network stack (ljail sets ping_group_range there) and a "
	       "route to that address");
	/*
	 * Only a name server on the jail's own gateway (its network's, on a
	 * bridge ljail made) is asked: doctor never sends a query to the
	 * host's resolvers or anything beyond the host by itself.
	 */
	struct in_addr ns;
	bool own_ns = is_gw && nameserver(&ns) && ns.s_addr == to.s_addr;
	if (own_ns) {
		snprintf(what, sizeof(what),
			 "jail, as %s: DNS over UDP to its network's name server", u->name);
		report(d, check_udp_dns(why, sizeof(why)) == 0, what, why,
		       "the network's name server (dnsmasq on the bridge) should answer: ljail "
		       "network list, and restart the jail");
	} else {
		snprintf(what, sizeof(what), "jail, as %s: DNS not probed (%s)", u->name,
			 own_net ? "its name server is not its gateway's"
				 : "the host's stack and resolvers");
		report(d, true, what, "", "");
	}
	if (!own_net) {
		/* What sharing the host's stack means, said rather than discovered. */
		char range[64] = "?";
		FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "re");
		if (f && fgets(range, sizeof(range), f))
			range[strcspn(range, "\n")] = '\0';
		if (f)
			fclose(f);
		snprintf(what, sizeof(what),
			 "jail: the host's network stack (ip4 = inherit): ping_group_range is the "
			 "host's (%s); no address, names or ports of its own",
			 range);
		report(d, true, what, "", "");
	}
	snprintf(what, sizeof(what), "jail, as %s: netlink (ip addr)", u->name);
	report(d, check_netlink(why, sizeof(why)) == 0, what, why,
	       "allow.socket_af must not be refusing netlink");
	snprintf(what, sizeof(what), "jail, as %s: a listening TCP socket", u->name);
	report(d, check_listen(why, sizeof(why)) == 0, what, why,
	       "a jail refuses nothing here by default; check its seccomp parameters");
	snprintf(what, sizeof(what), "jail, as %s: home folder %s", u->name, u->home);
	report(d, check_home(u, why, sizeof(why)) == 0, what, why,
	       "ljail useradd JAIL USER fixes it");
}

unsigned plat_doctor_host(const char *store_dir, plat_report_fn fn, void *ctx)
{
	struct lj_doctor d = {.report = fn, .ctx = ctx};
	lj_doctor_host(&d, store_dir);
	return d.failed;
}

struct inside {
	plat_report_fn fn;
	void *ctx;
	bool own_net;
};

/* In the jail, as the user, as the account's failures happened to the user. */
static int doctor_inside(void *ctx, const struct lj_user *u)
{
	struct inside *in = ctx;
	struct lj_doctor d = {.report = in->fn, .ctx = in->ctx};
	lj_doctor_inside(&d, u, in->own_net);
	return d.failed > 99 ? 99 : (int)d.failed;
}

int plat_doctor_jail(struct plat_jail *pj, const char *user, plat_report_fn fn, void *ctx,
		     unsigned *failed, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *found = user ? NULL : plat_first_user(pj);
	struct inside in = {fn, ctx, pj->own_net};
	struct plat_command cmd = {
		.user = user ? user : found ? found : "nobody",
		.cwd = "/",
		.out_fd = -1,
		.fn = doctor_inside,
		.ctx = &in,
	};
	pid_t helper = plat_attach(pj, &cmd, err);
	if (helper < 0)
		return (int)helper;
	int status = 126;
	lj_wait(helper, 0, &status);
	if (status >= 100)
		return lj_error_set(err, EIO,
				    "jail '%s': the checks inside could not run (status %d)",
				    pj->name, status);
	*failed = (unsigned)status;
	return 0;
}
