/*
 * libFuzzer target: the login-line parser of `mailwarden account`
 * (scanner/account/logins.h) on each line of the input, as a syslog line,
 * as a journal record of Dovecot, as a Postfix and an Exim message and as
 * a whole Exim main log line; every slice it returns must lie inside the
 * line. Then all lines through the login table and its JSON.
 */
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/account/logins.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(struct ml_str s, const char *p, size_t n)
{
	if (s.n && (s.p < p || s.p + s.n > p + n))
		abort();
}

static void parse(const struct ml_line *l, const char *p, size_t n, struct acct_logins *t)
{
	struct acct_event ev;

	if (mw_acct_parse_login(l, &ev)) {
		inside(ev.user, p, n);
		inside(ev.ip, p, n);
		if (ev.user.n == 0)
			abort();
	}
	mw_acct_logins_feed(t, l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ml_clock clk = { 2026, 12, 0 };
	const char *p = (const char *)data, *end = p + size;
	struct acct_logins t;
	json_t *j;

	mw_acct_logins_init(&t, "info@example.org");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		/* An exact-size copy, so that any over-read is caught. */
		char *c = malloc(n ? n : 1);
		struct ml_syslog sl;
		struct ml_line l;

		if (!c)
			abort();
		memcpy(c, p, n);
		if (mw_ml_parse_syslog(c, n, &clk, &sl) == 0) {
			l = (struct ml_line){ sl.time, sl.host, sl.ident, sl.msg };
			parse(&l, c, n, &t);
		}
		l = (struct ml_line){ INT64_MIN, { "", 0 }, { "dovecot", 7 }, { c, n } };
		parse(&l, c, n, &t);
		l = (struct ml_line){ 0, { "", 0 }, { "postfix/smtpd", 13 }, { c, n } };
		parse(&l, c, n, &t);
		l = (struct ml_line){ 0, { "", 0 }, { "exim", 4 }, { c, n } };
		parse(&l, c, n, &t);
		/* an Exim main log line reaches the table whole */
		l = (struct ml_line){ 0, { "", 0 }, { "", 0 }, { c, n } };
		parse(&l, c, n, &t);
		free(c);
		p += n + 1;
	}
	(void)mw_acct_logins_networks_window(&t);
	j = mw_acct_logins_json(&t);
	json_decref(j);
	mw_acct_logins_free(&t);
	return 0;
}
