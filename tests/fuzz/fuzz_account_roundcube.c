/*
 * libFuzzer target: Roundcube's configuration and session readers of
 * `mailwarden account` (scanner/account/rc_conf.h). The input is read as
 * PHP (every value it yields then as a DSN), as Debian's variables, and
 * as a session's serialized data, plain and as base64 would be decoded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/account/rc_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rc_php ph;
	struct rc_dsn d;
	struct mw_buf sql;
	char desc[2048];
	/* An exact-size copy, so that any over-read is caught. */
	char *c = malloc(size ? size : 1);
	size_t i;

	if (!c)
		abort();
	memcpy(c, data, size);
	memset(&ph, 0, sizeof(ph));
	mw_rc_php_read(&ph, c, size);
	for (i = 0; i < ph.n; i++) {
		if (!ph.v[i].known || mw_rc_dsn_parse(ph.v[i].val, &d) != 0)
			continue;
		if (d.type == RC_DB_SQLITE && d.path[0] != '/')
			abort();
		mw_rc_dsn_describe(&d, desc, sizeof(desc));
	}
	if (mw_rc_debian_dsn(&ph, &d) == 0)
		mw_rc_dsn_describe(&d, desc, sizeof(desc));
	if (mw_rc_session_is_user(c, size, "info@example.org") > 1)
		abort();
	mw_buf_init(&sql, 1u << 16);
	if (ph.n && ph.v[0].known)
		(void)mw_rc_manual_sql(RC_DB_MYSQL, ph.v[0].val, "info@example.org", &sql);
	mw_buf_free(&sql);
	free(c);
	return 0;
}
