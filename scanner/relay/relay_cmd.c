/*
 * `mailwarden relay [HOST[:PORT]]`: probe the MTA the way a blocklist
 * operator's open-relay tester does (16 address variants, never DATA),
 * from an untrusted viewpoint when Postfix lets us use XCLIENT, and audit
 * the Postfix/Exim settings that decide who may relay.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/buf.h"
#include "core/progress.h"
#include "reports/report.h"
#include "scanner/relay/relay.h"

#define DEFAULT_PORT	"25"

struct target {
	char host[MW_RELAY_MAX_HOST];
	char port[MW_RELAY_MAX_PORT];
};

int mw_relay_parse_target(const char *s, char host[MW_RELAY_MAX_HOST],
			  char port[MW_RELAY_MAX_PORT])
{
	const char *colon = strrchr(s, ':'), *rb;
	size_t hl;

	snprintf(port, MW_RELAY_MAX_PORT, "%s", DEFAULT_PORT);
	if (s[0] == '[') {
		rb = strchr(s, ']');
		if (!rb || rb == s + 1 || (rb[1] && rb[1] != ':') || (rb[1] == ':' && !rb[2]))
			return -1;
		hl = (size_t)(rb - s - 1);
		if (rb[1] == ':' && strlen(rb + 2) >= MW_RELAY_MAX_PORT)
			return -1;
		if (rb[1] == ':')
			snprintf(port, MW_RELAY_MAX_PORT, "%s", rb + 2);
		s++;
	} else if (colon && strchr(s, ':') == colon) {
		/* exactly one colon: HOST:PORT (more is a bare IPv6 address) */
		hl = (size_t)(colon - s);
		if (!colon[1] || strlen(colon + 1) >= MW_RELAY_MAX_PORT)
			return -1;
		snprintf(port, MW_RELAY_MAX_PORT, "%s", colon + 1);
	} else {
		hl = strlen(s);
	}
	if (!hl || hl >= MW_RELAY_MAX_HOST || memchr(s, '[', hl) || memchr(s, ']', hl) ||
	    memchr(s, '/', hl))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	return port[0] && strspn(port, "0123456789") == strlen(port) && atoi(port) > 0 &&
	       atoi(port) < 65536 ? 0 : -1;
}

/*
 * The host's own addresses (all families, loopback excluded) as a
 * space-separated list; public ones first in *pub (for default targets).
 */
static void local_addresses(struct mw_buf *all, struct target *pub, size_t *npub,
			    struct target *priv, size_t *npriv)
{
	struct ifaddrs *ifa = NULL, *i;
	char a[INET6_ADDRSTRLEN];

	*npub = *npriv = 0;
	if (getifaddrs(&ifa) != 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		struct mw_netent e;
		const void *p;
		int fam;

		if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		fam = i->ifa_addr->sa_family;
		if (fam == AF_INET)
			p = &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
		else if (fam == AF_INET6)
			p = &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;
		else
			continue;
		if (!inet_ntop(fam, p, a, sizeof(a)) ||
		    mw_net_parse_addr(a, &e.family, e.addr, &e.prefix) != 0)
			continue;
		e.kind = MW_NET_ADDR;
		if (mw_net_is_loopback(&e))
			continue;
		(void)mw_buf_printf(all, "%s%s", all->len ? " " : "", a);
		/* link-local addresses need a scope and are no MX target */
		if (fam == AF_INET6 && e.addr[0] == 0xfe && (e.addr[1] & 0xc0) == 0x80)
			continue;
		if (!mw_net_is_private(&e) && *npub < MW_RELAY_MAX_TARGETS) {
			snprintf(pub[*npub].host, sizeof(pub[0].host), "%s", a);
			snprintf(pub[(*npub)++].port, sizeof(pub[0].port), DEFAULT_PORT);
		} else if (mw_net_is_private(&e) && *npriv < MW_RELAY_MAX_TARGETS) {
			snprintf(priv[*npriv].host, sizeof(priv[0].host), "%s", a);
			snprintf(priv[(*npriv)++].port, sizeof(priv[0].port), DEFAULT_PORT);
		}
	}
	freeifaddrs(ifa);
}

/* 1 when addr (numeric) is loopback or one of the host's own addresses. */
static int target_is_this_host(const char *addr, const struct mw_netlist *local)
{
	struct mw_netent h = { .kind = MW_NET_ADDR };
	size_t i;

	if (mw_net_parse_addr(addr, &h.family, h.addr, &h.prefix) != 0)
		return 0;
	if (mw_net_is_loopback(&h))
		return 1;
	for (i = 0; i < local->n; i++)
		if (mw_net_contains(&local->v[i], h.family, h.addr))
			return 1;
	return 0;
}

static void probe_findings(struct mw_ctx *ctx, const struct mw_relay_probe *p,
			   const struct mw_relay_postfix *pf,
			   const struct mw_netlist *local, int explicit_target,
			   const char *untrusted_ip)
{
	json_t *j = p->json, *relayed = json_array(), *v;
	const char *target = json_string_value(json_object_get(j, "target"));
	struct mw_finding f = { 0 };
	char title[512];
	size_t i;

	json_array_foreach(json_object_get(j, "variants"), i, v) {
		char pair[2 * MW_RELAY_MAX_ADDR + 40];

		if (strcmp(json_string_value(json_object_get(v, "verdict")), "relayed") != 0)
			continue;
		/* nmap's notation, one string per accepted pair */
		snprintf(pair, sizeof(pair), "MAIL FROM:<%s> -> RCPT TO:<%s>",
			 json_string_value(json_object_get(v, "mail_from")),
			 json_string_value(json_object_get(v, "rcpt_to")));
		json_array_append_new(relayed, json_string_nocheck(pair));
	}
	if (!p->connected) {
		if (!explicit_target && p->conn_status == MW_SMTP_REFUSED)
			mw_report_note(ctx->report, MW_RELAY_CHECK,
				       "%s: nothing listens there (%s); not probed",
				       target, p->error);
		else
			mw_report_error(ctx->report, MW_RELAY_CHECK, NULL, 0, MW_ERR_NET,
					"%s: %s", target, p->error);
		json_decref(relayed);
		return;
	}
	if (p->error[0] && !p->relayed && !p->refused) {
		mw_report_error(ctx->report, MW_RELAY_CHECK, NULL, 0, MW_ERR_NET,
				"%s: probe incomplete: %s", target, p->error);
	} else if (p->errors) {
		mw_report_error(ctx->report, MW_RELAY_CHECK, NULL, 0, MW_ERR_NET,
				"%s: %u of %d variants could not be tested%s%s", target,
				p->errors, MW_RELAY_NVARIANTS, p->error[0] ? ": " : "",
				p->error);
	}
	if (!p->untrusted) {
		json_t *m = json_array();
		int trusted = 0;

		/* the local Postfix's mynetworks only speaks for this host */
		if (pf && pf->present && target_is_this_host(p->peer_addr, local)) {
			json_decref(m);
			m = mw_relay_matching_entries(&pf->mynetworks, p->local_addr, &trusted);
		}
		mw_report_note(ctx->report, MW_RELAY_CHECK,
			       "%s: this result only covers trusted clients: the probe came "
			       "from %s%s%s%s and the server %s, so it judged us as itself "
			       "or a neighbour, not as a stranger%s",
			       target, p->local_addr,
			       json_array_size(m) ? ", which mynetworks trusts through '" : "",
			       json_array_size(m) ? json_string_value(json_array_get(m, 0)) : "",
			       json_array_size(m) ? "'" : "",
			       p->xclient_offered ? "refused our XCLIENT"
						  : "did not offer XCLIENT to us",
			       p->xclient_offered ? "" :
			       " (to probe as a stranger, add 'smtpd_authorized_xclient_hosts = "
			       "127.0.0.1' to main.cf temporarily)");
		json_object_set_new(j, "trusted_by", m);
	} else {
		json_object_set_new(j, "trusted_by", json_null());
	}
	f.check = MW_RELAY_CHECK;
	f.ip = p->peer_addr;
	f.details = json_pack("{s:s, s:s, s:s, s:i, s:i, s:O}", "target", target,
			      "viewpoint", p->untrusted ? "untrusted" : "trusted",
			      "client_address", p->untrusted ? untrusted_ip : p->local_addr,
			      "relayed", p->relayed, "tested", MW_RELAY_NVARIANTS,
			      "relayed_variants", relayed);
	if (p->relayed && p->untrusted) {
		snprintf(title, sizeof(title),
			 "open relay: %s relayed %u/%d probe addresses for an untrusted "
			 "client (XCLIENT ADDR=%s)", target, p->relayed, MW_RELAY_NVARIANTS,
			 untrusted_ip);
		f.rule_id = "relay.open-relay";
		f.severity = MW_SEV_CRITICAL;
		f.remediation = "Anyone on the Internet can send spam through this server and "
				"get its IP blocklisted. Fix the settings named in the other "
				"relay findings (mynetworks, smtpd_relay_restrictions), run "
				"'postfix reload', re-run 'mailwarden relay', then request "
				"delisting.";
	} else if (p->relayed) {
		snprintf(title, sizeof(title),
			 "%s relayed %u/%d probe addresses for us as a trusted client (%s); "
			 "strangers were not tested", target, p->relayed, MW_RELAY_NVARIANTS,
			 p->local_addr);
		f.rule_id = "relay.relayed-trusted";
		f.severity = MW_SEV_INFO;
		f.remediation = "Expected for clients in mynetworks. To test as a stranger, "
				"allow XCLIENT from loopback (smtpd_authorized_xclient_hosts = "
				"127.0.0.1) and re-run; check the mynetworks finding.";
	}
	if (f.rule_id) {
		f.title = title;
		if (mw_report_add(ctx->report, &f) != MW_OK)
			mw_report_error(ctx->report, MW_RELAY_CHECK, NULL, 0, MW_ERR_NOMEM,
					"cannot record finding");
	}
	json_decref(f.details);
	json_decref(relayed);
}

static int probe_targets(struct mw_ctx *ctx, const struct target *t, size_t n,
			 int explicit_target, const char *domain,
			 const struct mw_relay_postfix *pf,
			 const struct mw_netlist *local, json_t *probes)
{
	const struct mw_config *cfg = ctx->cfg;
	size_t i;

	for (i = 0; i < n; i++) {
		struct mw_relay_probe_opts o = {
			.host = t[i].host, .port = t[i].port, .domain = domain,
			.untrusted_ip = cfg->relay_untrusted_ip && *cfg->relay_untrusted_ip ?
					cfg->relay_untrusted_ip : NULL,
			.timeout_ms = cfg->relay_timeout_ms ? cfg->relay_timeout_ms : 3000,
		};
		struct mw_relay_probe p;

		mw_progress(ctx, "relay: probing %s port %s", t[i].host, t[i].port);
		if (mw_relay_probe_run(&o, &p) != MW_OK)
			return -1;
		probe_findings(ctx, &p, pf, local, explicit_target, o.untrusted_ip);
		json_array_append(probes, p.json);
		mw_relay_probe_free(&p);
	}
	mw_progress_done(ctx);
	return 0;
}

static const struct option relay_opts[] = {
	{ "no-probe", no_argument, NULL, 'P' },
	{ "no-config", no_argument, NULL, 'C' },
	{ "postfix-config", required_argument, NULL, 'c' },
	{ "domain", required_argument, NULL, 'd' },
	{ NULL, 0, NULL, 0 }
};

enum mw_err mw_cmd_relay(struct mw_ctx *ctx, int argc, char **argv)
{
	struct target given[1], pub[MW_RELAY_MAX_TARGETS], priv[MW_RELAY_MAX_TARGETS];
	struct mw_relay_postfix pf;
	struct mw_netlist local = { 0 };
	const char *pf_dir = NULL, *domain = MW_RELAY_DEFAULT_DOMAIN, *tspec = NULL;
	int no_probe = 0, no_config = 0, c;
	size_t npub, npriv;
	struct mw_buf addrs;
	json_t *data, *probes;
	enum mw_err e = MW_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", relay_opts, NULL)) != -1) {
		switch (c) {
		case 'P': no_probe = 1; break;
		case 'C': no_config = 1; break;
		case 'c': pf_dir = optarg; break;
		case 'd': domain = optarg; break;
		default:
			return mw_usage(ctx, "unknown option or missing value: %s",
					argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return mw_usage(ctx, "one target at most (HOST[:PORT])");
	if (optind < argc)
		tspec = argv[optind];
	else if (ctx->cfg->relay_target && *ctx->cfg->relay_target)
		tspec = ctx->cfg->relay_target;
	if (tspec && mw_relay_parse_target(tspec, given[0].host, given[0].port) != 0)
		return mw_usage(ctx, "bad target '%s' (want HOST[:PORT] or [IPv6]:PORT)", tspec);
	if (!*domain || strlen(domain) > 253 || strpbrk(domain, " \t\r\n<>@\"\\!%:"))
		return mw_usage(ctx, "bad --domain '%s'", domain);
	if (ctx->cfg->relay_untrusted_ip && *ctx->cfg->relay_untrusted_ip) {
		struct mw_netent u;

		/* it goes into an XCLIENT command: an address and nothing else */
		if (mw_net_parse_addr(ctx->cfg->relay_untrusted_ip, &u.family, u.addr,
				      &u.prefix) != 0 || strchr(ctx->cfg->relay_untrusted_ip, '/') ||
		    ctx->cfg->relay_untrusted_ip[0] == '[')
			return mw_fail(ctx, MW_ERR_CONFIG,
				       "[relay] untrusted_ip '%s' is not an IP address",
				       ctx->cfg->relay_untrusted_ip);
	}

	mw_buf_init(&addrs, MW_RELAY_MAX_ADDR_LIST);
	local_addresses(&addrs, pub, &npub, priv, &npriv);
	if (mw_netlist_parse_postfix(mw_buf_str(&addrs), &local) != MW_OK) {
		mw_buf_free(&addrs);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	mw_buf_free(&addrs);

	data = json_object();
	probes = json_array();
	if (mw_relay_postfix_load(ctx, pf_dir, &pf) != MW_OK) {
		json_decref(data);
		json_decref(probes);
		mw_netlist_free(&local);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	if (!no_probe) {
		int rc;

		if (tspec) {
			rc = probe_targets(ctx, given, 1, 1, domain, &pf, &local, probes);
		} else if (npub) {
			rc = probe_targets(ctx, pub, npub, 0, domain, &pf, &local, probes);
		} else if (npriv) {
			mw_report_note(ctx->report, MW_RELAY_CHECK,
				       "no public address on this host; probing its private "
				       "addresses on port 25");
			rc = probe_targets(ctx, priv, npriv, 0, domain, &pf, &local, probes);
		} else {
			snprintf(given[0].host, sizeof(given[0].host), "127.0.0.1");
			snprintf(given[0].port, sizeof(given[0].port), DEFAULT_PORT);
			mw_report_note(ctx->report, MW_RELAY_CHECK,
				       "no non-loopback address on this host; probing "
				       "127.0.0.1 port 25");
			rc = probe_targets(ctx, given, 1, 0, domain, &pf, &local, probes);
		}
		if (rc != 0)
			e = MW_ERR_NOMEM;
	}
	json_object_set_new(data, "probes", probes);
	json_object_set_new(data, "postfix", json_null());
	json_object_set_new(data, "exim", json_null());
	if (!no_config) {
		if (pf.present)
			json_object_set_new(data, "postfix",
					    mw_relay_audit_postfix(ctx, &pf, &local));
		{
			json_t *ex = mw_relay_exim_run(ctx, &local);

			if (ex)
				json_object_set_new(data, "exim", ex);
		}
		if (!pf.present && json_is_null(json_object_get(data, "exim")) && !pf_dir)
			mw_report_note(ctx->report, MW_RELAY_CHECK,
				       "no Postfix or Exim configuration found; only the probe ran");
	}
	mw_report_set_data(ctx->report, MW_RELAY_CHECK, data, mw_relay_render);
	mw_relay_postfix_free(&pf);
	mw_netlist_free(&local);
	if (e != MW_OK)
		return mw_fail(ctx, e, "out of memory");
	return MW_OK;
}
