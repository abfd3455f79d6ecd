/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A tree's owners moved from one id range to another, for a jail that gets
 * a range of its own (clone, import). Every entry is reached without
 * following a link (nftw with FTW_PHYS, lchown) and no other file system is
 * entered (FTW_MOUNT): the tree is ljail's, in its 0700 container folder,
 * and the jail does not run, so nothing changes it meanwhile.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "store/layout.h"

/* nftw has no context argument: one shift at a time, as ljail runs one command. */
static struct {
	uint32_t from, to, count;
	int error;
	char path[512];
} shift;

static uint32_t moved(uint32_t id)
{
	return id - shift.from < shift.count ? id - shift.from + shift.to : id;
}

/*
 * A v3 file capability (VFS_CAP_REVISION_3) names the root of the user
 * namespace it was set in: that root moves too.
 */
static void shift_rootid(unsigned char *cap, ssize_t len)
{
	if (len != 24 || (cap[3] & 0xff) != 0x03)
		return;
	uint32_t root = (uint32_t)cap[20] | (uint32_t)cap[21] << 8 | (uint32_t)cap[22] << 16 |
			(uint32_t)cap[23] << 24;
	root = moved(root);
	cap[20] = (unsigned char)root;
	cap[21] = (unsigned char)(root >> 8);
	cap[22] = (unsigned char)(root >> 16);
	cap[23] = (unsigned char)(root >> 24);
}

static int one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)type;
	(void)ftw;
	uid_t uid = moved(st->st_uid);
	gid_t gid = moved(st->st_gid);
	if (uid == st->st_uid && gid == st->st_gid)
		return 0;
	/* chown drops set-id bits and file capabilities, root's too: both are put back. */
	unsigned char cap[64];
	ssize_t caplen = S_ISREG(st->st_mode)
				 ? lgetxattr(path, "security.capability", cap, sizeof(cap))
				 : -1;
	bool ok = lchown(path, uid, gid) == 0;
	if (ok && S_ISREG(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)))
		ok = chmod(path, st->st_mode & 07777) == 0;
	if (ok && caplen > 0) {
		shift_rootid(cap, caplen);
		ok = lsetxattr(path, "security.capability", cap, (size_t)caplen, 0) == 0;
	}
	if (!ok) {
		shift.error = errno;
		snprintf(shift.path, sizeof(shift.path), "%s", path);
		return 1;
	}
	return 0;
}

int store_shift_ids(const char *root, uint32_t from, uint32_t to, uint32_t count,
		    struct lj_error *err)
{
	shift.from = from;
	shift.to = to;
	shift.count = count;
	shift.error = 0;
	int rc = nftw(root, one, 64, FTW_PHYS | FTW_MOUNT);
	if (rc < 0)
		return lj_error_set(err, errno, "'%s': %s", root, strerror(errno));
	if (rc > 0)
		return lj_error_set(err, shift.error, "giving '%s' its new owner: %s", shift.path,
				    strerror(shift.error));
	return 0;
}
