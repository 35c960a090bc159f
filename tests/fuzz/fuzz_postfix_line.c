/*
 * libFuzzer target: the syslog prefix and Postfix message parsers, the PHP
 * mail.log parser and the blocklist-reply matcher, on each line of the
 * input; then the whole input through the aggregator (queue joins, capped
 * tables, findings). Every slice a parser returns must lie inside the line.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "scanner/maillog/maillog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(struct ml_str s, const char *p, size_t n)
{
	if (s.n && (s.p < p || s.p + s.n > p + n))
		abort();
}

static void one_line(const char *l, size_t n)
{
	static const struct ml_clock clk = { 2026, 11, 3600 };
	struct ml_syslog sl;
	struct ml_pf_event ev;
	struct ml_php_event pe;
	struct ml_str ident = { "postfix/smtpd", 13 }, msg = { l, n };
	char list[96];

	if (mw_ml_parse_syslog(l, n, &clk, &sl) == 0) {
		inside(sl.host, l, n);
		inside(sl.ident, l, n);
		inside(sl.msg, l, n);
		if (mw_ml_is_postfix_ident(sl.ident))
			(void)mw_ml_parse_postfix(sl.ident, sl.msg, &ev);
	}
	if (mw_ml_parse_postfix(ident, msg, &ev) == 0) {
		inside(ev.qid, l, n);
		inside(ev.from, l, n);
		inside(ev.to, l, n);
		inside(ev.relay, l, n);
		inside(ev.status, l, n);
		inside(ev.reply, l, n);
		inside(ev.client_ip, l, n);
		inside(ev.client_host, l, n);
		inside(ev.sasl_user, l, n);
		inside(ev.header_name, l, n);
		inside(ev.header_value, l, n);
	}
	if (mw_ml_parse_php_mail(l, n, &pe) == 0) {
		inside(pe.script, l, n);
		inside(pe.to, l, n);
	}
	if (mw_ml_reply_blocklist(l, n, list, sizeof(list)) && strlen(list) >= sizeof(list))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ml_clock clk = { 2026, 11, 0 };
	const char *p = (const char *)data, *end = p + size;
	struct mw_strlist web = { 0 };
	struct ml_agg_opts o = { .web_users = &web, .since = INT64_MIN, .until = INT64_MAX };
	struct mw_ctx ctx;
	struct ml_agg *a;
	unsigned long ln = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.report = mw_report_new("logs");
	a = mw_ml_agg_new(&o);
	if (!a || !ctx.report)
		abort();
	mw_strlist_add(&web, "www-data");
	mw_ml_agg_begin_source(a, "fuzz", "file");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		/* An exact-size copy, so that any over-read is caught. */
		char *l = malloc(n ? n : 1);

		if (!l)
			abort();
		memcpy(l, p, n);
		one_line(l, n);
		mw_ml_agg_text_line(a, l, n, 0, &clk, ++ln);
		free(l);
		p += n + 1;
	}
	(void)mw_ml_agg_report(a, &ctx);
	mw_ml_agg_free(a);
	mw_report_free(ctx.report);
	mw_strlist_clear(&web);
	return 0;
}
