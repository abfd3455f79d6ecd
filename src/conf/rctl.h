/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Resource limits as rctl(8) writes them, without the subject (the jail is
 * the subject): "resource:action=amount[/per]", the values of the `rctl`
 * parameter. The language knows FreeBSD's resources and actions; what a
 * host can enforce is the host's (conf/host.h).
 */
#ifndef LJAIL_CONF_RCTL_H
#define LJAIL_CONF_RCTL_H

#include <stdbool.h>
#include <stdint.h>

struct conf_rctl_rule {
	char resource[32]; /* memoryuse, maxproc, pcpu, ... */
	char action[32];   /* deny, log, devctl, throttle, sigterm, ... */
	uint64_t amount;   /* bytes, a count, a percentage or bytes (or I/O) a second */
	char per[16];      /* "jail" when the rule says nothing else */
};

/*
 * Parses one rule. Amounts take rctl's suffixes k, m, g, t, p, e (powers of
 * 1024, either case). Returns 0, or -EINVAL with *why saying what is wrong.
 */
int conf_rctl_parse(const char *text, struct conf_rctl_rule *rule, const char **why);

/* Is this one of the resources rctl(8) knows? */
bool conf_rctl_resource_known(const char *resource);

#endif
