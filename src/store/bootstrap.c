/* SPDX-License-Identifier: BSD-2-Clause */
#include "store/bootstrap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/spawn.h"

struct mirror_search {
	const char *suite;
	char *exact, *other;
};

static void mirror_line(void *ctx, const char *text)
{
	struct mirror_search *m = ctx;
	char uri[1024], release[256], component[256];
	if (sscanf(text, "%1023s %255s %255s", uri, release, component) != 3 ||
	    !lj_str_eq(component, "main"))
		return;
	if (!m->exact && lj_str_eq(release, m->suite))
		m->exact = lj_xstrdup(uri);
	/* Another suite's mirror serves this one too, unless it is a security or updates one. */
	else if (!m->other && !strchr(release, '-'))
		m->other = lj_xstrdup(uri);
}

int store_apt_mirror(const char *suite, char **uri, struct lj_error *err)
{
	/* apt itself reads sources.list, sources.list.d and deb822 files alike. */
	char *argv[] = {"apt-get",
			"indextargets",
			"--format",
			"$(REPO_URI) $(RELEASE) $(COMPONENT)",
			"Created-By: Packages",
			NULL};
	struct mirror_search m = {.suite = suite};
	int status;
	int rc = lj_spawn_lines(argv, mirror_line, &m, &status, err);
	if (rc < 0)
		return lj_error_wrap(err, "finding apt's mirror");
	if (!m.exact && !m.other)
		return lj_error_set(
			err, ENOENT,
			"apt's sources name no Debian mirror with 'main'; give --mirror");
	*uri = m.exact ? m.exact : m.other;
	if (m.exact)
		free(m.other);
	return 0;
}

/* The phases a bootstrap goes through, as mmdebstrap announces them. */
static const struct {
	const char *marker; /* the start of mmdebstrap's "I: ..." line */
	const char *phase;
	int percent;
} phases[] = {
	{"I: setting up", "download", 2},
	{"I: running apt-get update", "download", 5},
	{"I: downloading packages", "download", 10},
	{"I: extracting archives", "unpack", 40},
	{"I: installing essential packages", "configure", 55},
	{"I: installing remaining packages", "configure", 75},
	{"I: cleaning package lists", "finish", 95},
	{"I: success", "done", 100},
	/* debootstrap */
	{"I: Retrieving", "download", 10},
	{"I: Extracting", "unpack", 40},
	{"I: Installing core packages", "configure", 55},
	{"I: Configuring", "configure", 75},
	{"I: Base system installed successfully", "done", 100},
};

struct progress {
	const struct store_bootstrap *b;
	int percent;
	const char *phase;
	char last_error[512]; /* the first error line: the cause, not the summary */
	unsigned unpacked, configured; /* dpkg lines within the configure phases */
};

static void draw(struct progress *p)
{
	if (p->b->progress)
		p->b->progress(p->b->progress_ctx, p->phase, p->percent);
}

static void bootstrap_line(void *ctx, const char *text)
{
	struct progress *p = ctx;
	/*
	 * mmdebstrap ends with "E: mmdebstrap failed to run" after apt's own
	 * lines; the first error line says why (a suite the mirror does not
	 * have, a missing key), so it is the one kept.
	 */
	if (!p->last_error[0] && (lj_str_starts(text, "E: ") || strstr(text, "rror")))
		snprintf(p->last_error, sizeof(p->last_error), "%s", text);
	for (size_t i = 0; i < LJ_ARRAY_SIZE(phases); i++) {
		if (lj_str_starts(text, phases[i].marker)) {
			if (phases[i].percent > p->percent ||
			    !lj_str_eq(phases[i].phase, p->phase ? p->phase : "")) {
				p->percent = phases[i].percent > p->percent ? phases[i].percent
									    : p->percent;
				p->phase = phases[i].phase;
				draw(p);
			}
			return;
		}
	}
	/* Within the configure phases, dpkg's "Setting up" lines move the bar on. */
	if (p->phase && lj_str_eq(p->phase, "configure")) {
		if (lj_str_starts(text, "Unpacking "))
			p->unpacked++;
		else if (lj_str_starts(text, "Setting up ") && p->percent < 94) {
			p->configured++;
			p->percent++;
			draw(p);
		}
	}
}

int store_bootstrap(const struct store_bootstrap *b, const char *target, struct lj_error *err)
{
	LJ_CLEANUP_FREE char *mirror = NULL;
	int rc;
	if (b->mirror) {
		mirror = lj_xstrdup(b->mirror);
	} else if ((rc = store_apt_mirror(b->suite, &mirror, err)) < 0) {
		return rc;
	}
	if (mkdir(b->cache, 0755) < 0 && errno != EEXIST)
		return lj_error_set(err, errno, "package cache '%s': %s", b->cache,
				    strerror(errno));

	char *argv[32];
	size_t n = 0;
	LJ_CLEANUP_FREE char *variant = lj_xasprintf("--variant=%s", b->variant);
	LJ_CLEANUP_FREE char *include =
		b->include ? lj_xasprintf("--include=%s", b->include) : NULL;
	LJ_CLEANUP_FREE char *arch = NULL;
	LJ_CLEANUP_FREE char *sync_in = NULL, *sync_out = NULL, *source = NULL, *cache_dir = NULL;
	/* Another distribution (Ubuntu, say) brings its own mirror, keys and components. */
	LJ_CLEANUP_FREE char *keyring =
		b->keyring ? lj_xasprintf("--keyring=%s", b->keyring) : NULL;
	LJ_CLEANUP_FREE char *components =
		lj_xasprintf("--components=%s", b->components ? b->components : "main");
	LJ_CLEANUP_FREE char *spaced = lj_xstrdup(b->components ? b->components : "main");
	for (char *c = spaced; *c; c++)
		if (*c == ',')
			*c = ' ';
	bool mm = lj_have_program("mmdebstrap");
	if (mm) {
		arch = b->arch ? lj_xasprintf("--architectures=%s", b->arch) : NULL;
		/*
		 * The cache: packages downloaded before go in first (apt then skips
		 * them), and all packages come back out before apt's cache is
		 * cleaned, so the next template of this suite downloads none.
		 */
		sync_in = lj_xasprintf("sync-in %s /var/cache/apt/archives/", b->cache);
		sync_out = lj_xasprintf("sync-out /var/cache/apt/archives %s", b->cache);
		source = lj_xasprintf("deb %s %s %s", mirror, b->suite, spaced);
		argv[n++] = "mmdebstrap";
		argv[n++] = "--mode=root";
		argv[n++] = "--verbose";
		argv[n++] = variant;
		if (include)
			argv[n++] = include;
		if (arch)
			argv[n++] = arch;
		if (keyring)
			argv[n++] = keyring;
		argv[n++] = "--skip=essential/unlink";
		argv[n++] = "--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives";
		argv[n++] = "--setup-hook";
		argv[n++] = sync_in;
		argv[n++] = "--customize-hook";
		argv[n++] = sync_out;
		argv[n++] = (char *)b->suite;
		argv[n++] = (char *)target;
		argv[n++] = source;
	} else if (lj_have_program("debootstrap")) {
		arch = b->arch ? lj_xasprintf("--arch=%s", b->arch) : NULL;
		cache_dir = lj_xasprintf("--cache-dir=%s", b->cache);
		argv[n++] = "debootstrap";
		/* debootstrap's default set is what mmdebstrap calls standard. */
		if (!lj_str_eq(b->variant, "standard"))
			argv[n++] = variant;
		if (include)
			argv[n++] = include;
		if (arch)
			argv[n++] = arch;
		argv[n++] = cache_dir;
		if (keyring)
			argv[n++] = keyring;
		argv[n++] = components;
		argv[n++] = (char *)b->suite;
		argv[n++] = (char *)target;
		argv[n++] = mirror;
	} else {
		return lj_error_set(err, ENOENT,
				    "neither mmdebstrap nor debootstrap is installed "
				    "(apt-get install mmdebstrap)");
	}
	argv[n] = NULL;

	struct progress p = {.b = b, .phase = NULL};
	int status;
	rc = lj_spawn_lines(argv, bootstrap_line, &p, &status, err);
	if (rc < 0)
		return rc;
	if (status != 0) {
		/* The end, for a front that draws a bar. */
		if (b->progress && p.phase)
			b->progress(b->progress_ctx, NULL, -1);
		return lj_error_set(err, EIO, "%s of '%s' from %s failed (exit status %d)%s%s",
				    argv[0], b->suite, mirror, status, p.last_error[0] ? ": " : "",
				    p.last_error);
	}
	if (p.percent < 100) {
		p.percent = 100;
		p.phase = "done";
		draw(&p);
	}
	return 0;
}
