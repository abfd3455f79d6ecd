/* SPDX-License-Identifier: BSD-2-Clause */
/* Writing JSON for --json: strings escaped, invalid UTF-8 replaced. */
#ifndef LJAIL_CORE_JSON_H
#define LJAIL_CORE_JSON_H

#include <stdio.h>

void lj_json_string(FILE *out, const char *s);

#endif
