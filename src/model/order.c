/* SPDX-License-Identifier: BSD-2-Clause */
#include "model/order.h"

#include <errno.h>
#include <stdlib.h>

struct order {
	struct conf *c;
	unsigned char *mark; /* 0 new, 1 being visited, 2 placed */
	bool *wanted;
	bool with_deps;
	struct conf_jail **out;
	size_t n;
};

static int visit(struct order *o, size_t i, struct lj_error *err)
{
	struct conf_jail *j = &o->c->jails[i];
	if (o->mark[i] == 2)
		return 0;
	if (o->mark[i] == 1)
		return lj_error_usage(err, "jail '%s': its depend parameters form a loop", j->name);
	o->mark[i] = 1;
	const struct conf_param *dep = conf_jail_param(j, "depend");
	for (size_t d = 0; dep && d < dep->nvalues; d++) {
		struct conf_jail *other = conf_find_jail(o->c, dep->values[d]);
		if (!other)
			return lj_error_usage(err,
					      "jail '%s': depends on '%s', which is not in the "
					      "configuration",
					      j->name, dep->values[d]);
		size_t k = (size_t)(other - o->c->jails);
		if (!o->with_deps && !o->wanted[k])
			continue;
		int rc = visit(o, k, err);
		if (rc < 0)
			return rc;
	}
	o->mark[i] = 2;
	o->out[o->n++] = j;
	return 0;
}

int lj_order_jails(struct conf *c, char *const *names, size_t n, bool with_deps,
		   struct conf_jail ***out, size_t *nout, struct lj_error *err)
{
	size_t total = c->njails ? c->njails : 1;
	struct order o = {
		.c = c,
		.mark = lj_xcalloc(total, 1),
		.wanted = lj_xcalloc(total, sizeof(bool)),
		.with_deps = with_deps,
		.out = lj_xcalloc(total, sizeof(struct conf_jail *)),
	};
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct conf_jail *j = conf_find_jail(c, names[i]);
		if (!j)
			rc = lj_error_usage(err, "jail '%s' is not in the configuration", names[i]);
		else
			o.wanted[j - c->jails] = true;
	}
	for (size_t i = 0; i < c->njails && n == 0; i++)
		o.wanted[i] = true;
	for (size_t i = 0; i < c->njails && rc == 0; i++)
		if (o.wanted[i])
			rc = visit(&o, i, err);
	free(o.mark);
	free(o.wanted);
	if (rc < 0) {
		free(o.out);
		return rc;
	}
	*out = o.out;
	*nout = o.n;
	return 0;
}
