/* SPDX-License-Identifier: BSD-2-Clause */
/* Live changes of a running jail's rctl rules (ljail rctl -a). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/rctl.h"
#include "runtime/lifecycle.h"
#include "runtime/running.h"
#include "runtime/state.h"

/* The state's rctl values with rule in place of any for the same resource: a new list. */
static char **with_rule(const struct lj_state *s, const struct conf_rctl_rule *add,
			const char *rule, size_t *n)
{
	const struct lj_state_param *old = NULL;
	for (size_t i = 0; i < s->nparams; i++)
		if (lj_str_eq(s->params[i].name, "rctl"))
			old = &s->params[i];
	size_t cap = (old ? old->nvalues : 0) + 1;
	char **out = lj_xcalloc(cap, sizeof(*out));
	*n = 0;
	for (size_t i = 0; old && i < old->nvalues; i++) {
		struct conf_rctl_rule r;
		const char *why;
		if (conf_rctl_parse(old->values[i], &r, &why) == 0 &&
		    lj_str_eq(r.resource, add->resource))
			continue;
		out[(*n)++] = lj_xstrdup(old->values[i]);
	}
	out[(*n)++] = lj_xstrdup(rule);
	return out;
}

/* Puts values in place of the state's rctl parameter (or adds it). */
static void set_state_rules(struct lj_state *s, char *const *values, size_t n)
{
	for (size_t i = 0; i < s->nparams; i++) {
		struct lj_state_param *p = &s->params[i];
		if (!lj_str_eq(p->name, "rctl"))
			continue;
		for (size_t v = 0; v < p->nvalues; v++)
			free(p->values[v]);
		free(p->values);
		p->nvalues = n;
		p->values = lj_xcalloc(n, sizeof(*p->values));
		for (size_t v = 0; v < n; v++)
			p->values[v] = lj_xstrdup(values[v]);
		return;
	}
	lj_state_add_param(s, "rctl", values, n, false);
}

static void free_rules(char **rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rules[i]);
	free(rules);
}

int lj_rctl_add(const struct lj_paths *paths, const char *name, const char *rule, char ***rules,
		size_t *nrules, struct lj_error *err)
{
	struct conf_rctl_rule r;
	const char *why = NULL;
	const struct conf_host *host = plat_conf_host();
	if (conf_rctl_parse(rule, &r, &why) < 0)
		return lj_error_usage(err, "jail '%s': rctl rule '%s' %s", name, rule, why);
	if (host->rctl && (why = host->rctl(r.resource, r.action, r.per)))
		return lj_error_usage(err, "jail '%s': rctl rule '%s' is not possible on %s: %s",
				      name, rule, host->name, why);
	int lock;
	int rc = lj_state_lock(paths, name, &lock, err);
	if (rc < 0)
		return rc;
	struct rt_running run;
	rc = rt_probe(paths, name, &run, err);
	if (rc == 0 && (run.status != RT_RUNNING || !run.pj))
		rc = lj_error_set(err, ESRCH, "jail '%s' is not running", name);
	size_t n = 0;
	char **list = NULL;
	if (rc == 0) {
		list = with_rule(&run.state, &r, rule, &n);
		struct lj_limits limits;
		size_t bad;
		if (lj_limits_parse(list, n, &limits, &bad, &why) < 0)
			rc = lj_error_usage(err, "jail '%s': rctl rule '%s' %s", name, list[bad],
					    why);
		else
			rc = plat_limit(run.pj, &limits, err);
	}
	if (rc == 0) {
		/* The run state says what holds now, for rctl and for exec's next processes. */
		set_state_rules(&run.state, list, n);
		lj_kv_release(&run.state.plat);
		plat_record(run.pj, &run.state.plat);
		rc = lj_state_write(paths, &run.state, err);
	}
	rt_running_close(&run);
	lj_state_unlock(paths, name, lock, false);
	if (rc < 0) {
		free_rules(list, n);
		return rc;
	}
	*rules = list;
	*nrules = n;
	return 0;
}
