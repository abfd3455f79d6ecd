/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Resolution, checked through what `jail -e '|'` prints on FreeBSD for the
 * same text: the order of parameters, overrides, += and variables.
 */
#include "helpers.h"

#include <stdlib.h>

static void test_jail_conf5_example(void **state)
{
	(void)state;
	assert_show("exec.start = \"/bin/sh /etc/rc\";\n"
		    "exec.stop = \"/bin/sh /etc/rc.shutdown jail\";\n"
		    "exec.clean;\nmount.devfs;\n"
		    "path = \"/var/jail/$name\";\n"
		    "foo {\n\thost.hostname = \"foo.com\";\n"
		    "\tip4.addr = 10.1.1.1, 10.1.1.2, 10.1.1.3;\n}\n"
		    "bar {\n\texec.start = '';\n\texec.stop = '';\n\tpath = /;\n"
		    "\tmount.nodevfs;\n\tpersist;\t// no processes\n}\n",
		    "|",
		    "name=foo|exec.start=\"/bin/sh /etc/rc\"|exec.stop=\"/bin/sh /etc/rc.shutdown "
		    "jail\"|exec.clean|mount.devfs|path=/var/jail/foo|host.hostname=foo.com|"
		    "ip4.addr=10.1.1.1,10.1.1.2,10.1.1.3\n"
		    "name=bar|exec.start=\"\"|exec.stop=\"\"|exec.clean|mount.nodevfs|path=/|"
		    "persist\n");
}

static void test_globals_after_jail_override(void **state)
{
	(void)state;
	/* Global statements after a jail are a later wildcard: they win. */
	assert_show("a { persist = 0; path = /a; }\npersist = 1;\n", " ",
		    "name=a persist=1 path=/a\n");
	assert_show("persist = 1;\na { persist = 0; }\n", " ", "name=a persist=0\n");
}

static void test_wildcards(void **state)
{
	(void)state;
	assert_show("\"web.*\" { host.hostname = \"$name.example\"; }\n"
		    "web.a { path = /a; }\nweb.b.c { path = /c; }\nmail { path = /m; }\n",
		    "|",
		    "name=web.a|host.hostname=web.a.example|path=/a\n"
		    "name=web.b.c|host.hostname=web.b.c.example|path=/c\nname=mail|path=/m\n");
	assert_show("web.a { path = /a; }\n\"web.*\" { host.hostname = \"$name.example\"; }\n"
		    "* { persist; }\n",
		    "|", "name=web.a|path=/a|host.hostname=web.a.example|persist\n");
	assert_show("a.b { path = /x; }\n\"*.b\" { persist; }\n\"*.c\" { mount.devfs; }\n", "|",
		    "name=a.b|path=/x|persist\n");
}

static void test_append(void **state)
{
	(void)state;
	assert_show("a { mount = x; mount += y, z; mount += \"w v\"; }\n", "|",
		    "name=a|mount=x,y,z,\"w v\"\n");
	assert_show("mount += g;\na { mount += j; }\n", "|", "name=a|mount=g,j\n");
	assert_show("a { exec.start += x; exec.start = y; }\n", "|", "name=a|exec.start=y\n");
	/* A valueless statement clears, as in jail(8). */
	assert_show("a { ip4.addr = 1.1.1.1; ip4.addr; }\n", "|", "name=a|ip4.addr\n");
}

static void test_no_prefix_replaces_in_place(void **state)
{
	(void)state;
	assert_show("allow.mount; path=/; a { allow.nomount; }\n", "|",
		    "name=a|allow.nomount|path=/\n");
	assert_show("a { nopersist; persist; }\n", "|", "name=a|persist\n");
}

static void test_variables(void **state)
{
	(void)state;
	assert_show("$base = /jails;\na { path = \"$base/$name\"; }\n", "|",
		    "name=a|path=/jails/a\n");
	/* A global that uses a variable only the jail defines. */
	assert_show("$epair = \"epair${id}\";\nvnet.interface = \"${epair}b\";\n"
		    "j5 { $id = 5; vnet; }\nj6 { $id = 6; vnet; }\n",
		    "|",
		    "name=j5|vnet.interface=epair5b|vnet\nname=j6|vnet.interface=epair6b|vnet\n");
	assert_show("a { host.hostname = x.y; path = \"/j/${host.hostname}\"; }\n", "|",
		    "name=a|host.hostname=x.y|path=/j/x.y\n");
	/* Single quotes do not expand. */
	assert_show("a { exec.start = '$name'; }\n", "|", "name=a|exec.start=$name\n");
	/* A later definition changes what earlier references see. */
	assert_show("$v = 1; a { path = /$v; } $v = 2;\n", "|", "name=a|path=/2\n");
}

static void test_reorder(void **state)
{
	(void)state;
	/* A parameter needed by an earlier one moves before it, as in jail(8). */
	assert_show("a { path = \"/j/$hn\"; $hn = \"$name.x\"; }\n", "|", "name=a|path=/j/a.x\n");
	assert_show("a { path = \"/j/${host.hostname}\"; host.hostname = \"$name.x\"; }\n", "|",
		    "name=a|host.hostname=a.x|path=/j/a.x\n");
}

static void test_list_variables(void **state)
{
	(void)state;
	assert_show("$addrs = 10.0.0.1, 10.0.0.2;\na { ip4.addr = $addrs; }\n", "|",
		    "name=a|ip4.addr=10.0.0.1,10.0.0.2\n");
	assert_show("$addrs = 10.0.0.1, 10.0.0.2;\na { ip4.addr = 10.0.0.9, $addrs, 10.0.0.3; }\n",
		    "|", "name=a|ip4.addr=10.0.0.9,10.0.0.1,10.0.0.2,10.0.0.3\n");
}

static void test_numeric_names(void **state)
{
	(void)state;
	/*
	 * A non-zero integer names the jid; jail(8) gives the jail its name after
	 * the other parameters, where ${name} finds it, and jail -e leaves the
	 * jid out (FreeBSD's jail_basic_test.sh holds it to this).
	 */
	assert_show("5 { path = /x; }\n", "|", "path=/x|name=5\n");
	assert_show("5 { host.hostname = \"${name}\"; }\n", "|", "host.hostname=5|name=5\n");
	assert_show("\"-3\" { path = /x; }\n", "|", "path=/x|name=-3\n");
	assert_show("5 { name = five; path = /x; }\n", "|", "name=five|path=/x\n");
	struct conf *c = t_load("5 { path = /x; }\n007 { path = /y; }\n0 { path = /z; }\n",
				NULL);
	assert_int_equal(c->njails, 3);
	assert_string_equal(c->jails[0].params[0].name, "jid");
	assert_string_equal(c->jails[0].params[0].values[0], "5");
	assert_string_equal(c->jails[0].params[2].name, "name");
	assert_string_equal(c->jails[1].params[0].name, "jid");
	assert_string_equal(c->jails[2].params[0].name, "name");
	t_free(c);
}

static void test_nested_blocks(void **state)
{
	(void)state;
	assert_show("outer { path = /o; inner { path = /o/i; } }\n", "|",
		    "name=outer|path=/o\nname=outer.inner|path=/o/i\n");
}

static void test_handbook_vnet(void **state)
{
	(void)state;
	assert_show(
		"vnetjail {\n"
		"  exec.start = \"/bin/sh /etc/rc\";\n"
		"  exec.stop = \"/bin/sh /etc/rc.shutdown\";\n"
		"  exec.consolelog = \"/var/log/jail_console_${name}.log\";\n"
		"  allow.raw_sockets;\n  exec.clean;\n  mount.devfs;\n  devfs_ruleset = 5;\n"
		"  path = \"/usr/local/jails/containers/${name}\";\n"
		"  host.hostname = \"${name}\";\n"
		"  vnet;\n  vnet.interface = \"${epair}b\";\n"
		"  $id = \"154\";\n  $ip = \"192.168.1.${id}/24\";\n"
		"  $gateway = \"192.168.1.1\";\n  $bridge = \"bridge0\";\n"
		"  $epair = \"epair${id}\";\n"
		"  exec.prestart  = \"/sbin/ifconfig ${epair} create up\";\n"
		"  exec.prestart += \"/sbin/ifconfig ${epair}a up descr jail:${name}\";\n"
		"  exec.prestart += \"/sbin/ifconfig ${bridge} addm ${epair}a up\";\n"
		"  exec.start    += \"/sbin/ifconfig ${epair}b ${ip} up\";\n"
		"  exec.start    += \"/sbin/route add default ${gateway}\";\n"
		"  exec.poststop = \"/sbin/ifconfig ${bridge} deletem ${epair}a\";\n"
		"  exec.poststop += \"/sbin/ifconfig ${epair}a destroy\";\n"
		"}\n",
		"|",
		"name=vnetjail|exec.start=\"/bin/sh /etc/rc\",\"/sbin/ifconfig epair154b "
		"192.168.1.154/24 up\",\"/sbin/route add default 192.168.1.1\"|"
		"exec.stop=\"/bin/sh /etc/rc.shutdown\"|"
		"exec.consolelog=/var/log/jail_console_vnetjail.log|allow.raw_sockets|exec.clean|"
		"mount.devfs|devfs_ruleset=5|path=/usr/local/jails/containers/vnetjail|"
		"host.hostname=vnetjail|vnet|vnet.interface=epair154b|"
		"exec.prestart=\"/sbin/ifconfig epair154 create up\",\"/sbin/ifconfig epair154a up "
		"descr jail:vnetjail\",\"/sbin/ifconfig bridge0 addm epair154a up\"|"
		"exec.poststop=\"/sbin/ifconfig bridge0 deletem epair154a\",\"/sbin/ifconfig "
		"epair154a destroy\"\n");
}

static void test_quoting_on_output(void **state)
{
	(void)state;
	assert_show(
		"a { exec.start = \"it's\"; exec.stop = 'say \"hi\"'; meta = \"a\\\\b\"; "
		"env = \"t\\tab\"; }\n",
		"|",
		"name=a|exec.start=\"it's\"|exec.stop='say \"hi\"'|meta=a\\\\b|env=\"t\tab\"\n");
}

/*
 * Every top-level statement, before and after jail blocks and across
 * files, joins one global pseudo-jail where the first of them stands.
 */
static void test_one_global_block(void **state)
{
	(void)state;
	assert_show("path=/g0; a { path=/a; } path=/g1;\n", "|", "name=a|path=/a\n");
	assert_show("persist; a { } b { } host.hostname = h;\n", "|",
		    "name=a|persist|host.hostname=h\nname=b|persist|host.hostname=h\n");
	/* A jail before the first global statement gets them after its own. */
	assert_show("a { path=/a; } path=/g;\n", "|", "name=a|path=/g\n");
}

/* config show prints what jail -e prints; the checks are config check's. */
static void test_show_prints_without_checking(void **state)
{
	(void)state;
	assert_show("a { ip4.addr = \"\"; }\n", "|", "name=a|ip4.addr=\"\"\n");
	assert_show("a { ip4.addr = \"%%SERVER_IP%%\"; }\n", "|",
		    "name=a|ip4.addr=%%SERVER_IP%%\n");
	assert_show("a { ip6.addr = fe80::1%lo0; }\n", "|", "name=a|ip6.addr=fe80::1%lo0\n");
	assert_diags("a { ip4.addr = \"%%SERVER_IP%%\"; }\n", plat_conf_host(),
		     "test.conf:1:16: jail 'a': ip4.addr: '%%SERVER_IP%%' is not an IPv4 address");
}

/* A name given to two blocks is two jails to show, and an error to act on. */
static void test_a_name_defined_twice(void **state)
{
	(void)state;
	assert_show("a { path=/a; } a { persist; }\n", "|", "name=a|path=/a\nname=a|persist\n");
	assert_diags("a { path=/a; } a { persist; }\n", plat_conf_host(),
		     "test.conf:1:16: jail 'a' is already defined at test.conf:1:1");
}

/* Variables may take the names of parameters jail(8) does not itself know. */
static void test_variable_names(void **state)
{
	(void)state;
	assert_show("$host = x; $ip4 = 10.0.0.1; $enforce_statfs = 1;\n"
		    "a { host.hostname = $host; meta = \"$ip4 $enforce_statfs\"; }\n",
		    "|", "name=a|host.hostname=x|meta=\"10.0.0.1 1\"\n");
	assert_diags("$path = x; a { }\n", NULL,
		     "test.conf:1:1: jail 'a': variable '$path' cannot have the same name as a "
		     "parameter");
	assert_diags("$nopersist = x; a { }\n", NULL,
		     "test.conf:1:1: jail 'a': variable '$nopersist' cannot have the same name as a "
		     "parameter");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jail_conf5_example),
		cmocka_unit_test(test_globals_after_jail_override),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_no_prefix_replaces_in_place),
		cmocka_unit_test(test_variables),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_list_variables),
		cmocka_unit_test(test_numeric_names),
		cmocka_unit_test(test_nested_blocks),
		cmocka_unit_test(test_handbook_vnet),
		cmocka_unit_test(test_quoting_on_output),
		cmocka_unit_test(test_one_global_block),
		cmocka_unit_test(test_show_prints_without_checking),
		cmocka_unit_test(test_a_name_defined_twice),
		cmocka_unit_test(test_variable_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
