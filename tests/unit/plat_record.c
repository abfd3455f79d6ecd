/* SPDX-License-Identifier: BSD-2-Clause */
#include "plat_record.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/platform.h"

struct plat_jail {
	const struct lj_jail *j;
	char *name;
	int id; /* index in the table + 1, 0 before create */
	bool shared;
};

static struct {
	char log[4096];
	char fail[64];
	bool ignore_term;
	int exit_status;
	bool alive[64];
	int next;
} rec;

void rec_reset(const char *log_file)
{
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.log, sizeof(rec.log), "%s", log_file);
	int fd = open(rec.log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
}

void rec_fail(const char *call)
{
	snprintf(rec.fail, sizeof(rec.fail), "%s", call ? call : "");
}

void rec_ignore_term(bool ignore)
{
	rec.ignore_term = ignore;
}

void rec_exit_status(int status)
{
	rec.exit_status = status;
}

int rec_alive(void)
{
	int n = 0;
	for (int i = 0; i < rec.next; i++)
		n += rec.alive[i];
	return n;
}

LJ_PRINTF(1, 2) static void note(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	int fd = open(rec.log, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t ignored = write(fd, line, strlen(line));
		(void)ignored;
		close(fd);
	}
}

/* Records the call; fails it when the test asked for that. */
static int call(const char *name, const char *jail, struct lj_error *err)
{
	note("%s %s", name, jail);
	if (!lj_str_eq(rec.fail, name))
		return 0;
	if (lj_str_eq(name, "net_sync"))
		return lj_error_set(err, EIO, "NAT: %s failed (as the test asked)", name);
	return lj_error_set(err, EIO, "jail '%s': %s failed (as the test asked)", jail, name);
}

static bool alive(const struct plat_jail *pj)
{
	return pj->id > 0 && rec.alive[pj->id - 1];
}

int plat_plan(const struct lj_jail *j, struct plat_jail **out, struct lj_error *err)
{
	int rc = call("plan", j->name, err);
	if (rc < 0)
		return rc;
	struct plat_jail *pj = lj_xcalloc(1, sizeof(*pj));
	pj->j = j;
	pj->name = lj_xstrdup(j->name);
	*out = pj;
	return 0;
}

int plat_create(struct plat_jail *pj, const struct plat_run *run, struct lj_error *err)
{
	int rc = call(run ? "create-run" : "create", pj->name, err);
	if (rc < 0)
		return rc;
	pj->id = ++rec.next;
	rec.alive[pj->id - 1] = true;
	return 0;
}

int plat_commit(struct plat_jail *pj, struct lj_error *err)
{
	return call("commit", pj->name, err);
}

bool plat_net_wanted(const struct plat_jail *pj)
{
	return pj->j && (pj->j->bridge || pj->j->naddrs || pj->j->nvnet_ifaces);
}

int plat_net_up(struct plat_jail *pj, long jid, struct lj_error *err)
{
	note("jid %ld", jid);
	return call("net_up", pj->name, err);
}

void plat_net_down(struct plat_jail *pj, long jid)
{
	(void)jid;
	note("net_down %s", pj->name);
}

bool plat_net_shared(const struct plat_jail *pj)
{
	return pj && (pj->shared || (pj->j && pj->j->nat));
}

int plat_net_sync(const struct lj_paths *paths, struct plat_jail *const *running, size_t n,
		  struct lj_error *err)
{
	(void)paths;
	(void)running;
	char what[32];
	snprintf(what, sizeof(what), "running=%zu", n);
	return call("net_sync", what, err);
}

void plat_record(const struct plat_jail *pj, struct lj_kvlist *out)
{
	lj_kv_addf(out, "id", "%d", pj->id);
	if (plat_net_shared(pj))
		lj_kv_add(out, "shared", "1");
}

bool plat_record_net_shared(const struct lj_kvlist *rec_kv)
{
	return lj_kv_get(rec_kv, "shared") != NULL;
}

int plat_limit(struct plat_jail *pj, const struct lj_limits *limits, struct lj_error *err)
{
	(void)limits;
	return call("limit", pj->name, err);
}

int plat_usage(struct plat_jail *pj, struct plat_usage *u, struct lj_error *err)
{
	*u = (struct plat_usage){1, 0, 1, 0};
	return call("usage", pj->name, err);
}

void plat_release(const struct lj_kvlist *rec_kv)
{
	const char *id = lj_kv_get(rec_kv, "id");
	note("release %s", id ? id : "?");
}

int plat_open(const char *name, const struct lj_kvlist *rec_kv, struct plat_jail **out,
	      struct lj_error *err)
{
	(void)err;
	long id;
	const char *v = lj_kv_get(rec_kv, "id");
	if (!v || !lj_parse_long(v, &id) || id <= 0 || id > rec.next || !rec.alive[id - 1])
		return -ESRCH;
	struct plat_jail *pj = lj_xcalloc(1, sizeof(*pj));
	pj->name = lj_xstrdup(name);
	pj->id = (int)id;
	pj->shared = plat_record_net_shared(rec_kv);
	*out = pj;
	return 0;
}

void plat_describe(const struct plat_jail *pj, struct lj_kvlist *out)
{
	lj_kv_addf(out, "id", "%d", pj->id);
}

int plat_signal(struct plat_jail *pj, int sig, struct lj_error *err)
{
	int rc = call(sig == SIGTERM ? "term" : "signal", pj->name, err);
	if (rc == 0 && sig == SIGTERM && !rec.ignore_term && pj->id > 0)
		rec.alive[pj->id - 1] = false;
	return rc;
}

void rec_kill_all(void)
{
	memset(rec.alive, 0, sizeof(rec.alive));
}

bool plat_wait_gone(struct plat_jail *pj, long timeout)
{
	(void)timeout;
	return !alive(pj);
}

int plat_wait_exit(struct plat_jail *pj, int *status, struct lj_error *err)
{
	int rc = call("wait_exit", pj->name, err);
	if (pj->id > 0)
		rec.alive[pj->id - 1] = false;
	*status = rec.exit_status;
	return rc;
}

int plat_destroy(struct plat_jail *pj, struct lj_error *err)
{
	if (pj->id <= 0)
		return 0; /* never created */
	int rc = call("destroy", pj->name, err);
	rec.alive[pj->id - 1] = false;
	return rc;
}

void plat_close(struct plat_jail *pj)
{
	if (!pj)
		return;
	free(pj->name);
	free(pj);
}

/* Runs the command on the host, for the test's log: the jail here is only a record. */
pid_t plat_attach(struct plat_jail *pj, const struct plat_command *cmd, struct lj_error *err)
{
	note("attach %s", pj->name);
	if (!alive(pj))
		return lj_error_set(err, ESRCH, "jail '%s' is not running", pj->name);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		execv(cmd->argv[0], cmd->argv);
		_exit(127);
	}
	if (pid < 0)
		return lj_error_set(err, errno, "fork: %s", strerror(errno));
	return pid;
}

int plat_user(struct plat_jail *pj, const char *user, struct lj_user *u, struct lj_error *err)
{
	note("user %s %s", pj->name, user);
	return lj_user_on_host(pj->name, user, u, err);
}
