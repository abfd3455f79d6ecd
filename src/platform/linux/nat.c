/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Outbound access for jails on a bridge: the bridge's subnet masqueraded to
 * the host's uplinks with nftables, in one table of the ljail instance's own
 * (ljail for the host's, ljail-HASH for one with -R DIR). The table
 * is made from the running jails each time: it holds exactly the subnets of
 * those that ask for it, so the first such jail adds the rule, the last one
 * to stop removes it, and a jail killed unseen is cleaned up by the next
 * start or stop.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/spawn.h"
#include "platform/linux/handle.h"

static bool listed(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (lj_str_eq(v[i], s))
			return true;
	return false;
}

/*
 * The instance's table: each instance (its run folder) rebuilds its own from
 * its own jails, so one never takes away another's rules.
 */
static void table_name(const struct lj_paths *paths, char name[32])
{
	if (lj_str_eq(paths->run_dir, "/run/ljail")) {
		snprintf(name, 32, "ljail");
		return;
	}
	uint32_t h = 2166136261u; /* FNV-1a: short, stable, enough to tell folders apart */
	for (const char *p = paths->run_dir; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(name, 32, "ljail-%08x", h);
}

int plat_net_sync(const struct lj_paths *paths, struct plat_jail *const *running, size_t n,
		  struct lj_error *err)
{
	char table[32];
	table_name(paths, table);
	char **subnets = NULL;
	size_t nsub = 0, cap = 0;
	int rc;
	for (size_t i = 0; i < n; i++)
		if (running[i]->nat && !listed(subnets, nsub, running[i]->nat))
			*LJ_VEC_PUSH(subnets, nsub, cap) = lj_xstrdup(running[i]->nat);

	/* Written whole and applied at once: nft replaces the table atomically. */
	struct lj_strbuf sb = {0};
	lj_strbuf_addf(&sb, "table ip %s\ndelete table ip %s\n", table, table);
	if (nsub) {
		lj_strbuf_addf(&sb,
			       "table ip %s {\n\tchain postrouting {\n"
			       "\t\ttype nat hook postrouting priority srcnat; policy accept;\n",
			       table);
		for (size_t i = 0; i < nsub; i++)
			lj_strbuf_addf(&sb, "\t\tip saddr %s ip daddr != %s masquerade\n",
				       subnets[i], subnets[i]);
		lj_strbuf_adds(&sb, "\t}\n}\n");
	}
	for (size_t i = 0; i < nsub; i++)
		free(subnets[i]);
	free(subnets);
	LJ_CLEANUP_FREE char *script = lj_strbuf_take(&sb);

	/* A file of its own: the caller serializes syncs, but nothing else may share it. */
	LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/.nat-XXXXXX.nft", paths->run_dir);
	int fd = mkostemps(file, 4, O_CLOEXEC);
	if (fd < 0)
		return lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
	ssize_t w = write(fd, script, strlen(script));
	close(fd);
	if (w != (ssize_t)strlen(script))
		return lj_error_set(err, EIO, "'%s': short write", file);
	char *argv[] = {"nft", "-f", file, NULL};
	int status;
	rc = lj_spawn_wait(argv, -1, &status, err);
	unlink(file);
	if (rc == 0 && status != 0)
		rc = lj_error_set(err, EIO,
				  "nft could not apply ljail's NAT table %s (exit status %d)",
				  table, status);
	if (rc == 0 && nsub) {
		/* Masquerading needs forwarding; ljail turns it on and leaves it on. */
		int ff = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
		if (ff < 0 || write(ff, "1", 1) != 1)
			rc = lj_error_set(err, errno, "enabling IPv4 forwarding: %s",
					  strerror(errno));
		if (ff >= 0)
			close(ff);
	}
	return rc < 0 ? lj_error_wrap(err, "NAT") : 0;
}
