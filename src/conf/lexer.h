/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The jail.conf(5) lexer. It follows FreeBSD's jaillex.l: the same token
 * characters, quoting, escapes and variable syntax, so that a file means the
 * same here as it does to jail(8); it adds columns to every position.
 *
 * A string is delivered in pieces (quoted parts, unquoted parts, variable
 * references); a piece with `joined` set touches the piece before it and
 * belongs to the same string, as in `"/jails/"$name'/root'`.
 */
#ifndef LJAIL_CONF_LEXER_H
#define LJAIL_CONF_LEXER_H

#include "conf/conf.h"

enum conf_tok_kind {
	CONF_TOK_EOF,
	CONF_TOK_STR,    /* a piece of a string; text holds its decoded bytes */
	CONF_TOK_VAR,    /* a variable reference; text holds the name */
	CONF_TOK_PLEQ,   /* += */
	CONF_TOK_EQ,     /* = */
	CONF_TOK_COMMA,  /* , */
	CONF_TOK_SEMI,   /* ; */
	CONF_TOK_LBRACE, /* { */
	CONF_TOK_RBRACE, /* } */
};

struct conf_token {
	enum conf_tok_kind kind;
	bool joined;
	bool quoted; /* a STR piece that came from quotes */
	unsigned pieces; /* how many tokens jail(8)'s own lexer sees in it */
	char *text;  /* owned; NULL for punctuation */
	struct conf_pos pos;
	struct conf_pos end; /* just after the token */
};

struct conf_lexer {
	struct conf *conf; /* where diagnostics go */
	const char *file;
	const char *buf;
	size_t len, off;
	unsigned line, col;
	bool in_string; /* the previous token was a string piece, nothing between */
	bool in_dquote; /* inside "...", between a variable and the closing quote */
	struct conf_pos dquote_pos;
};

void conf_lexer_init(struct conf_lexer *lx, struct conf *c, const char *file, const char *buf,
		     size_t len);
/* Reads the next token; lexical errors become diagnostics and are skipped. */
void conf_lexer_next(struct conf_lexer *lx, struct conf_token *tok);
void conf_token_release(struct conf_token *tok);
const char *conf_token_describe(const struct conf_token *tok, char *buf, size_t size);

#endif
