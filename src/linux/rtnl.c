/* SPDX-License-Identifier: BSD-2-Clause */
#include "linux/rtnl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <net/if.h>
#include <string.h>
#include <time.h>

static void socket_cleanup(struct mnl_socket **nl)
{
	if (*nl)
		mnl_socket_close(*nl);
}

/* Sends one request and waits for the kernel's acknowledgement. */
static int request(struct nlmsghdr *nlh)
{
	__attribute__((cleanup(socket_cleanup))) struct mnl_socket *nl =
		mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	char buf[8192]; /* MNL_SOCKET_BUFFER_SIZE, without the VLA */

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	unsigned portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, NULL) < 0)
		return -errno;
	return 0;
}

int lj_netlink_link_up(const char *ifname, struct lj_error *err)
{
	char buf[8192]; /* MNL_SOCKET_BUFFER_SIZE, without the VLA */
	unsigned index = if_nametoindex(ifname);
	if (!index)
		return lj_error_set(err, errno, "interface '%s': %s", ifname, strerror(errno));

	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)index;
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = IFF_UP;
	int rc = request(nlh);
	if (rc < 0)
		return lj_error_set(err, -rc, "interface '%s': bringing it up: %s", ifname,
				    strerror(-rc));
	return 0;
}
