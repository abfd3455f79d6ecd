/* SPDX-License-Identifier: BSD-2-Clause */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "conf/params.h"

static void test_table_is_sound(void **state)
{
	(void)state;
	assert_true(conf_param_count > 80);
	for (size_t i = 0; i < conf_param_count; i++) {
		const struct conf_param_def *d = &conf_param_table[i];
		assert_non_null(d->linux);
		assert_true(strlen(d->linux) > 5);
		for (size_t k = i + 1; k < conf_param_count; k++)
			assert_string_not_equal(d->name, conf_param_table[k].name);
	}
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
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_every_freebsd_parameter),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_names_equal),
		cmocka_unit_test(test_wildcards),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
