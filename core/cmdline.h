/*
 * The "equivalent command line" a check's mw_<check>_opts_describe()
 * writes for the audit's table of checks: each appender adds " FLAG VALUE"
 * when the option is set and nothing otherwise, so a describe function is
 * one line per option. The first error (out of memory) is kept in err and
 * later appends do nothing; the describe function returns it.
 * Values are written as they are: the report's writers escape at output.
 */
#ifndef MW_CORE_CMDLINE_H
#define MW_CORE_CMDLINE_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/strlist.h"

struct mw_cmdline {
	struct mw_buf *b;
	enum mw_err err;
};

/* Start with the command's name (or any fixed words). */
void mw_cmdline_start(struct mw_cmdline *c, struct mw_buf *b, const char *name);
/* " flag" when on. */
void mw_cmdline_flag(struct mw_cmdline *c, const char *flag, int on);
/* " flag value" when value is not NULL; " value" when flag is NULL (an
 * operand). */
void mw_cmdline_str(struct mw_cmdline *c, const char *flag, const char *value);
/* mw_cmdline_str for each of v[0..n). */
void mw_cmdline_strs(struct mw_cmdline *c, const char *flag, const char *const *v,
		     size_t n);
/* mw_cmdline_str for each string of a list. */
void mw_cmdline_list(struct mw_cmdline *c, const char *flag, const struct mw_strlist *l);
/* " flag N" when n is not 0. */
void mw_cmdline_num(struct mw_cmdline *c, const char *flag, unsigned long long n);
/* Anything else, printf-style (" --uid %ld"). */
void mw_cmdline_fmt(struct mw_cmdline *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
