/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The jail.conf(5) language: loading files into blocks of statements,
 * resolving them into jails with parameters, checking those against the
 * parameter table, and printing them. ljail.conf(5) is the specification.
 *
 * Errors in the configuration are collected as diagnostics (FILE:LINE:COLUMN:
 * message), all of them, so that `ljail config check` reports every mistake
 * at once; nothing acts on a configuration that has any.
 */
#ifndef LJAIL_CONF_CONF_H
#define LJAIL_CONF_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/error.h"

struct conf_param_def;

/* A place in a configuration file; file points into struct conf's names. */
struct conf_pos {
	const char *file;
	unsigned line;
	unsigned col;
};

struct conf_diag {
	struct conf_pos pos;
	char *msg;
};

/* A `$name` or `${name}` inside a string, to be replaced at offset. */
struct conf_varref {
	char *name;
	size_t offset;
	struct conf_pos pos;
};

/* One string value, with the variable references still to substitute. */
struct conf_value {
	char *text;
	struct conf_varref *refs;
	size_t nrefs, caprefs;
	struct conf_pos pos;
};

enum {
	CONF_STMT_VAR = 1 << 0,    /* `$name = ...`: a variable, not a parameter */
	CONF_STMT_APPEND = 1 << 1, /* `+=` */
};

/* `name;`, `name = v, ...;`, `name += v;`, `name v;` or `$var = v;`. */
struct conf_stmt {
	char *name;
	unsigned flags;
	struct conf_value *values;
	size_t nvalues, capvalues;
	struct conf_pos pos;
};

/* A jail block, a wildcard block, or the implicit block of global statements. */
struct conf_block {
	char *name;
	unsigned seq;
	bool wildcard;
	struct conf_stmt *stmts;
	size_t nstmts, capstmts;
	struct conf_pos pos;
};

/* A parameter of a resolved jail. Variables are gone by then. */
struct conf_param {
	char *name;
	char **values;
	struct conf_pos *value_pos; /* where each value was written */
	size_t nvalues;
	struct conf_pos pos;              /* the statement that last set it */
	const struct conf_param_def *def; /* NULL until checked, or if unknown */
	bool negated;                     /* a "no" prefix on a boolean */
};

struct conf_jail {
	char *name;
	struct conf_pos pos;
	struct conf_param *params;
	size_t nparams, capparams;
	bool failed; /* resolving it reported an error */
};

struct conf_load_opts {
	bool no_include; /* refuse `.include` (the fuzzer reads no files) */
};

struct conf {
	struct conf_load_opts opts;
	char **files; /* every file name a position can point to */
	size_t nfiles, capfiles;
	struct conf_file_id *loaded; /* files read so far, by device and inode */
	size_t nloaded, caploaded;
	struct conf_block *blocks;
	size_t nblocks, capblocks;
	struct conf_jail *jails;
	size_t njails, capjails;
	struct conf_diag *diags;
	size_t ndiags, capdiags;
	bool gave_up;              /* CONF_DIAGS_MAX reached: the rest is not read */
	struct conf_pos stopped_at; /* where, for the closing message */
	size_t global_block;       /* index + 1 of the block of statements outside
				      jail blocks; 0: none yet */
	size_t *block_slots;       /* named blocks by name: index + 1, 0 empty */
	size_t nslots, nnamed;
};

/*
 * After this many diagnostics the rest of the input is not read: 64 KiB of
 * noise gave ten thousand lines that buried the one that mattered.
 */
#define CONF_DIAGS_MAX 50

struct conf_file_id {
	unsigned long long dev, ino;
};

void conf_init(struct conf *c);
void conf_value_release(struct conf_value *v);
void conf_stmt_release(struct conf_stmt *s);
void conf_release(struct conf *c);

/*
 * Records a diagnostic at pos; past CONF_DIAGS_MAX it sets gave_up and drops
 * the rest, and conf_diag_print ends with "too many errors".
 */
void conf_diag_add(struct conf *c, struct conf_pos pos, const char *fmt, ...) LJ_PRINTF(3, 4);
void conf_diag_print(const struct conf *c, FILE *out);
/* Orders diagnostics by file (in the order read), line and column. */
void conf_diag_sort(struct conf *c);
/* A stable name for positions in c; the string lives as long as c. */
const char *conf_intern_file(struct conf *c, const char *name);

/*
 * Parses a file (or, for "-", standard input) and appends its blocks.
 * Returns 0, -EINVAL when diagnostics were recorded, or another negative errno
 * (also recorded as a diagnostic) when the file cannot be read.
 */
int conf_load_file(struct conf *c, const char *path);
/* The same, but a file that is gone when it is opened is no error (a glob's result). */
int conf_load_file_if_present(struct conf *c, const char *path);
/* The same for text in memory; name is used in positions, includes are
 * relative to the working directory. */
int conf_load_buffer(struct conf *c, const char *name, const char *text, size_t len);
/* True once a file with the same device and inode was loaded into c. */
bool conf_file_loaded(const struct conf *c, const char *path);

/* Builds c->jails from the blocks: wildcards, globals, +=, variables. */
int conf_resolve(struct conf *c);

/*
 * Checks every parameter of every jail against the table and the host: names,
 * value types, and what the host cannot do (what config check and the
 * commands that act need). Without a host (config show) it only looks the
 * parameters up in the table and reports nothing.
 */
struct conf_host;
int conf_check(struct conf *c, const struct conf_host *host);

struct conf_jail *conf_find_jail(struct conf *c, const char *name);
/* The block of a jail by its full name (not wildcards), in constant time. */
const struct conf_block *conf_block_named(const struct conf *c, const char *name);
/* Makes block i findable by conf_block_named. */
void conf_block_index(struct conf *c, size_t i);
const struct conf_param *conf_jail_param(const struct conf_jail *j, const char *name);
/* A whole decimal integer that fits a long. */
bool conf_parse_long(const char *s, long *out);
/* The value of a checked boolean parameter, with its "no" prefix applied. */
bool conf_param_bool(const struct conf_param *p);

/* jail(8)'s wildcard rules, shared by the resolver and the commands. */
bool conf_name_is_wildcard(const char *name);
bool conf_wildcard_match(const char *jail, const char *pattern);
/* jail(8)'s parameter name equality: "allow.nomount" equals "allow.mount". */
bool conf_names_equal(const char *a, const char *b);
/*
 * A name usable for a jail or a template: it becomes a file name and a
 * command argument, so letters, digits, '_', '-' and inner single dots only,
 * and short enough that NAME.state and NAME.conf fit a file name.
 */
#define CONF_NAME_MAX 200
bool conf_name_usable(const char *name);
/*
 * 0, or a usage error naming the kind ("jail", "template") and the name as
 * it can be printed on one line. Every command checks every name with this
 * before any path is built from it.
 */
struct lj_error;
int conf_name_check(const char *kind, const char *name, struct lj_error *err);

/* Printing, as `ljail config show` does. */
void conf_print_quoted(FILE *out, const char *s);
void conf_print_param(FILE *out, const struct conf_param *p);
void conf_print_jail_line(FILE *out, const struct conf_jail *j, const char *sep);
void conf_print_jail_lines(FILE *out, const struct conf_jail *j);
void conf_print_json(FILE *out, struct conf_jail *const *jails, size_t n);
/*
 * A parameter's value as JSON of its type (p->def): booleans with their "no"
 * applied and integers as themselves, lists and addresses as arrays.
 */
void conf_print_json_value(FILE *out, const struct conf_param *p);

#endif
