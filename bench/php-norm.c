/*
 * Lexer and normaliser throughput over the files named on stdin (one path
 * a line); the normalised view and layers of one file (-p FILE); or its
 * tokens, one "START LEN KIND" line each (-t, paths on stdin, for
 * tests/e2e/php-tokens.sh). bench/README.md has the figures; built by
 * "make tests-build" as $(BUILD)/bench/php-norm.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "signatures/php_lex.h"
#include "signatures/php_norm.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t a = 0, n = 0, r;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 65536 > a) {
			char *nb = realloc(b, a = (a + 65536) * 2);

			if (!nb)
				break;
			b = nb;
		}
		r = fread(b + n, 1, a - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return b;
}

int main(int argc, char **argv)
{
	struct mw_php_norm *nm = mw_php_norm_new();
	char line[4096];
	double tl = 0, tn = 0, t0;
	size_t bytes = 0, files = 0, toks = 0, nbytes = 0, layers = 0, len, i;

	if (!nm)
		return 2;
	if (argc == 2 && strcmp(argv[1], "-t") == 0) {
		/* paths on stdin: "== PATH" then its tokens */
		while (fgets(line, sizeof(line), stdin)) {
			struct mw_php_lexer lx;
			struct mw_php_token t;
			char *b;

			line[strcspn(line, "\n")] = '\0';
			printf("== %s\n", line);
			if (!(b = slurp(line, &len)))
				continue;
			mw_php_lex_init(&lx, b, len, 0);
			while (mw_php_lex_next(&lx, &t))
				printf("%zu %zu %s\n", t.start, t.len, mw_php_tok_name(t.kind));
			free(b);
		}
		mw_php_norm_free(nm);
		return ferror(stdout) ? 2 : 0;
	}
	if (argc == 3 && strcmp(argv[1], "-p") == 0) {
		char *b = slurp(argv[2], &len);
		const char *v;

		if (!b)
			return 2;
		mw_php_normalise(nm, b, len, 0, 16u << 20, NULL);
		v = mw_php_norm_text(nm, &len);
		fwrite(v, 1, len, stdout);
		for (i = 0; i < mw_php_norm_nlayers(nm); i++) {
			const struct mw_php_layer *l = mw_php_norm_layer(nm, i);

			printf("\n-- layer %zu depth %u at %zu: ", i, l->depth, l->raw_off);
			fwrite(l->data, 1, l->len, stdout);
		}
		printf("\n-- caps %#x\n", mw_php_norm_caps(nm));
		free(b);
		mw_php_norm_free(nm);
		return 0;
	}
	while (fgets(line, sizeof(line), stdin)) {
		struct mw_php_lexer lx;
		struct mw_php_token t;
		char *b;

		line[strcspn(line, "\n")] = '\0';
		b = slurp(line, &len);
		if (!b)
			continue;
		t0 = now();
		mw_php_lex_init(&lx, b, len, 0);
		while (mw_php_lex_next(&lx, &t))
			toks++;
		tl += now() - t0;
		t0 = now();
		mw_php_normalise(nm, b, len, 0, 16u << 20, NULL);
		tn += now() - t0;
		mw_php_norm_text(nm, &i);
		nbytes += i;
		layers += mw_php_norm_nlayers(nm);
		bytes += len;
		files++;
		free(b);
	}
	printf("%zu files, %.1f MB, %zu tokens, view %.1f MB, %zu layers\n"
	       "lexer: %.1f MB/s; lexer+normaliser: %.1f MB/s\n",
	       files, bytes / 1e6, toks, nbytes / 1e6, layers,
	       bytes / 1e6 / (tl > 0 ? tl : 1e-9), bytes / 1e6 / (tn > 0 ? tn : 1e-9));
	mw_php_norm_free(nm);
	return 0;
}
