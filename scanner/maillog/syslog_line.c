/*
 * The syslog prefix of a mail log line: timestamp, host, ident[pid].
 * Fixed-position checks only; this runs for every line of a multi-GB log.
 */
#include <string.h>

#include "scanner/maillog/maillog.h"

static int64_t days_from_civil(int y, int mon, int d)
{
	/* Days from civil (proleptic Gregorian), era-based. */
	int64_t yy = y - (mon <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t mp = (mon + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t mw_ml_civil_to_epoch(int y, int mon, int d, int h, int mi, int s)
{
	/* Consecutive lines share their day: remember the last one. */
	static __thread int cy, cm, cd;
	static __thread int64_t cdays;

	if (y != cy || mon != cm || d != cd) {
		cdays = days_from_civil(y, mon, d);
		cy = y;
		cm = mon;
		cd = d;
	}
	return cdays * 86400 + h * 3600 + mi * 60 + s;
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

static int num2(const char *p)
{
	if (!digit(p[0]) || !digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static int month_of(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (p[0] == names[i * 3] && p[1] == names[i * 3 + 1] &&
		    p[2] == names[i * 3 + 2])
			return i + 1;
	return 0;
}

/* "hh:mm:ss" at p; returns 0 or -1. */
static int parse_hms(const char *p, int *h, int *mi, int *s)
{
	*h = num2(p);
	*mi = num2(p + 3);
	*s = num2(p + 6);
	if (*h < 0 || *mi < 0 || *s < 0 || p[2] != ':' || p[5] != ':' ||
	    *h > 23 || *mi > 59 || *s > 60)
		return -1;
	return 0;
}

/*
 * "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|+hhmm)" at line; sets *used to the
 * bytes consumed. The 'T' separator is required (Exim uses a space).
 */
static int parse_iso(const char *line, size_t n, int64_t *t, size_t *used)
{
	int y, mo, d, h, mi, s, oh, om;
	size_t i;
	long off = 0;

	if (n < 20 || line[4] != '-' || line[7] != '-' || line[10] != 'T')
		return -1;
	if (num2(line) < 0 || num2(line + 2) < 0)
		return -1;
	y = num2(line) * 100 + num2(line + 2);
	mo = num2(line + 5);
	d = num2(line + 8);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || parse_hms(line + 11, &h, &mi, &s))
		return -1;
	i = 19;
	if (i < n && (line[i] == '.' || line[i] == ',')) {
		i++;
		while (i < n && digit(line[i]))
			i++;
	}
	if (i < n && line[i] == 'Z') {
		i++;
	} else if (i + 5 <= n && (line[i] == '+' || line[i] == '-')) {
		int sign = line[i] == '-' ? -1 : 1;

		oh = num2(line + i + 1);
		if (oh < 0)
			return -1;
		if (line[i + 3] == ':') {
			if (i + 6 > n)
				return -1;
			om = num2(line + i + 4);
			i += 6;
		} else {
			om = num2(line + i + 3);
			i += 5;
		}
		if (om < 0 || oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 3600L + om * 60L);
	} else {
		return -1;
	}
	*t = mw_ml_civil_to_epoch(y, mo, d, h, mi, s) - off;
	*used = i;
	return 0;
}

/* "Mmm dd hh:mm:ss[.frac]" (day space-padded). */
static int parse_classic(const char *line, size_t n, const struct ml_clock *clk,
			 int64_t *t, size_t *used)
{
	int mo, d, h, mi, s, y;
	size_t i;

	if (n < 16 || line[3] != ' ' || line[6] != ' ')
		return -1;
	mo = month_of(line);
	if (!mo)
		return -1;
	if (line[4] == ' ' && digit(line[5]))
		d = line[5] - '0';
	else
		d = num2(line + 4);
	if (d < 1 || d > 31 || parse_hms(line + 7, &h, &mi, &s))
		return -1;
	i = 15;
	if (i < n && line[i] == '.') {
		i++;
		while (i < n && digit(line[i]))
			i++;
	}
	y = clk ? clk->ref_year : 1970;
	if (clk && mo > clk->ref_month)
		y--;
	*t = mw_ml_civil_to_epoch(y, mo, d, h, mi, s) - (clk ? clk->tz_offset : 0);
	*used = i;
	return 0;
}

int mw_ml_parse_syslog(const char *line, size_t n, const struct ml_clock *clk,
		    struct ml_syslog *out)
{
	const char *p, *end = line + n, *sp, *colon, *br;
	size_t used;

	if (parse_iso(line, n, &out->time, &used) != 0 &&
	    parse_classic(line, n, clk, &out->time, &used) != 0)
		return -1;
	p = line + used;
	if (p >= end || *p != ' ')
		return -1;
	p++;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (!sp || sp == p)
		return -1;
	out->host.p = p;
	out->host.n = (size_t)(sp - p);
	p = sp + 1;
	/* ident runs to ':' or '['; the message follows ": ". */
	colon = memchr(p, ':', (size_t)(end - p));
	if (!colon || colon == p)
		return -1;
	br = memchr(p, '[', (size_t)(colon - p));
	out->pid = -1;
	if (br) {
		const char *q = br + 1;
		long pid = 0;

		while (q < colon && digit(*q) && pid < 100000000)
			pid = pid * 10 + (*q++ - '0');
		if (q == br + 1 || q >= colon || *q != ']' || q + 1 != colon)
			return -1;
		out->pid = pid;
		out->ident.p = p;
		out->ident.n = (size_t)(br - p);
	} else {
		out->ident.p = p;
		out->ident.n = (size_t)(colon - p);
	}
	if (out->ident.n == 0 || memchr(out->ident.p, ' ', out->ident.n))
		return -1;
	p = colon + 1;
	if (p < end && *p == ' ')
		p++;
	out->msg.p = p;
	out->msg.n = (size_t)(end - p);
	return 0;
}
