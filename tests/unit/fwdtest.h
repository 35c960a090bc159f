/* Helpers for the forwarder parser unit tests. */
#ifndef MW_FWDTEST_H
#define MW_FWDTEST_H

#include "tests/unit/testutil.h"

#include "scanner/forwarders/fwd.h"

typedef enum mw_err (*fwd_parse_fn)(struct fwd_doc *, const char *, size_t);

static inline void parse_str(fwd_parse_fn fn, struct fwd_doc *d, const char *s)
{
	mw_fwd_doc_init(d);
	assert_int_equal(fn(d, s, strlen(s)), MW_OK);
}

/* The i-th fact must be kind/dest. */
static inline void assert_fact(const struct fwd_doc *d, size_t i,
			       enum fwd_kind kind, const char *dest)
{
	assert_true(i < d->nfacts);
	assert_int_equal(d->facts[i].kind, kind);
	assert_string_equal(d->facts[i].dest, dest);
}

#endif
