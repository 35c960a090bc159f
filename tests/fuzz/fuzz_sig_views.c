/* libFuzzer target: the matcher with both views and decoded layers, on a
 * fixed rule set with raw and norm patterns, over hostile PHP: every hit
 * names an offset inside the file and a line of it; caps are reported,
 * never a crash or a read past a buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/excerpt.h"
#include "signatures/sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules[] =
	"rule mailer.fz-norm\n family: mailer/mass-form\n severity: high\n"
	" description: d\n literal: mail(\n"
	" pattern: send norm /\\bmail\\(\\$_POST\\[/\n"
	" pattern: loop norm /\\bforeach\\(/\n"
	" pattern: raw /eval\\s*\\(/i\n"
	" condition: send and (loop or not raw)\n"
	" positive: a\n negative: b\nend\n"
	"rule webshell.fz-raw\n family: webshell/exec-request\n severity: high\n"
	" description: d\n literal: system\n"
	" pattern: x /\\bsystem\\s*\\(\\s*\\$_(?:GET|POST)/i\n"
	" positive: a\n negative: b\nend\n";

static struct mw_sig_set set;
static struct mw_sig_db *db;
static struct mw_sig_scratch *sc;
static const char *cur;
static size_t curlen;

static int on_hit(void *ud, const struct mw_sig_hit *h)
{
	(void)ud;
	if (h->offset > curlen || h->line == 0 || h->line > mw_line_of(cur, curlen))
		abort();
	if (h->layer && strlen(h->layer) == 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	char *buf;

	if (!db) {
		mw_sig_set_init(&set);
		if (mw_sig_parse(&set, "fz.rules", rules, sizeof(rules) - 1) != MW_OK ||
		    mw_sig_lint(&set) != 0 ||
		    mw_sig_compile(&set, &db, NULL, NULL, err, sizeof(err)) != MW_OK ||
		    mw_sig_scratch_new(db, &sc) != MW_OK)
			abort();
	}
	/* the PHP tag and an evaluator over a decoder make the view happen */
	buf = malloc(size + 32);
	if (!buf)
		return 0;
	memcpy(buf, "<?php eval(base64_decode(", 25);
	memcpy(buf + 25, data, size);
	cur = buf;
	curlen = size + 25;
	(void)mw_sig_match(db, sc, buf, curlen, on_hit, NULL, NULL, NULL, NULL);
	/* only the caps sig.h names (MW_SIG_CAP_*, the flow bound included) */
	if (mw_sig_scratch_caps(sc) & ~(0xffu | MW_SIG_CAP_FLOW))
		abort();
	free(buf);
	return 0;
}
