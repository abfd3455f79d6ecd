/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Templates: Debian trees that thin jails are cloned from. A template is a
 * folder TEMPLATES/NAME with a meta file and one numbered folder per
 * version. A version is never written to once made: `template update`
 * makes the next one, so jails cloned from an older version keep their
 * lower layer unchanged.
 */
#ifndef LJAIL_STORE_TEMPLATE_H
#define LJAIL_STORE_TEMPLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/paths.h"

/*
 * What a template has beyond the variant unless --bare: what the account's
 * user reached for and minbase lacks (ping, ip, ps, dig, nc to listen and
 * connect by hand, and the CAs that apt and TLS need).
 */
#define STORE_TEMPLATE_TOOLS                                                                       \
	"iputils-ping,iproute2,procps,ca-certificates,bind9-dnsutils,netcat-openbsd"

struct store_template_opts {
	const char *suite;   /* default bookworm */
	const char *variant; /* default minbase */
	const char *mirror;  /* default: apt's */
	const char *keyring; /* default: apt's trusted keys (Debian's) */
	const char *components; /* C,C; default main */
	const char *include;
	bool bare; /* --bare: without STORE_TEMPLATE_TOOLS */
	const char *arch;
	const char *tarball; /* --from-tarball */
	const char *dir;     /* --from-dir */
	void (*progress)(void *ctx, const char *phase, int percent); /* see store_bootstrap */
	void *progress_ctx;
};

struct store_template {
	char *name;
	char *suite;
	char *arch;
	long version;
	char *root;     /* the current version's tree */
	uint64_t bytes; /* every version, on disk */
	size_t njails;  /* jails cloned from any version */
};

int store_template_create(const struct lj_paths *paths, const char *name,
			  const struct store_template_opts *o, struct lj_error *err);
/* -ENOENT (with a message) when there is no such template. */
int store_template_find(const struct lj_paths *paths, const char *name, struct store_template *t,
			struct lj_error *err);
int store_template_list(const struct lj_paths *paths, struct store_template **out, size_t *n,
			struct lj_error *err);
/*
 * Upgrades the template's packages into a new version: 0, or 1 when apt
 * upgraded nothing (and no version was made), or an error.
 */
int store_template_update(const struct lj_paths *paths, const char *name, struct lj_error *err);
int store_template_destroy(const struct lj_paths *paths, const char *name, struct lj_error *err);
void store_template_release(struct store_template *t);

/*
 * How many jails may stand on version (0: any) of the template: those whose
 * meta names it, and those whose meta cannot be read (the first of which
 * *unsure names, when given; the caller frees it).
 */
size_t store_template_users(const struct lj_paths *paths, const char *name, long version,
			    char **unsure);

#endif
