/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ljail runs from a sealed copy of itself whenever it puts processes into a
 * jail (the answer runc and LXC gave to CVE-2019-5736). Every process ljail
 * makes in a jail starts as a fork of ljail, and until it executes the
 * jail's program its /proc/PID/exe is ljail's binary; a jail that plants
 * "#!/proc/self/exe" gets that binary executed inside it by the next `ljail
 * exec` of the path, and could then reopen it for writing once it is no
 * longer running. Run from a memfd sealed against writing, /proc/PID/exe
 * names that copy, never the host's file.
 */
#include "platform/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: executable even where vm.memfd_noexec says no */
#endif

extern char **environ;

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Is the running binary already a copy sealed against change? */
static bool running_sealed(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	int seals = fcntl(fd, F_GET_SEALS);
	close(fd);
	return seals >= 0 && (seals & SEALS) == SEALS;
}

int plat_run_sealed(char **argv, struct lj_error *err)
{
	if (running_sealed())
		return 0;
	int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (src < 0 || fstat(src, &st) < 0) {
		int e = errno;
		if (src >= 0)
			close(src);
		return lj_error_set(err, e, "reading ljail's own binary: %s", strerror(e));
	}
	int mfd = memfd_create("ljail", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL) /* before 6.3, MFD_EXEC is unknown and not needed */
		mfd = memfd_create("ljail", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) {
		int e = errno;
		close(src);
		return lj_error_set(err, e, "a sealed copy of ljail: memfd: %s", strerror(e));
	}
	/*
	 * read and write, not sendfile: pages sendfile spliced in can stay
	 * pinned for a moment, and F_SEAL_WRITE then fails with EBUSY.
	 */
	char buf[65536];
	off_t copied = 0;
	while (copied < st.st_size) {
		ssize_t n = read(src, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || write(mfd, buf, (size_t)n) != n) {
			int e = n < 0 || errno ? errno : EIO;
			close(src);
			close(mfd);
			return lj_error_set(err, e, "a sealed copy of ljail: %s", strerror(e));
		}
		copied += n;
	}
	close(src);
	int sealed;
	for (int tries = 0; (sealed = fcntl(mfd, F_ADD_SEALS, SEALS)) < 0 && errno == EBUSY &&
			    tries < 100;
	     tries++)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	if (sealed < 0) {
		int e = errno;
		close(mfd);
		return lj_error_set(err, e, "sealing ljail's copy: %s", strerror(e));
	}
	fexecve(mfd, argv, environ);
	int e = errno;
	close(mfd);
	return lj_error_set(err, e, "running ljail's sealed copy: %s", strerror(e));
}
