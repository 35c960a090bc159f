/*
 * Shared by the fuzz targets of scanner/tamper/: the input copied to an
 * exact-size buffer without a NUL (reading past it is an ASan error), and
 * the judge run over it with the shipped check table (signatures/tamper.table
 * under MW_TOP or the working directory; without it only the parser runs).
 */
#ifndef MW_TAMPER_FUZZ_H
#define MW_TAMPER_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/tamper/tamper.h"
#include "scanner/tamper/tamper_parse.h"

static inline char *tf_copy(const uint8_t *data, size_t size)
{
	char *b = malloc(size ? size : 1);

	if (b && size)
		memcpy(b, data, size);
	return b;
}

/* A string a parser handed out: NUL-terminated within cap bytes. */
static inline void tf_check_str(const char *s, size_t cap)
{
	if (!s || strnlen(s, cap) >= cap)
		abort();
}

static inline void tf_judge(enum mw_tamper_kind k, const char *path, const char *buf,
			    size_t len)
{
	static struct mw_tamper_table *t;
	static int tried;
	static struct mw_strlist roots;
	struct mw_tamper_env env;
	struct mw_tamper_finding f[MW_TAMPER_MAX_FINDINGS];
	size_t i, n;

	if (!tried) {
		char p[4096];
		const char *top = getenv("MW_TOP");

		tried = 1;
		snprintf(p, sizeof(p), "%s/signatures/%s", top ? top : ".",
			 MW_TAMPER_TABLE_FILE);
		(void)mw_tamper_table_load(p, &t, NULL);
		(void)mw_strlist_add(&roots, "/srv/site");
	}
	if (!t)
		return;
	env.table = t;
	env.db = NULL;
	env.sc = NULL;
	env.roots = &roots;
	n = mw_tamper_judge(&env, k, path, buf, len, 0, f, MW_TAMPER_MAX_FINDINGS);
	if (n > MW_TAMPER_MAX_FINDINGS)
		abort();
	for (i = 0; i < n; i++) {
		if (!f[i].rule_id || !f[i].title || !f[i].details)
			abort();
		mw_tamper_finding_clear(&f[i]);
	}
}

#endif
