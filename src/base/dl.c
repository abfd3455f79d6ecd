/* SPDX-License-Identifier: BSD-2-Clause */
#include "base/dl.h"

#include <dlfcn.h>
#include <errno.h>

int lj_dl_open(void **handle, const char *soname, const struct lj_dl_sym *syms, size_t n,
	       const char *hint, struct lj_error *err)
{
	if (*handle)
		return 0;
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return lj_error_set(err, ENOENT, "%s (%s)", dlerror(), hint);
	for (size_t i = 0; i < n; i++) {
		if (!(*syms[i].slot = dlsym(h, syms[i].name))) {
			dlclose(h);
			return lj_error_set(err, ENOENT, "%s: no %s (%s)", soname, syms[i].name,
					    hint);
		}
	}
	*handle = h;
	return 0;
}
