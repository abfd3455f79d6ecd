/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A jail on Linux, behind platform.h's opaque handle: its init (pid, start
 * time, pidfd), its network namespace held open while it is taken down, and
 * the confinement every process that enters it takes on.
 */
#ifndef LJAIL_PLATFORM_LINUX_HANDLE_H
#define LJAIL_PLATFORM_LINUX_HANDLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/jail.h"
#include "platform/platform.h"

struct plat_jail {
	const struct lj_jail *j; /* the plan's jail; NULL when opened from a record */
	char *name;
	pid_t pid;                    /* the jail's init, as the host sees it */
	unsigned long long starttime; /* of that pid, against pid reuse */
	int pidfd;                    /* -1 until created */
	int go;                       /* until commit: the pipe init waits on */
	int netns;                    /* its own network namespace, or -1 */
	bool own_net;
	bool persist;
	uint64_t caps;  /* the capability bounding set */
	void *seccomp;  /* the jail's filter, built once at plan, as BPF */
	size_t seccomp_len;
	char **moved;   /* vnet.interface: host interfaces to give back */
	size_t nmoved;
	char *nat;      /* the subnet masqueraded for this jail, or NULL */
	char *netbr;    /* the bridge of the ljail network it is on, or NULL */
	char *netgw;    /* that bridge's address, ADDR/PREFIX */
	char *dns;      /* that network's name server address, or NULL */
	char *addr4;    /* its first IPv4 address, ADDR/PREFIX, or NULL */
	char **publish; /* vnet.publish, canonical */
	size_t npublish;
	char tag[9];    /* 8 random hex digits per start: names its host objects */
	char *cgroup;   /* its cgroup below the host's cgroup folders, or NULL */
	long openfiles; /* rctl openfiles: each process's RLIMIT_NOFILE, or -1 */
	char *disk;     /* MAJOR:MINOR of the disk I/O limits apply to, or NULL */
};

/* The start time of a process in clock ticks since boot, 0 if it is gone. */
unsigned long long lx_process_starttime(pid_t pid);

/* Kills a jail's init (and so the jail) and waits until it is gone. */
int lx_kill_init(int pidfd, struct lj_error *err);

/* An fd of the jail's network namespace, or -1. */
int lx_open_netns(pid_t pid);

/*
 * Puts the calling process where the jail's processes are: its cgroup
 * (unless it was forked into it: in_cgroup) and its limits, before it
 * joins the jail's namespaces, as the host's root.
 */
int lx_join_limits(const struct plat_jail *pj, bool in_cgroup);

#endif
