/* SPDX-License-Identifier: BSD-2-Clause */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "conf/params.h"

/* A value of the parameter's own type, so that only its support is at stake. */
static const char *value_for(const struct conf_param_def *d)
{
	switch (d->type) {
	case CONF_T_BOOL: return "";
	case CONF_T_INT: return " = 1";
	case CONF_T_JAILSYS: return " = new";
	case CONF_T_IP4: return " = 192.0.2.1";
	case CONF_T_IP6: return " = 2001:db8::1";
	default: return " = x";
	}
}

/*
 * Every entry is found by its own name; the host describes every parameter
 * of the table; every parameter the host calls unsupported is refused with
 * the host's reason, while config show still takes it.
 */
static void test_table_is_sound(void **state)
{
	(void)state;
	const struct conf_host *host = plat_conf_host();
	for (size_t i = 0; i < conf_param_count; i++) {
		const struct conf_param_def *d = &conf_param_table[i];
		bool neg;
		assert_ptr_equal(conf_param_find(d->name, &neg), d);
		assert_false(neg);
		const struct conf_host_param *h = host->param(d->name);
		if (!h)
			fail_msg("%s: the host does not describe it", d->name);
		assert_non_null(h->note);
		if (h->support != CONF_UNSUPPORTED || d->pseudo)
			continue;
		char *text = lj_xasprintf("a { path = /a; %s%s; }\n", d->name, value_for(d));
		struct conf *c = t_load(text, host);
		char *diags = t_diags(c);
		if (!strstr(diags, h->note))
			fail_msg("%s: refused without its reason: '%s'", text, diags);
		free(diags);
		t_free(c);
		c = t_load(text, NULL);
		diags = t_diags(c);
		assert_string_equal(diags, "");
		free(diags);
		t_free(c);
		free(text);
	}
}

/*
 * A host that describes only path and mount refuses every other parameter it
 * is asked to do, and mounts nothing.
 */
static const struct conf_host_param *describes_little(const char *name)
{
	static const struct conf_host_param known[] = {
		{"path", CONF_SUPPORTED, NULL, "the root"},
		{"mount", CONF_SUPPORTED, NULL, "fstab lines"},
	};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(known); i++)
		if (lj_str_eq(known[i].name, name))
			return &known[i];
	return NULL;
}

static const char *mounts_nothing(const char *type)
{
	(void)type;
	return NULL;
}

static void test_undescribed_is_refused(void **state)
{
	(void)state;
	const struct conf_host bare = {"Bare", describes_little, mounts_nothing, NULL};
	struct conf *c = t_load("a { path = /a; host.hostname = x; }\n", &bare);
	char *diags = t_diags(c);
	assert_non_null(strstr(diags, "'host.hostname' is not supported on Bare"));
	free(diags);
	t_free(c);
	c = t_load("a { path = /a; mount = \"t /a/t tmpfs rw 0 0\"; }\n", &bare);
	diags = t_diags(c);
	assert_non_null(strstr(diags, "'tmpfs' cannot be mounted in a jail on Bare"));
	free(diags);
	t_free(c);
}

static void test_find(void **state)
{
	(void)state;
	bool neg;
	const struct conf_param_def *d = conf_param_find("persist", &neg);
	assert_non_null(d);
	assert_false(neg);
	d = conf_param_find("nopersist", &neg);
	assert_string_equal(d->name, "persist");
	assert_true(neg);
	d = conf_param_find("allow.nomount", &neg);
	assert_string_equal(d->name, "allow.mount");
	assert_true(neg);
	d = conf_param_find("allow.mount.nonullfs", &neg);
	assert_string_equal(d->name, "allow.mount.nullfs");
	d = conf_param_find("novnet", &neg);
	assert_string_equal(d->name, "vnet");
	/* Only booleans take "no", and only on the last component. */
	assert_null(conf_param_find("nopath", NULL));
	assert_null(conf_param_find("allow.nomount.devfs", NULL));
	assert_null(conf_param_find("host.nohostname", NULL));
	assert_null(conf_param_find("", NULL));
}

static void test_every_freebsd_parameter(void **state)
{
	(void)state;
	static const char *const names[] = {
		"path",
		"host.hostname",
		"ip4",
		"ip4.addr",
		"ip6",
		"ip6.addr",
		"vnet",
		"persist",
		"allow.raw_sockets",
		"allow.mount",
		"allow.set_hostname",
		"allow.sysvipc",
		"enforce_statfs",
		"devfs_ruleset",
		"children.max",
		"securelevel",
		"sysvmsg",
		"sysvsem",
		"sysvshm",
		"linux",
		"linux.osname",
		"linux.osrelease",
		"exec.prepare",
		"exec.prestart",
		"exec.created",
		"exec.start",
		"exec.poststart",
		"exec.prestop",
		"exec.stop",
		"exec.poststop",
		"exec.release",
		"exec.clean",
		"exec.jail_user",
		"exec.system_user",
		"exec.timeout",
		"exec.consolelog",
		"exec.fib",
		"stop.timeout",
		"interface",
		"ip_hostname",
		"mount",
		"mount.fstab",
		"mount.devfs",
		"mount.fdescfs",
		"mount.procfs",
		"vnet.interface",
		"depend",
		"zfs.dataset",
		"jid",
		"name",
	};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(names); i++)
		if (!conf_param_find(names[i], NULL))
			fail_msg("'%s' is missing from the table", names[i]);
}

static void test_suggest(void **state)
{
	(void)state;
	assert_string_equal(conf_param_suggest("host.hostnmae"), "host.hostname");
	assert_string_equal(conf_param_suggest("exec.strat"), "exec.start");
	assert_string_equal(conf_param_suggest("presist"), "persist");
	assert_string_equal(conf_param_suggest("ip4.adr"), "ip4.addr");
	assert_null(conf_param_suggest("frobnicate"));
	assert_null(conf_param_suggest("x"));
}

static void test_names_equal(void **state)
{
	(void)state;
	assert_true(conf_names_equal("persist", "nopersist"));
	assert_true(conf_names_equal("allow.mount", "allow.nomount"));
	assert_true(conf_names_equal("allow.mount.devfs", "allow.mount.nodevfs"));
	assert_false(conf_names_equal("allow.mount", "allow.mount.devfs"));
	assert_false(conf_names_equal("path", "paths"));
}

static void test_wildcards(void **state)
{
	(void)state;
	assert_true(conf_name_is_wildcard("*"));
	assert_true(conf_name_is_wildcard("web.*"));
	assert_true(conf_name_is_wildcard("*.b"));
	assert_false(conf_name_is_wildcard("web*"));
	assert_true(conf_wildcard_match("web.a", "web.*"));
	assert_true(conf_wildcard_match("web.a.b", "web.*"));
	assert_false(conf_wildcard_match("web", "web.*"));
	assert_true(conf_wildcard_match("a.b", "*.b"));
	assert_false(conf_wildcard_match("a.c", "*.b"));
	assert_true(conf_wildcard_match("anything", "*"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_sound),
		cmocka_unit_test(test_undescribed_is_refused),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_every_freebsd_parameter),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_names_equal),
		cmocka_unit_test(test_wildcards),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
