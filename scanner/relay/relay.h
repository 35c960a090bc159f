/*
 * The relay check: the open-relay probe (probe.c), the Postfix and Exim
 * relay-configuration audit (config_audit.c), and mw_relay_run that ties
 * them together (relay.c). Only struct mw_relay_opts and the functions
 * at the end are for use outside scanner/relay/.
 */
#ifndef MW_RELAY_H
#define MW_RELAY_H

#include <jansson.h>

#include "core/buf.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/limits.h"
#include "scanner/relay/mtaconf.h"
#include "scanner/relay/smtp.h"

#define MW_RELAY_CHECK		"relay"
#define MW_RELAY_NVARIANTS	16	/* nmap smtp-open-relay's set */
#define MW_RELAY_MAX_ADDR	320	/* one probe address incl. quotes */
#define MW_RELAY_MAX_TARGETS	4	/* auto-detected addresses probed */
#define MW_RELAY_MAX_ADDR_LIST	(64u * 1024)	/* the host's addresses, as text */
#define MW_RELAY_MAX_HOST	256
#define MW_RELAY_MAX_PORT	8
/*
 * Fresh sessions in a row that may fail to get one verdict before the
 * probe gives up on a target. A session that produced a verdict resets the
 * count, so an MTA that hangs up after a few refusals (Exim after
 * smtp_max_synprot_errors, Postfix after smtpd_hard_error_limit) is
 * followed to the last variant, while one that never lets us test is not
 * hammered.
 */
#define MW_RELAY_MAX_RECONNECTS	2
#define MW_RELAY_MAX_SESSIONS	(2 * MW_RELAY_NVARIANTS)	/* per target */
/*
 * Refusals per session before we open a fresh one: Postfix slows every
 * reply by smtpd_error_sleep_time (1 s) once a client passed
 * smtpd_soft_error_limit (10) errors, which would turn 16 refusals into
 * 20 s. Staying below the limit keeps the probe under a second locally.
 */
#define MW_RELAY_ERRORS_PER_SESSION	8
/* Recipient domain of the probes: reserved (RFC 2606), never ours, and
 * nothing is ever delivered because DATA is never sent. */
#define MW_RELAY_DEFAULT_DOMAIN	"example.com"
#define MW_RELAY_FROM_USER	"mailwarden-probe"
#define MW_RELAY_TO_USER	"relaytest"

/*
 * Split a target "HOST[:PORT]", "[IPv6]:PORT", "[IPv6]" or a bare IPv6
 * address into host and port (default 25). Returns 0, or -1 when the
 * target is malformed or the port is not 1-65535.
 */
int mw_relay_parse_target(const char *s, char host[MW_RELAY_MAX_HOST],
			  char port[MW_RELAY_MAX_PORT]);

struct mw_relay_variant {
	char from[MW_RELAY_MAX_ADDR];
	char to[MW_RELAY_MAX_ADDR];
};

/*
 * Fill the 16 MAIL FROM / RCPT TO pairs of nmap's smtp-open-relay:
 * null sender, sender in the probe domain, in the server's own name and
 * at its address literal; recipients plain, with the %-hack, quoted local
 * parts, user@domain@relay, source routes (@host:user@domain) and UUCP
 * bang paths. srvname is the name from the server's greeting, ip_literal
 * the bracketed address of the server ("[192.0.2.1]", "[IPv6:::1]").
 * Addresses that do not fit are cut (never happens with names <= 253).
 */
void mw_relay_variants(const char *domain, const char *srvname,
		       const char *ip_literal,
		       struct mw_relay_variant v[MW_RELAY_NVARIANTS]);

struct mw_relay_probe_opts {
	const char *host;
	const char *port;
	const char *domain;		/* recipient domain of the variants */
	const char *untrusted_ip;	/* XCLIENT ADDR; NULL = no XCLIENT */
	const char *source_ip;		/* bind to this local address; NULL = any */
	unsigned timeout_ms;		/* per step: connect, one reply, one send */
	/*
	 * Overall end of this probe, all variants and reconnects included
	 * (CLOCK_MONOTONIC ms as from mw_smtp_now_ms(); 0 = none): a server
	 * answering every step just under timeout_ms would otherwise stretch
	 * one probe to minutes. deadline_what names the limit in the message
	 * ("[relay] probe_deadline_s = 30").
	 */
	long long deadline;
	const char *deadline_what;
};

struct mw_relay_probe {
	int connected;			/* a session was established */
	enum mw_smtp_status conn_status;	/* why not, when !connected */
	int untrusted;			/* XCLIENT accepted: untrusted view */
	int xclient_offered;
	int xclient_addr;		/* ... with the ADDR attribute */
	int xclient_sent;		/* we sent XCLIENT */
	int xclient_code;		/* its reply code (0: not sent) */
	unsigned sessions;		/* SMTP sessions opened */
	unsigned retried;		/* variants retried after a lost session */
	unsigned relayed, refused, errors;
	long elapsed_ms;
	char local_addr[64];		/* our source address */
	char peer_addr[64];
	char echoed_addr[64];		/* our address as the server echoed it
					 * ("Hello x [192.0.2.7]"), "" if not */
	char mta[16];			/* "postfix", "exim" (from the greeting) or "" */
	char error[512];		/* session-level problem, "" if none */
	int not_tested_from;		/* 1-based first variant the deadline cut
					 * off (it and all after it); 0 = none */
	char stopped[256];		/* "probe stopped after N s: variants X-Y
					 * not tested (...)", "" if not stopped */
	json_t *json;			/* data object of this probe (owned) */
};

/*
 * Run the probe against one target: greeting, EHLO (HELO fallback),
 * XCLIENT when advertised and untrusted_ip is set, then per variant RSET,
 * MAIL FROM, RCPT TO (never DATA), QUIT. One connection at a time; a
 * variant whose session was lost (closed, 421) is retried once on a fresh
 * session (see MW_RELAY_MAX_RECONNECTS, MW_RELAY_MAX_SESSIONS). Every
 * wait ends at o->deadline at the latest; then the probe stops, and the
 * variants not tested are named in res->stopped (never counted as passed
 * or as errors of the server). Fills res
 * (res->json always set on MW_OK). Returns MW_ERR_NOMEM only; network
 * trouble is described in res.
 */
/*
 * The client address a server echoes in a greeting or EHLO reply text
 * ("Hello name [192.0.2.7]", "[IPv6:2001:db8::7]"; Exim and Sendmail do)
 * into dst (len bytes); "" when there is none. Pure; fuzzed.
 */
void mw_relay_echoed_address(const char *text, char *dst, size_t len);

enum mw_err mw_relay_probe_run(const struct mw_relay_probe_opts *o,
			       struct mw_relay_probe *res);
void mw_relay_probe_free(struct mw_relay_probe *res);

/* What the local MTA configuration says (filled by mw_relay_postfix_load). */
struct mw_relay_postfix {
	int present;			/* postconf ran and answered */
	char *config_dir;		/* directory of main.cf/master.cf */
	struct mw_kvlist explicit_set;	/* postconf -n (only which are set) */
	struct mw_kvlist effective;	/* postconf -x */
	struct mw_kvlist overrides;	/* postconf -P -x */
	struct mw_servicelist services;	/* postconf -M */
	struct mw_netlist mynetworks;
};

/*
 * Run postconf (with -c dir when dir is not NULL) and fill pf. When
 * postconf is not installed, pf->present stays 0 and MW_OK is returned;
 * when it fails, an error is put into the report (for an explicit dir) or a
 * note (default directory without main.cf).
 */
enum mw_err mw_relay_postfix_load(struct mw_ctx *ctx, const char *dir,
				  struct mw_relay_postfix *pf);
void mw_relay_postfix_free(struct mw_relay_postfix *pf);

/* Effective value of a main.cf parameter for one master.cf service: the
 * service's -o override, else the main.cf value (NULL if unknown). */
const char *mw_relay_postfix_param(const struct mw_relay_postfix *pf,
				   const struct mw_service *svc,
				   const char *name);

/*
 * Audit the Postfix relay configuration: mynetworks, relay/recipient
 * restrictions (main.cf and master.cf overrides), SASL on submission,
 * rate limits, XCLIENT hosts, smtp_bind_address. Each problem is a finding
 * with the setting, why it is dangerous and the fix. local_addrs are the
 * host's own addresses (entries equal to one of them are expected).
 * Returns a JSON object summarising the settings (owned by the caller).
 */
json_t *mw_relay_audit_postfix(struct mw_ctx *ctx,
			       const struct mw_relay_postfix *pf,
			       const struct mw_netlist *local_addrs);

/*
 * Audit Exim from the text of `exim -bP acl_smtp_rcpt` and
 * `exim -bP +relay_from_hosts` (NULL when not available).
 * Returns a JSON summary (owned by the caller).
 */
json_t *mw_relay_audit_exim(struct mw_ctx *ctx, const char *program,
			    const char *acl_text, const char *hostlist_text,
			    const struct mw_netlist *local_addrs);

/* What `exim -bP` says (filled by mw_relay_exim_load). */
struct mw_relay_exim {
	int present;			/* Exim found and answered */
	char program[MW_MAX_PATH];
	char *acl_text;			/* exim -bP acl_smtp_rcpt */
	char *hosts_text;		/* exim -bP +relay_from_hosts, or NULL */
	int hosts_undefined;		/* no such list in the configuration */
	int hosts_failed;		/* the query failed (an error is reported) */
	struct mw_netlist hosts;	/* relay_from_hosts, parsed */
};

/*
 * Ask program (NULL: exim4 or exim in the PATH; none found = not present,
 * MW_OK) with -bP. A query that fails is an error in the report, never a
 * pass; an undefined relay_from_hosts is a note. Returns MW_ERR_NOMEM only.
 */
enum mw_err mw_relay_exim_load(struct mw_ctx *ctx, const char *program,
			       struct mw_relay_exim *ex);
void mw_relay_exim_free(struct mw_relay_exim *ex);

/*
 * Entries of list that contain the host addr (numeric string), as a JSON
 * array of their text; first-match semantics: the scan stops at the first
 * matching entry, negated or not (Postfix and Exim both do that).
 * *trusted is set to 1 when that first match is not negated.
 */
json_t *mw_relay_matching_entries(const struct mw_netlist *list,
				  const char *addr, int *trusted);

/* Text renderer of data.relay (reports/report.h). */
int mw_relay_render(FILE *out, const json_t *data, int color);

/* ------------------------------------------------------------- the check */

struct mw_relay_opts {
	const char *target;		/* HOST[:PORT]; NULL = [relay] target, else
					 * this host's addresses, port 25 */
	int no_probe;			/* only audit the MTA configuration */
	int no_config;			/* only probe */
	const char *postfix_config;	/* audit the Postfix config in DIR only */
	const char *exim;		/* audit the Exim that PROGRAM runs only */
	const char *domain;		/* recipient domain; NULL = example.com */
	const char *xclient_addr;	/* XCLIENT ADDR; NULL = [relay] untrusted_ip */
	int no_xclient;			/* never send XCLIENT */
};

/*
 * Run the relay check into report (check and data section "relay").
 * MW_OK when it ran; MW_ERR_USAGE for contradictory or malformed options;
 * another error via mw_fail(). ctx->report points at report during the
 * call.
 */
enum mw_err mw_relay_run(struct mw_ctx *ctx, const struct mw_relay_opts *o,
			 struct mw_report *report);

/* Append the equivalent command line ("relay 127.0.0.1:25 --exim P") to b. */
enum mw_err mw_relay_opts_describe(const struct mw_relay_opts *o, struct mw_buf *b);

#endif
