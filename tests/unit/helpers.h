/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the unit tests: load text as a configuration and look at it. */
#ifndef LJAIL_TESTS_HELPERS_H
#define LJAIL_TESTS_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <sys/stat.h>

#include "conf/conf.h"
#include "platform/platform.h"

/* Evaluates to what `stmt` writes to the FILE *f it is given (caller frees). */
#define T_CAPTURE(f, stmt)                                                                         \
	__extension__({                                                                            \
		char *buf_ = NULL;                                                                 \
		size_t len_ = 0;                                                                   \
		FILE *f = open_memstream(&buf_, &len_);                                            \
		stmt;                                                                              \
		fclose(f);                                                                         \
		buf_;                                                                              \
	})

/* Parses text as "test.conf", then resolves and checks it when that worked. */
struct conf *t_load(const char *text, const struct conf_host *host);
void t_free(struct conf *c);
/* Every diagnostic, one "FILE:LINE:COL: message" per line (caller frees). */
char *t_diags(const struct conf *c);
/* What `ljail config show -e SEP` prints (caller frees). */
char *t_show_e(const struct conf *c, const char *sep);
/* Writes a file (for include tests) under a fresh temporary folder. */
char *t_tmpdir(void);
void t_write(const char *dir, const char *name, const char *text);
void t_rmtree(const char *dir);

#define assert_show(text, sep, expected)                                                           \
	do {                                                                                       \
		struct conf *c_ = t_load(text, NULL);                                 \
		char *d_ = t_diags(c_);                                                            \
		assert_string_equal(d_, "");                                                       \
		char *s_ = t_show_e(c_, sep);                                                      \
		assert_string_equal(s_, expected);                                                 \
		free(s_);                                                                          \
		free(d_);                                                                          \
		t_free(c_);                                                                        \
	} while (0)

#define assert_diags(text, mode, expected)                                                         \
	do {                                                                                       \
		struct conf *c_ = t_load(text, mode);                                              \
		char *d_ = t_diags(c_);                                                            \
		assert_string_equal(d_, expected);                                                 \
		free(d_);                                                                          \
		t_free(c_);                                                                        \
	} while (0)

#endif
