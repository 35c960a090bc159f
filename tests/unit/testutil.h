/* Shared helpers for the cmocka unit tests. */
#ifndef MW_TESTUTIL_H
#define MW_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Path of the source tree (MW_TOP from tests/run, else "."). */
static inline const char *test_top(void)
{
	const char *t = getenv("MW_TOP");

	return t && *t ? t : ".";
}

/* A fresh empty directory under /tmp; caller removes it with rm_rf(). */
static inline char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/mw-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

/* Remove a tree (test scratch dirs only); fixed argv, no shell. */
static inline void rm_rf(const char *dir)
{
	char cmd[4200];

	/* Test code only: the path comes from make_tmpdir(). */
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
}

static inline void write_file(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* Read a whole small file (malloc'd, NUL-terminated). */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

#endif
