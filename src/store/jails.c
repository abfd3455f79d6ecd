/* SPDX-License-Identifier: BSD-2-Clause */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/files.h"
#include "conf/rctl.h"
#include "model/jail.h"
#include "platform/platform.h"
#include "runtime/lifecycle.h"
#include "runtime/running.h"
#include "runtime/state.h"
#include "store/clone.h"
#include "store/network.h"
#include "store/edit.h"
#include "store/ids.h"
#include "store/layout.h"
#include "store/meta.h"
#include "store/network.h"
#include "store/store.h"
#include "store/template.h"
#include "store/tree.h"

int store_check_name(const char *kind, const char *name, struct lj_error *err)
{
	return conf_name_check(kind, name, err);
}

/*
 * The configuration as every command acting on jails reads it, checked for
 * this host; the first mistake is the error (config check lists them all).
 */
int store_load_conf(const struct lj_paths *paths, const char *conf_file, const char *name,
		    struct conf *c, struct lj_error *err)
{
	conf_init(c);
	/* jail.conf and the jail's own file: another jail's broken file is not ours. */
	char *names[] = {(char *)name};
	if (conf_load_checked(c, conf_file, paths->conf_file, paths->conf_dir, names, 1,
			      plat_conf_host(), NULL) == 0)
		return 0;
	const struct conf_diag *d = c->ndiags ? &c->diags[0] : NULL;
	int rc = d ? lj_error_usage(err, "%s:%u:%u: %s (see ljail config check)", d->pos.file,
				    d->pos.line, d->pos.col, d->msg)
		   : lj_error_usage(err, "the configuration has errors (ljail config check)");
	conf_release(c);
	return rc;
}

int store_load_jail(const struct lj_paths *paths, const char *conf_file, const char *name,
		    struct conf *c, struct lj_jail *j, struct lj_error *err)
{
	*j = (struct lj_jail){0};
	int rc = store_load_conf(paths, conf_file, name, c, err);
	if (rc < 0)
		return rc;
	struct conf_jail *cj = conf_find_jail(c, name);
	rc = cj ? store_jail_from_conf(paths, j, cj, err)
		: lj_error_usage(err, "jail '%s' is not in the configuration", name);
	if (rc < 0) {
		lj_jail_release(j);
		conf_release(c);
	}
	return rc;
}

/* The template a create uses: the one named, else debian-12, else the only one. */
static int choose_template(const struct lj_paths *paths, const char *name, struct store_template *t,
			   struct lj_error *err)
{
	if (name)
		return store_template_find(paths, name, t, err);
	struct lj_error ignored = {0};
	if (store_template_find(paths, "debian-12", t, &ignored) == 0)
		return 0;
	struct store_template *all;
	size_t n;
	int rc = store_template_list(paths, &all, &n, err);
	if (rc < 0)
		return rc;
	if (n == 1) {
		*t = all[0];
	} else {
		for (size_t i = 0; i < n; i++)
			store_template_release(&all[i]);
		rc = lj_error_usage(err, n ? "there are several templates: name one with --template"
					   : "there is no template yet: make one with "
					     "'ljail template create debian-12'");
	}
	free(all);
	return rc;
}

/* jail.conf.d/NAME.conf, in the style of the account's d2l.conf. */
static int write_jail_conf(const struct lj_paths *paths, const char *name, const char *root,
			   const struct store_template *t, const char *upper,
			   const struct lj_idmap *idmap, const struct store_create_opts *o,
			   const char *net_addr, struct lj_error *err)
{
	int rc = lj_make_dirs(paths->conf_dir, 0755, err);
	if (rc < 0)
		return rc;
	LJ_CLEANUP_FREE char *file = store_conf_file(paths, name);
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return lj_error_set(err, errno, "'%s': %s", file, strerror(errno));
	}
	fprintf(f, "# Made by 'ljail create %s' from template %s, version %ld.\n", name, t->name,
		t->version);
	fprintf(f, "%s {\n", name);
	fprintf(f, "\tpath = \"%s\";\n", root);
	if (upper) {
		fprintf(f, "\t# A thin jail: the template below, the jail's own changes above.\n");
		fprintf(f, "\toverlay.lower = \"%s\";\n", t->root);
		fprintf(f, "\toverlay.upper = \"%s\";\n", upper);
	}
	if (idmap->count) {
		fprintf(f, "\t# Root in the jail is root over the jail alone: its ids are these "
			   "host ids.\n");
		fprintf(f, "\tuserns = new;\n");
		fprintf(f, "\tuserns.idmap = \"%u:%u\";\n", idmap->base, idmap->count);
	} else {
		fprintf(f, "\t# Privileged: root in the jail is the host's root, confined.\n");
		fprintf(f, "\tuserns = inherit;\n");
	}
	fprintf(f, "\thost.hostname = \"%s\";\n", o->hostname ? o->hostname : name);
	fprintf(f, "\tpersist;\n");
	for (size_t i = 0; i < o->nrctl; i++)
		fprintf(f, "\trctl %s \"%s\";\n", i ? "+=" : "=", o->rctl[i]);
	if (o->vnet) {
		/* What a FreeBSD user writes with epair and a bridge, as parameters. */
		fprintf(f, "\tvnet;\n");
		fprintf(f, "\tvnet.bridge = \"%s\";\n", o->bridge ? o->bridge : "ljbr0");
		fprintf(f, "\tip4.addr = \"%s\";\n", o->ip4);
		if (o->router) {
			const char *prefix = strchr(o->ip4, '/');
			fprintf(f, "\tvnet.bridge.addr = \"%s%s\";\n", o->router, prefix);
			fprintf(f, "\tip4.defaultrouter = \"%s\";\n", o->router);
		}
		if (o->nat)
			fprintf(f, "\tvnet.nat;\n");
	} else if (net_addr) {
		fprintf(f,
			"\t# On ljail network '%s' (ljail network list): its bridge, gateway, NAT "
			"and name server.\n",
			o->network ? o->network : STORE_NETWORK_DEFAULT);
		fprintf(f, "\tvnet;\n");
		fprintf(f, "\tvnet.network = \"%s\";\n",
			o->network ? o->network : STORE_NETWORK_DEFAULT);
		fprintf(f, "\tip4.addr = \"%s\";\n", net_addr);
	} else {
		fprintf(f, "\tip4 = %s;\n", o->ip4);
	}
	for (size_t i = 0; i < o->npublish; i++)
		fprintf(f, "\tvnet.publish %s \"%s\";\n", i ? "+=" : "=", o->publish[i]);
	/* devfs brings its own /dev/shm (a tmpfs): no line for it. */
	fprintf(f, "\tmount.devfs;\n");
	fprintf(f, "\tmount.procfs;\n");
	fprintf(f, "\tmount += \"linsysfs $path/sys linsysfs ro 0 0\";\n");
	fprintf(f, "\tmount += \"tmpfs $path/tmp tmpfs rw,nosuid,nodev,mode=1777 0 0\";\n");
	fprintf(f, "}\n");
	bool ok = fflush(f) == 0 && fsync(fd) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		int e = errno ? errno : EIO;
		unlink(file);
		return lj_error_set(err, e, "'%s': %s", file, strerror(e));
	}
	return 0;
}

/*
 * Runs argv as root in the jail: joined if it runs, else in a short run of the
 * jail as configured, for this alone. Either way inside the jail's
 * confinement, with the jail's own programs, never on the host.
 */
static int run_in_jail(const struct lj_paths *paths, const char *conf_file, const char *name,
		       char *const *argv, int *status, struct lj_error *err)
{
	int rc = lj_exec_running(paths, name, argv, status, err);
	if (rc != -ESRCH)
		return rc;
	struct conf c;
	struct lj_jail j;
	if ((rc = store_load_jail(paths, conf_file, name, &c, &j, err)) < 0)
		return rc;
	lj_jail_for_maintenance(&j);
	rc = lj_run(paths, &j, NULL, argv, status, err);
	lj_jail_release(&j);
	conf_release(&c);
	return rc;
}

static int create_locked(const struct lj_paths *paths, const char *name,
			 const struct store_create_opts *o, struct lj_error *err);

/* On an ljail network: neither the old hand-made bridge (--vnet) nor ip4 inherit or disable. */
static bool on_network(const struct store_create_opts *o)
{
	return !o->vnet &&
	       !(o->ip4 && (lj_str_eq(o->ip4, "inherit") || lj_str_eq(o->ip4, "disable")));
}

/*
 * The configuration file, written under the networks' lock when the jail
 * is on a network: its address is chosen from the jails' files and must be
 * in its own before another create reads them. A published host port is
 * checked against the configured jails' under the same lock.
 */
static int write_conf_on_network(const struct lj_paths *paths, const char *name, const char *root,
				 const struct store_template *t, const char *upper,
				 const struct lj_idmap *idmap, const struct store_create_opts *o,
				 struct lj_error *err)
{
	LJ_CLEANUP_CLOSE int lock = -1;
	int rc = o->npublish || on_network(o) ? store_network_lock(paths, &lock, err) : 0;
	LJ_CLEANUP_FREE char *addr = NULL;
	struct store_network net = {0};
	if (rc == 0 && on_network(o))
		rc = store_network_lease(paths, o->network ? o->network : STORE_NETWORK_DEFAULT,
					 name, o->ip4, &net, &addr, err);
	if (rc == 0)
		rc = store_network_ports_free(paths, name, o->publish, o->npublish, err);
	if (rc == 0)
		rc = write_jail_conf(paths, name, root, t, upper, idmap, o, addr, err);
	if (net.name)
		store_network_release(&net);
	return rc;
}

/*
 * A vnet jail's address is its own on its bridge: refused when a configured
 * jail already has it there (a running one is caught at start as well).
 * Every jail's file is read; a broken one is left out here, as with -a.
 */
struct address_wanted {
	const char *name, *bridge;
	char want[128];
	struct lj_error *err;
};

static int address_taken(const struct conf_jail *j, void *ctx)
{
	const struct address_wanted *w = ctx;
	const struct conf_param *b = conf_jail_param(j, "vnet.bridge");
	if (!b || !b->nvalues)
		b = conf_jail_param(j, "interface");
	const struct conf_param *a = conf_jail_param(j, "ip4.addr");
	if (!b || !b->nvalues || !lj_str_eq(b->values[b->nvalues - 1], w->bridge) || !a ||
	    lj_str_eq(j->name, w->name))
		return 0;
	for (size_t v = 0; v < a->nvalues; v++) {
		char have[128];
		if (lj_str_eq(lj_addr_bare(a->values[v], have, sizeof(have)), w->want))
			return lj_error_usage(w->err,
					      "--ip4 %s: jail '%s' has that address on bridge '%s' "
					      "(%s:%u)",
					      w->want, j->name, w->bridge, a->value_pos[v].file,
					      a->value_pos[v].line);
	}
	return 0;
}

static int address_free(const struct lj_paths *paths, const char *name,
			const struct store_create_opts *o, struct lj_error *err)
{
	struct address_wanted w = {name, o->bridge ? o->bridge : "ljbr0", "", err};
	lj_addr_bare(o->ip4, w.want, sizeof(w.want));
	return store_each_configured(paths, address_taken, &w);
}

/*
 * A thin jail's own layer belongs to its ids on disk: what its root writes
 * there is stored as base and up, so a file it makes set-uid is set-uid to
 * an id with no rights on the host. Only the folders need it now; overlayfs
 * gives each file the owner the jail sees. The jail's folder above them
 * stays the host root's, mode 0700: the host's users never reach the tree.
 */
static int own_upper(const char *part, const struct lj_idmap *idmap, struct lj_error *err)
{
	static const char *const dirs[] = {"upper", "work"};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(dirs); i++) {
		LJ_CLEANUP_FREE char *d = lj_xasprintf("%s/%s", part, dirs[i]);
		if (lchown(d, idmap->base, idmap->base) < 0)
			return lj_error_set(err, errno, "'%s': %s", d, strerror(errno));
	}
	return 0;
}

int store_jail_create(const struct lj_paths *paths, const char *name,
		      const struct store_create_opts *o, struct lj_error *err)
{
	int rc = store_check_name("jail", name, err);
	if (rc < 0)
		return rc;
	if (o->vnet) {
		/* Checked as jail.conf will be: an address with a prefix. */
		const char *slash = o->ip4 ? strchr(o->ip4, '/') : NULL;
		struct in_addr a;
		LJ_CLEANUP_FREE char *addr =
			o->ip4 ? lj_xstrndup(o->ip4,
					     slash ? (size_t)(slash - o->ip4) : strlen(o->ip4))
			       : NULL;
		if (!slash || inet_pton(AF_INET, addr, &a) != 1 || atoi(slash + 1) < 1 ||
		    atoi(slash + 1) > 32 || strspn(slash + 1, "0123456789") != strlen(slash + 1))
			return lj_error_usage(err,
					      "--vnet needs --ip4 ADDR/PREFIX, as 10.0.5.2/24");
		if (o->router && inet_pton(AF_INET, o->router, &a) != 1)
			return lj_error_usage(err, "--router '%s' is not an IPv4 address",
					      o->router);
		if (o->nat && !o->router)
			return lj_error_usage(err, "--nat needs --router (the bridge's address)");
		if (o->bridge && (strlen(o->bridge) > 15 || strpbrk(o->bridge, "/ \"'")))
			return lj_error_usage(err, "--bridge '%s' is not an interface name",
					      o->bridge);
		if (o->network)
			return lj_error_usage(err, "--network and --vnet: a jail is on one or the "
						   "other");
	} else if (o->bridge || o->router || o->nat) {
		return lj_error_usage(err, "--bridge, --router and --nat go with --vnet");
	} else if (on_network(o) && o->ip4 && !lj_addr4_ok(o->ip4)) {
		return lj_error_usage(err,
				      "--ip4 '%s': inherit, disable, or an IPv4 address on the "
				      "jail's network (ADDR or ADDR/PREFIX)",
				      o->ip4);
	} else if (!on_network(o) && (o->network || o->npublish)) {
		return lj_error_usage(err,
				      "--ip4 %s: --network and --publish need the jail's own "
				      "network stack",
				      o->ip4);
	}
	for (size_t i = 0; i < o->npublish; i++) {
		struct lj_publish p, q;
		const char *why;
		if (lj_publish_parse(o->publish[i], &p, &why) < 0)
			return lj_error_usage(err, "--publish '%s': %s", o->publish[i], why);
		for (size_t k = 0; k < i; k++)
			if (lj_publish_parse(o->publish[k], &q, &why) == 0 &&
			    lj_publish_clash(&p, &q))
				return lj_error_usage(err,
						      "--publish '%s': that host port is "
						      "published twice",
						      o->publish[i]);
	}
	/* As config check will read them: rctl's syntax, and what this host enforces. */
	const struct conf_host *host = plat_conf_host();
	for (size_t i = 0; i < o->nrctl; i++) {
		struct conf_rctl_rule r;
		const char *why = NULL;
		if (conf_rctl_parse(o->rctl[i], &r, &why) < 0 ||
		    (host->rctl && (why = host->rctl(r.resource, r.action, r.per))))
			return lj_error_usage(err, "--rctl '%s': %s", o->rctl[i], why);
	}
	rc = lj_make_dirs(paths->containers_dir, 0755, err);
	if (rc < 0)
		return rc;
	/*
	 * One create or destroy of a name at a time: the check that the name is
	 * free and the making are one step for other ljails.
	 */
	LJ_CLEANUP_FREE char *lock = lj_xasprintf("%s/.%s.lock", paths->containers_dir, name);
	LJ_CLEANUP_CLOSE int lock_fd = -1;
	if ((rc = lj_state_lock_file(lock, &lock_fd, err)) < 0)
		return rc;
	rc = o->vnet ? address_free(paths, name, o, err) : 0;
	if (rc == 0)
		rc = create_locked(paths, name, o, err);
	unlink(lock);
	return rc;
}

static int create_locked(const struct lj_paths *paths, const char *name,
			 const struct store_create_opts *o, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, name);
	LJ_CLEANUP_FREE char *file = store_conf_file(paths, name);
	struct conf c;
	int rc = store_load_conf(paths, NULL, name, &c, err);
	if (rc < 0)
		return rc;
	bool exists = conf_find_jail(&c, name) != NULL;
	conf_release(&c);
	if (exists || access(dir, F_OK) == 0 || access(file, F_OK) == 0)
		return lj_error_usage(err, "jail '%s' already exists", name);

	struct store_template t;
	if ((rc = choose_template(paths, o->template, &t, err)) < 0)
		return rc;
	/*
	 * Made in a hidden folder and renamed into place last, after its
	 * configuration file: a create that is killed leaves no half-made jail
	 * under the name, only the hidden folder, which the next create of the
	 * name (holding the lock, so it is nobody's) removes.
	 */
	LJ_CLEANUP_FREE char *part = lj_xasprintf("%s/.%s.part", paths->containers_dir, name);
	struct lj_error ignored = {0};
	store_remove_tree(part, &ignored);
	if (mkdir(part, 0700) < 0) {
		rc = lj_error_set(err, errno, "'%s': %s", part, strerror(errno));
		store_template_release(&t);
		return rc;
	}
	LJ_CLEANUP_FREE char *part_root = lj_xasprintf("%s/root", part);
	LJ_CLEANUP_FREE char *part_upper = NULL;
	const char *method = NULL;
	bool conf_written = false;
	/*
	 * Its own host ids, held under the id lock until its meta records
	 * them, so that no other create picks the same.
	 */
	struct lj_idmap idmap = {0};
	int ids_lock = -1;
	rc = o->privileged ? 0 : store_ids_claim(paths, &idmap, &ids_lock, err);
	if (rc == 0)
		rc = store_clone(t.root, part, o->thick, &method, &part_upper, err);
	if (rc == 0 && part_upper && idmap.count)
		rc = own_upper(part, &idmap, err);
	if (rc == 0) {
		struct store_meta m = {0};
		char version[32], created[32];
		snprintf(version, sizeof(version), "%ld", t.version);
		snprintf(created, sizeof(created), "%lld", (long long)time(NULL));
		/* A copy stands on its own: only clones count as the template's users. */
		store_meta_set(&m, o->thick ? "copied_from" : "template", t.name);
		store_meta_set(&m, "version", version);
		store_meta_set(&m, "method", method);
		store_meta_set(&m, "created", created);
		char ids[32];
		snprintf(ids, sizeof(ids), "%u:%u", idmap.base, idmap.count);
		if (idmap.count)
			store_meta_set(&m, "idmap", ids);
		LJ_CLEANUP_FREE char *mfile = lj_xasprintf("%s/meta", part);
		rc = store_meta_write(mfile, &m, err);
		store_meta_release(&m);
	}
	store_ids_release(paths, &ids_lock);
	if (rc == 0)
		rc = store_set_hostname(part_root, part_upper ? t.root : NULL, part_upper, &idmap,
					o->hostname ? o->hostname : name, err);
	if (rc == 0) {
		/* The configuration names the folder where the jail will stand. */
		LJ_CLEANUP_FREE char *root = lj_xasprintf("%s/root", dir);
		LJ_CLEANUP_FREE char *upper = part_upper ? lj_xasprintf("%s/upper", dir) : NULL;
		rc = write_conf_on_network(paths, name, root, &t, upper, &idmap, o, err);
		conf_written = rc == 0;
	}
	/*
	 * Renamed under the id lock: a claim reads the folder's entries for the
	 * ranges their metas record, and an entry renamed while readdir runs
	 * may be seen under neither name, its range handed out twice (seen once
	 * in twenty parallel creates before the lock was taken here).
	 */
	if (rc == 0 && idmap.count)
		rc = store_ids_hold(paths, &ids_lock, err);
	if (rc == 0 && rename(part, dir) < 0)
		rc = lj_error_set(err, errno, "'%s': %s", dir, strerror(errno));
	store_ids_release(paths, &ids_lock);
	store_template_release(&t);
	if (rc < 0) {
		/* Nothing half-made stays behind. */
		if (conf_written)
			unlink(file);
		store_remove_tree(part, &ignored);
		return lj_str_starts(err->msg, "jail '") ? rc
							 : lj_error_wrap(err, "jail '%s'", name);
	}
	return 0;
}

/*
 * 1 when the jail runs, 0 when it does not, or an error when its run state
 * cannot be read: then nobody can tell, and its folder is not touched.
 */
static int destroy_locked(const struct lj_paths *paths, const char *conf_file, const char *name,
			  bool force, struct lj_error *err);

int store_jail_destroy(const struct lj_paths *paths, const char *conf_file, const char *name,
		       bool force, struct lj_error *err)
{
	if (store_check_name("jail", name, err) < 0)
		return -EINVAL;
	/* Never while a create of the name is under way (store_jail_create). */
	LJ_CLEANUP_FREE char *lock = lj_xasprintf("%s/.%s.lock", paths->containers_dir, name);
	LJ_CLEANUP_CLOSE int lock_fd = -1;
	int rc = lj_make_dirs(paths->containers_dir, 0755, err);
	if (rc == 0)
		rc = lj_state_lock_file(lock, &lock_fd, err);
	if (rc < 0)
		return rc;
	rc = destroy_locked(paths, conf_file, name, force, err);
	unlink(lock);
	return rc;
}

static int destroy_locked(const struct lj_paths *paths, const char *conf_file, const char *name,
			  bool force, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *dir = store_container_dir(paths, name);
	LJ_CLEANUP_FREE char *file = store_conf_file(paths, name);
	struct stat st;
	bool have_dir = lstat(dir, &st) == 0;
	if (have_dir && !S_ISDIR(st.st_mode))
		return lj_error_set(err, ENOTDIR, "jail '%s': '%s' is not a folder; left alone",
				    name, dir);
	if (!have_dir && access(file, F_OK) != 0)
		return lj_error_usage(err,
				      "jail '%s' was not made by ljail create: nothing to "
				      "destroy",
				      name);
	int running = store_jail_running(paths, name, err);
	if (running < 0)
		return running;
	if (running) {
		if (!force)
			return lj_error_set(err, EBUSY,
					    "jail '%s' is running: stop it first, or use "
					    "destroy -f",
					    name);
		struct conf c;
		int rc = store_load_conf(paths, conf_file, name, &c, err);
		if (rc < 0)
			return rc;
		struct conf_jail *cj = conf_find_jail(&c, name);
		struct lj_jail j = {0};
		if (cj && (rc = store_jail_from_conf(paths, &j, cj, err)) < 0) {
			conf_release(&c);
			return rc;
		}
		rc = lj_stop(paths, name, cj ? &j : NULL, err);
		lj_jail_release(&j);
		conf_release(&c);
		if (rc < 0)
			return rc;
	}
	/* Only what ljail create made: the container folder and the jail's own file. */
	if (have_dir) {
		int rc = store_remove_tree(dir, err);
		if (rc < 0)
			return lj_error_wrap(err, "jail '%s'", name);
	}
	if (unlink(file) < 0 && errno != ENOENT)
		return lj_error_set(err, errno, "jail '%s': '%s': %s", name, file, strerror(errno));
	return 0;
}

/*
 * Run inside the jail as its root, with the jail's own useradd. `useradd -m`
 * fills a home from /etc/skel only when it makes the folder itself: a home
 * that already existed (the account's failure) or that lies in a folder
 * shared with the host gets the skeleton files it lacks and its owner here.
 */
static const char useradd_script[] =
	"set -e\n"
	"user=$1 uid=$2 groups=$3 shell=$4 sudo=$5\n"
	"if ! getent passwd \"$user\" >/dev/null; then\n"
	"  useradd -m -U -s \"${shell:-/bin/bash}\" ${uid:+-u \"$uid\"} \"$user\"\n"
	"fi\n"
	"home=$(getent passwd \"$user\" | cut -d: -f6)\n"
	"group=$(id -gn \"$user\")\n"
	"mkdir -p \"$home\"\n"
	"cp -a -n /etc/skel/. \"$home\"/\n"
	"chown \"$user:$group\" \"$home\"\n"
	"chmod u+rwx \"$home\"\n"
	"(cd /etc/skel && find . -mindepth 1 -printf '%P\\n') | while IFS= read -r f; do\n"
	"  chown -h \"$user:$group\" \"$home/$f\"\n"
	"done\n"
	"if [ -n \"$groups\" ]; then usermod -a -G \"$groups\" \"$user\"; fi\n"
	"if [ \"$sudo\" = 1 ]; then\n"
	"  if ! command -v sudo >/dev/null; then\n"
	"    export DEBIAN_FRONTEND=noninteractive\n"
	"    apt-get update -qq && apt-get install -y -qq --no-install-recommends sudo >/dev/null\n"
	/* The lists and packages would stay in a thin jail's own layer (188 MB). */
	"    apt-get clean && rm -rf /var/lib/apt/lists/*\n"
	"  fi\n"
	"  usermod -a -G sudo \"$user\"\n"
	/* ljail sets no password: the grant would be useless without NOPASSWD. */
	"  printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\\n' \"$user\" > \"/etc/sudoers.d/ljail-$user\"\n"
	"  chmod 0440 \"/etc/sudoers.d/ljail-$user\"\n"
	"fi\n";

int store_useradd(const struct lj_paths *paths, const char *conf_file, const char *name,
		  const char *user, const struct store_user_opts *o, struct lj_error *err)
{
	if (store_check_name("jail", name, err) < 0)
		return -EINVAL;
	/*
	 * The name goes to the jail's useradd; keep it to what useradd accepts
	 * anyway (32 characters, as useradd's own limit).
	 */
	if (!user[0] || user[0] == '-' || strlen(user) > 32 ||
	    strspn(user, "abcdefghijklmnopqrstuvwxyz0123456789_-.") != strlen(user)) {
		LJ_CLEANUP_FREE char *shown = lj_str_printable(user, 64);
		return lj_error_usage(err,
				      "user name '%s' is not usable: up to 32 lower-case letters, "
				      "digits, '_', '-' and '.'",
				      shown);
	}
	long uid;
	if (o->uid && (!lj_parse_long(o->uid, &uid) || uid < 0))
		return lj_error_usage(err, "--uid '%s' is not a number", o->uid);
	char *argv[] = {"/bin/sh",
			"-c",
			(char *)useradd_script,
			"ljail-useradd",
			(char *)user,
			(char *)(o->uid ? o->uid : ""),
			(char *)(o->groups ? o->groups : ""),
			(char *)(o->shell ? o->shell : ""),
			o->sudo ? "1" : "0",
			NULL};
	int status = 0;
	int rc = run_in_jail(paths, conf_file, name, argv, &status, err);
	if (rc == 0 && status != 0)
		rc = lj_error_set(err, EIO, "jail '%s': adding user '%s' failed (exit status %d)",
				  name, user, status);
	return rc;
}
