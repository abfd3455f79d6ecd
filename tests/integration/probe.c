/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tries, from inside a jail, each thing root in a jail must not be able to
 * do, and prints one line per try: "NAME refused ERRNO" or "NAME ALLOWED".
 * The integration tests copy it into a jail and read its report; it makes no
 * judgement itself. With "raw" it only tries raw and packet sockets.
 *
 * usage: probe [HOST_PID]   (a host pid the jail must not see)
 *        probe raw
 *        probe uring
 *        probe alloc MB      touches MB megabytes, one at a time, printing each
 *        probe forks N       forks up to N children that wait; prints how many it got
 *        probe nofile        prints how many descriptors it can open
 *        probe spoof IFACE MAC SRC DST PORT
 *                            sends one UDP datagram "spoofed" from SRC to DST:PORT
 *                            as an Ethernet frame to MAC, through a packet socket:
 *                            what a jail's root can put on its link, whatever
 *                            its routes say
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static void report(const char *name, long rc)
{
	if (rc < 0)
		printf("%s refused %s\n", name, strerror(errno));
	else
		printf("%s ALLOWED\n", name);
	fflush(stdout);
}

/* Holds each child in pause() until the parent is done; returns how many forked. */
static int forks(int n)
{
	pid_t *kids = calloc((size_t)n, sizeof(*kids));
	int got = 0;
	while (got < n) {
		pid_t pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid < 0)
			break;
		kids[got++] = pid;
	}
	for (int i = 0; i < got; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < got; i++)
		waitpid(kids[i], NULL, 0);
	free(kids);
	return got;
}

/* The Internet checksum of len bytes (RFC 1071). */
static uint16_t checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static int spoof(char **argv)
{
	struct {
		struct ethhdr eth;
		struct iphdr ip;
		struct udphdr udp;
		char payload[8];
	} __attribute__((packed)) f = {0};
	unsigned m[6];
	if (sscanf(argv[3], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		return 2;
	for (int i = 0; i < 6; i++)
		f.eth.h_dest[i] = (unsigned char)m[i];
	f.eth.h_proto = htons(ETH_P_IP);
	memcpy(f.payload, "spoofed\n", 8);
	f.ip.version = 4;
	f.ip.ihl = 5;
	f.ip.ttl = 64;
	f.ip.protocol = IPPROTO_UDP;
	f.ip.tot_len = htons(sizeof(f) - sizeof(f.eth));
	inet_pton(AF_INET, argv[4], &f.ip.saddr);
	inet_pton(AF_INET, argv[5], &f.ip.daddr);
	f.ip.check = checksum(&f.ip, sizeof(f.ip));
	f.udp.source = htons(40000);
	f.udp.dest = htons((uint16_t)atoi(argv[6]));
	f.udp.len = htons(sizeof(f.udp) + sizeof(f.payload));
	/* The UDP checksum is optional over IPv4: 0 means none. */
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[2]);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		report("spoof", -1);
		return 1;
	}
	memcpy(f.eth.h_source, ifr.ifr_hwaddr.sa_data, 6);
	struct sockaddr_ll to = {.sll_family = AF_PACKET,
				 .sll_ifindex = (int)if_nametoindex(argv[2]),
				 .sll_halen = 6};
	memcpy(to.sll_addr, f.eth.h_dest, 6);
	report("spoof", sendto(fd, &f, sizeof(f), 0, (struct sockaddr *)&to, sizeof(to)));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "alloc")) {
		long mb = atol(argv[2]);
		for (long i = 0; i < mb; i++) {
			char *p = malloc(1 << 20);
			if (!p)
				return 1;
			memset(p, 1, 1 << 20);
			printf("%ld\n", i + 1);
			fflush(stdout);
		}
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "forks")) {
		printf("forked %d\n", forks(atoi(argv[2])));
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "nofile")) {
		int n = 0;
		while (open("/dev/null", O_RDONLY) >= 0)
			n++;
		printf("opened %d\n", n);
		return 0;
	}
	if (argc > 6 && !strcmp(argv[1], "spoof"))
		return spoof(argv);
	if (argc > 1 && !strcmp(argv[1], "raw")) {
		report("raw_socket", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
		report("packet_socket", socket(AF_PACKET, SOCK_RAW, 0));
		/* The old packet interface, through AF_INET. */
		report("packet_inet", socket(AF_INET, SOCK_PACKET, htons(ETH_P_ALL)));
		return 0;
	}
	struct io_uring_params params = {0};
	if (argc > 1 && !strcmp(argv[1], "uring")) {
		report("io_uring_setup", syscall(SYS_io_uring_setup, 4, &params));
		return 0;
	}
	static const char empty_module[] = "";
	report("init_module", syscall(SYS_init_module, empty_module, 0, ""));
	report("finit_module", syscall(SYS_finit_module, 0, "", 0));
	report("delete_module", syscall(SYS_delete_module, "ext4", O_NONBLOCK));
	report("reboot", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
				 LINUX_REBOOT_CMD_CAD_OFF, NULL));
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	report("clock_settime", clock_settime(CLOCK_REALTIME, &now));
	struct timeval tv = {.tv_sec = now.tv_sec};
	report("settimeofday", settimeofday(&tv, NULL));
	report("mount_tmpfs", mount("none", "/mnt", "tmpfs", 0, NULL));
	report("umount_proc", umount2("/proc", MNT_DETACH));
	report("mknod_block", mknod("/tmp/probe-sda", S_IFBLK | 0600, makedev(8, 0)));
	report("mknod_char", mknod("/tmp/probe-mem", S_IFCHR | 0600, makedev(1, 1)));
	report("open_block_dev", open("/dev/sda", O_RDONLY));
	if (argc > 1)
		report("kill_host_pid", kill((pid_t)atol(argv[1]), 0));
	report("sethostname", sethostname("escaped", 7));
	report("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0));
	char c = 'x';
	int tty = open("/dev/tty", O_RDWR);
	if (tty >= 0)
		report("tiocsti", ioctl(tty, TIOCSTI, &c));
	report("ptrace_init", ptrace(PTRACE_ATTACH, 1, NULL, NULL));
	char buf[64];
	report("read_init_exe", readlink("/proc/1/exe", buf, sizeof(buf)));
	report("raw_socket", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	report("swapoff", syscall(SYS_swapoff, "/dev/sda"));
	report("write_sysctl", open("/proc/sys/kernel/hostname", O_WRONLY));
	report("unshare_user", unshare(CLONE_NEWUSER));
	report("unshare_net", unshare(CLONE_NEWNET));
	report("packet_inet", socket(AF_INET, SOCK_PACKET, htons(ETH_P_ALL)));
	/* io_uring makes sockets and opens files past the filter's checks. */
	report("io_uring_setup", syscall(SYS_io_uring_setup, 4, &params));
	return 0;
}
