/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a host can do with the parameters of jail.conf. The language (conf/)
 * knows FreeBSD's names and types only; each platform says, for its own
 * kernel, what every parameter becomes there or why it cannot be done, and
 * conf_check consults that description when a command is about to act.
 */
#ifndef LJAIL_CONF_HOST_H
#define LJAIL_CONF_HOST_H

#include <stdbool.h>

enum conf_support {
	CONF_SUPPORTED,   /* the same meaning as on FreeBSD */
	CONF_MAPPED,      /* done by the host mechanism the note names */
	CONF_UNSUPPORTED, /* nothing on this host does it; refused, never ignored */
};

struct conf_host_param {
	const char *name;
	enum conf_support support;
	const char *const *only; /* the values possible on this host; NULL: any */
	const char *note;        /* what it does here, or why it cannot */
};

struct conf_host {
	const char *name; /* the host's kernel, as messages name it: "Linux" */
	/* The host's entry for a parameter of conf_param_table; NULL: unknown here. */
	const struct conf_host_param *(*param)(const char *name);
	/* What a mount line of this file system type becomes, or NULL: refused. */
	const char *(*fstype)(const char *type);
	/*
	 * Why an rctl rule (conf/rctl.h) of this resource, action and per
	 * cannot be enforced here, or NULL when it can.
	 */
	const char *(*rctl)(const char *resource, const char *action, const char *per);
};

#endif
