/*
 * PHP's mail.log (ini "mail.log"): one line per mail() call,
 *   [23-Nov-2026 10:00:01 UTC] mail() on [/var/www/site/x.php:12]: To: a@b -- Headers: ...
 * also when sent to syslog. The script path is what the audit needs.
 */
#define _GNU_SOURCE
#include <string.h>

#include "scanner/maillog/maillog.h"

/*
 * "[23-Nov-2026 10:00:01 UTC] ..." at the start of a line: PHP's own stamp
 * (its date.timezone; a zone other than UTC is taken as local time).
 */
static void php_stamp(const char *line, size_t n, struct ml_php_event *ev)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int d, y, h, mi, sec, mon;
	const char *m;

	if (n < 22 || line[0] != '[' || line[3] != '-' || line[7] != '-' ||
	    line[12] != ' ' || line[15] != ':' || line[18] != ':')
		return;
#define D2(p) (((p)[0] - '0') * 10 + ((p)[1] - '0'))
	for (int i = 1; i < 21; i++)
		if (i != 3 && i != 7 && i != 12 && i != 15 && i != 18 &&
		    !(i >= 4 && i <= 6) && (line[i] < '0' || line[i] > '9'))
			return;
	m = memmem(months, 36, line + 4, 3);
	if (!m || (m - months) % 3)
		return;
	mon = (int)(m - months) / 3 + 1;
	d = D2(line + 1);
	y = D2(line + 8) * 100 + D2(line + 10);
	h = D2(line + 13);
	mi = D2(line + 16);
	sec = D2(line + 19);
#undef D2
	if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return;
	ev->time = mw_ml_civil_to_epoch(y, mon, d, h, mi, sec);
	ev->has_time = 1;
	ev->time_is_utc = n >= 26 && memcmp(line + 21, " UTC]", 5) == 0;
}

int mw_ml_parse_php_mail(const char *line, size_t n, struct ml_php_event *ev)
{
	const char *end = line + n, *p, *close, *colon, *q;
	long ln = 0;

	memset(ev, 0, sizeof(*ev));
	ev->script_line = -1;
	php_stamp(line, n, ev);
	p = memmem(line, n, "mail() on [", 11);
	if (!p)
		return -1;
	p += 11;
	close = memmem(p, (size_t)(end - p), "]: ", 3);
	if (!close)
		close = memmem(p, (size_t)(end - p), "]:", 2);
	if (!close || close == p)
		return -1;
	colon = close;
	while (colon > p && colon[-1] >= '0' && colon[-1] <= '9')
		colon--;
	if (colon > p && colon[-1] == ':' && colon < close) {
		for (q = colon; q < close && ln < 100000000; q++)
			ln = ln * 10 + (*q - '0');
		ev->script_line = ln;
		colon--;
	} else {
		colon = close;
	}
	ev->script.p = p;
	ev->script.n = (size_t)(colon - p);
	/* Code run by eval() is logged as "FILE(LINE) : eval()'d code":
	 * the file is what matters. */
	q = memmem(p, ev->script.n, " : eval()'d code", 16);
	if (q) {
		const char *lp = q;

		while (lp > p && lp[-1] != '(')
			lp--;
		if (lp > p)
			ev->script.n = (size_t)(lp - 1 - p);
	}
	if (ev->script.n == 0)
		return -1;
	p = close + 2;
	q = memmem(p, (size_t)(end - p), "To: ", 4);
	if (q) {
		const char *h = memmem(q, (size_t)(end - q), " -- Headers:", 12);

		ev->to.p = q + 4;
		ev->to.n = (size_t)((h ? h : end) - ev->to.p);
	}
	return 0;
}
