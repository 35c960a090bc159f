/* libFuzzer target: the .htaccess parser (scanner/tamper/tamper_parse.h)
 * and the judge over its directives. */
#include "tests/fuzz/tamper_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_dir(void *ud, const struct mw_apache_directive *d)
{
	size_t i, size = *(size_t *)ud;

	if (d->line == 0 || (size && d->offset >= size) || d->argc > MW_TAMPER_MAX_ARGS ||
	    d->depth > MW_TAMPER_MAX_DEPTH || d->argv[d->argc] != NULL)
		abort();
	tf_check_str(d->name, MW_TAMPER_MAX_LINE + 1);
	for (i = 0; i < d->argc; i++)
		tf_check_str(d->argv[i], MW_TAMPER_MAX_LINE + 1);
	for (i = 0; i < d->depth; i++) {
		tf_check_str(d->blocks[i].name, MW_TAMPER_MAX_NAME);
		tf_check_str(d->blocks[i].arg, MW_TAMPER_MAX_BLOCKARG);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mw_tamper_parse_stats st;
	char *buf = tf_copy(data, size);

	if (!buf)
		return 0;
	mw_apache_parse(buf, size, on_dir, &size, &st);
	if (st.entries > MW_TAMPER_MAX_ITEMS || (st.problems && !st.what))
		abort();
	tf_judge(MW_TAMPER_HTACCESS, "/srv/site/a/.htaccess", buf, size);
	free(buf);
	return 0;
}
