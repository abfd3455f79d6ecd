/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Malformed configurations: each gets its exact message at its exact
 * FILE:LINE:COLUMN, as `ljail config check` prints it.
 */
#include "helpers.h"

#include <stdlib.h>

struct bad_case {
	const char *what;
	const char *text;
	const char *diags;
};

static const struct bad_case cases[] = {
	{"missing semicolon at eof", "a { path = /x }\n",
	 "test.conf:1:14: missing ';' after 'path'"},
	{"missing semicolon next line", "path = /x\npersist;\n",
	 "test.conf:1:10: missing ';' after 'path'"},
	{"missing semicolon before assign", "persist\npath = /x;\n",
	 "test.conf:1:8: missing ';' after 'persist'"},
	{"unclosed block", "a {\n path = /x;\n",
	 "test.conf:3:1: missing '}' to close jail 'a' opened at line 1"},
	{"stray close", "}\n", "test.conf:1:1: '}' without a jail block to close"},
	{"unterminated dq", "a { path = \"/x; }\n",
	 "test.conf:1:12: unterminated string: \" without closing \"\ntest.conf:2:1: expected a "
	 "value after '=' for 'path', found end of file\ntest.conf:2:1: missing '}' to close jail "
	 "'a' opened at line 1"},
	{"unterminated sq", "a { path = '/x; }\n",
	 "test.conf:1:12: unterminated string: ' without closing '\ntest.conf:2:1: expected a "
	 "value after '=' for 'path', found end of file\ntest.conf:2:1: missing '}' to close jail "
	 "'a' opened at line 1"},
	{"unterminated comment", "a { path = /x; } /* never\n",
	 "test.conf:1:18: unterminated comment: '/*' without '*/'"},
	{"unterminated var", "a { path = ${name\n}\n",
	 "test.conf:1:12: unterminated variable: '${' without '}'\ntest.conf:2:1: expected a value "
	 "after '=' for 'path', found '}'"},
	{"empty var", "a { path = ${}; }\n",
	 "test.conf:1:12: empty variable name '${}'\ntest.conf:1:15: expected a value after '=' "
	 "for 'path', found ';'"},
	{"var name joined", "$a$b = 1;\n",
	 "test.conf:1:3: a variable name cannot be joined with other text ('$a')"},
	{"var in param name", "a { x$y = 1; }\n",
	 "test.conf:1:6: a parameter or jail name cannot contain a variable ('$y')"},
	{"var block name", "$a { }\n", "test.conf:1:1: a variable cannot name a jail block"},
	{"valueless var", "$a;\n", "test.conf:1:1: variable '$a' needs a value"},
	{"missing value after eq", "a { path = ; }\n",
	 "test.conf:1:12: expected a value after '=' for 'path', found ';'"},
	{"missing value after comma", "a { ip4.addr = 1.1.1.1, ; }\n",
	 "test.conf:1:25: expected a value after ',' in 'ip4.addr', found ';'"},
	{"missing value after pleq", "a { mount += ; }\n",
	 "test.conf:1:14: expected a value after '+=' for 'mount', found ';'"},
	{"eq without name", "a { = x; }\n",
	 "test.conf:1:5: expected a parameter or a jail block, found '='"},
	{"double eq", "a { path = = x; }\n",
	 "test.conf:1:12: expected a value after '=' for 'path', found '='"},
	{"unexpected char",
	 "a { path = /x; } \x01"
	 "\n",
	 "test.conf:1:18: unexpected byte 0x01 (quote values with such characters)"},
	{"utf8 unquoted",
	 "a { host.hostname = caf\xc3"
	 "\xa9"
	 "; }\n",
	 "test.conf:1:24: unexpected byte 0xc3 (quote values with such "
	 "characters)\ntest.conf:1:25: unexpected byte 0xa9 (quote values with such characters)"},
	{"quote char", "a { path = x\"\n",
	 "test.conf:1:13: unterminated string: \" without closing \"\ntest.conf:1:13: missing ';' "
	 "after 'path'\ntest.conf:2:1: missing '}' to close jail 'a' opened at line 1"},
	{"nul escape", "a { path = \"x\\0y\"; }\n",
	 "test.conf:1:14: escape gives a NUL character, which no value can hold"},
	{"bad hex escape", "a { path = \"\\xZZ\"; }\n",
	 "test.conf:1:13: escape '\\x' needs hexadecimal digits"},
	{"unknown param typo", "a { host.hostnmae = x; }\n",
	 "test.conf:1:5: unknown parameter 'host.hostnmae'; did you mean 'host.hostname'?"},
	{"unknown param none", "a { frobnicate = 1; }\n",
	 "test.conf:1:5: unknown parameter 'frobnicate'"},
	{"unknown global", "exec.strat = x;\n",
	 "test.conf:1:1: unknown parameter 'exec.strat'; did you mean 'exec.start'?"},
	{"undefined var", "a { path = \"/j/$nope\"; }\n",
	 "test.conf:1:16: jail 'a': path: variable 'nope' is not defined"},
	{"undefined dotted var", "a { path = \"/j/$host.hostname\"; }\n",
	 "test.conf:1:16: jail 'a': path: variable 'host' is not defined"},
	{"var loop", "a { $x = \"$y\"; $y = \"$x\"; path = $x; }\n",
	 "test.conf:1:22: jail 'a': y: variable loop through 'x'"},
	{"self loop", "a { path = \"$path/x\"; }\n",
	 "test.conf:1:13: jail 'a': path: variable loop through 'path'"},
	{"list inline", "$l = a, b;\nx { exec.start = \"run $l\"; }\n",
	 "test.conf:2:23: jail 'x': exec.start: 'l' has a list of values, which cannot be put "
	 "inside another string"},
	{"var same as param", "a { $path = /x; }\n",
	 "test.conf:1:5: jail 'a': variable '$path' cannot have the same name as a parameter"},
	{"redefine name", "a { name = b; }\n",
	 "test.conf:1:5: jail 'a': parameter 'name' comes from the jail's block name and cannot be "
	 "set again"},
	{"duplicate jail", "a { }\na { }\n",
	 "test.conf:2:1: jail 'a' is already defined at test.conf:1:1"},
	{"bad bool", "a { persist = yes; }\n",
	 "test.conf:1:5: jail 'a': persist: 'yes' is not a boolean (true, false or a number)"},
	{"bad int", "a { devfs_ruleset = four; }\n",
	 "test.conf:1:5: jail 'a': devfs_ruleset: 'four' is not an integer"},
	{"int two values", "a { stop.timeout = 1, 2; }\n",
	 "test.conf:1:5: jail 'a': stop.timeout takes one integer, not 2 values"},
	{"string two values", "a { path = /a, /b; }\n",
	 "test.conf:1:5: jail 'a': path takes one value, not 2"},
	{"bad ip4", "a { ip4.addr = 10.1.1.300; }\n",
	 "test.conf:1:16: jail 'a': ip4.addr: '10.1.1.300' is not an IPv4 address"},
	{"bad ip4 prefix", "a { ip4.addr = 10.1.1.1/33; }\n",
	 "test.conf:1:16: jail 'a': ip4.addr: '10.1.1.1/33' is not a prefix length from 0 to 32 or "
	 "a netmask"},
	{"bad ip6", "a { ip6.addr = fe80::1::2; }\n",
	 "test.conf:1:16: jail 'a': ip6.addr: 'fe80::1::2' is not an IPv6 address"},
	{"bad jailsys", "a { ip4 = maybe; }\n",
	 "test.conf:1:5: jail 'a': ip4: 'maybe' is not one of new, inherit or disable"},
	{"unsupported securelevel", "a { securelevel = 3; }\n",
	 "test.conf:1:5: jail 'a': parameter 'securelevel' is not supported on Linux: Linux has no "
	 "securelevel"},
	{"unsupported allow", "a { allow.settime; }\n",
	 "test.conf:1:5: jail 'a': parameter 'allow.settime' is not supported on Linux: the host "
	 "clock is never set from a jail"},
	{"only enforce_statfs", "a { enforce_statfs = 1; }\n",
	 "test.conf:1:5: jail 'a': enforce_statfs = 1 is not possible on Linux: a private mount "
	 "namespace shows only the jail's own mounts, as 2 does"},
	{"bad jail name", "\"a/b\" { path = /; }\n",
	 "test.conf:1:1: jail name 'a/b' is not usable: use up to 200 letters, digits, '_' and '-', with '.' "
	 "between parts of a hierarchical name"},
	{"include var", ".include \"$x.conf\";\n",
	 "test.conf:1:11: .include needs a literal file name, without variables"},
	{"include missing", ".include \"/nonexistent/ljail-test.conf\";\n",
	 "test.conf:1:10: cannot read '/nonexistent/ljail-test.conf': No such file or directory"},
	{"include two", ".include a, b;\n",
	 "test.conf:1:1: .include takes one file name: .include \"PATH\";"},
	{"block without name", "\"\" { }\n", "test.conf:1:1: a jail block needs a name"},
	{"noprefix on nonbool", "a { nopath = /x; }\n",
	 "test.conf:1:5: unknown parameter 'nopath'; did you mean 'path'?"},
	{"two errors", "a { persist = yes; path = ; host.hostnmae = x; }\n",
	 "test.conf:1:27: expected a value after '=' for 'path', found ';'\ntest.conf:1:29: "
	 "unknown parameter 'host.hostnmae'; did you mean 'host.hostname'?"},
	{"brace after value", "a { path /x { } }\n", "test.conf:1:9: missing ';' after 'path'"},
	{"unknown and syntax", "a { host.hostnmae = x; path = ; }\n",
	 "test.conf:1:5: unknown parameter 'host.hostnmae'; did you mean "
	 "'host.hostname'?\ntest.conf:1:31: expected a value after '=' for 'path', found ';'"},
	{"global unsupported once", "securelevel = 2;\na { }\nb { }\n",
	 "test.conf:1:1: jail 'a': parameter 'securelevel' is not supported on Linux: Linux has no "
	 "securelevel"},
	{"value type per jail", "path = $p;\na { $p = /a; }\nb { $p = /b, /c; }\n",
	 "test.conf:1:1: jail 'b': path takes one value, not 2"},
	{"nested unclosed", "a { b { path = /x; }\n",
	 "test.conf:2:1: missing '}' to close jail 'a' opened at line 1"},
	{"mount bad type", "a { path = /j; mount += \"/dev/sda1 /j/mnt ext4 rw\"; }\n",
	 "test.conf:1:25: jail 'a': mount line '/dev/sda1 /j/mnt ext4 rw': file system type 'ext4' "
	 "cannot be mounted in a jail on Linux (see ljail.conf(5))"},
	{"mount outside path", "a { path = /j;\n mount += \"/tmp /etc nullfs rw\"; }\n",
	 "test.conf:2:11: jail 'a': mount line '/tmp /etc nullfs rw': target '/etc' is outside the "
	 "jail's path '/j'"},
	{"mount dotdot", "a { path = /j; mount = \"proc /j/../etc proc rw\"; }\n",
	 "test.conf:1:24: jail 'a': mount line 'proc /j/../etc proc rw': target '/j/../etc' is "
	 "outside the jail's path '/j'"},
	{"mount short", "a { path = /j; mount = \"tmpfs /j/tmp\"; }\n",
	 "test.conf:1:24: jail 'a': mount line 'tmpfs /j/tmp' needs at least SOURCE TARGET TYPE"},
	{"mount relative target", "a { path = /j; mount = \"tmpfs tmp tmpfs\"; }\n",
	 "test.conf:1:24: jail 'a': mount line 'tmpfs tmp tmpfs' needs an absolute TARGET"},
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < LJ_ARRAY_SIZE(cases); i++) {
		struct conf *c = t_load(cases[i].text, plat_conf_host());
		char *d = t_diags(c);
		if (!lj_str_eq(d, cases[i].diags))
			fail_msg("case '%s':\n got: %s\nwant: %s", cases[i].what, d,
				 cases[i].diags);
		free(d);
		t_free(c);
	}
}

/* Each case tries something of its own: no input, and no expected answer, twice. */
static void test_cases_are_distinct(void **state)
{
	(void)state;
	for (size_t i = 0; i < LJ_ARRAY_SIZE(cases); i++)
		for (size_t k = i + 1; k < LJ_ARRAY_SIZE(cases); k++)
			if (lj_str_eq(cases[i].text, cases[k].text) ||
			    lj_str_eq(cases[i].diags, cases[k].diags))
				fail_msg("cases '%s' and '%s' are the same", cases[i].what,
					 cases[k].what);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_cases_are_distinct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
