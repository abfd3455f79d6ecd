/* SPDX-License-Identifier: BSD-2-Clause */
#include "base/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void lj_cleanup_free(void *p)
{
	free(*(void **)p);
}

void lj_cleanup_fclose(FILE **f)
{
	if (*f)
		fclose(*f);
}

void lj_cleanup_close(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static void lj_out_of_memory(void)
{
	static const char msg[] = "ljail: out of memory\n";
	ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)ignored;
	abort();
}

void *lj_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		lj_out_of_memory();
	return p;
}

void *lj_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		lj_out_of_memory();
	return p;
}

void *lj_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		lj_out_of_memory();
	return q;
}

char *lj_xstrdup(const char *s)
{
	return lj_xstrndup(s, strlen(s));
}

char *lj_xstrndup(const char *s, size_t n)
{
	char *p = lj_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *lj_xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		lj_out_of_memory();
	return s;
}

char *lj_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = lj_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void *lj_vec_push(void *items, size_t *count, size_t *cap, size_t size)
{
	char **arr = items;
	if (*count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		if (ncap > SIZE_MAX / size)
			lj_out_of_memory();
		*arr = lj_xrealloc(*arr, ncap * size);
		*cap = ncap;
	}
	char *slot = *arr + (*count)++ * size;
	memset(slot, 0, size);
	return slot;
}

static void lj_strbuf_reserve(struct lj_strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t ncap = sb->cap ? sb->cap : 32;
	while (ncap < sb->len + extra + 1)
		ncap *= 2;
	sb->buf = lj_xrealloc(sb->buf, ncap);
	sb->cap = ncap;
}

void lj_strbuf_addn(struct lj_strbuf *sb, const char *s, size_t n)
{
	lj_strbuf_reserve(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void lj_strbuf_adds(struct lj_strbuf *sb, const char *s)
{
	lj_strbuf_addn(sb, s, strlen(s));
}

void lj_strbuf_addc(struct lj_strbuf *sb, char c)
{
	lj_strbuf_addn(sb, &c, 1);
}

void lj_strbuf_addf(struct lj_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = lj_xvasprintf(fmt, ap);
	va_end(ap);
	lj_strbuf_adds(sb, s);
	free(s);
}

void lj_strbuf_insert(struct lj_strbuf *sb, size_t at, const char *s, size_t n)
{
	lj_strbuf_reserve(sb, n);
	memmove(sb->buf + at + n, sb->buf + at, sb->len - at + 1);
	memcpy(sb->buf + at, s, n);
	sb->len += n;
}

char *lj_strbuf_take(struct lj_strbuf *sb)
{
	char *s = sb->buf ? sb->buf : lj_xstrdup("");
	*sb = (struct lj_strbuf){0};
	return s;
}

void lj_strbuf_release(struct lj_strbuf *sb)
{
	free(sb->buf);
	*sb = (struct lj_strbuf){0};
}

uint32_t lj_fnv1a(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

bool lj_str_eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

bool lj_str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *lj_str_printable(const char *s, size_t max)
{
	struct lj_strbuf sb = {0};
	size_t i;
	for (i = 0; s[i] && i < max; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch >= 0x7f || ch == '\\')
			lj_strbuf_addf(&sb, "\\x%02x", ch);
		else
			lj_strbuf_addc(&sb, (char)ch);
	}
	if (s[i])
		lj_strbuf_adds(&sb, "...");
	return lj_strbuf_take(&sb);
}

void lj_close_fds_except(const int *keep, size_t n)
{
	unsigned from = 3;
	for (;;) {
		/* The smallest kept fd at or above from. */
		unsigned next = ~0U;
		for (size_t i = 0; i < n; i++)
			if (keep[i] >= 0 && (unsigned)keep[i] >= from && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next == ~0U) {
			close_range(from, ~0U, 0);
			return;
		}
		if (next > from)
			close_range(from, next - 1, 0);
		from = next + 1;
	}
}

bool lj_parse_long(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno)
		return false;
	if (out)
		*out = v;
	return true;
}
