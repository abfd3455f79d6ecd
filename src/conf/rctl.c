/* SPDX-License-Identifier: BSD-2-Clause */
#include "conf/rctl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

/* rctl(8)'s resources, as FreeBSD 14 lists them. */
static const char *const resources[] = {
	"cputime",      "datasize", "stacksize",  "coredumpsize", "memoryuse",
	"memorylocked", "maxproc",  "openfiles",  "vmemoryuse",   "pseudoterminals",
	"swapuse",      "nthr",     "msgqqueued", "msgqsize",     "nmsgq",
	"nsem",         "nsemop",   "nshm",       "shmsize",      "wallclock",
	"pcpu",         "readbps",  "writebps",   "readiops",     "writeiops",
};

bool conf_rctl_resource_known(const char *resource)
{
	for (size_t i = 0; i < LJ_ARRAY_SIZE(resources); i++)
		if (lj_str_eq(resources[i], resource))
			return true;
	return false;
}

static bool action_known(const char *action)
{
	static const char *const plain[] = {"deny", "log", "devctl", "throttle"};
	for (size_t i = 0; i < LJ_ARRAY_SIZE(plain); i++)
		if (lj_str_eq(plain[i], action))
			return true;
	/* sig followed by a signal's name or number, as rctl(8) allows. */
	if (strncmp(action, "sig", 3) != 0 || !action[3])
		return false;
	for (const char *p = action + 3; *p; p++)
		if (!isalnum((unsigned char)*p))
			return false;
	return true;
}

/* A field of [a-z0-9] up to end (exclusive) copied to out; false when empty or too long. */
static bool copy_word(const char *start, const char *end, char *out, size_t len)
{
	size_t n = (size_t)(end - start);
	if (n == 0 || n >= len)
		return false;
	for (const char *p = start; p < end; p++)
		if (!isalnum((unsigned char)*p))
			return false;
	memcpy(out, start, n);
	out[n] = '\0';
	return true;
}

static bool parse_amount(const char *start, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = start;
	if (p == end || !isdigit((unsigned char)*p))
		return false;
	for (; p < end && isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p < end) {
		static const char suffixes[] = "kmgtpe";
		const char *s = strchr(suffixes, tolower((unsigned char)*p));
		if (!*p || !s || p + 1 != end)
			return false;
		for (int shift = (int)(s - suffixes) + 1; shift > 0; shift--) {
			if (v > UINT64_MAX / 1024)
				return false;
			v *= 1024;
		}
	}
	*out = v;
	return true;
}

int conf_rctl_parse(const char *text, struct conf_rctl_rule *rule, const char **why)
{
	*rule = (struct conf_rctl_rule){.per = "jail"};
	const char *colon = strchr(text, ':');
	const char *eq = colon ? strchr(colon, '=') : NULL;
	if (!colon || !eq) {
		*why = "is not resource:action=amount (as rctl(8) writes a rule, without "
		       "the subject)";
		return -EINVAL;
	}
	if (!copy_word(text, colon, rule->resource, sizeof(rule->resource)) ||
	    !conf_rctl_resource_known(rule->resource)) {
		*why = "names no resource rctl(8) knows";
		return -EINVAL;
	}
	if (!copy_word(colon + 1, eq, rule->action, sizeof(rule->action)) ||
	    !action_known(rule->action)) {
		*why = "names no action rctl(8) knows (deny, log, devctl, throttle, sigNAME)";
		return -EINVAL;
	}
	const char *slash = strchr(eq, '/');
	const char *end = slash ? slash : eq + strlen(eq);
	if (!parse_amount(eq + 1, end, &rule->amount)) {
		*why = "has no amount rctl(8) reads (a number, with k, m, g, t, p or e)";
		return -EINVAL;
	}
	if (slash &&
	    !copy_word(slash + 1, slash + 1 + strlen(slash + 1), rule->per, sizeof(rule->per))) {
		*why = "has a per that is not a word (jail, process, user, loginclass)";
		return -EINVAL;
	}
	return 0;
}
