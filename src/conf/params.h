/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one table of jail parameters: every parameter FreeBSD's jail(8) knows,
 * with its type. What each means on a host, or why a host cannot do it, is
 * the platform's (conf/host.h; platform/linux/params.c). ljail.conf(5)
 * documents both, and a test keeps the page and the tables in step.
 */
#ifndef LJAIL_CONF_PARAMS_H
#define LJAIL_CONF_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

enum conf_type {
	CONF_T_BOOL,    /* valueless, true/false or a number; "no" prefix */
	CONF_T_INT,     /* one integer */
	CONF_T_STRING,  /* one string */
	CONF_T_LIST,    /* any number of strings; += appends */
	CONF_T_JAILSYS, /* new, inherit or disable; valueless means new */
	CONF_T_IP4,     /* IPv4 addresses: [IFACE|]ADDR[/PREFIX], ... */
	CONF_T_IP6,     /* IPv6 addresses: [IFACE|]ADDR[/PREFIX], ... */
};

struct conf_param_def {
	const char *name;
	enum conf_type type;
	bool pseudo; /* jail(8)'s own parameter, not the kernel's */
};

extern const struct conf_param_def conf_param_table[];
extern const size_t conf_param_count;

/*
 * Finds a parameter by name; "nopersist" and "allow.nomount" find the boolean
 * without the prefix and set *negated (which may be NULL).
 */
const struct conf_param_def *conf_param_find(const char *name, bool *negated);
/* The known name closest to an unknown one, or NULL when none is close. */
const char *conf_param_suggest(const char *name);
const char *conf_type_name(enum conf_type type);

#endif
