/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the jail.conf(5) parser, resolver, checker and
 * printers: any input must end in diagnostics or output, never a crash, a
 * leak or undefined behaviour.
 */
#include <stdint.h>
#include <stdio.h>

#include "conf/conf.h"
#include "platform/platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	FILE *sink = fopen("/dev/null", "w");

	conf_init(&c);
	c.opts.no_include = true; /* the fuzzer must not read the machine's files */
	if (conf_load_buffer(&c, "fuzz.conf", (const char *)data, size) == 0 &&
	    conf_resolve(&c) == 0) {
		conf_check(&c, plat_conf_host());
		struct conf_jail *all[64];
		size_t n = 0;
		for (size_t i = 0; i < c.njails; i++) {
			conf_print_jail_line(sink, &c.jails[i], "|");
			conf_print_jail_lines(sink, &c.jails[i]);
			if (n < 64)
				all[n++] = &c.jails[i];
		}
		conf_print_json(sink, all, n);
	}
	conf_diag_print(&c, sink);
	conf_release(&c);
	fclose(sink);
	return 0;
}
