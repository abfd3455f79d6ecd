/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bootstrapping a Debian tree: mmdebstrap when it is installed, else
 * debootstrap, against the mirror the host's apt sources name, with
 * downloaded packages kept in a cache folder and reused.
 */
#ifndef LJAIL_STORE_BOOTSTRAP_H
#define LJAIL_STORE_BOOTSTRAP_H

#include <stdbool.h>

#include "base/error.h"

struct store_bootstrap {
	const char *suite;   /* bookworm */
	const char *variant; /* minbase, buildd or standard */
	const char *mirror;  /* NULL: apt's own */
	const char *keyring; /* a keyring file for another distribution's mirror, or NULL */
	const char *components; /* "main,universe"; NULL: main */
	const char *include; /* PKG,PKG or NULL */
	const char *arch;    /* NULL: the host's */
	const char *cache;   /* folder of .deb files kept between runs */
	/*
	 * Called whenever the phase or the percentage moves on (the front draws
	 * it), and with phase NULL when a bootstrap that drew fails; NULL: nothing.
	 */
	void (*progress)(void *ctx, const char *phase, int percent);
	void *progress_ctx;
};

/* The mirror the host's apt sources use for suite (any Debian one if none names it). */
int store_apt_mirror(const char *suite, char **uri, struct lj_error *err);

/* Bootstraps into target, which must not exist. */
int store_bootstrap(const struct store_bootstrap *b, const char *target, struct lj_error *err);

#endif
