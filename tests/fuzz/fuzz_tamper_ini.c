/* libFuzzer target: the PHP INI parser (sysconf/ini.h) and the tamper
 * judge over its entries as .user.ini and as a PHP-FPM pool. */
#include "tests/fuzz/tamper_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	size_t size;
	struct mw_tamper_parse_stats st;
};

static void on_problem(void *ud, unsigned long line, const char *what)
{
	mw_tamper_problem(&((struct run *)ud)->st, line, what);
}

static int on_entry(void *ud, const struct mw_ini_entry *e)
{
	struct run *r = ud;

	r->st.entries++;
	if (e->line == 0 || (r->size && e->offset >= r->size) || !e->key[0] ||
	    e->value_len > MW_INI_MAX_LINE || e->value[e->value_len] != '\0' ||
	    strlen(e->value) > e->value_len)
		abort();
	tf_check_str(e->section, MW_TAMPER_MAX_NAME * 4);
	tf_check_str(e->key, MW_TAMPER_MAX_NAME * 4);
	tf_check_str(e->value, MW_TAMPER_MAX_LINE + 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r = { size, { 0 } };
	char *buf = tf_copy(data, size);

	if (!buf)
		return 0;
	mw_ini_parse(buf, size, on_entry, on_problem, &r);
	if (r.st.entries > MW_INI_MAX_ENTRIES || (r.st.problems && !r.st.what))
		abort();
	tf_judge(MW_TAMPER_USER_INI, "/srv/site/.user.ini", buf, size);
	tf_judge(MW_TAMPER_FPM, "/etc/php/8.2/fpm/pool.d/www.conf", buf, size);
	free(buf);
	return 0;
}
