/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The runtime's model and bookkeeping, without starting anything: jails
 * made from configurations (and refused), depend order, run state and meta
 * files written and read back, subnets, and the /etc/hosts edit.
 */
#include "helpers.h"

#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

#include "model/jail.h"
#include "model/order.h"
#include "base/paths.h"
#include "runtime/running.h"
#include "platform/linux/cgroup.h"
#include "platform/linux/confine.h"
#include "platform/linux/net.h"
#include "store/edit.h"
#include "store/ids.h"
#include "store/meta.h"

/* The jail named "j" of text, made into the runtime's model: 0 or -errno, message in err. */
static int model(const char *text, struct lj_jail *j, struct lj_error *err)
{
	struct conf *c = t_load(text, plat_conf_host());
	char *d = t_diags(c);
	assert_string_equal(d, "");
	free(d);
	struct conf_jail *cj = conf_find_jail(c, "j");
	assert_non_null(cj);
	int rc = lj_jail_from_conf(j, cj, err);
	if (rc == 0)
		j->conf = NULL; /* the configuration goes before the model */
	t_free(c);
	return rc;
}

static void assert_refused(const char *text, const char *expected)
{
	struct lj_jail j;
	struct lj_error err = {0};
	assert_int_equal(model(text, &j, &err), -EINVAL);
	assert_true(err.usage);
	if (!strstr(err.msg, expected))
		fail_msg("'%s' not in '%s'", expected, err.msg);
	lj_jail_release(&j);
}

static void test_jail_defaults(void **state)
{
	(void)state;
	struct lj_jail j;
	struct lj_error err = {0};
	assert_int_equal(model("j { path = /srv/j/; }", &j, &err), 0);
	assert_string_equal(j.path, "/srv/j");
	assert_true(j.own_net && j.own_uts && j.own_ipc);
	assert_false(j.persist);
	assert_int_equal(j.devfs_ruleset, 4);
	assert_int_equal(j.stop_timeout, 10);
	/* What the Linux platform makes of the powers. */
	uint64_t caps = lx_jail_caps(&j);
	assert_true(lx_jail_deny(&j) & LJ_DENY_RAW_SOCKETS);
	assert_true(caps & (1ULL << CAP_NET_RAW)); /* kept: see allow.raw_sockets */
	assert_false(caps & (1ULL << CAP_SYS_ADMIN));
	assert_false(caps & (1ULL << CAP_SYS_PTRACE));
	assert_false(caps & (1ULL << CAP_MKNOD));
	assert_false(caps & (1ULL << CAP_NET_ADMIN));
	lj_jail_release(&j);
}

static void test_jail_mounts_and_powers(void **state)
{
	(void)state;
	struct lj_jail j;
	struct lj_error err = {0};
	assert_int_equal(
		model("j { path = /srv/j; persist; mount.devfs; mount.procfs; allow.mlock;\n"
		      "  allow.raw_sockets; jid = 7; host = inherit; ip4 = inherit;\n"
		      "  mount += \"tmpfs /srv/j/tmp tmpfs rw,size=1m 0 0\";\n"
		      "  mount += \"/data /srv/j/mnt nullfs ro 0 0\"; }",
		      &j, &err),
		0);
	assert_int_equal(j.jid, 7);
	assert_false(j.own_uts);
	assert_false(j.own_net);
	assert_true(j.persist);
	assert_true(j.powers.mlock && j.powers.raw_sockets);
	assert_true(lx_jail_caps(&j) & (1ULL << CAP_IPC_LOCK));
	assert_false(lx_jail_deny(&j) & LJ_DENY_RAW_SOCKETS);
	/* jail(8)'s order: the mount lines, then devfs, then procfs. */
	assert_int_equal(j.nmounts, 4);
	assert_int_equal(j.mounts[0].kind, LJ_MOUNT_TMPFS);
	assert_string_equal(j.mounts[0].target, "/tmp");
	assert_int_equal(j.mounts[1].kind, LJ_MOUNT_BIND);
	assert_true(j.mounts[1].readonly);
	assert_string_equal(j.mounts[1].source, "/data");
	assert_int_equal(j.mounts[2].kind, LJ_MOUNT_DEV);
	assert_int_equal(j.mounts[3].kind, LJ_MOUNT_PROC);
	lj_jail_release(&j);
}

static void test_jail_network(void **state)
{
	(void)state;
	struct lj_jail j;
	struct lj_error err = {0};
	assert_int_equal(model("j { path = /srv/j; vnet; vnet.bridge = br0;\n"
			       "  vnet.bridge.addr = \"10.0.5.1/24\"; vnet.nat;\n"
			       "  ip4.addr = 10.0.5.2/24, \"eth1|10.0.6.2/24\";\n"
			       "  ip4.defaultrouter = 10.0.5.1; }",
			       &j, &err),
			 0);
	assert_true(j.own_net);
	assert_string_equal(j.bridge, "br0");
	assert_string_equal(j.ifname, "eth0");
	assert_int_equal(j.naddrs, 2);
	assert_string_equal(j.addrs[0], "eth0|10.0.5.2/24");
	assert_string_equal(j.addrs[1], "eth1|10.0.6.2/24");
	assert_string_equal(j.gw4, "10.0.5.1");
	assert_true(j.nat);
	assert_true(lj_net_wanted(&j));
	lj_jail_release(&j);
}

static void test_jail_refusals(void **state)
{
	(void)state;
	assert_refused("j { persist; }", "no path");
	assert_refused("j { path = srv/j; }", "not an absolute path");
	assert_refused("j { path = /srv/j; devfs_ruleset = 9; }", "only rulesets 0 to 5");
	assert_refused("j { path = /srv/j; ip4 = inherit; allow.routing; }",
		       "allow.routing needs the jail's own network stack");
	assert_refused("j { path = /srv/j; ip4 = inherit; ip6 = new; }",
		       "both families share one network stack");
	assert_refused("j { path = /srv/j; ip4.addr = 10.0.0.2/24; }",
		       "ip4.addr needs somewhere to live");
	assert_refused("j { path = /srv/j; vnet.bridge = b; ip4.addr = 10.0.0.2; }",
		       "needs a prefix length");
	assert_refused("j { path = /srv/j; ip4 = inherit; ip4.addr = 10.0.0.2/24; }",
		       "Linux cannot limit the host's network stack");
	assert_refused("j { path = /srv/j; vnet.bridge = b; vnet.nat; }",
		       "vnet.nat needs vnet.bridge and vnet.bridge.addr");
	assert_refused("j { path = /srv/j; overlay.lower = /t; }", "go together");
}

static void test_depend_order(void **state)
{
	(void)state;
	struct conf *c = t_load("a { path = /a; depend = b; } b { path = /b; depend = c; }\n"
				"c { path = /c; } d { path = /d; }",
				plat_conf_host());
	struct conf_jail **order;
	size_t n;
	struct lj_error err = {0};
	char *only_a[] = {"a"};
	assert_int_equal(lj_order_jails(c, only_a, 1, true, &order, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(order[0]->name, "c");
	assert_string_equal(order[1]->name, "b");
	assert_string_equal(order[2]->name, "a");
	free(order);
	assert_int_equal(lj_order_jails(c, NULL, 0, true, &order, &n, &err), 0);
	assert_int_equal(n, 4);
	free(order);
	t_free(c);

	c = t_load("a { path = /a; depend = b; } b { path = /b; depend = a; }", plat_conf_host());
	assert_int_equal(lj_order_jails(c, NULL, 0, true, &order, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "form a loop"));
	t_free(c);
}

static void test_state_roundtrip(void **state)
{
	(void)state;
	char *dir = t_tmpdir();
	struct lj_paths paths;
	struct lj_error err = {0};
	assert_int_equal(lj_paths_init(&paths, dir, &err), 0);
	char *values[] = {"line\nbreak", "two, with \\ and \""};
	struct lj_state s = {.name = lj_xstrdup("a"),
			     .path = lj_xstrdup("/srv/a"),
			     .hostname = lj_xstrdup("a.example"),
			     .phase = LJ_PHASE_RUNNING,
			     .persist = true};
	lj_kv_add(&s.plat, "pid", "123");
	lj_kv_add(&s.plat, "moved", "eth5");
	lj_kv_add(&s.plat, "moved", "eth6\nsecond line");
	lj_state_add_param(&s, "persist", NULL, 0, false);
	lj_state_add_param(&s, "mount", values, 2, false);
	lj_state_add_param(&s, "allow.mount", NULL, 0, true);
	assert_int_equal(rt_claim(&paths, &s, &err), 0);
	assert_int_equal(s.jid, 1);
	struct lj_state r;
	assert_int_equal(lj_state_read(&paths, "a", &r, &err), 0);
	assert_int_equal(r.jid, 1);
	assert_string_equal(r.path, "/srv/a");
	assert_string_equal(r.hostname, "a.example");
	assert_int_equal(r.phase, LJ_PHASE_RUNNING);
	assert_true(r.persist);
	assert_int_equal(r.plat.n, 3);
	assert_string_equal(lj_kv_get(&r.plat, "pid"), "123");
	assert_string_equal(r.plat.items[2].value, "eth6\nsecond line");
	assert_int_equal(r.nparams, 3);
	assert_string_equal(r.params[0].name, "persist");
	assert_int_equal(r.params[0].nvalues, 0);
	assert_int_equal(r.params[1].nvalues, 2);
	assert_string_equal(r.params[1].values[0], "line\nbreak");
	assert_string_equal(r.params[1].values[1], "two, with \\ and \"");
	assert_true(r.params[2].negated);
	lj_state_release(&r);
	lj_state_release(&s);
	assert_int_equal(lj_state_read(&paths, "b", &r, &err), -ENOENT);

	/* A second jail gets the next jid while the first one's is taken. */
	struct lj_state s2 = {.name = lj_xstrdup("b"), .path = lj_xstrdup("/srv/b")};
	lj_kv_addf(&s2.plat, "pid", "%d", (int)getpid());
	assert_int_equal(rt_claim(&paths, &s2, &err), 0);
	assert_int_equal(s2.jid, 1); /* a's record names no live process: its jid is free */
	lj_state_release(&s2);
	assert_int_equal(lj_state_remove(&paths, "b", &err), 0);

	/* A lock is held once. */
	int fd, fd2;
	assert_int_equal(lj_state_lock(&paths, "a", &fd, &err), 0);
	assert_int_equal(lj_state_lock(&paths, "a", &fd2, &err), -EBUSY);
	assert_string_equal(err.msg, "jail 'a': another ljail is starting or stopping it");
	lj_state_unlock(&paths, "a", fd, true);
	assert_int_equal(lj_state_remove(&paths, "a", &err), 0);
	lj_paths_release(&paths);
	t_rmtree(dir);
	free(dir);
}

static void test_meta_roundtrip(void **state)
{
	(void)state;
	char *dir = t_tmpdir();
	char *file = lj_xasprintf("%s/meta", dir);
	struct store_meta m = {0};
	struct lj_error err = {0};
	for (int i = 0; i < 20; i++) {
		char k[16], v[16];
		snprintf(k, sizeof(k), "k%d", i);
		snprintf(v, sizeof(v), "v%d", i);
		store_meta_set(&m, k, v);
	}
	store_meta_set(&m, "k3", "again");
	assert_int_equal(store_meta_write(file, &m, &err), 0);
	store_meta_release(&m);
	assert_int_equal(store_meta_read(file, &m, &err), 0);
	assert_int_equal(m.n, 20);
	assert_string_equal(store_meta_get(&m, "k3"), "again");
	assert_string_equal(store_meta_get(&m, "k19"), "v19");
	assert_null(store_meta_get(&m, "k20"));
	store_meta_release(&m);
	free(file);
	t_rmtree(dir);
	free(dir);
}

static void test_subnet(void **state)
{
	(void)state;
	char *s = lj_net_subnet("10.0.5.77/24");
	assert_string_equal(s, "10.0.5.0/24");
	free(s);
	s = lj_net_subnet("192.168.3.9/32");
	assert_string_equal(s, "192.168.3.9/32");
	free(s);
	s = lj_net_subnet("172.16.200.1/12");
	assert_string_equal(s, "172.16.0.0/12");
	free(s);
	assert_null(lj_net_subnet("10.0.5.1"));
	assert_null(lj_net_subnet("fe80::1/64"));
	assert_null(lj_net_subnet("10.0.5.1/33"));
}

static void test_hosts_edit(void **state)
{
	(void)state;
	size_t len;
	const char *debian = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n";
	char *out = store_hosts_with_name(debian, strlen(debian), "d2l", &len);
	assert_non_null(out);
	assert_int_equal(len, strlen(debian) + strlen("127.0.1.1\td2l\n"));
	assert_memory_equal(out + strlen(debian), "127.0.1.1\td2l\n", len - strlen(debian));
	free(out);
	/* Already a name on a line: nothing to add. A comment or an address does not count. */
	const char *has = "127.0.1.1 other d2l\n";
	assert_null(store_hosts_with_name(has, strlen(has), "d2l", &len));
	const char *comment = "# d2l\nd2l 127.0.0.1\n";
	out = store_hosts_with_name(comment, strlen(comment), "d2l", &len);
	assert_non_null(out);
	free(out);
	/* A last line without its newline gets one first. */
	out = store_hosts_with_name("x y", 3, "d2l", &len);
	assert_int_equal(len, strlen("x y\n127.0.1.1\td2l\n"));
	assert_memory_equal(out, "x y\n127.0.1.1\td2l\n", len);
	free(out);
}

/*
 * jail(8)'s order (lines, then devfs, fdescfs, procfs), except that nothing
 * is mounted over a mount made after it: the /dev/shm line goes after /dev.
 */
static void test_idmap_parse(void **state)
{
	(void)state;
	struct lj_idmap m = {0};
	assert_int_equal(lj_idmap_parse("524288:65536", &m), 0);
	assert_int_equal(m.base, 524288);
	assert_int_equal(m.count, 65536);
	assert_int_equal(lj_idmap_parse("4294901759:65536", &m), 0);
	/* Host id 0 never; no wrap past 2^32 - 1 (the kernel's "no id"); whole numbers. */
	static const char *const bad[] = {"0:65536",
					  "1:0",
					  "4294901760:65536",
					  "-1:5",
					  "1:-5",
					  "1:2:3",
					  ":5",
					  "5:",
					  "5",
					  "",
					  " 5:5",
					  "5:5 ",
					  "0x10:5",
					  "99999999999999999999:1",
					  /* found by fuzz-idmap: the sum wrapped past 2^64 */
					  "2:18446744073709551615", "18446744073709551615:2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(lj_idmap_parse(bad[i], &m), -EINVAL);
}

static void test_publish_parse(void **state)
{
	(void)state;
	struct lj_publish p;
	const char *why = NULL;
	char text[64];
	assert_int_equal(lj_publish_parse("8888:8000", &p, &why), 0);
	assert_int_equal(p.host_port, 8888);
	assert_int_equal(p.jail_port, 8000);
	assert_false(p.udp);
	assert_string_equal(p.host_addr, "");
	assert_string_equal(lj_publish_format(&p, text, sizeof(text)), "8888:8000/tcp");
	assert_int_equal(lj_publish_parse("127.0.0.1:53:5353/udp", &p, &why), 0);
	assert_true(p.udp);
	assert_string_equal(lj_publish_format(&p, text, sizeof(text)), "127.0.0.1:53:5353/udp");
	/* 0.0.0.0 is every address, as no address. */
	assert_int_equal(lj_publish_parse("0.0.0.0:80:80/tcp", &p, &why), 0);
	assert_string_equal(p.host_addr, "");
	/* found by fuzz-publish: the two spellings must be one value, to the byte */
	struct lj_publish plain;
	assert_int_equal(lj_publish_parse("80:80", &plain, &why), 0);
	assert_memory_equal(&p, &plain, sizeof(p));
	static const char *const bad[] = {"80",        "0:80",          "80:0",   "65536:80",
					  "80:65536",  "-1:80",         "+80:80", "80:80/sctp",
					  "80:80/",    ":80",           "80:",    "1.2.3:80:80",
					  "::1:80:80", "a:80:80",       "80 :80", "80:8 0",
					  "080000:80", "1.2.3.4:5:6:7", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(lj_publish_parse(bad[i], &p, &why), -EINVAL);
		assert_non_null(why);
	}
	struct lj_publish a, b;
	lj_publish_parse("8080:80", &a, &why);
	lj_publish_parse("127.0.0.1:8080:81", &b, &why);
	assert_true(lj_publish_clash(&a, &b)); /* every address takes in 127.0.0.1 */
	lj_publish_parse("10.0.0.1:8080:81", &a, &why);
	assert_false(lj_publish_clash(&a, &b));
	lj_publish_parse("127.0.0.1:8080:81/udp", &a, &why);
	assert_false(lj_publish_clash(&a, &b));
}

static void test_userns_from_conf(void **state)
{
	(void)state;
	struct lj_jail j;
	struct lj_error err = {0};
	assert_int_equal(
		model("j { path = /j; userns = new; userns.idmap = \"600000:1000\"; }", &j, &err),
		0);
	assert_int_equal(j.idmap.base, 600000);
	assert_int_equal(j.idmap.count, 1000);
	lj_jail_release(&j);
	assert_int_equal(model("j { path = /j; }", &j, &err), 0);
	assert_int_equal(j.idmap.count, 0);
	lj_jail_release(&j);
	assert_refused("j { path = /j; userns = new; }", "userns = new needs userns.idmap");
	assert_refused("j { path = /j; userns.idmap = \"600000:10\"; }",
		       "userns.idmap needs userns = new");
	assert_refused("j { path = /j; userns = new; userns.idmap = \"0:10\"; }",
		       "userns.idmap '0:10'");
	assert_refused("j { path = /j; mount += \"/srv /j/mnt nullfs rw,idmap 0 0\"; }",
		       "idmap goes with nullfs lines of a jail with userns = new");
}

static void test_subid_overlaps(void **state)
{
	(void)state;
	const char *text = "# comment\nroot:100000:65536\nbroken line\nalice:200000:10\n";
	assert_true(store_ids_subid_overlaps(text, 165535, 10));
	assert_false(store_ids_subid_overlaps(text, 165536, 34464));
	assert_true(store_ids_subid_overlaps(text, 200009, 1));
	assert_false(store_ids_subid_overlaps(text, 200010, 65536));
	assert_false(store_ids_subid_overlaps("", 1, 1));
}

static char *slurp(const char *dir, const char *name)
{
	char *path = lj_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	free(path);
	char buf[256] = "";
	if (f) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
	}
	return lj_xstrdup(buf);
}

/* A folder for the test's own cgroup tree, removed even when the test fails. */
static int with_tree(void **state)
{
	*state = t_tmpdir();
	return 0;
}

static int remove_tree(void **state)
{
	t_rmtree(*state);
	free(*state);
	return 0;
}

/*
 * cgroup v2, which this host cannot run end to end (its unified tree has no
 * controllers): the files a jail's limits become, in a tree made here as the
 * kernel would show it.
 */
static void test_cgroup_v2_writes(void **state)
{
	const char *root = *state;
	t_write(root, "cgroup.controllers", "cpuset cpu io memory pids\n");
	t_write(root, "cgroup.subtree_control", "");
	char *jail = lj_xasprintf("%s/ljail/j.0001", root);
	char *parent = lj_xasprintf("%s/ljail", root);
	assert_int_equal(mkdir(parent, 0755), 0);
	assert_int_equal(mkdir(jail, 0755), 0);
	t_write(parent, "cgroup.subtree_control", "");
	t_write(jail, "cgroup.controllers", "cpu io memory pids\n");
	static const char *const files[] = {"memory.max", "memory.swap.max", "pids.max",
					    "cpu.max",    "io.max",          "cgroup.procs",
					    "cpuset.cpus"};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(files); i++)
		t_write(jail, files[i], "");
	assert_int_equal(lx_cgroup_mode(root), LX_CGROUP_V2);

	struct lj_limits l = LJ_LIMITS_NONE;
	l.memoryuse = 64 << 20;
	l.swapuse = 0;
	l.maxproc = 40;
	l.pcpu = 20;
	l.readbps = 1 << 20;
	l.writeiops = 100;
	struct lj_error err = {0};
	assert_int_equal(lx_cgroup_make(root, "j", "ljail/j.0001", &l, "8:0", &err), 0);
	static const char *const want[][2] = {{"memory.max", "67108864"},
					      {"memory.swap.max", "0"},
					      {"pids.max", "40"},
					      {"cpu.max", "20000 100000"},
					      {"io.max", "8:0 rbps=1048576 wiops=100"}};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(want); i++) {
		char *got = slurp(jail, want[i][0]);
		if (!lj_str_eq(got, want[i][1]))
			fail_msg("%s: '%s', not '%s'", want[i][0], got, want[i][1]);
		free(got);
	}
	/* The controllers are handed down to ljail's folder (the last one written shows). */
	char *sub = slurp(root, "cgroup.subtree_control");
	assert_string_equal(sub, "+cpuset");
	free(sub);
	assert_int_equal(lx_cgroup_pin(root, "j", "ljail/j.0001", "0-1,3", &err), 0);
	char *cpus = slurp(jail, "cpuset.cpus");
	assert_string_equal(cpus, "0-1,3");
	free(cpus);
	assert_int_equal(lx_cgroup_enter(root, "ljail/j.0001", 4242), 0);
	char *procs = slurp(jail, "cgroup.procs");
	assert_string_equal(procs, "4242");
	free(procs);

	/* A limit whose controller the host lacks is an error naming it; nothing is left. */
	t_write(jail, "cgroup.controllers", "memory\n");
	l = LJ_LIMITS_NONE;
	l.maxproc = 10;
	assert_true(lx_cgroup_make(root, "j", "ljail/j.0001", &l, NULL, &err) < 0);
	assert_non_null(
		strstr(err.msg, "jail 'j': rctl maxproc: the host has no cgroup controller"));
	/* I/O limits need the disk. */
	t_write(jail, "cgroup.controllers", "io\n");
	l = LJ_LIMITS_NONE;
	l.readbps = 1;
	assert_true(lx_cgroup_make(root, "j", "ljail/j.0001", &l, NULL, &err) < 0);
	free(jail);
	free(parent);
}

/* Under systemd with Delegate=yes, jails go inside the service's cgroup. */
static void test_cgroup_parent(void **state)
{
	const char *root = *state;
	t_write(root, "cgroup.controllers", "cpu io memory pids\n");
	char *svc = lj_xasprintf("%s/system.slice", root);
	assert_int_equal(mkdir(svc, 0755), 0);
	char *own = lj_xasprintf("%s/ljail.service", svc);
	assert_int_equal(mkdir(own, 0755), 0);
	const char *self = "0::/system.slice/ljail.service\n";
	/* Not delegated: the root of the hierarchy. */
	char *p = lx_cgroup_parent(root, self);
	assert_string_equal(p, "ljail");
	free(p);
	/* Delegated, as systemd marks it. */
	assert_int_equal(setxattr(own, "user.delegate", "1", 1, 0), 0);
	{
		p = lx_cgroup_parent(root, self);
		assert_string_equal(p, "system.slice/ljail.service/ljail");
		/* The leaf as the kernel would show it once made. */
		char *leaf = lj_xasprintf("%s/ljail.supervisor", own);
		assert_int_equal(mkdir(leaf, 0755), 0);
		t_write(leaf, "cgroup.procs", "");
		assert_int_equal(lx_cgroup_step_aside(root, "system.slice/ljail.service/ljail"), 0);
		char *procs = slurp(leaf, "cgroup.procs");
		char pid[32];
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		assert_string_equal(procs, pid);
		free(procs);
		/* Run again from the supervisor leaf: the same parent. */
		char *again =
			lx_cgroup_parent(root, "0::/system.slice/ljail.service/ljail.supervisor\n");
		assert_string_equal(again, p);
		free(again);
		free(leaf);
		free(p);
	}
	/* A v1 (hybrid) host keeps the root. */
	char *mem = lj_xasprintf("%s/memory", root);
	assert_int_equal(mkdir(mem, 0755), 0);
	t_write(mem, "cgroup.procs", "");
	p = lx_cgroup_parent(root, self);
	assert_string_equal(p, "ljail");
	free(p);
	free(svc);
	free(own);
	free(mem);
}

static void test_mounts_never_hidden(void **state)
{
	(void)state;
	struct lj_jail j;
	struct lj_error err = {0};
	assert_int_equal(model("j { path = /r; mount.devfs; mount.procfs;\n"
			       "mount = \"tmpfs /r/dev/shm tmpfs rw 0 0\", \"tmpfs /r/tmp tmpfs rw 0 0\","
			       " \"/srv /r/mnt nullfs ro 0 0\", \"tmpfs /r/mnt/x tmpfs rw 0 0\"; }",
			       &j, &err),
			 0);
	const char *want[] = {"/tmp", "/mnt", "/dev", "/proc", "/dev/shm", "/mnt/x"};
	assert_int_equal(j.nmounts, LJ_ARRAY_SIZE(want));
	for (size_t i = 0; i < j.nmounts; i++)
		assert_string_equal(j.mounts[i].target, want[i]);
	lj_jail_release(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jail_defaults),
		cmocka_unit_test(test_jail_mounts_and_powers),
		cmocka_unit_test(test_jail_network),
		cmocka_unit_test(test_jail_refusals),
		cmocka_unit_test(test_depend_order),
		cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_mounts_never_hidden),
		cmocka_unit_test(test_idmap_parse),
		cmocka_unit_test(test_publish_parse),
		cmocka_unit_test(test_userns_from_conf),
		cmocka_unit_test(test_subid_overlaps),
		cmocka_unit_test_setup_teardown(test_cgroup_v2_writes, with_tree, remove_tree),
		cmocka_unit_test_setup_teardown(test_cgroup_parent, with_tree, remove_tree),
		cmocka_unit_test(test_meta_roundtrip),
		cmocka_unit_test(test_subnet),
		cmocka_unit_test(test_hosts_edit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
