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

#include <arpa/inet.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/dl.h"
#include "platform/linux/handle.h"
#include "platform/linux/net.h"

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
	snprintf(name, 32, "ljail-%08x", lj_fnv1a(LJ_FNV1A_BASIS, paths->run_dir));
}

/* "PROTO dport N dnat to ADDR:M" and friends for one published port of a jail. */
struct forward {
	struct lj_publish p;
	char addr[INET_ADDRSTRLEN]; /* the jail's */
	char *subnet;               /* the jail's segment, for its neighbours' hairpin */
	const char *bridge;
};

static void add_forwards(struct lj_strbuf *sb, const struct forward *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *proto = f[i].p.udp ? "udp" : "tcp";
		/* No address: every address of the host's, as podman's -p. */
		if (f[i].p.host_addr[0])
			lj_strbuf_addf(sb, "\t\tip daddr %s ", f[i].p.host_addr);
		else
			lj_strbuf_adds(sb, "\t\tfib daddr type local ");
		lj_strbuf_addf(sb, "%s dport %u dnat to %s:%u\n", proto, f[i].p.host_port,
			       f[i].addr, f[i].p.jail_port);
	}
}

/*
 * The table's text: masquerading for the subnets that ask for NAT, and the
 * published ports of the running jails.
 */
static char *table_script(const char *table, struct plat_jail *const *running, size_t n)
{
	char **subnets = NULL, **guarded = NULL;
	size_t nsub = 0, cap = 0, nguard = 0, gcap = 0, nfwd = 0, fcap = 0;
	struct forward *fwd = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct plat_jail *pj = running[i];
		if (pj->nat && !listed(subnets, nsub, pj->nat))
			*LJ_VEC_PUSH(subnets, nsub, cap) = lj_xstrdup(pj->nat);
		for (size_t k = 0; pj->addr4 && k < pj->npublish; k++) {
			struct forward *f = LJ_VEC_PUSH(fwd, nfwd, fcap);
			const char *why;
			*f = (struct forward){0};
			lj_publish_parse(pj->publish[k], &f->p, &why);
			snprintf(f->addr, sizeof(f->addr), "%.*s", (int)strcspn(pj->addr4, "/"),
				 pj->addr4);
			f->subnet = lj_net_subnet(pj->addr4);
			f->bridge = pj->netbr;
			if (pj->netbr && !listed(guarded, nguard, pj->netbr))
				*LJ_VEC_PUSH(guarded, nguard, gcap) = lj_xstrdup(pj->netbr);
		}
	}

	/* Written whole and applied at once: nft replaces the table atomically. */
	struct lj_strbuf sb = {0};
	lj_strbuf_addf(&sb, "table ip %s\ndelete table ip %s\n", table, table);
	if (nsub || nfwd) {
		lj_strbuf_addf(&sb, "table ip %s {\n", table);
		if (nfwd) {
			lj_strbuf_adds(&sb, "\tchain prerouting {\n\t\ttype nat hook prerouting "
					    "priority dstnat; policy accept;\n");
			add_forwards(&sb, fwd, nfwd);
			/* The host's own connections, to localhost or its addresses. */
			lj_strbuf_adds(&sb, "\t}\n\tchain output {\n\t\ttype nat hook output "
					    "priority -100; policy accept;\n");
			add_forwards(&sb, fwd, nfwd);
			lj_strbuf_adds(&sb, "\t}\n");
		}
		lj_strbuf_adds(&sb, "\tchain postrouting {\n\t\ttype nat hook postrouting "
				    "priority srcnat; policy accept;\n");
		for (size_t i = 0; i < nsub; i++)
			lj_strbuf_addf(&sb, "\t\tip saddr %s ip daddr != %s masquerade\n",
				       subnets[i], subnets[i]);
		/*
		 * A forwarded connection from the host's localhost, or from a jail
		 * beside the target on its segment, is answered straight back
		 * unless it seems to come from the host: masqueraded to the
		 * bridge's address.
		 */
		for (size_t i = 0; i < nfwd; i++)
			lj_strbuf_addf(
				&sb,
				"\t\tct status dnat ip saddr { 127.0.0.0/8, %s } ip daddr %s "
				"%s dport %u masquerade\n",
				fwd[i].subnet ? fwd[i].subnet : "127.0.0.0/8", fwd[i].addr,
				fwd[i].p.udp ? "udp" : "tcp", fwd[i].p.jail_port);
		lj_strbuf_adds(&sb, "\t}\n");
		if (nguard) {
			/*
			 * route_localnet on a bridge (what forwarding from localhost
			 * needs) would also let a jail send packets to the host's
			 * 127.0.0.0/8 through it and reach services bound to
			 * localhost alone (CVE-2020-8558 in kube-proxy): dropped
			 * before routing.
			 */
			lj_strbuf_adds(&sb, "\tchain guard {\n\t\ttype filter hook prerouting "
					    "priority raw; policy accept;\n");
			for (size_t i = 0; i < nguard; i++)
				lj_strbuf_addf(&sb,
					       "\t\tiifname \"%s\" ip daddr 127.0.0.0/8 drop\n"
					       "\t\tiifname \"%s\" ip saddr 127.0.0.0/8 drop\n",
					       guarded[i], guarded[i]);
			lj_strbuf_adds(&sb, "\t}\n");
		}
		lj_strbuf_adds(&sb, "}\n");
	}
	for (size_t i = 0; i < nsub; i++)
		free(subnets[i]);
	free(subnets);
	for (size_t i = 0; i < nguard; i++)
		free(guarded[i]);
	free(guarded);
	for (size_t i = 0; i < nfwd; i++)
		free(fwd[i].subnet);
	free(fwd);
	return lj_strbuf_take(&sb);
}

/*
 * libnftables, opened when a table is applied (as libarchive is): in the
 * process it costs about 1 ms a script where running nft(8) cost 17 to
 * 26 ms (its start-up and cache), most of a network jail's start; and no
 * command that never touches NAT pays for loading it.
 */
#define NFT_SYMBOLS(X)                                                                             \
	X(nft_ctx_new)                                                                             \
	X(nft_ctx_buffer_error)                                                                    \
	X(nft_ctx_get_error_buffer)                                                                \
	X(nft_run_cmd_from_buffer)

#define DECLARE(name) static __typeof__(name) *sym_##name;
NFT_SYMBOLS(DECLARE)
#undef DECLARE

#define SLOT(name) {#name, (void **)&sym_##name},
static const struct lj_dl_sym nft_syms[] = {NFT_SYMBOLS(SLOT)};
#undef SLOT

static int load_libnftables(struct lj_error *err)
{
	static void *handle;
	return lj_dl_open(&handle, "libnftables.so.1", nft_syms, LJ_ARRAY_SIZE(nft_syms),
			  "apt-get install nftables", err);
}

/* The script applied as one transaction: all of it, or nothing and nft's first error line. */
static int nft_apply(const char *script, const char *table, struct lj_error *err)
{
	/*
	 * One context for the process, never freed: nft_ctx_free took 8 to 27
	 * ms here (three times the rest of the call), and ljail ends soon
	 * after a sync anyway. It stays reachable, so no leak is reported.
	 */
	static struct nft_ctx *ctx;
	int rc = load_libnftables(err);
	if (rc < 0)
		return rc;
	if (!ctx && (ctx = sym_nft_ctx_new(NFT_CTX_DEFAULT)) != NULL)
		sym_nft_ctx_buffer_error(ctx);
	if (!ctx)
		return lj_error_set(err, ENOMEM, "libnftables: out of memory");
	if (sym_nft_run_cmd_from_buffer(ctx, script) != 0) {
		const char *why = sym_nft_ctx_get_error_buffer(ctx);
		rc = lj_error_set(err, EIO, "nft could not apply ljail's table %s: %.*s", table,
				  why ? (int)strcspn(why, "\n") : 0, why ? why : "");
	}
	return rc;
}

/* route_localnet on the bridges of jails with published ports, so localhost reaches them. */
static int allow_localnet(struct plat_jail *const *running, size_t n, struct lj_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!running[i]->netbr || !running[i]->npublish)
			continue;
		LJ_CLEANUP_FREE char *file = lj_xasprintf(
			"/proc/sys/net/ipv4/conf/%s/route_localnet", running[i]->netbr);
		int fd = open(file, O_WRONLY | O_CLOEXEC);
		bool ok = fd >= 0 && write(fd, "1", 1) == 1;
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (!ok)
			return lj_error_set(err, e, "'%s': %s", file, strerror(e));
	}
	return 0;
}

static int apply_table(const struct lj_paths *paths, struct plat_jail *const *running, size_t n,
		       struct lj_error *err)
{
	char table[32];
	table_name(paths, table);
	int rc;
	bool forwarding = false;
	for (size_t i = 0; i < n; i++)
		forwarding |= running[i]->nat || running[i]->npublish;
	LJ_CLEANUP_FREE char *script = table_script(table, running, n);

	rc = nft_apply(script, table, err);
	if (rc == 0 && forwarding) {
		/* Masquerading needs forwarding; ljail turns it on and leaves it on. */
		int ff = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
		if (ff < 0 || write(ff, "1", 1) != 1)
			rc = lj_error_set(err, errno, "enabling IPv4 forwarding: %s",
					  strerror(errno));
		if (ff >= 0)
			close(ff);
	}
	if (rc == 0)
		rc = allow_localnet(running, n, err);
	return rc < 0 ? lj_error_wrap(err, "NAT") : 0;
}

int plat_net_sync(const struct lj_paths *paths, struct plat_jail *const *running, size_t n,
		  struct lj_error *err)
{
	/* The bridges first: route_localnet and the forwarder need them. */
	int rc = lx_bridges_sync(paths, running, n, err);
	/* The table is made all the same: the other jails' rules must not wait on one bridge. */
	struct lj_error later = {0};
	int rc2 = apply_table(paths, running, n, rc < 0 ? &later : err);
	return rc < 0 ? rc : rc2;
}
