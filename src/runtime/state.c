/* SPDX-License-Identifier: BSD-2-Clause */
#include "runtime/state.h"

#include "conf/conf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void param_release(struct lj_state_param *p)
{
	free(p->name);
	for (size_t i = 0; i < p->nvalues; i++)
		free(p->values[i]);
	free(p->values);
}

void lj_state_release(struct lj_state *s)
{
	free(s->name);
	free(s->path);
	free(s->hostname);
	lj_kv_release(&s->plat);
	for (size_t i = 0; i < s->nparams; i++)
		param_release(&s->params[i]);
	free(s->params);
	*s = (struct lj_state){0};
}

void lj_state_add_param(struct lj_state *s, const char *name, char *const *values, size_t n,
			bool negated)
{
	struct lj_state_param *p = LJ_VEC_PUSH(s->params, s->nparams, s->capparams);
	p->name = lj_xstrdup(name);
	p->negated = negated;
	p->nvalues = n;
	p->values = n ? lj_xcalloc(n, sizeof(*p->values)) : NULL;
	for (size_t i = 0; i < n; i++)
		p->values[i] = lj_xstrdup(values[i]);
}

/* The run folder holds locks and the platform's records: root's alone. */
int lj_state_make_dir(const struct lj_paths *paths, struct lj_error *err)
{
	return lj_make_dirs(paths->run_dir, 0700, err);
}

static char *state_file(const struct lj_paths *paths, const char *name, const char *suffix)
{
	return lj_xasprintf("%s/%s.%s", paths->run_dir, name, suffix);
}

/*
 * How long a lock that is not waited for is tried: others take a jail's lock
 * for a moment to see whether anyone holds it (lj_state_lock_held, the
 * tidying of stale states), and such a moment must not fail a start or a
 * stop; an ljail that is really starting or stopping the jail holds it far
 * longer.
 */
#define LOCK_TRY_MS 2000
#define LOCK_RETRY_MS 10

enum lock_how {
	LOCK_NOW,    /* one try */
	LOCK_TRYING, /* tries for LOCK_TRY_MS */
	LOCK_WAIT,   /* waits as long as it takes */
};

static int flock_how(int fd, enum lock_how how)
{
	if (how == LOCK_WAIT)
		return flock(fd, LOCK_EX) < 0 ? -errno : 0;
	for (int waited = 0;; waited += LOCK_RETRY_MS) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (how == LOCK_NOW || waited >= LOCK_TRY_MS)
			return -EWOULDBLOCK;
		nanosleep(&(struct timespec){0, LOCK_RETRY_MS * 1000000L}, NULL);
	}
}

/*
 * flock on a file that may be removed by the holder: after locking, the
 * path must still name the locked inode, or the lock protects nothing.
 */
static int lock_file(const char *file, enum lock_how how, int *out)
{
	for (;;) {
		int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -errno;
		int rc = flock_how(fd, how);
		if (rc < 0) {
			close(fd);
			return rc;
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

static int take_lock(const struct lj_paths *paths, const char *name, enum lock_how how, int *fd,
		     struct lj_error *err)
{
	/* The name becomes a path in the run folder: "../x" must never leave it. */
	if (conf_name_check("jail", name, err) < 0)
		return -EINVAL;
	int rc = lj_state_make_dir(paths, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *file = state_file(paths, name, "lock");
	rc = lock_file(file, how, fd);
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
	return take_lock(paths, name, LOCK_TRYING, fd, err);
}

int lj_state_lock_now(const struct lj_paths *paths, const char *name, int *fd,
		      struct lj_error *err)
{
	return take_lock(paths, name, LOCK_NOW, fd, err);
}

int lj_state_lock_wait(const struct lj_paths *paths, const char *name, int *fd,
		       struct lj_error *err)
{
	return take_lock(paths, name, LOCK_WAIT, fd, err);
}

void lj_state_unlock(const struct lj_paths *paths, const char *name, int fd, bool forget)
{
	if (fd < 0)
		return;
	if (forget && conf_name_usable(name)) {
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


/* Writes the state, or with head_only the record (no parameters), to FILE atomically. */
static int write_file(const struct lj_paths *paths, const struct lj_state *s, const char *suffix,
		      bool head_only, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *file = state_file(paths, s->name, suffix);
	LJ_CLEANUP_FREE char *tmp = lj_xasprintf("%s.tmp", file);
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
	put_escaped(f, "phase", s->phase == LJ_PHASE_RUNNING ? "running" : "starting");
	put_escaped(f, "persist", s->persist ? "1" : "0");
	for (size_t i = 0; i < s->plat.n; i++) {
		LJ_CLEANUP_FREE char *key = lj_xasprintf("plat.%s", s->plat.items[i].key);
		put_escaped(f, key, s->plat.items[i].value);
	}
	/* Parameters last: readers of the head stop at the first. */
	for (size_t i = 0; !head_only && i < s->nparams; i++) {
		const struct lj_state_param *p = &s->params[i];
		put_escaped(f, "param", p->name);
		if (p->negated)
			put_escaped(f, "negated", "1");
		for (size_t v = 0; v < p->nvalues; v++)
			put_escaped(f, "value", p->values[v]);
	}
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

/*
 * The record (NAME.record) is the state's head again, written first: when
 * NAME.state is damaged, the jail's processes can still be found and
 * stopped, and nothing takes a running jail for a stopped one.
 */
int lj_state_write(const struct lj_paths *paths, const struct lj_state *s, struct lj_error *err)
{
	int rc = write_file(paths, s, "record", true, err);
	return rc < 0 ? rc : write_file(paths, s, "state", false, err);
}

/* A key given twice keeps its last value. */
static void replace(char **slot, void *value)
{
	free(*slot);
	*slot = value;
}

static void add_value(struct lj_state_param *p, char *v)
{
	p->values = lj_xrealloc(p->values, (p->nvalues + 1) * sizeof(*p->values));
	p->values[p->nvalues++] = v;
}

int lj_state_parse(FILE *f, struct lj_state *s, bool head_only)
{
	*s = (struct lj_state){0};
	LJ_CLEANUP_FREE char *line = NULL;
	size_t cap = 0;
	bool jid = false;
	while (getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		if (head_only && lj_str_starts(line, "param="))
			break;
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		char *v = unescape(eq + 1);
		const char *k = line;
		struct lj_state_param *last = s->nparams ? &s->params[s->nparams - 1] : NULL;
		if (lj_str_eq(k, "jid"))
			jid = lj_parse_long(v, &s->jid) && s->jid > 0;
		else if (lj_str_eq(k, "name"))
			replace(&s->name, lj_steal_ptr(&v));
		else if (lj_str_eq(k, "path"))
			replace(&s->path, lj_steal_ptr(&v));
		else if (lj_str_eq(k, "hostname"))
			replace(&s->hostname, lj_steal_ptr(&v));
		else if (lj_str_eq(k, "phase"))
			s->phase = lj_str_eq(v, "running") ? LJ_PHASE_RUNNING : LJ_PHASE_STARTING;
		else if (lj_str_eq(k, "persist"))
			s->persist = lj_str_eq(v, "1");
		else if (lj_str_starts(k, "plat.") && k[5])
			lj_kv_add(&s->plat, k + 5, v);
		else if (lj_str_eq(k, "param"))
			LJ_VEC_PUSH(s->params, s->nparams, s->capparams)->name = lj_steal_ptr(&v);
		else if (lj_str_eq(k, "negated") && last)
			last->negated = lj_str_eq(v, "1");
		else if (lj_str_eq(k, "value") && last)
			add_value(last, lj_steal_ptr(&v));
		free(v);
	}
	return s->name && s->path && jid ? 0 : -EINVAL;
}

/* A state file is root's regular file of modest size; anything else is damaged. */
#define STATE_SIZE_MAX (1u << 20)

static int read_file(const char *file, const char *name, struct lj_state *s, bool head_only)
{
	*s = (struct lj_state){0};
	/* O_NOFOLLOW: a symlink put in place of a state is damage, not a pointer. */
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -EINVAL;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STATE_SIZE_MAX) {
		close(fd);
		return -EINVAL;
	}
	LJ_CLEANUP_FCLOSE FILE *f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return -EINVAL;
	}
	if (lj_state_parse(f, s, head_only) < 0 || !lj_str_eq(s->name, name)) {
		lj_state_release(s);
		return -EINVAL;
	}
	return 0;
}

static int read_state(const struct lj_paths *paths, const char *name, struct lj_state *s,
		      bool head_only, struct lj_error *err)
{
	*s = (struct lj_state){0};
	if (conf_name_check("jail", name, err) < 0)
		return -EINVAL;
	LJ_CLEANUP_FREE char *file = state_file(paths, name, "state");
	LJ_CLEANUP_FREE char *record = state_file(paths, name, "record");
	int rc = read_file(file, name, s, head_only);
	if (rc == 0)
		return 0;
	int rrc = read_file(record, name, s, true);
	if (rrc == 0) {
		s->damaged = true;
		return 0;
	}
	if (rc == -ENOENT && rrc == -ENOENT)
		return -ENOENT;
	return lj_error_set(err, EINVAL, "jail '%s': run state '%s' is damaged", name, file);
}

int lj_state_read(const struct lj_paths *paths, const char *name, struct lj_state *s,
		  struct lj_error *err)
{
	return read_state(paths, name, s, false, err);
}

int lj_state_remove(const struct lj_paths *paths, const char *name, struct lj_error *err)
{
	if (conf_name_check("jail", name, err) < 0)
		return -EINVAL;
	/* The state, then its record: a remove cut short leaves a stale record, not a live one. */
	static const char *const suffixes[] = {"state", "record"};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(suffixes); i++) {
		LJ_CLEANUP_FREE char *file = state_file(paths, name, suffixes[i]);
		/* A damaged state may be a folder: remove that too, it is ljail's own. */
		if (unlink(file) < 0 && errno != ENOENT && !(errno == EISDIR && rmdir(file) == 0))
			return lj_error_set(err, errno, "jail '%s': state '%s': %s", name, file,
					    strerror(errno));
	}
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
	/* A jail has a state, a record or both (one of them damaged or gone). */
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		if (len > 6 && lj_str_eq(e->d_name + len - 6, ".state"))
			*LJ_VEC_PUSH(*names, *n, cap) = lj_xstrndup(e->d_name, len - 6);
		else if (len > 7 && lj_str_eq(e->d_name + len - 7, ".record"))
			*LJ_VEC_PUSH(*names, *n, cap) = lj_xstrndup(e->d_name, len - 7);
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	/* Each name once. */
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++) {
		if (kept && lj_str_eq((*names)[kept - 1], (*names)[i]))
			free((*names)[i]);
		else
			(*names)[kept++] = (*names)[i];
	}
	*n = kept;
	return 0;
}

bool lj_state_lock_held(const struct lj_paths *paths, const char *name)
{
	if (!conf_name_usable(name))
		return false;
	LJ_CLEANUP_FREE char *file = state_file(paths, name, "lock");
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	/*
	 * No lock file: nobody holds it (the holder makes it before anything
	 * else and removes it last). Any other failure to look counts as held:
	 * a jid or a tree is in use unless proven otherwise.
	 */
	if (fd < 0)
		return errno != ENOENT;
	bool held = flock(fd, LOCK_EX | LOCK_NB) < 0;
	close(fd);
	return held;
}

int lj_state_lock_file(const char *file, int *fd, struct lj_error *err)
{
	int rc = lock_file(file, LOCK_WAIT, fd);
	return rc < 0 ? lj_error_set(err, -rc, "lock '%s': %s", file, strerror(-rc)) : 0;
}
