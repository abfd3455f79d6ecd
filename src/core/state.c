/* SPDX-License-Identifier: BSD-2-Clause */
#include "core/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

void lj_state_release(struct lj_state *s)
{
	free(s->name);
	free(s->path);
	free(s->hostname);
	free(s->seccomp);
	for (size_t i = 0; i < s->nmoved; i++)
		free(s->moved[i]);
	free(s->moved);
	free(s->nat);
	for (size_t i = 0; i < s->nparams; i++)
		free(s->params[i]);
	free(s->params);
	*s = (struct lj_state){0};
}

/* The run folder holds locks and pids: root's alone. */
static int make_run_dir(const struct lj_paths *paths, struct lj_error *err)
{
	return lj_make_dirs(paths->run_dir, 0700, err);
}

static char *state_file(const struct lj_paths *paths, const char *name, const char *suffix)
{
	return lj_xasprintf("%s/%s.%s", paths->run_dir, name, suffix);
}

/*
 * flock on a file that may be removed by the holder: after locking, the
 * path must still name the locked inode, or the lock protects nothing.
 */
static int lock_file(const char *file, bool wait, int *out)
{
	for (;;) {
		int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(file, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			*out = fd;
			return 0;
		}
		close(fd);
	}
}

static int take_lock(const struct lj_paths *paths, const char *name, bool wait, int *fd,
		     struct lj_error *err)
{
	int rc = make_run_dir(paths, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *file = state_file(paths, name, "lock");
	rc = lock_file(file, wait, fd);
	if (rc == -EWOULDBLOCK)
		return lj_error_set(err, EBUSY,
				    "jail '%s': another ljail is starting or stopping it", name);
	if (rc < 0)
		return lj_error_set(err, -rc, "jail '%s': lock '%s': %s", name, file,
				    strerror(-rc));
	return 0;
}

int lj_state_lock(const struct lj_paths *paths, const char *name, int *fd, struct lj_error *err)
{
	return take_lock(paths, name, false, fd, err);
}

int lj_state_lock_wait(const struct lj_paths *paths, const char *name, int *fd,
		       struct lj_error *err)
{
	return take_lock(paths, name, true, fd, err);
}

void lj_state_unlock(const struct lj_paths *paths, const char *name, int fd, bool forget)
{
	if (fd < 0)
		return;
	if (forget) {
		LJ_CLEANUP_FREE char *file = state_file(paths, name, "lock");
		unlink(file);
	}
	close(fd);
}

/* Values are one line each: backslash and newline are escaped. */
static void put_escaped(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s=", key);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputc('\n', f);
}

static char *unescape(const char *s)
{
	char *out = lj_xmalloc(strlen(s) + 1), *o = out;
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 'n' ? '\n' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex back to bytes; stops at the first character that is not hex. */
static void *from_hex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	unsigned char *out = lj_xmalloc(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			n = i;
			break;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	*len = n;
	return out;
}

int lj_state_write(const struct lj_paths *paths, const struct lj_state *s, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *file = state_file(paths, s->name, "state");
	LJ_CLEANUP_FREE char *tmp = state_file(paths, s->name, "state.tmp");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return lj_error_set(err, errno, "jail '%s': state '%s': %s", s->name, tmp,
				    strerror(errno));
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return lj_error_set(err, errno, "jail '%s': state: %s", s->name, strerror(errno));
	}
	char num[64];
	snprintf(num, sizeof(num), "%ld", s->jid);
	put_escaped(f, "jid", num);
	put_escaped(f, "name", s->name);
	put_escaped(f, "path", s->path);
	put_escaped(f, "hostname", s->hostname);
	snprintf(num, sizeof(num), "%d", (int)s->pid);
	put_escaped(f, "pid", num);
	snprintf(num, sizeof(num), "%llu", s->starttime);
	put_escaped(f, "starttime", num);
	put_escaped(f, "phase", s->phase == LJ_PHASE_RUNNING ? "running" : "starting");
	put_escaped(f, "own_net", s->own_net ? "1" : "0");
	put_escaped(f, "persist", s->persist ? "1" : "0");
	snprintf(num, sizeof(num), "%#llx", (unsigned long long)s->caps);
	put_escaped(f, "caps", num);
	for (size_t i = 0; i < s->nmoved; i++)
		put_escaped(f, "moved", s->moved[i]);
	if (s->nat)
		put_escaped(f, "nat", s->nat);
	fputs("seccomp=", f);
	for (size_t i = 0; i < s->seccomp_len; i++)
		fprintf(f, "%02x", ((const unsigned char *)s->seccomp)[i]);
	fputc('\n', f);
	for (size_t i = 0; i < s->nparams; i++)
		put_escaped(f, "param", s->params[i]);
	/*
	 * Written in full before it replaces the old state; rename makes that
	 * atomic. No fsync: run state lives on a tmpfs and means nothing after
	 * a reboot, when every jail is gone anyway.
	 */
	bool ok = fflush(f) == 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, file) < 0) {
		int e = errno ? errno : EIO;
		unlink(tmp);
		return lj_error_set(err, e, "jail '%s': state '%s': %s", s->name, file,
				    strerror(e));
	}
	return 0;
}

/* A key given twice keeps its last value. */
static void replace(char **slot, void *value)
{
	free(*slot);
	*slot = value;
}

int lj_state_parse(FILE *f, struct lj_state *s, bool head_only)
{
	*s = (struct lj_state){0};
	LJ_CLEANUP_FREE char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		/* The head (jid, name, pid, phase) comes first; the rest can be skipped. */
		if (head_only && (lj_str_starts(line, "seccomp=") || lj_str_starts(line, "param=")))
			break;
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		char *v = unescape(eq + 1);
		const char *k = line;
		if (lj_str_eq(k, "jid"))
			s->jid = strtol(v, NULL, 10);
		else if (lj_str_eq(k, "name"))
			replace(&s->name, lj_steal_ptr(&v));
		else if (lj_str_eq(k, "path"))
			replace(&s->path, lj_steal_ptr(&v));
		else if (lj_str_eq(k, "hostname"))
			replace(&s->hostname, lj_steal_ptr(&v));
		else if (lj_str_eq(k, "pid"))
			s->pid = (pid_t)strtol(v, NULL, 10);
		else if (lj_str_eq(k, "starttime"))
			s->starttime = strtoull(v, NULL, 10);
		else if (lj_str_eq(k, "phase"))
			s->phase = lj_str_eq(v, "running") ? LJ_PHASE_RUNNING : LJ_PHASE_STARTING;
		else if (lj_str_eq(k, "own_net"))
			s->own_net = lj_str_eq(v, "1");
		else if (lj_str_eq(k, "persist"))
			s->persist = lj_str_eq(v, "1");
		else if (lj_str_eq(k, "caps"))
			s->caps = strtoull(v, NULL, 16);
		else if (lj_str_eq(k, "moved"))
			*LJ_VEC_PUSH(s->moved, s->nmoved, s->capmoved) = lj_steal_ptr(&v);
		else if (lj_str_eq(k, "nat"))
			replace(&s->nat, lj_steal_ptr(&v));
		else if (lj_str_eq(k, "seccomp"))
			replace((char **)&s->seccomp, from_hex(v, &s->seccomp_len));
		else if (lj_str_eq(k, "param"))
			*LJ_VEC_PUSH(s->params, s->nparams, s->capparams) = lj_steal_ptr(&v);
		free(v);
	}
	return s->name && s->pid >= 0 ? 0 : -EINVAL;
}

static int read_state(const struct lj_paths *paths, const char *name, struct lj_state *s,
		      bool head_only, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *file = state_file(paths, name, "state");
	LJ_CLEANUP_FCLOSE FILE *f = fopen(file, "re");
	*s = (struct lj_state){0};
	if (!f) {
		if (errno == ENOENT)
			return -ENOENT;
		return lj_error_set(err, errno, "jail '%s': state '%s': %s", name, file,
				    strerror(errno));
	}
	if (lj_state_parse(f, s, head_only) < 0 || !lj_str_eq(s->name, name)) {
		lj_state_release(s);
		return lj_error_set(err, EINVAL, "jail '%s': state '%s' is damaged", name, file);
	}
	return 0;
}

int lj_state_read(const struct lj_paths *paths, const char *name, struct lj_state *s,
		  struct lj_error *err)
{
	return read_state(paths, name, s, false, err);
}

int lj_state_remove(const struct lj_paths *paths, const char *name, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *file = state_file(paths, name, "state");
	if (unlink(file) < 0 && errno != ENOENT)
		return lj_error_set(err, errno, "jail '%s': state '%s': %s", name, file,
				    strerror(errno));
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int lj_state_names(const struct lj_paths *paths, char ***names, size_t *n, struct lj_error *err)
{
	size_t cap = 0;
	*names = NULL;
	*n = 0;
	DIR *d = opendir(paths->run_dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return lj_error_set(err, errno, "run folder '%s': %s", paths->run_dir,
				    strerror(errno));
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > 6 && lj_str_eq(e->d_name + len - 6, ".state") && e->d_name[0] != '.')
			*LJ_VEC_PUSH(*names, *n, cap) = lj_xstrndup(e->d_name, len - 6);
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

unsigned long long lj_process_starttime(pid_t pid)
{
	char file[64], buf[1024];
	snprintf(file, sizeof(file), "/proc/%d/stat", (int)pid);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and ')': fields start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	unsigned long long start = 0;
	/* Field 22 is starttime; after ')' come fields 3, 4, ... */
	int field = 2;
	for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
		if (++field == 22) {
			start = strtoull(tok, NULL, 10);
			break;
		}
	}
	return start;
}

int lj_state_open_init(const struct lj_state *s)
{
	/* A state written before its init existed (pid 0) names no process. */
	if (s->pid <= 0)
		return -ESRCH;
	int fd = pidfd_open(s->pid, 0);
	if (fd < 0)
		return -ESRCH;
	/* The pidfd pins the pid: if the start time matches now, it is the jail's init. */
	if (lj_process_starttime(s->pid) != s->starttime) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

static bool lock_held(const struct lj_paths *paths, const char *name)
{
	LJ_CLEANUP_FREE char *file = state_file(paths, name, "lock");
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	bool held = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

/* The jids of the other jails that are running or being started. */
static long *jids_in_use(const struct lj_paths *paths, const char *self, size_t *count)
{
	char **names;
	size_t n, cap = 0;
	long *jids = NULL;
	struct lj_error ignored = {0};
	*count = 0;
	if (lj_state_names(paths, &names, &n, &ignored) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct lj_state other;
		if (!lj_str_eq(names[i], self) &&
		    read_state(paths, names[i], &other, true, &ignored) == 0) {
			int fd = lj_state_open_init(&other);
			/*
			 * A starting jail may have no init yet: its jid is taken while
			 * the ljail starting it holds its lock.
			 */
			if (fd >= 0 ||
			    (other.phase == LJ_PHASE_STARTING && lock_held(paths, names[i])))
				*LJ_VEC_PUSH(jids, *count, cap) = other.jid;
			if (fd >= 0)
				close(fd);
			lj_state_release(&other);
		}
		free(names[i]);
	}
	free(names);
	return jids;
}

static bool jid_listed(const long *jids, size_t n, long jid)
{
	for (size_t i = 0; i < n; i++)
		if (jids[i] == jid)
			return true;
	return false;
}

int lj_state_claim(const struct lj_paths *paths, struct lj_state *s, struct lj_error *err)
{
	int rc = make_run_dir(paths, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *file = lj_xasprintf("%s/.jids.lock", paths->run_dir);
	LJ_CLEANUP_CLOSE int fd = -1;
	rc = lock_file(file, true, &fd);
	if (rc < 0)
		return lj_error_set(err, -rc, "lock '%s': %s", file, strerror(-rc));
	size_t n;
	LJ_CLEANUP_FREE long *jids = jids_in_use(paths, s->name, &n);
	if (s->jid > 0) {
		if (jid_listed(jids, n, s->jid))
			return lj_error_set(err, EEXIST, "jail '%s': jid %ld is in use", s->name,
					    s->jid);
	} else {
		s->jid = 1;
		while (jid_listed(jids, n, s->jid))
			s->jid++;
	}
	return lj_state_write(paths, s, err);
}
