/* SPDX-License-Identifier: BSD-2-Clause */
/* The order jails start in: a jail's `depend` jails come before it. */
#ifndef LJAIL_CORE_ORDER_H
#define LJAIL_CORE_ORDER_H

#include "conf/conf.h"
#include "base/error.h"

/*
 * Orders the named jails (all of them when n is 0) so that every jail comes
 * after those it depends on; with_deps adds the dependencies that were not
 * named, as jail -c does. A loop or an unknown jail is an error.
 */
int lj_order_jails(struct conf *c, char *const *names, size_t n, bool with_deps,
		   struct conf_jail ***out, size_t *nout, struct lj_error *err);

#endif
