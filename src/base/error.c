/* SPDX-License-Identifier: BSD-2-Clause */
#include "base/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

LJ_PRINTF(2, 0) static void lj_error_vformat(struct lj_error *err, const char *fmt, va_list ap)
{
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int lj_error_set(struct lj_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	if (code <= 0)
		code = EIO;
	err->code = code;
	err->usage = false;
	va_start(ap, fmt);
	lj_error_vformat(err, fmt, ap);
	va_end(ap);
	return -code;
}

int lj_error_usage(struct lj_error *err, const char *fmt, ...)
{
	va_list ap;
	err->code = EINVAL;
	err->usage = true;
	va_start(ap, fmt);
	lj_error_vformat(err, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int lj_error_wrap(struct lj_error *err, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncating a too long message is fine; it stays one line. */
	size_t plen = strlen(prefix);
	if (plen > sizeof(err->msg) - 3)
		plen = sizeof(err->msg) - 3;
	memcpy(err->msg, prefix, plen);
	memcpy(err->msg + plen, ": ", 2);
	size_t room = sizeof(err->msg) - plen - 3;
	size_t olen = strnlen(old, room);
	memcpy(err->msg + plen + 2, old, olen);
	err->msg[plen + 2 + olen] = '\0';
	return -(err->code ? err->code : EIO);
}
