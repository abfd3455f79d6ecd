/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small helpers shared by every module: allocation, growable arrays, string
 * building and the cleanup attributes.
 *
 * Cleanup style: resources that live in one scope are released by
 * __attribute__((cleanup)) helpers (LJ_CLEANUP_FREE and friends); objects
 * handed back to a caller are released by the module's own *_free().
 */
#ifndef LJAIL_CORE_UTIL_H
#define LJAIL_CORE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LJ_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LJ_PRINTF(f, a)  __attribute__((format(printf, f, a)))

void lj_cleanup_free(void *p);
void lj_cleanup_fclose(FILE **f);
void lj_cleanup_close(int *fd);
#define LJ_CLEANUP_FREE   __attribute__((cleanup(lj_cleanup_free)))
#define LJ_CLEANUP_FCLOSE __attribute__((cleanup(lj_cleanup_fclose)))
#define LJ_CLEANUP_CLOSE  __attribute__((cleanup(lj_cleanup_close)))

/* Hand ownership out of a cleanup variable. */
static inline void *lj_steal_ptr(void *pp)
{
	void **p = pp;
	void *v = *p;
	*p = NULL;
	return v;
}

/*
 * Running out of memory ends the program with a message: ljail parses and
 * plans before it changes anything on the system, so no half-done state can
 * be left by this exit, and every caller stays simple.
 */
void *lj_xmalloc(size_t n);
void *lj_xcalloc(size_t n, size_t size);
void *lj_xrealloc(void *p, size_t n);
char *lj_xstrdup(const char *s);
char *lj_xstrndup(const char *s, size_t n);
char *lj_xasprintf(const char *fmt, ...) LJ_PRINTF(1, 2);
char *lj_xvasprintf(const char *fmt, va_list ap) LJ_PRINTF(1, 0);

/*
 * Growable arrays: *items has *count used slots out of *cap. Returns a
 * pointer to a new zeroed slot at the end.
 */
void *lj_vec_push(void *items, size_t *count, size_t *cap, size_t size);
#define LJ_VEC_PUSH(arr, count, cap)                                                               \
	((__typeof__(arr))lj_vec_push(&(arr), &(count), &(cap), sizeof(*(arr))))

/* A string being built; buf is always NUL-terminated once non-NULL. */
struct lj_strbuf {
	char *buf;
	size_t len;
	size_t cap;
};
void lj_strbuf_addn(struct lj_strbuf *sb, const char *s, size_t n);
void lj_strbuf_adds(struct lj_strbuf *sb, const char *s);
void lj_strbuf_addc(struct lj_strbuf *sb, char c);
void lj_strbuf_addf(struct lj_strbuf *sb, const char *fmt, ...) LJ_PRINTF(2, 3);
void lj_strbuf_insert(struct lj_strbuf *sb, size_t at, const char *s, size_t n);
/* Returns the built string (never NULL) and empties the buffer. */
char *lj_strbuf_take(struct lj_strbuf *sb);
void lj_strbuf_release(struct lj_strbuf *sb);

/*
 * Closes every fd from 3 up except those in keep (negative entries are
 * ignored): for processes that must take nothing of ljail's along.
 */
void lj_close_fds_except(const int *keep, size_t n);

bool lj_str_eq(const char *a, const char *b);
/* A whole decimal integer that fits a long (no sign of space, no trailing text). */
bool lj_parse_long(const char *s, long *out);
bool lj_str_starts(const char *s, const char *prefix);

/*
 * FNV-1a over s, continuing from h (start with LJ_FNV1A_BASIS): short and
 * stable, enough to tell ljail instances' folders apart in names.
 */
#define LJ_FNV1A_BASIS 2166136261u
uint32_t lj_fnv1a(uint32_t h, const char *s);
/*
 * s made safe to print on one line: bytes outside printable ASCII as \xNN,
 * cut after max bytes with "...". For echoing input that may be hostile.
 */
char *lj_str_printable(const char *s, size_t max);

#endif
