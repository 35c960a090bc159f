/*
 * sysconf/: what the MTAs print about their configuration, as
 * "name = value" pairs: `postconf -x`, `postconf -n`, `postconf -P`
 * ("service/type/name = value") and `exim -bP NAME...`. One parser for
 * every check, so that Postfix's and Exim's own printers resolve
 * includes, macros and defaults and nobody re-reads main.cf sideways
 * (mw_kv_parse_maincf is for a main.cf postconf cannot be asked about).
 * The runner below starts them, once per process for each command line
 * (sysconf/mta.h builds the command lines).
 */
#ifndef MW_SYSCONF_MTAKV_H
#define MW_SYSCONF_MTAKV_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"

#define MW_MTAKV_MAX_ENTRIES	4096	/* pairs (and other lists built on grow) */

/* "name = value" pairs in input order; a later duplicate wins on lookup. */
struct mw_kv {
	char *name;
	char *value;
	char *section;		/* driver block of `exim -bP transports` etc., or NULL */
	unsigned long line;	/* line in the parsed text */
};

struct mw_kvlist {
	struct mw_kv *v;
	size_t n, alloc;
	unsigned long bad_lines;	/* lines without '=' (skipped) */
};

/*
 * Parse `postconf` / `exim -bP` output: each line "name = value"; the name
 * is what comes before the first '=', both sides trimmed. A line without
 * '=' that ends in ':' opens a driver block (`exim -bP transports` prints
 * "remote_smtp:" or "remote_smtp transport:"): the pairs after it carry
 * its first word as section. Other lines without '=' or with an empty
 * name are counted in bad_lines and skipped. Fails only on allocation
 * failure or past MW_MTAKV_MAX_ENTRIES (MW_ERR_TOOBIG).
 */
enum mw_err mw_kv_parse(const char *text, size_t len, struct mw_kvlist *out);
/*
 * Parse main.cf itself, for when postconf cannot be asked (a --root tree):
 * Postfix's logical lines (a line that starts with a blank continues the
 * entry, joined by one blank; '#' lines and blank lines are skipped) of
 * "name = value", line = the entry's first line. An entry without '=' or
 * with a blank in its name, a continuation without an entry, or an entry
 * longer than MW_MAX_MAINCF_ENTRY is counted in bad_lines. No $name
 * expansion and no defaults: that is postconf's, or the caller's. Fails
 * as mw_kv_parse.
 */
#define MW_MAX_MAINCF_ENTRY	(4 * 8192)	/* one logical line */
enum mw_err mw_kv_parse_maincf(const char *text, size_t len, struct mw_kvlist *out);
/* Value of the last pair named name, or NULL. */
const char *mw_kv_get(const struct mw_kvlist *l, const char *name);
void mw_kv_free(struct mw_kvlist *l);

/*
 * Run argv (argv[0] found in the fixed PATH), capped in time
 * (MW_CMD_TIMEOUT_MS) and output (MW_MAX_CMD_OUTPUT), its stdout in out
 * (initialised here; the caller frees it either way, and it holds what
 * the program printed on failure too). MW_OK when the program exited 0
 * with all of its output kept; otherwise an error with one line for a
 * person in err: "postconf failed with status 1: <first stderr line>",
 * "... timed out", "... killed by signal N", "cannot run postconf".
 * The one place the MTAs' printers, checkers and editors are started.
 *
 * Once per process: the answer (success or failure) is kept, keyed by
 * the exact argv (config directory included), and the same argv is
 * answered from memory afterwards, so that the checks of one audit share
 * each `postconf -x`. Whatever changes the MTA's configuration calls
 * mw_kv_forget() before reading it again. Not thread-safe: the checks
 * run one after another.
 */
enum mw_err mw_kv_capture(const char *const argv[], struct mw_buf *out,
			  char *err, size_t errlen);

/* mw_kv_capture without the memo (neither read nor filled): configuration
 * checkers (exim -bV, postfix check) and editors (postconf -e). */
enum mw_err mw_kv_capture_fresh(const char *const argv[], struct mw_buf *out,
				char *err, size_t errlen);

/* Drop every kept answer: the MTA's configuration may have changed. */
void mw_kv_forget(void);

/* Programs started by the runner so far in this process (tests). */
unsigned long mw_kv_starts(void);

/* s[0..n) without leading and trailing white space, as a new string (NULL
 * when out of memory). */
char *mw_kv_dup_trimmed(const char *s, size_t n);

/*
 * Make room in an array of elements of size sz (*v, *alloc elements) for
 * element n: doubles, capped at MW_MTAKV_MAX_ENTRIES (MW_ERR_TOOBIG past
 * it), MW_ERR_NOMEM when realloc fails (*v untouched).
 */
enum mw_err mw_kv_grow(void **v, size_t *alloc, size_t n, size_t sz);

#endif
