/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Libraries opened when they are first needed, not linked: what one
 * command uses (libarchive for tarballs, libnftables for NAT) is not
 * loaded by every other, ljail exec among them.
 */
#ifndef LJAIL_BASE_DL_H
#define LJAIL_BASE_DL_H

#include <stddef.h>

#include "base/error.h"

/* A symbol to look up and where its address goes. */
struct lj_dl_sym {
	const char *name;
	void **slot;
};

/*
 * Opens soname once (*handle keeps it) and fills every slot; a library or
 * symbol that is missing is an error that says hint (how to install it).
 */
int lj_dl_open(void **handle, const char *soname, const struct lj_dl_sym *syms, size_t n,
	       const char *hint, struct lj_error *err);

#endif
