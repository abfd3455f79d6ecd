/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Printing resolved jails. The plain forms follow jail(8) byte for byte:
 * `name=value`, list values joined by ',', a valueless parameter as its bare
 * name, and jail(8)'s quoting of values.
 */
#include "conf/conf.h"
#include "conf/params.h"
#include "base/json.h"

#include <stdlib.h>
#include <string.h>

/*
 * jail(8)'s quoting: an empty value, or one with a single quote, goes in
 * double quotes; one with a double quote goes in single quotes; one with a
 * space or tab in double quotes; inside, the quote and backslash are escaped.
 */
void conf_print_quoted(FILE *out, const char *s)
{
	int q = !*s                 ? '"'
		: strchr(s, '\'')   ? '"'
		: strchr(s, '"')    ? '\''
		: strpbrk(s, " \t") ? '"'
				    : 0;

	if (q)
		fputc(q, out);
	for (; *s; s++) {
		if (*s == '\\' || *s == q)
			fputc('\\', out);
		fputc(*s, out);
	}
	if (q)
		fputc(q, out);
}

void conf_print_param(FILE *out, const struct conf_param *p)
{
	fputs(p->name, out);
	if (p->nvalues == 0)
		return;
	fputc('=', out);
	for (size_t i = 0; i < p->nvalues; i++) {
		if (i)
			fputc(',', out);
		conf_print_quoted(out, p->values[i]);
	}
}

/* One line per jail, as `jail -e SEP` prints it: jid is left out. */
void conf_print_jail_line(FILE *out, const struct conf_jail *j, const char *sep)
{
	bool first = true;

	for (size_t i = 0; i < j->nparams; i++) {
		if (lj_str_eq(j->params[i].name, "jid"))
			continue;
		if (!first)
			fputs(sep, out);
		first = false;
		conf_print_param(out, &j->params[i]);
	}
	fputc('\n', out);
}

void conf_print_jail_lines(FILE *out, const struct conf_jail *j)
{
	for (size_t i = 0; i < j->nparams; i++) {
		conf_print_param(out, &j->params[i]);
		fputc('\n', out);
	}
}

void conf_print_json_value(FILE *out, const struct conf_param *p)
{
	const struct conf_param_def *d = p->def;
	const char *last = p->nvalues ? p->values[p->nvalues - 1] : NULL;
	long n;

	switch (d ? d->type : CONF_T_LIST) {
	case CONF_T_BOOL: fputs(conf_param_bool(p) ? "true" : "false", out); return;
	case CONF_T_INT:
		if (last && conf_parse_long(last, &n)) {
			fprintf(out, "%ld", n);
			return;
		}
		break;
	case CONF_T_JAILSYS:
		if (!last) {
			fputs(!p->negated                  ? "\"new\""
			      : lj_str_eq(d->name, "vnet") ? "\"inherit\""
							   : "\"disable\"",
			      out);
			return;
		}
		break;
	case CONF_T_STRING: break;
	case CONF_T_LIST:
	case CONF_T_IP4:
	case CONF_T_IP6:
		fputc('[', out);
		for (size_t i = 0; i < p->nvalues; i++) {
			if (i)
				fputc(',', out);
			lj_json_string(out, p->values[i]);
		}
		fputc(']', out);
		return;
	}
	if (last)
		lj_json_string(out, last);
	else
		fputs("null", out);
}

/* {"jails":[{"name":...,"parameters":{...}}]}; names without a "no" prefix. */
void conf_print_json(FILE *out, struct conf_jail *const *jails, size_t n)
{
	fputs("{\"jails\":[", out);
	for (size_t i = 0; i < n; i++) {
		const struct conf_jail *j = jails[i];
		if (i)
			fputc(',', out);
		fputs("{\"name\":", out);
		lj_json_string(out, j->name);
		fputs(",\"parameters\":{", out);
		for (size_t k = 0; k < j->nparams; k++) {
			const struct conf_param *p = &j->params[k];
			if (k)
				fputc(',', out);
			lj_json_string(out, p->def && p->negated ? p->def->name : p->name);
			fputc(':', out);
			conf_print_json_value(out, p);
		}
		fputs("}}", out);
	}
	fputs("]}\n", out);
}
