/* SPDX-License-Identifier: BSD-2-Clause */
#include "runtime/steps.h"

int rt_steps_run(const struct rt_step *steps, size_t first, size_t n, void *ctx,
		 struct lj_error *err)
{
	size_t i = first;
	int rc = 0;
	for (; i < n; i++)
		if ((rc = steps[i].run(ctx, err)) < 0)
			break;
	if (rc == 0)
		return 0;
	/* Undo the failed step and those before it, in reverse; nothing after it ran. */
	for (size_t k = i + 1; k-- > first;)
		if (steps[k].undo)
			steps[k].undo(ctx);
	return rc;
}
