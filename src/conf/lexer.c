/* SPDX-License-Identifier: BSD-2-Clause */
#include "conf/lexer.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void conf_lexer_init(struct conf_lexer *lx, struct conf *c, const char *file, const char *buf,
		     size_t len)
{
	*lx = (struct conf_lexer){
		.conf = c,
		.file = file,
		.buf = buf,
		.len = len,
		.line = 1,
		.col = 1,
	};
}

void conf_token_release(struct conf_token *tok)
{
	free(tok->text);
	tok->text = NULL;
}

static int peek(const struct conf_lexer *lx, size_t ahead)
{
	if (lx->off + ahead >= lx->len)
		return -1;
	return (unsigned char)lx->buf[lx->off + ahead];
}

static void advance(struct conf_lexer *lx)
{
	if (lx->off >= lx->len)
		return;
	if (lx->buf[lx->off++] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
}

static struct conf_pos here(const struct conf_lexer *lx)
{
	return (struct conf_pos){.file = lx->file, .line = lx->line, .col = lx->col};
}

static void skip_to_eol(struct conf_lexer *lx)
{
	while (peek(lx, 0) != -1 && peek(lx, 0) != '\n')
		advance(lx);
}

/* The characters of an unquoted token, as in FreeBSD's jaillex.l. */
static bool is_atom_char(int c)
{
	return c >= 0 && c < 128 && (isalnum(c) || strchr("_!%&()-.:<>?@[]^`|~", c));
}

static bool is_var_start(int c)
{
	return c >= 0 && c < 128 && (isalpha(c) || c == '_');
}

static bool is_var_char(int c)
{
	return is_var_start(c) || (c >= '0' && c <= '9');
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes the backslash escape at the current offset into sb: C escapes,
 * up to three octal digits, \x and up to two hex digits, backslash-newline
 * (nothing), anything else stands for itself.
 */
static void decode_escape(struct conf_lexer *lx, struct lj_strbuf *sb)
{
	struct conf_pos pos = here(lx);
	advance(lx); /* the backslash */
	int c = peek(lx, 0);
	int value;

	if (c == -1) {
		conf_diag_add(lx->conf, pos, "backslash at end of file");
		return;
	}
	if (c >= '0' && c <= '7') {
		value = 0;
		for (int i = 0; i < 3 && peek(lx, 0) >= '0' && peek(lx, 0) <= '7'; i++) {
			value = value * 8 + (peek(lx, 0) - '0');
			advance(lx);
		}
	} else if (c == 'x') {
		advance(lx);
		value = 0;
		int digits = 0;
		while (digits < 2 && hex_value(peek(lx, 0)) >= 0) {
			value = value * 16 + hex_value(peek(lx, 0));
			advance(lx);
			digits++;
		}
		if (digits == 0) {
			conf_diag_add(lx->conf, pos, "escape '\\x' needs hexadecimal digits");
			return;
		}
	} else {
		advance(lx);
		switch (c) {
		case '\n': return; /* a continuation line */
		case 'a': value = '\a'; break;
		case 'b': value = '\b'; break;
		case 'f': value = '\f'; break;
		case 'n': value = '\n'; break;
		case 'r': value = '\r'; break;
		case 't': value = '\t'; break;
		case 'v': value = '\v'; break;
		default: value = c; break;
		}
	}
	value &= 0xff;
	/* jail(8) would cut the string short here; say so instead. */
	if (value == 0) {
		conf_diag_add(lx->conf, pos,
			      "escape gives a NUL character, which no value can hold");
		return;
	}
	lj_strbuf_addc(sb, (char)value);
}

static void emit(struct conf_lexer *lx, struct conf_token *tok, enum conf_tok_kind kind,
		 struct conf_pos pos, char *text)
{
	bool is_piece = kind == CONF_TOK_STR || kind == CONF_TOK_VAR;
	*tok = (struct conf_token){
		.kind = kind,
		.joined = is_piece && lx->in_string,
		.text = text,
		.pos = pos,
		.pieces = 1,
	};
	lx->in_string = is_piece;
}

/*
 * A variable reference at '$' when one follows: `$name` or `${any.name}`.
 * Returns false when the '$' is just a character.
 */
static bool lex_variable(struct conf_lexer *lx, struct conf_token *tok)
{
	struct conf_pos pos = here(lx);
	int next = peek(lx, 1);

	if (is_var_start(next)) {
		advance(lx);
		size_t start = lx->off;
		while (is_var_char(peek(lx, 0)))
			advance(lx);
		emit(lx, tok, CONF_TOK_VAR, pos, lj_xstrndup(lx->buf + start, lx->off - start));
		return true;
	}
	if (next != '{')
		return false;

	/* Check that it closes before anything else reads it. */
	size_t i = lx->off + 2;
	for (; i < lx->len; i++) {
		char c = lx->buf[i];
		if (c == '\\' && i + 1 < lx->len) {
			i++;
			continue;
		}
		if (c == '}' || c == '{' || c == '\n' || (lx->in_dquote && c == '"'))
			break;
	}
	if (i >= lx->len || lx->buf[i] != '}') {
		conf_diag_add(lx->conf, pos, "unterminated variable: '${' without '}'");
		/* Resume after the bad part, as jail(8) does. */
		while (lx->off < i && lx->off < lx->len)
			advance(lx);
		lx->in_string = false;
		return false;
	}

	advance(lx);
	advance(lx);
	struct lj_strbuf name = {0};
	while (peek(lx, 0) != '}') {
		if (peek(lx, 0) == '\\')
			decode_escape(lx, &name);
		else {
			lj_strbuf_addc(&name, (char)peek(lx, 0));
			advance(lx);
		}
	}
	advance(lx);
	if (name.len == 0) {
		conf_diag_add(lx->conf, pos, "empty variable name '${}'");
		lj_strbuf_release(&name);
		lx->in_string = false;
		return false;
	}
	emit(lx, tok, CONF_TOK_VAR, pos, lj_strbuf_take(&name));
	return true;
}

/* An unquoted run: token characters, escapes, and the lone $ * + / */
static void lex_unquoted(struct conf_lexer *lx, struct conf_token *tok)
{
	struct conf_pos pos = here(lx);
	struct lj_strbuf sb = {0};
	/*
	 * jail(8)'s lexer makes a token of each run of atom characters, of each
	 * escape and of each lone $ * + /; ljail joins them into one, and counts
	 * them, because a jail block's name must be a single one of them.
	 */
	unsigned pieces = 0;
	bool in_run = false;

	for (;;) {
		int c = peek(lx, 0), n = peek(lx, 1);
		if (is_atom_char(c)) {
			pieces += !in_run;
			in_run = true;
			lj_strbuf_addc(&sb, (char)c);
			advance(lx);
		} else if (c == '*' || (c == '+' && n != '=') || (c == '/' && n != '/' && n != '*') ||
			   (c == '$' && !is_var_start(n) && n != '{')) {
			pieces++;
			in_run = false;
			lj_strbuf_addc(&sb, (char)c);
			advance(lx);
		} else if (c == '\\') {
			pieces++;
			in_run = false;
			decode_escape(lx, &sb);
		} else {
			break;
		}
	}
	emit(lx, tok, CONF_TOK_STR, pos, lj_strbuf_take(&sb));
	tok->pieces = pieces;
}

/*
 * Finds the closing quote of the string opening at the current offset.
 * Quoted strings may span lines; only end of file leaves one open.
 */
static bool quote_closes(const struct conf_lexer *lx, char quote)
{
	for (size_t i = lx->off + 1; i < lx->len; i++) {
		if (lx->buf[i] == '\\')
			i++;
		else if (lx->buf[i] == quote)
			return true;
	}
	return false;
}

/* Text of a quoted string up to its end, or in "..." up to a variable. */
static void lex_quoted_text(struct conf_lexer *lx, struct conf_token *tok, char quote,
			    struct conf_pos pos)
{
	struct lj_strbuf sb = {0};

	for (;;) {
		int c = peek(lx, 0);
		if (c == -1) /* only after an error inside the string */
			break;
		if (c == quote) {
			advance(lx);
			lx->in_dquote = false;
			break;
		}
		if (c == '\\') {
			decode_escape(lx, &sb);
			continue;
		}
		if (quote == '"' && c == '$' && (is_var_start(peek(lx, 1)) || peek(lx, 1) == '{')) {
			lx->in_dquote = true;
			break;
		}
		lj_strbuf_addc(&sb, (char)c);
		advance(lx);
	}
	emit(lx, tok, CONF_TOK_STR, pos, lj_strbuf_take(&sb));
	tok->quoted = true;
}

static bool skip_space_and_comments(struct conf_lexer *lx)
{
	int c = peek(lx, 0), n = peek(lx, 1);

	if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
		advance(lx);
	} else if (c == '#' || (c == '/' && n == '/')) {
		skip_to_eol(lx);
	} else if (c == '/' && n == '*') {
		struct conf_pos pos = here(lx);
		advance(lx);
		advance(lx);
		while (peek(lx, 0) != -1 && !(peek(lx, 0) == '*' && peek(lx, 1) == '/'))
			advance(lx);
		if (peek(lx, 0) == -1) {
			conf_diag_add(lx->conf, pos, "unterminated comment: '/*' without '*/'");
			return true;
		}
		advance(lx);
		advance(lx);
	} else {
		return false;
	}
	lx->in_string = false;
	return true;
}

static void lex_token(struct conf_lexer *lx, struct conf_token *tok);

void conf_lexer_next(struct conf_lexer *lx, struct conf_token *tok)
{
	lex_token(lx, tok);
	tok->end = here(lx);
}

static void lex_token(struct conf_lexer *lx, struct conf_token *tok)
{
	if (lx->in_dquote) {
		/* Between a variable and the rest of a double-quoted string. */
		struct conf_pos pos = here(lx);
		if (peek(lx, 0) == '$' && lex_variable(lx, tok))
			return;
		if (peek(lx, 0) == '"') {
			advance(lx);
			lx->in_dquote = false;
			lex_token(lx, tok);
			return;
		}
		lex_quoted_text(lx, tok, '"', pos);
		tok->joined = true;
		return;
	}

	for (;;) {
		while (skip_space_and_comments(lx))
			;
		struct conf_pos pos = here(lx);
		int c = peek(lx, 0);

		switch (c) {
		case -1: emit(lx, tok, CONF_TOK_EOF, pos, NULL); return;
		case '+':
			if (peek(lx, 1) == '=') {
				advance(lx);
				advance(lx);
				emit(lx, tok, CONF_TOK_PLEQ, pos, NULL);
				return;
			}
			break;
		case '=':
		case ',':
		case ';':
		case '{':
		case '}': {
			static const char punct[] = "=,;{}";
			static const enum conf_tok_kind kinds[] = {
				CONF_TOK_EQ,     CONF_TOK_COMMA,  CONF_TOK_SEMI,
				CONF_TOK_LBRACE, CONF_TOK_RBRACE,
			};
			advance(lx);
			emit(lx, tok, kinds[strchr(punct, c) - punct], pos, NULL);
			return;
		}
		case '$': {
			size_t before = lx->off;
			if (lex_variable(lx, tok))
				return;
			if (lx->off != before)
				continue; /* a bad ${...} was reported and skipped */
			break;
		}
		case '\'':
		case '"':
			if (!quote_closes(lx, (char)c)) {
				conf_diag_add(lx->conf, pos,
					      "unterminated string: %c without closing %c", c, c);
				skip_to_eol(lx);
				lx->in_string = false;
				continue;
			}
			advance(lx);
			lex_quoted_text(lx, tok, (char)c, pos);
			return;
		default: break;
		}

		if (is_atom_char(c) || strchr("$*+/\\", c)) {
			lex_unquoted(lx, tok);
			return;
		}
		if (c >= 0x21 && c < 0x7f)
			conf_diag_add(lx->conf, pos, "unexpected character '%c'", c);
		else
			conf_diag_add(lx->conf, pos,
				      "unexpected byte 0x%02x (quote values with such characters)",
				      c);
		advance(lx);
		lx->in_string = false;
	}
}

const char *conf_token_describe(const struct conf_token *tok, char *buf, size_t size)
{
	switch (tok->kind) {
	case CONF_TOK_EOF: return "end of file";
	case CONF_TOK_PLEQ: return "'+='";
	case CONF_TOK_EQ: return "'='";
	case CONF_TOK_COMMA: return "','";
	case CONF_TOK_SEMI: return "';'";
	case CONF_TOK_LBRACE: return "'{'";
	case CONF_TOK_RBRACE: return "'}'";
	case CONF_TOK_VAR: snprintf(buf, size, "variable '$%s'", tok->text); return buf;
	case CONF_TOK_STR: snprintf(buf, size, "'%s'", tok->text); return buf;
	}
	return "token";
}
