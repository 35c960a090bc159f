/* libFuzzer target: the crontab parser (scanner/tamper/tamper_parse.h) and
 * the judge over its jobs. */
#include "tests/fuzz/tamper_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_entry(void *ud, const struct mw_cron_entry *e)
{
	size_t size = *(size_t *)ud;

	if (e->line == 0 || (size && e->offset >= size))
		abort();
	tf_check_str(e->schedule, 256);
	/* may be empty: a NUL byte ends a command as cron itself reads it */
	tf_check_str(e->command, MW_TAMPER_MAX_LINE + 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mw_tamper_parse_stats st;
	char *buf = tf_copy(data, size);

	if (!buf)
		return 0;
	mw_cron_parse(buf, size, on_entry, &size, &st);
	if (st.entries > MW_TAMPER_MAX_ITEMS || (st.problems && !st.what))
		abort();
	tf_judge(MW_TAMPER_CRON, "/var/spool/cron/crontabs/www-data", buf, size);
	free(buf);
	return 0;
}
