/* SPDX-License-Identifier: BSD-2-Clause */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "conf/lexer.h"

/* Renders the token stream: STR pieces as [text], VAR as <name>, joined as +. */
static char *lex(const char *text, struct conf *c)
{
	struct conf_lexer lx;
	struct conf_token tok;
	struct lj_strbuf sb = {0};

	conf_lexer_init(&lx, c, "t", text, strlen(text));
	for (;;) {
		conf_lexer_next(&lx, &tok);
		if (tok.kind == CONF_TOK_EOF)
			break;
		if (sb.len)
			lj_strbuf_adds(&sb, tok.joined ? "+" : " ");
		switch (tok.kind) {
		case CONF_TOK_STR: lj_strbuf_addf(&sb, "[%s]", tok.text); break;
		case CONF_TOK_VAR: lj_strbuf_addf(&sb, "<%s>", tok.text); break;
		case CONF_TOK_PLEQ: lj_strbuf_adds(&sb, "+="); break;
		case CONF_TOK_EQ: lj_strbuf_adds(&sb, "="); break;
		case CONF_TOK_COMMA: lj_strbuf_adds(&sb, ","); break;
		case CONF_TOK_SEMI: lj_strbuf_adds(&sb, ";"); break;
		case CONF_TOK_LBRACE: lj_strbuf_adds(&sb, "{"); break;
		case CONF_TOK_RBRACE: lj_strbuf_adds(&sb, "}"); break;
		default: break;
		}
		conf_token_release(&tok);
	}
	return lj_strbuf_take(&sb);
}

#define assert_lex(text, expected)                                                                 \
	do {                                                                                       \
		struct conf c_;                                                                    \
		conf_init(&c_);                                                                    \
		char *s_ = lex(text, &c_);                                                         \
		assert_string_equal(s_, expected);                                                 \
		assert_int_equal(c_.ndiags, 0);                                                    \
		free(s_);                                                                          \
		conf_release(&c_);                                                                 \
	} while (0)

static void test_punctuation(void **state)
{
	(void)state;
	assert_lex("a=b;c+=d,e{}", "[a] = [b] ; [c] += [d] , [e] { }");
	assert_lex("a = b ;", "[a] = [b] ;");
}

static void test_comments(void **state)
{
	(void)state;
	assert_lex("a # c\nb // c\nc /* x\n y */ d", "[a] [b] [c] [d]");
	/* A comment ends a token, as whitespace does. */
	assert_lex("a#b\nc", "[a] [c]");
	assert_lex("/usr//x", "[/usr]");
	assert_lex("a/*x*/b", "[a] [b]");
}

static void test_atoms(void **state)
{
	(void)state;
	assert_lex("host.hostname", "[host.hostname]");
	assert_lex("a-b_c!%&()<>?@[]^`|~:", "[a-b_c!%&()<>?@[]^`|~:]");
	assert_lex("web.* *.b", "[web.*] [*.b]");
	assert_lex("a+b", "[a+b]");
	assert_lex("$ $1", "[$] [$1]");
}

static void test_quotes(void **state)
{
	(void)state;
	assert_lex("\"a b\" 'c d'", "[a b] [c d]");
	assert_lex("\"\"", "[]");
	assert_lex("''", "[]");
	assert_lex("\"a\"'b'c", "[a]+[b]+[c]");
	assert_lex("\"a;{}=,#\"", "[a;{}=,#]");
	assert_lex("'it''s'", "[it]+[s]");
	assert_lex("\"multi\nline\"", "[multi\nline]");
}

static void test_escapes(void **state)
{
	(void)state;
	assert_lex("\"a\\tb\\nc\"", "[a\tb\nc]");
	assert_lex("'\\101\\x41\\x4a'", "[AAJ]");
	assert_lex("\"\\\"q\\\"\"", "[\"q\"]");
	assert_lex("a\\ b", "[a b]");
	assert_lex("\"long \\\nline\"", "[long line]");
	assert_lex("con\\\ntinued", "[continued]");
	assert_lex("\"\\$HOME\"", "[$HOME]");
	assert_lex("'\\q\\a\\b\\f\\r\\v'", "[q\a\b\f\r\v]");
}

static void test_variables(void **state)
{
	(void)state;
	assert_lex("$name", "<name>");
	assert_lex("${host.hostname}", "<host.hostname>");
	assert_lex("/j/$name/root", "[/j/]+<name>+[/root]");
	assert_lex("\"/j/${name}x\"", "[/j/]+<name>+[x]");
	assert_lex("\"$a$b\"", "[]+<a>+<b>");
	assert_lex("'$name'", "[$name]");
	assert_lex("\"cost $5\"", "[cost $5]");
	assert_lex("$epair.b", "<epair>+[.b]");
	assert_lex("\"${a}\"x", "[]+<a>+[x]");
}

static void test_positions(void **state)
{
	(void)state;
	struct conf c;
	struct conf_lexer lx;
	struct conf_token t;
	const char *text = "a\n  b = \"c\"; /* x\n */ d";
	unsigned expect[][2] = {{1, 1}, {2, 3}, {2, 5}, {2, 7}, {2, 10}, {3, 5}};

	conf_init(&c);
	conf_lexer_init(&lx, &c, "t", text, strlen(text));
	for (size_t i = 0; i < LJ_ARRAY_SIZE(expect); i++) {
		conf_lexer_next(&lx, &t);
		assert_int_equal(t.pos.line, expect[i][0]);
		assert_int_equal(t.pos.col, expect[i][1]);
		conf_token_release(&t);
	}
	conf_lexer_next(&lx, &t);
	assert_int_equal(t.kind, CONF_TOK_EOF);
	conf_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_punctuation), cmocka_unit_test(test_comments),
		cmocka_unit_test(test_atoms),       cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_escapes),     cmocka_unit_test(test_variables),
		cmocka_unit_test(test_positions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
