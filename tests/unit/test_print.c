/* SPDX-License-Identifier: BSD-2-Clause */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"

static char *quoted(const char *s)
{
	return T_CAPTURE(f, conf_print_quoted(f, s));
}

#define assert_quoted(in, out)                                                                     \
	do {                                                                                       \
		char *q_ = quoted(in);                                                             \
		assert_string_equal(q_, out);                                                      \
		free(q_);                                                                          \
	} while (0)

static void test_jail_quoting(void **state)
{
	(void)state;
	assert_quoted("plain", "plain");
	assert_quoted("", "\"\"");
	assert_quoted("a b", "\"a b\"");
	assert_quoted("a\tb", "\"a\tb\"");
	assert_quoted("it's", "\"it's\"");
	assert_quoted("say \"x\"", "'say \"x\"'");
	assert_quoted("both ' \"", "\"both ' \\\"\"");
	assert_quoted("back\\slash", "back\\\\slash");
}

static char *json(const char *s)
{
	return T_CAPTURE(f, lj_json_string(f, s));
}

static void test_json_strings(void **state)
{
	(void)state;
	char *j = json("a\"b\\c\n\x01 caf\xc3\xa9 \xff");
	assert_string_equal(j, "\"a\\\"b\\\\c\\n\\u0001 caf\xc3\xa9 \\ufffd\"");
	free(j);
}

static void test_json_config(void **state)
{
	(void)state;
	struct conf *c = t_load("a { persist; allow.nomount; stop.timeout = 30; "
				"ip4.addr = 1.2.3.4; vnet; path = /x; }\n",
				NULL);
	struct conf_jail *all[] = {&c->jails[0]};
	char *buf = T_CAPTURE(f, conf_print_json(f, all, 1));
	assert_string_equal(buf,
			    "{\"jails\":[{\"name\":\"a\",\"parameters\":{\"name\":\"a\","
			    "\"persist\":true,\"allow.mount\":false,\"stop.timeout\":30,"
			    "\"ip4.addr\":[\"1.2.3.4\"],\"vnet\":\"new\",\"path\":\"/x\"}}]}\n");
	free(buf);
	t_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jail_quoting),
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_json_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
