/* libFuzzer target: the PHP INI parser (scanner/tamper/tamper_parse.h) and
 * the judge over its entries as .user.ini and as a PHP-FPM pool. */
#include "tests/fuzz/tamper_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_entry(void *ud, const struct mw_ini_entry *e)
{
	size_t size = *(size_t *)ud;

	if (e->line == 0 || (size && e->offset >= size) || !e->key[0])
		abort();
	tf_check_str(e->section, MW_TAMPER_MAX_NAME * 4);
	tf_check_str(e->key, MW_TAMPER_MAX_NAME * 4);
	tf_check_str(e->value, MW_TAMPER_MAX_LINE + 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mw_tamper_parse_stats st;
	char *buf = tf_copy(data, size);

	if (!buf)
		return 0;
	mw_ini_parse(buf, size, on_entry, &size, &st);
	if (st.entries > MW_TAMPER_MAX_ITEMS || (st.problems && !st.what))
		abort();
	tf_judge(MW_TAMPER_USER_INI, "/srv/site/.user.ini", buf, size);
	tf_judge(MW_TAMPER_FPM, "/etc/php/8.2/fpm/pool.d/www.conf", buf, size);
	free(buf);
	return 0;
}
