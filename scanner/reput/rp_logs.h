/*
 * Sending domains from the mail logs: the domains of the envelope
 * senders of mail this host sent on behalf of its own users — Postfix
 * messages that came in through pickup (sendmail, PHP mail()) or an
 * authenticated smtpd session, Exim arrivals with A= or P=local — counted
 * per domain. Mail that only passed through (a stranger's gmail.com
 * sender forwarded on) is not counted: its SPF is not this host's to fix.
 * Lines come from the logs check's readers (mw_ml_logs_feed); memory is
 * fixed whatever the size of the logs.
 */
#ifndef MW_REPUT_LOGS_H
#define MW_REPUT_LOGS_H

#include <stddef.h>

#include "scanner/maillog/maillog.h"

#define RP_LOG_DOMAINS		2048	/* distinct sender domains counted */
#define RP_LOG_SLOTS		4096	/* hash slots for them (power of two) */
#define RP_LOG_QIDS		4096	/* Postfix queue ids awaiting their from= */
#define RP_LOG_DOMAIN_MAX	254	/* a domain name with NUL */
#define RP_LOG_QID_MAX		24	/* a Postfix queue id with NUL */

struct rp_log_domain {
	char name[RP_LOG_DOMAIN_MAX];	/* lower case; "" = free slot */
	unsigned long messages;
};

struct rp_log_senders {
	struct rp_log_domain slot[RP_LOG_SLOTS];
	size_t n;			/* distinct domains held */
	unsigned long messages;		/* local or authenticated messages seen */
	unsigned long dropped;		/* messages of domains past the cap */
	/* Postfix: a queue id seen at pickup or with sasl_username=, until its
	 * qmgr from= line. Direct-mapped: a collision forgets the older id
	 * (that message then goes uncounted), which keeps the cost of a line
	 * constant and the table fixed. */
	char qid[RP_LOG_QIDS][RP_LOG_QID_MAX];
};

/* Count one log line (an ml_line_fn body; s must start zeroed). */
void mw_rp_log_senders_line(struct rp_log_senders *s, const struct ml_line *l);

/*
 * The top n domains by messages (ties by name) into out[0..], which has
 * room for n pointers into s. Returns how many were written.
 */
size_t mw_rp_log_senders_top(const struct rp_log_senders *s,
			  const struct rp_log_domain **out, size_t n);

#endif
