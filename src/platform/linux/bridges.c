/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bridges of ljail's networks and the name server on each: made when
 * the first running jail of this ljail instance is on the network, taken
 * away with the last. A bridge is marked in RUN/net/BRIDGE before it is
 * made, so that whichever ljail syncs next removes one whose jails are gone
 * (a crash, a kill -9), and nothing but what an instance marked itself is
 * ever removed by it: another instance's bridges, and bridges a user made
 * for vnet.bridge, are never touched.
 *
 * The name server is dnsmasq from Debian: bound to the bridge's address
 * alone, answering the running jails' names from a hosts file ljail writes
 * (re-read on SIGHUP) and forwarding the rest to the host's resolvers.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/spawn.h"
#include "platform/linux/handle.h"
#include "platform/linux/net.h"
#include "platform/linux/rtnl.h"

static char *net_dir(const struct lj_paths *paths)
{
	return lj_xasprintf("%s/net", paths->run_dir);
}

/* A jail name that can be a host name in the hosts file: letters, digits, '-', '.'. */
static bool host_name_ok(const char *name)
{
	return *name && *name != '-' && *name != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") ==
		       strlen(name);
}

static int by_name(const void *a, const void *b)
{
	const struct plat_jail *x = *(struct plat_jail *const *)a,
			       *y = *(struct plat_jail *const *)b;
	return strcmp(x->name, y->name);
}

/* "ADDR NAME" for each running jail on the bridge, by name: the same jails, the same text. */
static char *hosts_text(const char *bridge, struct plat_jail *const *running, size_t n)
{
	struct plat_jail **on = lj_xcalloc(n + 1, sizeof(*on));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (running[i]->netbr && lj_str_eq(running[i]->netbr, bridge) &&
		    running[i]->addr4 && host_name_ok(running[i]->name))
			on[k++] = running[i];
	qsort(on, k, sizeof(*on), by_name);
	struct lj_strbuf sb = {0};
	lj_strbuf_adds(&sb, "# Made by ljail: the running jails on this network.\n");
	for (size_t i = 0; i < k; i++)
		lj_strbuf_addf(&sb, "%.*s %s\n", (int)strcspn(on[i]->addr4, "/"), on[i]->addr4,
			       on[i]->name);
	free(on);
	return lj_strbuf_take(&sb);
}

/* The file's text, or NULL. */
static char *read_text(const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	struct lj_strbuf sb = {0};
	char buf[4096];
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		lj_strbuf_addf(&sb, "%.*s", (int)r, buf);
	close(fd);
	return lj_strbuf_take(&sb);
}

/* Written beside and renamed over: the name server never reads half a file. */
static int write_text(const char *file, const char *text, mode_t mode, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *tmp = lj_xasprintf("%s.new", file);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return lj_error_set(err, errno, "'%s': %s", tmp, strerror(errno));
	size_t len = strlen(text);
	bool ok = write(fd, text, len) == (ssize_t)len;
	/* The name server reads it after dropping root: it must be readable to others. */
	ok = fchmod(fd, mode) == 0 && ok;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, file) < 0) {
		int e = errno ? errno : EIO;
		unlink(tmp);
		return lj_error_set(err, e, "'%s': %s", file, strerror(e));
	}
	return 0;
}

/*
 * dnsmasq reads its hosts file after it has become nobody, and the run
 * folder (and a -R instance's root above it) may be closed to others. So
 * it runs in a mount namespace of its own with the net folder (0711, its
 * hosts files 0644) bound on /tmp: nothing above the folder is looked up,
 * and its view of the host's /tmp is gone as a side benefit.
 */
#define FORWARDER_DIR "/tmp"

/*
 * The name server of a bridge, as a pidfd, or -1: the pid in its pid file,
 * and only if that process is the dnsmasq ljail started for that bridge
 * (a pid is reused; a pid file could be stale). Bridge names are the
 * instance's own, so another instance's dnsmasq never matches.
 */
static int forwarder_pidfd(const char *dir, const char *bridge)
{
	LJ_CLEANUP_FREE char *pidfile = lj_xasprintf("%s/%s.pid", dir, bridge);
	LJ_CLEANUP_FREE char *text = read_text(pidfile);
	long pid;
	if (!text || !lj_parse_long(strtok(text, "\n"), &pid) || pid <= 1)
		return -1;
	int fd = pidfd_open((pid_t)pid, 0);
	if (fd < 0)
		return -1;
	char file[64], buf[4096];
	snprintf(file, sizeof(file), "/proc/%ld/cmdline", pid);
	int cfd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t r = cfd >= 0 ? read(cfd, buf, sizeof(buf) - 1) : -1;
	if (cfd >= 0)
		close(cfd);
	LJ_CLEANUP_FREE char *want = lj_xasprintf("--pid-file=" FORWARDER_DIR "/%s.pid", bridge);
	bool ours = false;
	if (r > 0) {
		buf[r] = '\0';
		for (ssize_t at = 0; at < r; at += (ssize_t)strlen(buf + at) + 1)
			ours |= lj_str_eq(buf + at, want);
	}
	if (!ours) {
		close(fd);
		return -1;
	}
	return fd;
}

static void stop_forwarder(const char *dir, const char *bridge)
{
	int fd = forwarder_pidfd(dir, bridge);
	if (fd >= 0) {
		/* Not ljail's child: the pidfd polls readable once it has ended. */
		struct pollfd gone = {.fd = fd, .events = POLLIN};
		if (pidfd_send_signal(fd, SIGTERM, NULL, 0) == 0 && poll(&gone, 1, 2000) == 0) {
			pidfd_send_signal(fd, SIGKILL, NULL, 0);
			poll(&gone, 1, 2000);
		}
		close(fd);
	}
	LJ_CLEANUP_FREE char *pidfile = lj_xasprintf("%s/%s.pid", dir, bridge);
	unlink(pidfile);
}

static int start_forwarder(const char *dir, const char *bridge, const char *addr,
			   struct lj_error *err)
{
	LJ_CLEANUP_FREE char *pid_arg = lj_xasprintf("--pid-file=" FORWARDER_DIR "/%s.pid", bridge);
	LJ_CLEANUP_FREE char *hosts_arg =
		lj_xasprintf("--addn-hosts=" FORWARDER_DIR "/%s.hosts", bridge);
	LJ_CLEANUP_FREE char *listen_arg = lj_xasprintf("--listen-address=%s", addr);
	char *argv[] = {
		"dnsmasq",
		/* No configuration of the host's dnsmasq: this one is ljail's alone. */
		"--conf-file=/dev/null",
		pid_arg,
		/*
		 * The bridge's address alone, bound to it: the jails' name server
		 * is never one for the host's other networks or the outside.
		 */
		listen_arg,
		"--bind-interfaces",
		/* The jails' names, not the host's /etc/hosts. */
		"--no-hosts",
		hosts_arg,
		/* Plain names and private reverse lookups stay here, never sent upstream. */
		"--domain-needed",
		"--bogus-priv",
		/* Root only to bind port 53; a jail talks to an unprivileged process. */
		"--user=nobody",
		"--group=nogroup",
		NULL,
	};
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return lj_error_set(err, errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
		    dup2(devnull, 2) < 0 || unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount(dir, FORWARDER_DIR, NULL, MS_BIND, NULL) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status = 0;
	/*
	 * dnsmasq goes to the background itself once it listens: its first
	 * process ends only then, with a non-zero status when it cannot.
	 */
	int rc = lj_wait(pid, 30, &status);
	if (rc < 0)
		return lj_error_set(err, -rc, "bridge '%s': waiting for dnsmasq: %s", bridge,
				    strerror(-rc));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return lj_error_set(err, EIO,
				    "bridge '%s': the name server (dnsmasq) did not start on %s "
				    "(status %d%s)",
				    bridge, addr, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
				    WIFEXITED(status) && WEXITSTATUS(status) == 127
					    ? ": is dnsmasq-base installed?"
					    : "");
	return 0;
}

/* The bridge, marked first, then made with its address, up. */
static int ensure_bridge(const char *dir, const struct plat_jail *pj, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *mark = lj_xasprintf("%s/%s", dir, pj->netbr);
	bool marked = access(mark, F_OK) == 0;
	bool exists = if_nametoindex(pj->netbr) != 0;
	/*
	 * An interface of that name that this instance did not mark is someone
	 * else's: never taken over, as the last jail's stop would remove it.
	 */
	if (exists && !marked)
		return lj_error_set(
			err, EEXIST,
			"jail '%s': interface '%s' is there already and is not one this "
			"ljail made for its network",
			pj->name, pj->netbr);
	int rc = 0;
	if (!marked && (rc = write_text(mark, pj->netgw, 0600, err)) < 0)
		return rc;
	if (!exists) {
		/* A route into the subnet elsewhere would be cut off by ours, or cut ours. */
		char why[128];
		LJ_CLEANUP_FREE char *subnet = lj_net_subnet(pj->netgw);
		rc = plat_net_subnet_free(pj->netgw, pj->netbr, why, sizeof(why));
		if (rc == -EADDRINUSE)
			return lj_error_set(err, EADDRINUSE,
					    "jail '%s': its network's subnet %s is in use: %s",
					    pj->name, subnet, why);
		if (rc == 0 && (rc = lj_rtnl_bridge_add(pj->netbr)) == -EEXIST)
			rc = 0;
	}
	if (rc == 0 && (rc = lj_rtnl_addr_add(pj->netbr, pj->netgw)) == -EEXIST)
		rc = 0;
	if (rc == 0)
		rc = lj_rtnl_link_set(pj->netbr, NULL, -1, -1, true);
	if (rc < 0)
		return lj_error_set(err, -rc, "jail '%s': bridge '%s': %s", pj->name, pj->netbr,
				    strerror(-rc));
	return 0;
}

/* Its name server: hosts file up to date, dnsmasq running and told of a change. */
static int ensure_forwarder(const char *dir, const struct plat_jail *pj,
			    struct plat_jail *const *running, size_t n, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *hosts = lj_xasprintf("%s/%s.hosts", dir, pj->netbr);
	LJ_CLEANUP_FREE char *text = hosts_text(pj->netbr, running, n);
	LJ_CLEANUP_FREE char *old = read_text(hosts);
	bool changed = !old || !lj_str_eq(old, text);
	int rc = changed ? write_text(hosts, text, 0644, err) : 0;
	if (rc < 0)
		return rc;
	int fd = forwarder_pidfd(dir, pj->netbr);
	if (fd < 0)
		return start_forwarder(dir, pj->netbr, pj->dns, err);
	if (changed)
		pidfd_send_signal(fd, SIGHUP, NULL, 0); /* dnsmasq reads its hosts files again */
	close(fd);
	return 0;
}

static bool bridge_in_use(const char *bridge, struct plat_jail *const *running, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (running[i]->netbr && lj_str_eq(running[i]->netbr, bridge))
			return true;
	return false;
}

/* What an instance marked and no running jail uses any more: name server, bridge, files. */
static void remove_unused(const char *dir, struct plat_jail *const *running, size_t n)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *br = e->d_name;
		if (br[0] == '.' || strchr(br, '.') || strlen(br) >= IF_NAMESIZE ||
		    bridge_in_use(br, running, n))
			continue;
		LJ_CLEANUP_FREE char *hosts = lj_xasprintf("%s/%s.hosts", dir, br);
		stop_forwarder(dir, br);
		/* Its veths went with their jails; a bridge with no ports left is ours to remove.
		 */
		lj_rtnl_link_del(br);
		unlink(hosts);
		unlinkat(dirfd(d), br, 0);
	}
	closedir(d);
}

int lx_bridges_sync(const struct lj_paths *paths, struct plat_jail *const *running, size_t n,
		    struct lj_error *err)
{
	LJ_CLEANUP_FREE char *dir = net_dir(paths);
	int rc = 0;
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any |= running[i]->netbr != NULL;
	/* 0711: the name server, as nobody, reads its hosts file here (see FORWARDER_DIR). */
	if (any && ((mkdir(dir, 0711) < 0 && errno != EEXIST) || chmod(dir, 0711) < 0))
		return lj_error_set(err, errno, "'%s': %s", dir, strerror(errno));
	for (size_t i = 0; i < n; i++) {
		const struct plat_jail *pj = running[i];
		bool first = true;
		for (size_t k = 0; k < i && first; k++)
			first = !running[k]->netbr || !pj->netbr ||
				!lj_str_eq(running[k]->netbr, pj->netbr);
		if (!pj->netbr || !pj->netgw || !first)
			continue;
		struct lj_error one = {0};
		int r = ensure_bridge(dir, pj, &one);
		if (r == 0 && pj->dns)
			r = ensure_forwarder(dir, pj, running, n, &one);
		/* One network's trouble is reported; the others are still made right. */
		if (r < 0 && rc == 0) {
			rc = r;
			*err = one;
		}
	}
	remove_unused(dir, running, n);
	return rc;
}
