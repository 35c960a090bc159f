/*
 * PHP's mail.log (ini "mail.log"): one line per mail() call,
 *   [23-Nov-2026 10:00:01 UTC] mail() on [/var/www/site/x.php:12]: To: a@b -- Headers: ...
 * also when sent to syslog. The script path is what the audit needs.
 */
#define _GNU_SOURCE
#include <string.h>

#include "scanner/maillog/maillog.h"

int ml_parse_php_mail(const char *line, size_t n, struct ml_php_event *ev)
{
	const char *end = line + n, *p, *close, *colon, *q;
	long ln = 0;

	memset(ev, 0, sizeof(*ev));
	ev->script_line = -1;
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
