/* SPDX-License-Identifier: BSD-2-Clause */
/* The jail's handle on Linux: plan, create, commit, record, open, signal, end. */
#include "platform/linux/handle.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/pidfd.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "platform/linux/cgroup.h"
#include "platform/linux/confine.h"
#include "platform/linux/create.h"
#include "platform/linux/net.h"

static struct plat_jail *handle_new(const char *name)
{
	struct plat_jail *pj = lj_xcalloc(1, sizeof(*pj));
	pj->name = lj_xstrdup(name);
	pj->pidfd = pj->go = pj->netns = -1;
	pj->openfiles = -1;
	return pj;
}

int plat_plan(const struct lj_jail *j, struct plat_jail **out, struct lj_error *err)
{
	struct plat_jail *pj = handle_new(j->name);
	pj->j = j;
	pj->own_net = j->own_net;
	pj->persist = j->persist;
	pj->caps = lx_jail_caps(j);
	pj->nmoved = j->nvnet_ifaces;
	pj->moved = pj->nmoved ? lj_xcalloc(pj->nmoved, sizeof(*pj->moved)) : NULL;
	for (size_t i = 0; i < pj->nmoved; i++)
		pj->moved[i] = lj_xstrdup(j->vnet_ifaces[i]);
	pj->openfiles = j->limits.openfiles > LONG_MAX ? LONG_MAX : (long)j->limits.openfiles;
	/*
	 * A tag of its own for each start names its host objects (its cgroup,
	 * its veth's host end): two ljail instances (-R) with jails of one name
	 * or jid never share one, and a start's leftovers never meet the next
	 * start's. Random, as jids and names repeat across instances.
	 */
	unsigned char tag[4];
	if (getrandom(tag, sizeof(tag), 0) != (ssize_t)sizeof(tag)) {
		plat_close(pj);
		return lj_error_set(err, errno ? errno : EIO, "jail '%s': random tag: %s", j->name,
				    strerror(errno ? errno : EIO));
	}
	snprintf(pj->tag, sizeof(pj->tag), "%02x%02x%02x%02x", tag[0], tag[1], tag[2], tag[3]);
	if (lx_cgroup_mode(LX_CGROUP_FS) != LX_CGROUP_NONE) {
		LJ_CLEANUP_FREE char *parent = lx_cgroup_parent_here(LX_CGROUP_FS);
		pj->cgroup = lj_xasprintf("%s/%s.%s", parent, j->name, pj->tag);
	}
	if (j->net_owned) {
		pj->netbr = lj_xstrdup(j->bridge);
		pj->netgw = lj_xstrdup(j->bridge_addr);
	}
	if (j->dns)
		pj->dns = lj_xstrdup(j->dns);
	const char *addr4 = lj_jail_addr4(j);
	if (addr4)
		pj->addr4 = lj_xstrdup(addr4);
	pj->npublish = j->npublish;
	pj->publish = j->npublish ? lj_xcalloc(j->npublish, sizeof(*pj->publish)) : NULL;
	for (size_t i = 0; i < j->npublish; i++) {
		char text[64];
		pj->publish[i] = lj_xstrdup(lj_publish_format(&j->publish[i], text, sizeof(text)));
	}
	int rc = 0;
	if (j->nat && !(pj->nat = lj_net_subnet(j->bridge_addr)))
		rc = lj_error_usage(err, "jail '%s': vnet.bridge.addr '%s' is not an IPv4 ADDR/PREFIX",
				    j->name, j->bridge_addr);
	if (rc == 0 &&
	    (rc = lj_seccomp_build(lx_jail_deny(j), &pj->seccomp, &pj->seccomp_len, err)) < 0)
		lj_error_wrap(err, "jail '%s'", j->name);
	if (rc < 0) {
		plat_close(pj);
		return rc;
	}
	*out = pj;
	return 0;
}

int plat_create(struct plat_jail *pj, const struct plat_run *run, struct lj_error *err)
{
	int rc = lx_create(pj, run, err);
	/* Held from now on: the network is taken down through it even after init is gone. */
	if (rc == 0 && pj->own_net)
		pj->netns = lx_open_netns(pj->pid);
	return rc;
}

int plat_commit(struct plat_jail *pj, struct lj_error *err)
{
	ssize_t n = write(pj->go, "g", 1);
	close(pj->go);
	pj->go = -1;
	if (n != 1)
		return lj_error_set(err, errno ? errno : EIO, "jail '%s': its init is gone",
				    pj->name);
	return 0;
}

static void put_hex(struct lj_kvlist *rec, const char *key, const void *data, size_t len)
{
	char *hex = lj_xmalloc(2 * len + 1);
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", ((const unsigned char *)data)[i]);
	hex[2 * len] = '\0';
	lj_kv_add(rec, key, hex);
	free(hex);
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex back to bytes; stops at the first character that is not hex. */
static void *from_hex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	unsigned char *out = lj_xmalloc(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			n = i;
			break;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	*len = n;
	return out;
}

void plat_record(const struct plat_jail *pj, struct lj_kvlist *rec)
{
	lj_kv_addf(rec, "pid", "%d", (int)pj->pid);
	lj_kv_add(rec, "tag", pj->tag);
	lj_kv_addf(rec, "starttime", "%llu", pj->starttime);
	lj_kv_add(rec, "own_net", pj->own_net ? "1" : "0");
	lj_kv_addf(rec, "caps", "%#llx", (unsigned long long)pj->caps);
	for (size_t i = 0; i < pj->nmoved; i++)
		lj_kv_add(rec, "moved", pj->moved[i]);
	if (pj->nat)
		lj_kv_add(rec, "nat", pj->nat);
	if (pj->netbr) {
		lj_kv_add(rec, "netbr", pj->netbr);
		lj_kv_add(rec, "netgw", pj->netgw);
	}
	if (pj->dns)
		lj_kv_add(rec, "dns", pj->dns);
	if (pj->addr4)
		lj_kv_add(rec, "addr4", pj->addr4);
	for (size_t i = 0; i < pj->npublish; i++)
		lj_kv_add(rec, "publish", pj->publish[i]);
	put_hex(rec, "seccomp", pj->seccomp, pj->seccomp_len);
	if (pj->cgroup)
		lj_kv_add(rec, "cgroup", pj->cgroup);
	if (pj->openfiles >= 0)
		lj_kv_addf(rec, "openfiles", "%ld", pj->openfiles);
	if (pj->disk)
		lj_kv_add(rec, "disk", pj->disk);
}

/*
 * A cgroup a record names: only a jail's, in an "ljail" folder (at the root,
 * or in a delegated cgroup), and no way out of it.
 */
static const char *record_cgroup(const struct lj_kvlist *rec)
{
	const char *cg = lj_kv_get(rec, "cgroup");
	if (!cg || cg[0] == '/' || strstr(cg, "..") || strstr(cg, "//"))
		return NULL;
	const char *leaf = strrchr(cg, '/');
	if (!leaf || !leaf[1] || leaf - cg < 5 || strncmp(leaf - 5, "ljail", 5) != 0 ||
	    (leaf - cg > 5 && leaf[-6] != '/'))
		return NULL;
	return cg;
}

void plat_release(const struct lj_kvlist *rec)
{
	const char *cg = record_cgroup(rec);
	if (cg)
		lx_cgroup_remove(LX_CGROUP_FS, cg);
}

int plat_usage(struct plat_jail *pj, struct plat_usage *u, struct lj_error *err)
{
	*u = (struct plat_usage){-1, -1, -1, -1};
	if (!pj->cgroup)
		return lj_error_set(err, ENOENT, "jail '%s' has no cgroup (the host has none)",
				    pj->name);
	struct lx_cgroup_usage a, b;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	lx_cgroup_usage(LX_CGROUP_FS, pj->cgroup, &a);
	nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
	lx_cgroup_usage(LX_CGROUP_FS, pj->cgroup, &b);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int64_t wall = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
	u->memoryuse = b.memoryuse;
	u->swapuse = b.swapuse;
	u->maxproc = b.maxproc;
	if (a.cputime_ns >= 0 && b.cputime_ns >= a.cputime_ns && wall > 0)
		u->pcpu = (b.cputime_ns - a.cputime_ns) * 100 / wall;
	return 0;
}

int plat_limit(struct plat_jail *pj, const struct lj_limits *limits, struct lj_error *err)
{
	if (!pj->cgroup)
		return lj_error_set(err, ENOENT, "jail '%s' has no cgroup (the host has none)",
				    pj->name);
	int rc = lx_cgroup_limit(LX_CGROUP_FS, pj->name, pj->cgroup, limits, pj->disk, err);
	/* Processes that run already keep theirs; the jail's new ones get this. */
	if (rc == 0 && limits->openfiles >= 0)
		pj->openfiles = limits->openfiles > LONG_MAX ? LONG_MAX : (long)limits->openfiles;
	return rc;
}

int lx_join_limits(const struct plat_jail *pj, bool in_cgroup)
{
	int rc = pj->cgroup && !in_cgroup ? lx_cgroup_enter(LX_CGROUP_FS, pj->cgroup, 0) : 0;
	if (rc < 0)
		return rc;
	struct rlimit nofile = {(rlim_t)pj->openfiles, (rlim_t)pj->openfiles};
	if (pj->openfiles >= 0 && setrlimit(RLIMIT_NOFILE, &nofile) < 0)
		return -errno;
	return 0;
}

void plat_describe(const struct plat_jail *pj, struct lj_kvlist *out)
{
	lj_kv_addf(out, "pid", "%d", (int)pj->pid);
	lj_kv_add(out, "own_network", pj->own_net ? "true" : "false");
}

bool plat_record_net_shared(const struct lj_kvlist *rec)
{
	return lj_kv_get(rec, "nat") || lj_kv_get(rec, "netbr") || lj_kv_get(rec, "publish");
}

int plat_open(const char *name, const struct lj_kvlist *rec, struct plat_jail **out,
	      struct lj_error *err)
{
	(void)err;
	long pid;
	const char *start = lj_kv_get(rec, "starttime");
	/* A state written before its init existed (pid 0) names no process. */
	if (!lj_parse_long(lj_kv_get(rec, "pid") ? lj_kv_get(rec, "pid") : "", &pid) || pid <= 0 ||
	    !start)
		return -ESRCH;
	int fd = pidfd_open((pid_t)pid, 0);
	if (fd < 0)
		return -ESRCH;
	/*
	 * The pidfd pins the pid: if the start time matches now, it is the
	 * jail's init. A pidfd polls readable once its process has ended: an
	 * init that is a zombie, not yet reaped, is gone with its jail.
	 */
	struct pollfd ended = {.fd = fd, .events = POLLIN};
	if (lx_process_starttime((pid_t)pid) != strtoull(start, NULL, 10) ||
	    poll(&ended, 1, 0) != 0) {
		close(fd);
		return -ESRCH;
	}
	struct plat_jail *pj = handle_new(name);
	pj->pid = (pid_t)pid;
	pj->starttime = strtoull(start, NULL, 10);
	pj->pidfd = fd;
	const char *own_net = lj_kv_get(rec, "own_net");
	pj->own_net = own_net && lj_str_eq(own_net, "1");
	const char *caps = lj_kv_get(rec, "caps");
	pj->caps = caps ? strtoull(caps, NULL, 16) : 0;
	size_t cap = 0;
	for (size_t i = 0; i < rec->n; i++)
		if (lj_str_eq(rec->items[i].key, "moved"))
			*LJ_VEC_PUSH(pj->moved, pj->nmoved, cap) = lj_xstrdup(rec->items[i].value);
	const char *nat = lj_kv_get(rec, "nat");
	pj->nat = nat ? lj_xstrdup(nat) : NULL;
	lx_net_open_record(pj, rec);
	const char *seccomp = lj_kv_get(rec, "seccomp");
	pj->seccomp = from_hex(seccomp ? seccomp : "", &pj->seccomp_len);
	const char *cg = record_cgroup(rec);
	pj->cgroup = cg ? lj_xstrdup(cg) : NULL;
	const char *tag = lj_kv_get(rec, "tag");
	if (tag && strlen(tag) == 8 && strspn(tag, "0123456789abcdef") == 8)
		memcpy(pj->tag, tag, sizeof(pj->tag));
	const char *disk = lj_kv_get(rec, "disk");
	pj->disk = disk && strspn(disk, "0123456789:") == strlen(disk) ? lj_xstrdup(disk) : NULL;
	long openfiles;
	const char *of = lj_kv_get(rec, "openfiles");
	if (of && lj_parse_long(of, &openfiles) && openfiles >= 0)
		pj->openfiles = openfiles;
	/*
	 * Held open, the jail's network namespace outlives its init, so its
	 * interfaces can be taken down after it ends rather than whenever the
	 * kernel's own clean-up gets to them.
	 */
	if (pj->own_net)
		pj->netns = lx_open_netns(pj->pid);
	*out = pj;
	return 0;
}

int plat_signal(struct plat_jail *pj, int sig, struct lj_error *err)
{
	if (pidfd_send_signal(pj->pidfd, sig, NULL, 0) < 0)
		return lj_error_set(err, errno, "jail '%s': signal %d: %s", pj->name, sig,
				    strerror(errno));
	return 0;
}

bool plat_wait_gone(struct plat_jail *pj, long timeout)
{
	struct pollfd p = {.fd = pj->pidfd, .events = POLLIN};
	int n;
	while ((n = poll(&p, 1, (int)(timeout * 1000))) < 0 && errno == EINTR)
		;
	return n > 0;
}

int plat_wait_exit(struct plat_jail *pj, int *status, struct lj_error *err)
{
	/* init is ljail's own child here: it ends with the command's status. */
	siginfo_t si;
	int rc;
	while ((rc = waitid(P_PIDFD, (id_t)pj->pidfd, &si, WEXITED)) < 0 && errno == EINTR)
		;
	if (rc < 0)
		return lj_error_set(err, errno, "jail '%s': waiting for it: %s", pj->name,
				    strerror(errno));
	*status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	return 0;
}

int lx_kill_init(int pidfd, struct lj_error *err)
{
	if (pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return lj_error_set(err, errno, "killing the jail's init: %s", strerror(errno));
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return lj_error_set(err, errno, "waiting for the jail's init: %s",
					    strerror(errno));
	/* Reap it if it is our own child; a reparented init is reaped by its new parent. */
	siginfo_t si;
	waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOHANG);
	return 0;
}

int plat_destroy(struct plat_jail *pj, struct lj_error *err)
{
	if (pj->pidfd < 0)
		return 0; /* never created, or lx_create cleaned up after itself */
	if (pj->go >= 0)
		close(pj->go); /* init reads end-of-file and ends */
	pj->go = -1;
	return lx_kill_init(pj->pidfd, err);
}

void plat_close(struct plat_jail *pj)
{
	if (!pj)
		return;
	if (pj->pidfd >= 0)
		close(pj->pidfd);
	if (pj->go >= 0)
		close(pj->go);
	if (pj->netns >= 0)
		close(pj->netns);
	for (size_t i = 0; i < pj->nmoved; i++)
		free(pj->moved[i]);
	free(pj->moved);
	free(pj->nat);
	free(pj->netbr);
	free(pj->netgw);
	free(pj->dns);
	free(pj->addr4);
	for (size_t i = 0; i < pj->npublish; i++)
		free(pj->publish[i]);
	free(pj->publish);
	free(pj->cgroup);
	free(pj->disk);
	free(pj->seccomp);
	free(pj->name);
	free(pj);
}

int lx_open_netns(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

unsigned long long lx_process_starttime(pid_t pid)
{
	char file[64], buf[1024];
	snprintf(file, sizeof(file), "/proc/%d/stat", (int)pid);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and ')': fields start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* Field 22 is starttime; after ')' come fields 3, 4, ... */
	int field = 2;
	char *save = NULL;
	for (char *tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (++field == 22)
			return strtoull(tok, NULL, 10);
	return 0;
}
