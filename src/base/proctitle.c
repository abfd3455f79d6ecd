/* SPDX-License-Identifier: BSD-2-Clause */
#include "base/proctitle.h"

#include <string.h>

static char *area;
static size_t area_len;

void lj_proctitle_init(int argc, char **argv)
{
	if (argc < 1 || !argv[0])
		return;
	/* The strings are laid out one after the other; take only that run. */
	char *end = argv[0] + strlen(argv[0]) + 1;
	for (int i = 1; i < argc && argv[i] == end; i++)
		end = argv[i] + strlen(argv[i]) + 1;
	area = argv[0];
	area_len = (size_t)(end - argv[0]);
}

void lj_proctitle_set(const char *title)
{
	if (!area || area_len < 2)
		return;
	size_t n = strlen(title);
	if (n > area_len - 1)
		n = area_len - 1;
	memset(area, 0, area_len);
	memcpy(area, title, n);
}
