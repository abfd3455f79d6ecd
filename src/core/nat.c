/* SPDX-License-Identifier: BSD-2-Clause */
#include "core/nat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/spawn.h"
#include "core/state.h"

static bool listed(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (lj_str_eq(v[i], s))
			return true;
	return false;
}

int lj_nat_sync(const struct lj_paths *paths, struct lj_error *err)
{
	char **names, **subnets = NULL;
	size_t n, nsub = 0, cap = 0;
	int rc = lj_state_names(paths, &names, &n, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct lj_state s;
		struct lj_error ignored = {0};
		if (lj_state_read(paths, names[i], &s, &ignored) == 0) {
			int fd = lj_state_open_init(&s);
			if (fd >= 0 && s.nat && !listed(subnets, nsub, s.nat))
				*LJ_VEC_PUSH(subnets, nsub, cap) = lj_xstrdup(s.nat);
			if (fd >= 0)
				close(fd);
			lj_state_release(&s);
		}
		free(names[i]);
	}
	free(names);

	/* Written whole and applied at once: nft replaces the table atomically. */
	struct lj_strbuf sb = {0};
	lj_strbuf_adds(&sb, "table ip ljail\ndelete table ip ljail\n");
	if (nsub) {
		lj_strbuf_adds(&sb,
			       "table ip ljail {\n\tchain postrouting {\n"
			       "\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
		for (size_t i = 0; i < nsub; i++)
			lj_strbuf_addf(&sb, "\t\tip saddr %s ip daddr != %s masquerade\n",
				       subnets[i], subnets[i]);
		lj_strbuf_adds(&sb, "\t}\n}\n");
	}
	for (size_t i = 0; i < nsub; i++)
		free(subnets[i]);
	free(subnets);
	LJ_CLEANUP_FREE char *script = lj_strbuf_take(&sb);

	LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/.nat.nft", paths->run_dir);
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
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
				  "nft could not apply ljail's NAT table (exit status %d)", status);
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
