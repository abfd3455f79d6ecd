/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one error convention of ljail: a function that can fail returns 0 (or
 * a count) on success and a negative errno value on failure, and fills the
 * caller's struct lj_error with a one-line message naming what failed (the
 * jail, FILE:LINE:COLUMN, or the path). Only the command line prints it and
 * chooses the exit status.
 */
#ifndef LJAIL_CORE_ERROR_H
#define LJAIL_CORE_ERROR_H

#include "base/util.h"

/* Exit statuses, as ljail(8) documents them. */
enum {
	LJ_EXIT_OK = 0,
	LJ_EXIT_FAILED = 1, /* an operation failed */
	LJ_EXIT_USAGE = 2,  /* a usage or configuration error */
};

struct lj_error {
	int code;   /* positive errno value, 0 when no error is set */
	bool usage; /* the user's input was wrong (exit 2), not the system */
	char msg[1024];
};

/* Sets the error and returns -code, so callers can `return lj_error_set(...)`. */
int lj_error_set(struct lj_error *err, int code, const char *fmt, ...) LJ_PRINTF(3, 4);
/* The same, for mistakes in the user's input (exit status 2). */
int lj_error_usage(struct lj_error *err, const char *fmt, ...) LJ_PRINTF(2, 3);
/* Puts "prefix: " before an existing message, keeping its code. */
int lj_error_wrap(struct lj_error *err, const char *fmt, ...) LJ_PRINTF(2, 3);

#endif
