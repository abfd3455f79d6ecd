/* SPDX-License-Identifier: BSD-2-Clause */
#include "platform/linux/confine.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "model/jail.h"

/* libseccomp's SCMP_A0() and friends leave datum_b to the default; clang warns. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static void seccomp_cleanup(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

#define RULE(action, name, ...) seccomp_rule_add(ctx, action, SCMP_SYS(name), __VA_ARGS__)

/* The low 32 bits of an argument, where the kernel reads an int. */
#define INT_ARG(n, v) SCMP_CMP((n), SCMP_CMP_MASKED_EQ, 0xffffffffu, (v))

static int deny_sockets(scmp_filter_ctx ctx, unsigned deny)
{
	int rc = 0;
	if (deny & LJ_DENY_RAW_SOCKETS) {
		/* The type carries SOCK_NONBLOCK and SOCK_CLOEXEC in its high bits. */
		rc = rc
			     ?: RULE(SCMP_ACT_ERRNO(EPERM), socket, 2, INT_ARG(0, AF_INET),
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
		rc = rc
			     ?: RULE(SCMP_ACT_ERRNO(EPERM), socket, 2, INT_ARG(0, AF_INET6),
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
		rc = rc ?: RULE(SCMP_ACT_ERRNO(EPERM), socket, 1, INT_ARG(0, AF_PACKET));
		/*
		 * SOCK_PACKET is the old packet socket interface, reached through
		 * AF_INET and AF_INET6: with CAP_NET_RAW it sniffs and injects
		 * frames on every interface of the network namespace.
		 */
		rc = rc
			     ?: RULE(SCMP_ACT_ERRNO(EPERM), socket, 2, INT_ARG(0, AF_INET),
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_PACKET));
		rc = rc
			     ?: RULE(SCMP_ACT_ERRNO(EPERM), socket, 2, INT_ARG(0, AF_INET6),
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_PACKET));
	}
	if (deny & LJ_DENY_IO_URING) {
		/*
		 * io_uring's operations make sockets (IORING_OP_SOCKET), open files
		 * and more without the system calls this filter looks at: a known
		 * way around seccomp. Refused, as docker's default profile does,
		 * unless allow.io_uring asks for it.
		 */
		rc = rc ?: RULE(SCMP_ACT_ERRNO(ENOSYS), io_uring_setup, 0);
		rc = rc ?: RULE(SCMP_ACT_ERRNO(ENOSYS), io_uring_enter, 0);
		rc = rc ?: RULE(SCMP_ACT_ERRNO(ENOSYS), io_uring_register, 0);
	}
	if (deny & LJ_DENY_SOCKET_AF) {
		/*
		 * FreeBSD's default: unix, inet, inet6 and routing sockets (netlink
		 * here, and packet sockets, which allow.raw_sockets governs). The
		 * other families as aligned blocks, value & mask == base, which
		 * keeps the filter short; anything from 32 up (and any value with
		 * high bits set) is refused by the last rule.
		 */
		static const struct {
			scmp_datum_t mask, base;
		} refused[] = {
			{~(scmp_datum_t)0, 0},  {~(scmp_datum_t)0, 3},  {~(scmp_datum_t)3, 4},
			{~(scmp_datum_t)1, 8},  {~(scmp_datum_t)0, 11}, {~(scmp_datum_t)3, 12},
			{~(scmp_datum_t)1, 18}, {~(scmp_datum_t)3, 20}, {~(scmp_datum_t)7, 24},
		};
		for (size_t i = 0; i < LJ_ARRAY_SIZE(refused) && rc == 0; i++)
			rc = RULE(SCMP_ACT_ERRNO(EAFNOSUPPORT), socket, 1,
				  SCMP_A0(SCMP_CMP_MASKED_EQ, refused[i].mask, refused[i].base));
		rc = rc ?: RULE(SCMP_ACT_ERRNO(EAFNOSUPPORT), socket, 1, SCMP_A0(SCMP_CMP_GE, 32));
	}
	return rc;
}

/*
 * children.max = 0: a jail makes no jails. Every other namespace needs
 * CAP_SYS_ADMIN, which a jail lacks; a user namespace needs nothing and
 * would hand its processes a full capability set over a namespace of their
 * own (and the kernel code behind it), from which they could make the rest.
 * So user namespaces are refused. clone3's flags sit in memory a filter
 * cannot read: it answers ENOSYS, and glibc falls back to clone.
 */
static int deny_namespaces(scmp_filter_ctx ctx)
{
	int rc = RULE(SCMP_ACT_ERRNO(EPERM), unshare, 1,
		      SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	rc = rc
		     ?: RULE(SCMP_ACT_ERRNO(EPERM), clone, 1,
			     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	return rc ?: RULE(SCMP_ACT_ERRNO(ENOSYS), clone3, 0);
}

static int deny_sysv(scmp_filter_ctx ctx, unsigned deny)
{
	static const struct {
		unsigned bit;
		int calls[4];
	} sysv[] = {
		{LJ_DENY_SYSVMSG,
		 {SCMP_SYS(msgget), SCMP_SYS(msgsnd), SCMP_SYS(msgrcv), SCMP_SYS(msgctl)}},
		{LJ_DENY_SYSVSEM,
		 {SCMP_SYS(semget), SCMP_SYS(semop), SCMP_SYS(semtimedop), SCMP_SYS(semctl)}},
		{LJ_DENY_SYSVSHM,
		 {SCMP_SYS(shmget), SCMP_SYS(shmat), SCMP_SYS(shmdt), SCMP_SYS(shmctl)}},
	};
	int rc = 0;
	for (size_t i = 0; i < LJ_ARRAY_SIZE(sysv) && rc == 0; i++)
		for (size_t k = 0; k < 4 && rc == 0 && (deny & sysv[i].bit); k++)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), sysv[i].calls[k], 0);
	return rc;
}

int lj_seccomp_build(unsigned deny, void **prog, size_t *len, struct lj_error *err)
{
	__attribute__((cleanup(seccomp_cleanup))) scmp_filter_ctx ctx =
		seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return lj_error_set(err, ENOMEM, "seccomp: cannot make a filter");
	/*
	 * No no_new_privs: sudo and other set-uid programs must work inside,
	 * as they do in a FreeBSD jail. Loading without it needs CAP_SYS_ADMIN,
	 * which the caller still has at this point.
	 */
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/*
	 * The filter knows the native system calls only; a call through another
	 * ABI (32-bit x86) fails instead of slipping past the rules.
	 */
	rc = rc ?: seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));

	/*
	 * Kernel keyrings are not namespaced, and uid 0 in a jail is uid 0 on
	 * the host: the jail's root would share the host root's keys.
	 */
	rc = rc ?: RULE(SCMP_ACT_ERRNO(ENOSYS), keyctl, 0);
	rc = rc ?: RULE(SCMP_ACT_ERRNO(ENOSYS), add_key, 0);
	rc = rc ?: RULE(SCMP_ACT_ERRNO(ENOSYS), request_key, 0);
	/*
	 * `ljail exec` passes the caller's terminal in, as jexec does; TIOCSTI
	 * would let the jail type commands into the host shell that owns it.
	 */
	rc = rc
		     ?: RULE(SCMP_ACT_ERRNO(EPERM), ioctl, 1,
			     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
	rc = rc
		     ?: RULE(SCMP_ACT_ERRNO(EPERM), ioctl, 1,
			     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
	/* Opening by handle bypasses the jail's root (also needs a capability it lacks). */
	rc = rc ?: RULE(SCMP_ACT_ERRNO(EPERM), open_by_handle_at, 0);
	rc = rc ?: deny_namespaces(ctx);

	rc = rc ?: deny_sockets(ctx, deny);
	rc = rc ?: deny_sysv(ctx, deny);
	if (rc == 0 && (deny & LJ_DENY_PTRACE)) {
		rc = RULE(SCMP_ACT_ERRNO(EPERM), ptrace, 0);
		rc = rc ?: RULE(SCMP_ACT_ERRNO(EPERM), process_vm_readv, 0);
		rc = rc ?: RULE(SCMP_ACT_ERRNO(EPERM), process_vm_writev, 0);
	}
	if (rc < 0)
		return lj_error_set(err, -rc, "seccomp: building the filter: %s", strerror(-rc));
	/* libseccomp 2.5 exports to an fd only: a memfd holds the program. */
	LJ_CLEANUP_CLOSE int fd = memfd_create("ljail-seccomp", MFD_CLOEXEC);
	struct stat st;
	if (fd < 0 || (rc = seccomp_export_bpf(ctx, fd)) < 0 || fstat(fd, &st) < 0)
		return lj_error_set(err, rc < 0 ? -rc : errno, "seccomp: exporting the filter: %s",
				    strerror(rc < 0 ? -rc : errno));
	*len = (size_t)st.st_size;
	*prog = lj_xmalloc(*len ? *len : 1);
	if (pread(fd, *prog, *len, 0) != (ssize_t)*len) {
		free(*prog);
		*prog = NULL;
		return lj_error_set(err, EIO, "seccomp: reading the filter back");
	}
	return 0;
}

int lj_seccomp_load(const void *prog, size_t len, struct lj_error *err)
{
	if (len == 0 || len % sizeof(struct sock_filter) != 0)
		return lj_error_set(err, EINVAL, "seccomp: a damaged filter program");
	struct sock_fprog fprog = {
		.len = (unsigned short)(len / sizeof(struct sock_filter)),
		.filter = (struct sock_filter *)(uintptr_t)prog,
	};
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		return lj_error_set(err, errno, "seccomp: loading the filter: %s", strerror(errno));
	return 0;
}

static void cap_cleanup(cap_t *c)
{
	if (*c)
		cap_free(*c);
}

int lj_confine_caps(uint64_t caps, struct lj_error *err)
{
	cap_value_t max = cap_max_bits();
	for (cap_value_t c = 0; c < max; c++) {
		if (c < 64 && (caps & (UINT64_C(1) << c)))
			continue;
		if (cap_drop_bound(c) < 0 && errno != EINVAL)
			return lj_error_set(err, errno, "dropping capability %d: %s", c,
					    strerror(errno));
	}
	__attribute__((cleanup(cap_cleanup))) cap_t set = cap_init();
	if (!set)
		return lj_error_set(err, errno, "capabilities: %s", strerror(errno));
	for (cap_value_t c = 0; c < max && c < 64; c++) {
		if (!(caps & (UINT64_C(1) << c)))
			continue;
		if (cap_set_flag(set, CAP_PERMITTED, 1, &c, CAP_SET) < 0 ||
		    cap_set_flag(set, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0)
			return lj_error_set(err, errno, "capabilities: %s", strerror(errno));
	}
	if (cap_set_proc(set) < 0 || cap_reset_ambient() < 0)
		return lj_error_set(err, errno, "setting capabilities: %s", strerror(errno));
	return 0;
}

#define CAP(c) (UINT64_C(1) << (c))

/*
 * The powers of root in a jail, kept close to those of root in a FreeBSD
 * jail (see ljail.conf(5), CONFINEMENT). Without user namespaces these are
 * checked against the host's user namespace, so each one kept must only
 * reach what the jail owns. Left out, and why:
 *   SYS_ADMIN         mount, sethostname on the host's terms, and many ways
 *                     out (cgroup release_agent, bpf, ...)
 *   SYS_MODULE, SYS_BOOT, SYS_TIME, SYS_RAWIO
 *                     loading modules, rebooting, setting the clock, port I/O
 *   SYS_PTRACE        jail root could attach to a non-dumpable process ljail
 *                     has just put into the jail (and read /proc/PID/exe of
 *                     ljail itself); users keep ptrace of their own processes
 *   MKNOD             device nodes would open the host's devices
 *   DAC_READ_SEARCH   open_by_handle_at(2) opens files by handle, outside the
 *                     jail's root (DAC_OVERRIDE already lets root read all
 *                     of the jail's files)
 *   SYS_NICE          real-time scheduling could starve the host
 *   SYS_RESOURCE      going over limits and the file systems' reserve
 *   NET_ADMIN         only with allow.routing and an own network namespace
 *   IPC_LOCK, LINUX_IMMUTABLE, SYSLOG   only with allow.mlock,
 *                     allow.chflags, allow.read_msgbuf
 *   the rest (audit control, MAC, BPF, perfmon, checkpoint, wake alarms,
 *   tty config, process accounting) act on the host as a whole.
 * CAP_NET_RAW stays: Debian's ping carries it as a file capability and the
 * kernel refuses to run such a file when the bounding set lacks it, so raw
 * sockets are refused by seccomp instead (allow.raw_sockets).
 */
static uint64_t base_caps(void)
{
	return CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FOWNER) | CAP(CAP_FSETID) |
	       CAP(CAP_KILL) | CAP(CAP_SETGID) | CAP(CAP_SETUID) | CAP(CAP_SETPCAP) |
	       CAP(CAP_NET_BIND_SERVICE) | CAP(CAP_NET_BROADCAST) | CAP(CAP_NET_RAW) |
	       CAP(CAP_SYS_CHROOT) | CAP(CAP_AUDIT_WRITE) | CAP(CAP_SETFCAP) | CAP(CAP_LEASE);
}

uint64_t lx_jail_caps(const struct lj_jail *j)
{
	const struct lj_powers *p = &j->powers;
	uint64_t caps = base_caps();
	/* IPC_OWNER reaches only the IPC objects of the jail's own namespace. */
	if (j->own_ipc)
		caps |= CAP(CAP_IPC_OWNER);
	if (!p->reserved_ports)
		caps &= ~CAP(CAP_NET_BIND_SERVICE);
	if (p->mlock)
		caps |= CAP(CAP_IPC_LOCK);
	if (p->chflags)
		caps |= CAP(CAP_LINUX_IMMUTABLE);
	if (p->read_msgbuf)
		caps |= CAP(CAP_SYSLOG);
	/* In the host's stack NET_ADMIN would be the host's routing table (model/jail.c refuses it). */
	if (p->routing && j->own_net)
		caps |= CAP(CAP_NET_ADMIN);
	return caps;
}

unsigned lx_jail_deny(const struct lj_jail *j)
{
	const struct lj_powers *p = &j->powers;
	unsigned deny = 0;
	if (!p->raw_sockets)
		deny |= LJ_DENY_RAW_SOCKETS;
	if (!p->socket_af)
		deny |= LJ_DENY_SOCKET_AF;
	if (!p->io_uring)
		deny |= LJ_DENY_IO_URING;
	if (!p->proc_debug)
		deny |= LJ_DENY_PTRACE;
	if (p->sysvmsg_off)
		deny |= LJ_DENY_SYSVMSG;
	if (p->sysvsem_off)
		deny |= LJ_DENY_SYSVSEM;
	if (p->sysvshm_off)
		deny |= LJ_DENY_SYSVSHM;
	return deny;
}
