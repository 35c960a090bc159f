/*
 * libFuzzer target: the reputation check's sending-domain counter over
 * the lines of the input, each as Postfix (pickup, smtpd, qmgr), Exim
 * through syslog and an Exim main log line would reach it. The table's
 * caps and its counts must hold whatever the lines say.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/reput/rp_logs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ml_str idents[] = { { "postfix/pickup", 14 },
		{ "postfix/submission/smtpd", 24 }, { "postfix/qmgr", 12 },
		{ "exim4", 5 }, { "", 0 } };
	static struct rp_log_senders s;
	const struct rp_log_domain *top[16];
	const char *p = (const char *)data, *end = p + size;
	size_t i, k, n;

	memset(&s, 0, sizeof(s));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		/* an exact-size copy, so that any over-read is caught */
		char *l;

		n = (size_t)((nl ? nl : end) - p);
		if (!(l = malloc(n ? n : 1)))
			abort();
		memcpy(l, p, n);
		for (i = 0; i < sizeof(idents) / sizeof(idents[0]); i++) {
			struct ml_line ln = { 0, { "h", 1 }, idents[i], { l, n } };

			mw_rp_log_senders_line(&s, &ln);
		}
		free(l);
		p += n + 1;
	}
	if (s.n > RP_LOG_DOMAINS)
		abort();
	k = mw_rp_log_senders_top(&s, top, 16);
	for (i = 0; i < k; i++)
		if (!top[i]->messages || strlen(top[i]->name) >= RP_LOG_DOMAIN_MAX ||
		    (i && top[i]->messages > top[i - 1]->messages))
			abort();
	return 0;
}
