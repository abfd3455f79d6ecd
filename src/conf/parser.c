/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The jail.conf(5) grammar, as FreeBSD's jailparse.y has it, by recursive
 * descent:
 *
 *   conf      := { ';' | jail | statement ';' }
 *   jail      := string '{' conf '}'
 *   statement := name [ ('=' | '+=') values | values ]
 *   name      := string | variable
 *   values    := string { ',' string }
 *   string    := piece { joined-piece }
 *
 * plus `.include "PATTERN";`, and jail blocks nested in jail blocks, which
 * name jails "outer.inner". Statements outside any block are global: they go
 * into an implicit "*" block at their place in the file, which decides what
 * they override and what overrides them.
 *
 * After a syntax error the parser skips to the end of the statement and goes
 * on, so that one run reports every error in a file.
 */
#include "conf/conf.h"
#include "conf/lexer.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* jail(8)'s own limit: deep enough for any layout, and it stops runaway includes. */
#define CONF_INCLUDE_DEPTH_MAX 32
/* A jail.conf bigger than this is a mistake (a binary, a log), not a config. */
#define CONF_FILE_SIZE_MAX (16u << 20)
/*
 * Jail blocks inside jail blocks (hierarchical names, a.b.c): far more than
 * any real file, and few enough that the recursive parser cannot run out of
 * stack on a hostile one (20,000 nested "* {" did).
 */
#define CONF_NESTING_MAX 64

struct include_chain {
	const struct include_chain *up;
	struct conf_file_id id;
};

struct parser {
	struct conf *c;
	struct conf_lexer lx;
	struct conf_token tok;
	struct conf_pos prev_end; /* just after the previous token */
	const char *dir;          /* where relative includes start */
	unsigned depth;   /* files included on the way here */
	unsigned nesting; /* jail blocks open around the current token */
	const struct include_chain *chain;
};

/* Where statements go: a block, or the global statements (block < 0). */
struct context {
	long block;
	const char *prefix; /* the enclosing jail's name, for nested jails */
};

static int load_file(struct conf *c, const char *path, struct conf_pos from, struct context ctx,
		     unsigned depth, const struct include_chain *chain, bool missing_ok);
static void parse_conf(struct parser *p, struct context ctx, const struct conf_block *opened);

static void next(struct parser *p)
{
	p->prev_end = p->tok.end;
	conf_token_release(&p->tok);
	conf_lexer_next(&p->lx, &p->tok);
}

static bool is_piece(const struct conf_token *t)
{
	return t->kind == CONF_TOK_STR || t->kind == CONF_TOK_VAR;
}

static void error_at_token(struct parser *p, const char *what)
{
	char buf[128];
	conf_diag_add(p->c, p->tok.pos, "%s, found %s", what,
		      conf_token_describe(&p->tok, buf, sizeof(buf)));
}

/* Skips what is left of a bad statement: to its ';', a block, or a '}'. */
static void recover(struct parser *p)
{
	unsigned depth = 0;
	for (;;) {
		switch (p->tok.kind) {
		case CONF_TOK_EOF: return;
		case CONF_TOK_SEMI:
			next(p);
			if (depth == 0)
				return;
			break;
		case CONF_TOK_LBRACE:
			depth++;
			next(p);
			break;
		case CONF_TOK_RBRACE:
			if (depth == 0)
				return;
			depth--;
			next(p);
			if (depth == 0)
				return;
			break;
		default: next(p); break;
		}
	}
}

/*
 * A string from joined pieces; variable references are kept for later.
 * Returns how many tokens jail(8)'s own lexer would have seen in it.
 */
static unsigned parse_string(struct parser *p, struct conf_value *v)
{
	struct lj_strbuf sb = {0};
	unsigned pieces = 0;

	v->pos = p->tok.pos;
	do {
		pieces += p->tok.pieces;
		if (p->tok.kind == CONF_TOK_VAR) {
			struct conf_varref *r = LJ_VEC_PUSH(v->refs, v->nrefs, v->caprefs);
			r->name = lj_steal_ptr(&p->tok.text);
			r->offset = sb.len;
			r->pos = p->tok.pos;
		} else {
			lj_strbuf_adds(&sb, p->tok.text);
		}
		next(p);
	} while (is_piece(&p->tok) && p->tok.joined);
	v->text = lj_strbuf_take(&sb);
	return pieces;
}

static bool parse_values(struct parser *p, struct conf_stmt *s, const char *after)
{
	for (;;) {
		if (!is_piece(&p->tok)) {
			char what[160];
			snprintf(what, sizeof(what), "expected a value %s '%s'", after, s->name);
			error_at_token(p, what);
			return false;
		}
		parse_string(p, LJ_VEC_PUSH(s->values, s->nvalues, s->capvalues));
		if (p->tok.kind != CONF_TOK_COMMA)
			return true;
		next(p);
		after = "after ',' in";
	}
}

static struct conf_block *add_block(struct conf *c, const char *name, struct conf_pos pos)
{
	struct conf_block *b = LJ_VEC_PUSH(c->blocks, c->nblocks, c->capblocks);
	b->name = lj_xstrdup(name);
	b->seq = (unsigned)c->nblocks;
	b->wildcard = conf_name_is_wildcard(name);
	b->pos = pos;
	if (!b->wildcard)
		conf_block_index(c, c->nblocks - 1);
	return b;
}

/*
 * Every statement outside a jail block, in every file read, goes into one
 * global pseudo-jail that stands where the first of them stands, as current
 * FreeBSD's jail(8) does (FreeBSD 13's began a new one for each run of
 * statements after a jail block): `path=/g0; a { path=/a; } path=/g1;` gives
 * a the path /a.
 */
static long global_block(struct conf *c, struct conf_pos pos)
{
	if (!c->global_block) {
		add_block(c, "*", pos);
		c->global_block = c->nblocks;
	}
	return (long)c->global_block - 1;
}

static bool has_glob_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static void parse_include(struct parser *p, struct conf_stmt *s, struct context ctx)
{
	if (s->nvalues != 1 || (s->flags & CONF_STMT_APPEND)) {
		conf_diag_add(p->c, s->pos, ".include takes one file name: .include \"PATH\";");
		return;
	}
	const struct conf_value *v = &s->values[0];
	if (v->nrefs) {
		conf_diag_add(p->c, v->refs[0].pos,
			      ".include needs a literal file name, without variables");
		return;
	}
	if (p->c->opts.no_include) {
		conf_diag_add(p->c, s->pos, ".include is not allowed here");
		return;
	}
	if (p->depth + 1 > CONF_INCLUDE_DEPTH_MAX) {
		conf_diag_add(p->c, s->pos, ".include nested deeper than %d files",
			      CONF_INCLUDE_DEPTH_MAX);
		return;
	}
	if (v->text[0] == '\0') {
		conf_diag_add(p->c, v->pos, ".include needs a file name");
		return;
	}

	LJ_CLEANUP_FREE char *pattern =
		v->text[0] == '/' ? lj_xstrdup(v->text) : lj_xasprintf("%s/%s", p->dir, v->text);
	glob_t g = {0};
	int rc = glob(pattern, 0, NULL, &g);
	if (rc == GLOB_NOMATCH) {
		/*
		 * A pattern that matches nothing includes nothing: jail.conf(5)'s
		 * own example relies on it ("/usr/local/etc/jail[.]conf"). A
		 * plain name must exist.
		 */
		if (!has_glob_magic(v->text))
			conf_diag_add(p->c, v->pos, "cannot read '%s': %s", pattern,
				      strerror(ENOENT));
	} else if (rc != 0) {
		conf_diag_add(p->c, v->pos, "cannot read '%s': %s", pattern,
			      rc == GLOB_NOSPACE ? strerror(ENOMEM)
						 : strerror(errno ? errno : EIO));
	} else {
		for (size_t i = 0; i < g.gl_pathc; i++)
			load_file(p->c, g.gl_pathv[i], v->pos, ctx, p->depth + 1, p->chain, false);
	}
	globfree(&g);
}

/* Past the '}' that closes the block whose '{' is the current token, without recursion. */
static void skip_block(struct parser *p)
{
	for (size_t open = 0;;) {
		enum conf_tok_kind kind = p->tok.kind;
		if (kind == CONF_TOK_EOF)
			return;
		next(p);
		if (kind == CONF_TOK_LBRACE)
			open++;
		else if (kind == CONF_TOK_RBRACE && --open == 0)
			return;
	}
}

static void parse_block(struct parser *p, struct conf_stmt *s, struct context ctx)
{
	if (p->nesting >= CONF_NESTING_MAX) {
		conf_diag_add(p->c, s->pos, "jail blocks nested deeper than %d",
			      CONF_NESTING_MAX);
		skip_block(p);
		return;
	}
	LJ_CLEANUP_FREE char *full =
		ctx.prefix ? lj_xasprintf("%s.%s", ctx.prefix, s->name) : lj_xstrdup(s->name);

	if (s->name[0] == '\0')
		conf_diag_add(p->c, s->pos, "a jail block needs a name");
	/* A name given twice is two jails, as jail(8) reads it; conf_check refuses it. */
	struct conf_block *b = add_block(p->c, full, s->pos);
	struct context inner = {.block = (long)p->c->nblocks - 1, .prefix = b->name};
	struct conf_block opened = *b; /* for messages; b may move */

	next(p); /* the '{' */
	p->nesting++;
	parse_conf(p, inner, &opened);
	p->nesting--;
	if (p->tok.kind == CONF_TOK_RBRACE)
		next(p);
}

/* A statement or a jail block, starting at a string or variable token. */
static void parse_statement(struct parser *p, struct context ctx)
{
	struct conf_stmt s = {.pos = p->tok.pos};
	bool bad_name = false;
	unsigned name_pieces = 1;

	if (p->tok.kind == CONF_TOK_VAR) {
		s.flags |= CONF_STMT_VAR;
		s.name = lj_steal_ptr(&p->tok.text);
		next(p);
		if (is_piece(&p->tok) && p->tok.joined) {
			conf_diag_add(p->c, p->tok.pos,
				      "a variable name cannot be joined with "
				      "other text ('$%s')",
				      s.name);
			bad_name = true;
		}
	} else {
		struct conf_value name = {0};
		name_pieces = parse_string(p, &name);
		if (name.nrefs) {
			conf_diag_add(p->c, name.refs[0].pos,
				      "a parameter or jail name cannot contain a variable ('$%s')",
				      name.refs[0].name);
			bad_name = true;
		}
		s.name = lj_steal_ptr(&name.text);
		conf_value_release(&name);
	}

	bool ok = !bad_name;
	switch (p->tok.kind) {
	case CONF_TOK_LBRACE:
		if (s.flags & CONF_STMT_VAR) {
			conf_diag_add(p->c, s.pos, "a variable cannot name a jail block");
			ok = false;
			break;
		}
		if (bad_name)
			break;
		/*
		 * jail(8)'s grammar takes a jail's name as one token: `web.*`
		 * unquoted is two ("web." and "*") and a syntax error there.
		 */
		if (name_pieces > 1) {
			conf_diag_add(p->c, s.pos,
				      "a jail name must be one token: quote it (\"%s\")", s.name);
			ok = false;
			break;
		}
		parse_block(p, &s, ctx);
		conf_stmt_release(&s);
		return;
	case CONF_TOK_SEMI:
		if (s.flags & CONF_STMT_VAR) {
			conf_diag_add(p->c, s.pos, "variable '$%s' needs a value", s.name);
			ok = false;
		}
		break;
	case CONF_TOK_EQ:
	case CONF_TOK_PLEQ: {
		bool append = p->tok.kind == CONF_TOK_PLEQ;
		if (append)
			s.flags |= CONF_STMT_APPEND;
		next(p);
		ok = parse_values(p, &s, append ? "after '+=' for" : "after '=' for") && ok;
		break;
	}
	case CONF_TOK_STR:
	case CONF_TOK_VAR: {
		/* jail(8) takes `name value;` without '=' too. */
		struct conf_pos name_end = p->prev_end;
		ok = parse_values(p, &s, "for") && ok;
		if (ok && (p->tok.kind == CONF_TOK_EQ || p->tok.kind == CONF_TOK_PLEQ ||
			   p->tok.kind == CONF_TOK_LBRACE)) {
			/* `persist` then `path = ...`: the ';' after persist is missing. */
			conf_diag_add(p->c, name_end, "missing ';' after '%s'", s.name);
			ok = false;
		}
		break;
	}
	default: {
		char what[160];
		snprintf(what, sizeof(what), "expected '=', ';' or '{' after '%s'", s.name);
		error_at_token(p, what);
		ok = false;
		break;
	}
	}

	if (ok && p->tok.kind != CONF_TOK_SEMI) {
		if (p->tok.kind == CONF_TOK_RBRACE || p->tok.kind == CONF_TOK_EOF ||
		    p->tok.pos.line != p->prev_end.line)
			conf_diag_add(p->c, p->prev_end, "missing ';' after '%s'", s.name);
		else
			error_at_token(p, s.nvalues ? "expected ',' or ';' after a value"
						    : "expected ';'");
		ok = false;
	}
	if (!ok) {
		conf_stmt_release(&s);
		recover(p);
		return;
	}
	next(p); /* the ';' */

	if (!(s.flags & CONF_STMT_VAR) && lj_str_eq(s.name, ".include")) {
		parse_include(p, &s, ctx);
		conf_stmt_release(&s);
		return;
	}
	long bi = ctx.block >= 0 ? ctx.block : global_block(p->c, s.pos);
	struct conf_block *b = &p->c->blocks[bi];
	*LJ_VEC_PUSH(b->stmts, b->nstmts, b->capstmts) = s;
}

static void parse_conf(struct parser *p, struct context ctx, const struct conf_block *opened)
{
	for (;;) {
		/* Past CONF_DIAGS_MAX errors more would only bury the first ones. */
		if (p->c->gave_up)
			return;
		switch (p->tok.kind) {
		case CONF_TOK_EOF:
			if (opened)
				conf_diag_add(p->c, p->tok.pos,
					      "missing '}' to close jail '%s' opened at line %u",
					      opened->name, opened->pos.line);
			return;
		case CONF_TOK_RBRACE:
			if (opened)
				return;
			conf_diag_add(p->c, p->tok.pos, "'}' without a jail block to close");
			next(p);
			break;
		case CONF_TOK_SEMI: next(p); break;
		case CONF_TOK_STR:
		case CONF_TOK_VAR: parse_statement(p, ctx); break;
		default:
			error_at_token(p, "expected a parameter or a jail block");
			recover(p);
			if (p->tok.kind == CONF_TOK_RBRACE && !opened)
				next(p);
			break;
		}
	}
}

static int parse_text(struct conf *c, const char *name, const char *dir, const char *text,
		      size_t len, struct context ctx, unsigned depth,
		      const struct include_chain *chain)
{
	struct parser p = {.c = c, .dir = dir, .depth = depth, .chain = chain};
	size_t before = c->ndiags;

	conf_lexer_init(&p.lx, c, conf_intern_file(c, name), text, len);
	conf_lexer_next(&p.lx, &p.tok);
	/* NULL: an included file may not close the block it was included in. */
	parse_conf(&p, ctx, NULL);
	conf_token_release(&p.tok);
	return c->ndiags > before ? -EINVAL : 0;
}

static int read_all(int fd, size_t limit, char **out, size_t *outlen)
{
	struct lj_strbuf sb = {0};
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			lj_strbuf_release(&sb);
			return -e;
		}
		if (n == 0)
			break;
		if (sb.len + (size_t)n > limit) {
			lj_strbuf_release(&sb);
			return -EFBIG;
		}
		lj_strbuf_addn(&sb, chunk, (size_t)n);
	}
	*outlen = sb.len;
	*out = lj_strbuf_take(&sb);
	return 0;
}

static int load_file(struct conf *c, const char *path, struct conf_pos from, struct context ctx,
		     unsigned depth, const struct include_chain *chain, bool missing_ok)
{
	LJ_CLEANUP_CLOSE int fd = -1;
	LJ_CLEANUP_FREE char *text = NULL;
	struct stat st;
	size_t len;
	int rc;

	if (!from.file)
		from = (struct conf_pos){.file = conf_intern_file(c, path)};
	if (lj_str_eq(path, "-")) {
		rc = read_all(STDIN_FILENO, CONF_FILE_SIZE_MAX, &text, &len);
		if (rc < 0) {
			conf_diag_add(c, from, "cannot read standard input: %s", strerror(-rc));
			return rc;
		}
		return parse_text(c, "STDIN", ".", text, len, ctx, depth, chain);
	}

	/*
	 * O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer for ever. Only a regular file is read; the flag does not
	 * change how one reads.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT && missing_ok)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		conf_diag_add(c, from, "cannot read '%s': %s", path, strerror(-rc));
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		conf_diag_add(c, from, "cannot read '%s': %s", path, strerror(EISDIR));
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		conf_diag_add(c, from, "cannot read '%s': not a regular file", path);
		return -EINVAL;
	}
	/*
	 * The configuration makes ljail run commands as root (exec.*) and mount
	 * host folders: a file that someone other than root (or the user running
	 * ljail) could change would hand them root, as doas refuses for
	 * doas.conf.
	 */
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		conf_diag_add(c, from, "refusing '%s': it belongs to uid %u, not to root", path,
			      (unsigned)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		conf_diag_add(c, from,
			      "refusing '%s': others than its owner may write it (chmod go-w)",
			      path);
		return -EPERM;
	}
	struct include_chain link = {.up = chain, .id = {st.st_dev, st.st_ino}};
	for (const struct include_chain *l = chain; l; l = l->up) {
		if (l->id.dev == link.id.dev && l->id.ino == link.id.ino) {
			conf_diag_add(c, from, "'%s' is already being read: an include loop", path);
			return -ELOOP;
		}
	}
	rc = read_all(fd, CONF_FILE_SIZE_MAX, &text, &len);
	if (rc < 0) {
		conf_diag_add(c, from, "cannot read '%s': %s", path,
			      rc == -EFBIG ? "larger than 16 MiB" : strerror(-rc));
		return rc;
	}
	*LJ_VEC_PUSH(c->loaded, c->nloaded, c->caploaded) = link.id;

	LJ_CLEANUP_FREE char *copy = lj_xstrdup(path);
	return parse_text(c, path, dirname(copy), text, len, ctx, depth, &link);
}

int conf_load_file(struct conf *c, const char *path)
{
	return load_file(c, path, (struct conf_pos){0}, (struct context){.block = -1}, 0, NULL,
			 false);
}

int conf_load_file_if_present(struct conf *c, const char *path)
{
	return load_file(c, path, (struct conf_pos){0}, (struct context){.block = -1}, 0, NULL,
			 true);
}

int conf_load_buffer(struct conf *c, const char *name, const char *text, size_t len)
{
	return parse_text(c, name, ".", text, len, (struct context){.block = -1}, 0, NULL);
}

bool conf_file_loaded(const struct conf *c, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return false;
	for (size_t i = 0; i < c->nloaded; i++)
		if (c->loaded[i].dev == st.st_dev && c->loaded[i].ino == st.st_ino)
			return true;
	return false;
}
