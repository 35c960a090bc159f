/*
 * The reputation check (`mailwarden reputation`): what receivers judge
 * this host's mail by, besides blocklists — SPF, DKIM and DMARC of every
 * sending domain, the PTR of every sending address and the HELO name —
 * each finding with the record to publish. Parts:
 *
 *   rp_dns.c     questions through c-ares (dnsbl's resolver options)
 *   rp_spf.c     SPF parser, macros, check_host(), lookup count
 *   rp_tags.c    tag lists: DMARC and DKIM key records
 *   rp_dkim.c    signer configuration (OpenDKIM, Exim), key comparison
 *   rp_rspamd.c  rspamd's dkim_signing.conf (a bounded UCL subset parser)
 *   rp_mta.c     sending domains and HELO names from Postfix and Exim
 *   rp_logs.c    sending domains from the envelope senders in the logs
 *   rp_check.c   the checks per domain, address and name; findings
 *   reput.c  mw_reput_run: sources, order, data section
 */
#ifndef MW_REPUT_H
#define MW_REPUT_H

#include "core/buf.h"
#include "core/error.h"
#include "core/strlist.h"

#define MW_REPUT_CHECK		"reputation"
#define MW_REPUT_MAX_DOMAINS	64	/* sending domains checked per run */
#define MW_REPUT_MAX_HELO	8	/* HELO names checked per run */
#define MW_REPUT_TOP_SENDERS	10	/* sending domains taken from the logs */

struct mw_ctx;
struct mw_report;

struct mw_reput_opts {
	struct mw_strlist ip;		/* --ip: sending addresses; none = [dnsbl]
					 * ips, else discovered as dnsbl does */
	struct mw_strlist domains;	/* --domain: added to the discovered ones */
	struct mw_strlist helo;		/* --helo: added to the MTA's HELO names */
	const char *resolver;		/* IP[:PORT]; NULL = [dnsbl] resolver */
	unsigned timeout_ms, tries;	/* 0 = [dnsbl] timeout_ms, tries */
	const char *postfix_config;	/* Postfix config dir (postconf -c) */
	const char *opendkim_config;	/* NULL = /etc/opendkim.conf if present */
	const char *rspamd_config;	/* rspamd's directory; NULL = /etc/rspamd
					 * when discovering this host */
	int no_discover;		/* --no-discover: only what was given */
	const char *const *logs;	/* --log: mail logs to read; none = the
					 * logs check's sources when discovering
					 * this host (no --postfix-config) */
	size_t nlogs;
	const char *since;		/* --since: the logs' window (logs' forms) */
	int top_senders;		/* domains from the logs: 0 = default
					 * MW_REPUT_TOP_SENDERS, < 0 = none */
};

/*
 * Run the check into report (check and data section "reputation"). MW_OK
 * when it ran; MW_ERR_USAGE for a bad address, name or resolver; another
 * error via mw_fail() when it could not run at all.
 */
enum mw_err mw_reput_run(struct mw_ctx *ctx, const struct mw_reput_opts *o,
			 struct mw_report *report);

/* Append the equivalent command line ("reputation --ip 192.0.2.1") to b. */
enum mw_err mw_reput_opts_describe(const struct mw_reput_opts *o, struct mw_buf *b);

#endif
