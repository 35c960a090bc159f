/*
 * The relay check (relay.h, mw_relay_run): probe the MTA the way a blocklist
 * operator's open-relay tester does (16 address variants, never DATA),
 * from an untrusted viewpoint when Postfix lets us use XCLIENT, and audit
 * the Postfix/Exim settings that decide who may relay.
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cmdline.h"
#include "core/hostaddr.h"
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

struct local_walk {
	struct mw_buf *all;
	struct target *pub, *priv;
	size_t *npub, *npriv;
};

/* One interface address: listed unless on a loopback interface or a
 * loopback address; a target when it can take mail from outside. */
static void on_local_address(void *ud, const struct mw_hostaddr *h)
{
	struct local_walk *w = ud;
	struct mw_netent e;
	char a[MW_IP_STR_MAX];

	if (h->loopback_if)
		return;
	memset(&e, 0, sizeof(e));
	e.kind = MW_NET_ADDR;
	e.ip = h->ip;
	e.prefix = h->ip.family == AF_INET ? 32 : 128;
	if (mw_net_is_loopback(&e))
		return;
	mw_ip_format(&h->ip, a, sizeof(a));
	if (!a[0])
		return;
	(void)mw_buf_printf(w->all, "%s%s", w->all->len ? " " : "", a);
	/* link-local addresses need a scope and are no MX target */
	if (h->ip.family == AF_INET6 && e.ip.a[0] == 0xfe && (e.ip.a[1] & 0xc0) == 0x80)
		return;
	if (!mw_net_is_private(&e) && *w->npub < MW_RELAY_MAX_TARGETS) {
		snprintf(w->pub[*w->npub].host, sizeof(w->pub[0].host), "%s", a);
		snprintf(w->pub[(*w->npub)++].port, sizeof(w->pub[0].port), DEFAULT_PORT);
	} else if (mw_net_is_private(&e) && *w->npriv < MW_RELAY_MAX_TARGETS) {
		snprintf(w->priv[*w->npriv].host, sizeof(w->priv[0].host), "%s", a);
		snprintf(w->priv[(*w->npriv)++].port, sizeof(w->priv[0].port), DEFAULT_PORT);
	}
}

/*
 * The host's own addresses (all families, loopback excluded) as a
 * space-separated list; public ones first in *pub (for default targets).
 */
static void local_addresses(struct mw_buf *all, struct target *pub, size_t *npub,
			    struct target *priv, size_t *npriv)
{
	struct local_walk w = { all, pub, priv, npub, npriv };

	*npub = *npriv = 0;
	(void)mw_host_addresses(on_local_address, &w);
}

/* 1 when addr (numeric) is loopback or one of the host's own addresses. */
static int target_is_this_host(const char *addr, const struct mw_netlist *local)
{
	struct mw_netent h = { .kind = MW_NET_ADDR };
	size_t i;

	if (mw_ipnet_parse(addr, &h.ip, &h.prefix) != 0)
		return 0;
	if (mw_net_is_loopback(&h))
		return 1;
	for (i = 0; i < local->n; i++)
		if (mw_net_contains(&local->v[i], &h.ip))
			return 1;
	return 0;
}

/* Everything the probe's verdict is judged against. */
struct relay_env {
	struct mw_ctx *ctx;
	const struct mw_relay_postfix *pf;
	const struct mw_relay_exim *ex;
	const struct mw_netlist *local;
	int pf_explicit;		/* --postfix-config: the target's config */
	int exim_explicit;		/* --exim: the target's Exim */
	int no_config;
	const char *untrusted_ip;	/* XCLIENT ADDR, NULL = --no-xclient */
};

enum vp { VP_UNTRUSTED, VP_TRUSTED, VP_UNKNOWN };

static const char *const vp_name[] = { "untrusted", "trusted", "unknown" };

/* How the server judged the probe's client, and why we think so. */
struct viewpoint {
	enum vp vp;
	const char *client;		/* the address the server judged */
	const char *mta;		/* "postfix", "exim" or "" */
	const char *list;		/* "mynetworks", "relay_from_hosts", NULL */
	char trusted_by[256];		/* the entry that matched, "" if none */
	int trusts_everyone;		/* that entry trusts every address */
	char why[640];
};

/* 1 when an entry trusts every address (Exim "*", 0.0.0.0/0, ::/0). */
static int entry_is_everyone(const struct mw_netent *e)
{
	struct mw_netent v4;

	if (mw_net_ipv4_view(e, &v4))
		e = &v4;
	return e->kind == MW_NET_ANY || (e->kind == MW_NET_ADDR && e->prefix == 0);
}

/*
 * First-match evaluation of a trust list for client, the way Postfix and
 * Exim do it. Entries mailwarden cannot evaluate (tables, files, names)
 * before the decision make it unknown.
 */
static void judge_list(const struct mw_netlist *list, const char *listname,
		       const char *client, int this_host,
		       const struct mw_netlist *local, struct viewpoint *w)
{
	struct mw_netent h = { .kind = MW_NET_ADDR };
	size_t i;

	w->list = listname;
	if (mw_ipnet_parse(client, &h.ip, &h.prefix) != 0) {
		w->vp = VP_UNKNOWN;
		snprintf(w->why, sizeof(w->why), "the client address '%s' is not an address",
			 client);
		return;
	}
	for (i = 0; i < list->n; i++) {
		const struct mw_netent *e = &list->v[i];
		int match;

		if (e->kind == MW_NET_ADDR)
			match = mw_net_contains(e, &h.ip);
		else if (e->kind == MW_NET_ANY)
			match = 1;
		else if (e->kind == MW_NET_LOCAL && strcmp(e->text, "@[]") == 0 && this_host)
			match = target_is_this_host(client, local);
		else {
			w->vp = VP_UNKNOWN;
			snprintf(w->why, sizeof(w->why), "%s entry '%s' (a table, file or name) "
				 "comes before any decision about %s and mailwarden does not "
				 "evaluate it", listname, e->text, client);
			return;
		}
		if (!match)
			continue;
		if (e->negate) {
			w->vp = VP_UNTRUSTED;
			snprintf(w->why, sizeof(w->why), "%s excludes %s ('%s')", listname,
				 client, e->text);
			return;
		}
		w->vp = VP_TRUSTED;
		snprintf(w->trusted_by, sizeof(w->trusted_by), "%s", e->text);
		w->trusts_everyone = entry_is_everyone(e);
		snprintf(w->why, sizeof(w->why), "%s trusts %s through '%s'%s", listname,
			 client, e->text, w->trusts_everyone ? ", which trusts every address" : "");
		return;
	}
	w->vp = VP_UNTRUSTED;
	snprintf(w->why, sizeof(w->why), "%s is not in %s", client, listname);
}

/*
 * Decide the viewpoint from evidence: XCLIENT accepted means untrusted;
 * else the client address the server saw (echoed in its greeting/EHLO, or
 * our source address) against mynetworks / relay_from_hosts, when the
 * configuration of the target is known; else unknown, with the reason.
 */
static void decide_viewpoint(const struct relay_env *env, const struct mw_relay_probe *p,
			     struct viewpoint *w)
{
	int this_host = target_is_this_host(p->peer_addr, env->local);
	int pf_ok = env->pf && env->pf->present && (env->pf_explicit || this_host);
	int ex_ok = env->ex && env->ex->present && (env->exim_explicit || this_host);
	const char *mta = p->mta;

	memset(w, 0, sizeof(*w));
	w->mta = mta;
	if (p->untrusted) {
		w->vp = VP_UNTRUSTED;
		w->client = env->untrusted_ip;
		snprintf(w->why, sizeof(w->why), "the server accepted XCLIENT ADDR=%s and "
			 "judged the session as coming from that address", env->untrusted_ip);
		return;
	}
	w->client = p->echoed_addr[0] ? p->echoed_addr : p->local_addr;
	w->vp = VP_UNKNOWN;
	if (env->no_config) {
		snprintf(w->why, sizeof(w->why), "the MTA configuration was not read "
			 "(--no-config), so whether it trusts %s is not known", w->client);
		return;
	}
	if (!*mta && pf_ok != ex_ok)
		mta = pf_ok ? "postfix" : "exim";
	if (strcmp(mta, "postfix") == 0 && pf_ok) {
		w->mta = "postfix";
		judge_list(&env->pf->mynetworks, "mynetworks", w->client, this_host,
			   env->local, w);
		return;
	}
	if (strcmp(mta, "exim") == 0 && ex_ok) {
		w->mta = "exim";
		if (env->ex->hosts_failed) {
			snprintf(w->why, sizeof(w->why), "Exim's relay_from_hosts could not be "
				 "read, so whether it trusts %s is not known", w->client);
			return;
		}
		if (env->ex->hosts_undefined) {
			w->vp = VP_UNTRUSTED;
			w->list = "relay_from_hosts";
			snprintf(w->why, sizeof(w->why), "Exim defines no relay_from_hosts, so "
				 "it does not trust %s by address", w->client);
			return;
		}
		judge_list(&env->ex->hosts, "relay_from_hosts", w->client, this_host,
			   env->local, w);
		return;
	}
	if (!this_host && ((env->pf && env->pf->present) || (env->ex && env->ex->present)))
		snprintf(w->why, sizeof(w->why), "the target is another host and its "
			 "configuration was not given (--postfix-config DIR, --exim PROGRAM), "
			 "so whether it trusts %s is not known", w->client);
	else if (!*mta && pf_ok && ex_ok)
		snprintf(w->why, sizeof(w->why), "the greeting does not say whether Postfix "
			 "or Exim answers, so whether it trusts %s is not known", w->client);
	else
		snprintf(w->why, sizeof(w->why), "no configuration of the %s that answers "
			 "could be read, so whether it trusts %s is not known",
			 *mta ? mta : "MTA", w->client);
}

/* 1 when the Postfix XCLIENT hosts list already lets addr use XCLIENT. */
static int xclient_allows(const struct mw_relay_postfix *pf, const char *addr)
{
	struct mw_netlist l = { 0 };
	const char *v = pf && pf->present ?
			mw_kv_get(&pf->effective, "smtpd_authorized_xclient_hosts") : NULL;
	json_t *m;
	int trusted = 0;

	if (!v || !*v || mw_netlist_parse_postfix(v, &l) != MW_OK) {
		mw_netlist_free(&l);
		return 0;
	}
	m = mw_relay_matching_entries(&l, addr, &trusted);
	json_decref(m);
	mw_netlist_free(&l);
	return trusted;
}

/*
 * How to probe as a stranger next time, fitting the MTA and what is
 * already configured: never advise a setting that is already there, never
 * Postfix advice for Exim.
 */
static void stranger_advice(const struct relay_env *env, const struct mw_relay_probe *p,
			    const struct viewpoint *w, char *dst, size_t len)
{
	if (strcmp(w->mta, "exim") == 0) {
		snprintf(dst, len, "Exim has no XCLIENT: to test as a stranger, probe from a "
			 "machine (or network namespace) outside relay_from_hosts, e.g. "
			 "'mailwarden relay --no-config %s' there.",
			 p->peer_addr);
	} else if (p->xclient_addr && !env->untrusted_ip) {
		snprintf(dst, len, "The server offers XCLIENT but --no-xclient was given: "
			 "re-run without it to probe as a stranger.");
	} else if (p->xclient_sent) {
		snprintf(dst, len, "The server refused our XCLIENT (reply %d): check "
			 "smtpd_authorized_xclient_hosts, or probe from a machine outside "
			 "mynetworks.", p->xclient_code);
	} else if (p->xclient_offered) {
		snprintf(dst, len, "The server offers XCLIENT without the ADDR attribute: "
			 "probe from a machine outside mynetworks.");
	} else if (env->pf && env->pf->present && xclient_allows(env->pf, "127.0.0.1")) {
		char host[MW_RELAY_MAX_HOST], port[MW_RELAY_MAX_PORT];
		const char *t = json_string_value(json_object_get(p->json, "target"));

		if (!t || mw_relay_parse_target(t, host, port) != 0)
			snprintf(port, sizeof(port), "%s", DEFAULT_PORT);
		snprintf(dst, len, "smtpd_authorized_xclient_hosts already allows 127.0.0.1, "
			 "but the probe came from %s: probe from loopback "
			 "('mailwarden relay 127.0.0.1:%s' when smtpd listens there), or from a "
			 "machine outside mynetworks.", p->local_addr, port);
	} else if (strcmp(w->mta, "postfix") == 0 || (env->pf && env->pf->present)) {
		snprintf(dst, len, "To probe as a stranger, allow XCLIENT from loopback for "
			 "the test (smtpd_authorized_xclient_hosts = 127.0.0.1 in main.cf, "
			 "'postfix reload') and probe from there, or probe from a machine "
			 "outside mynetworks.");
	} else {
		snprintf(dst, len, "To test as a stranger, probe from a machine outside the "
			 "networks the MTA trusts ('mailwarden relay --no-config HOST' there).");
	}
}

/* Config findings that explain an open relay (rule ids of config_audit.c
 * and exim.c). */
static int is_relay_cause(const char *rule)
{
	static const char *const causes[] = {
		"relay.mynetworks-too-wide", "relay.open-restrictions",
		"relay.permit-before-reject", "relay.access-ok-before-reject",
		"relay.xclient-hosts-too-wide", "relay.exim-relay-hosts-too-wide", NULL
	};
	size_t i;

	for (i = 0; causes[i]; i++)
		if (strcmp(rule, causes[i]) == 0)
			return 1;
	return 0;
}

/*
 * The fix for an open relay: name the configuration findings that explain
 * it when there are any; else say that none was found and why, with
 * advice for the MTA that answered.
 */
static void open_relay_fix(const struct relay_env *env, const struct viewpoint *w,
			   char *dst, size_t len)
{
	struct mw_buf b;
	size_t i, n = mw_report_nfindings(env->ctx->report), causes = 0;

	mw_buf_init(&b, 4096);
	for (i = 0; i < n; i++) {
		const struct mw_stored_finding *f = mw_report_finding(env->ctx->report, i);

		if (strcmp(f->check, MW_RELAY_CHECK) != 0 || !is_relay_cause(f->rule_id))
			continue;
		(void)mw_buf_printf(&b, "%s%s", causes++ ? "; " : "", f->rule_id);
		if (f->path && f->line)
			(void)mw_buf_printf(&b, " (%s:%lu)", f->path, f->line);
		else if (f->path)
			(void)mw_buf_printf(&b, " (%s)", f->path);
	}
	if (causes) {
		snprintf(dst, len, "Anyone on the Internet can send spam through this server "
			 "and get its IP blocklisted. Fix what these relay findings name: %s; "
			 "then %s, re-run 'mailwarden relay', then request delisting.",
			 mw_buf_str(&b), strcmp(w->mta, "exim") == 0 ?
			 "update-exim4.conf and restart exim4" : "'postfix reload'");
	} else if (strcmp(w->mta, "exim") == 0) {
		snprintf(dst, len, "Anyone on the Internet can send spam through this server "
			 "and get its IP blocklisted. The configuration audit found no cause%s: "
			 "check relay_from_hosts (exim -bP +relay_from_hosts) and the RCPT ACL "
			 "(exim -bP acl_smtp_rcpt; its 'accept' statements before 'require "
			 "domains = +local_domains : +relay_to_domains'), restart exim4, re-run "
			 "'mailwarden relay', then request delisting.",
			 env->no_config ? " because it did not run (--no-config)" :
			 env->ex && env->ex->present ? "" : " because Exim's configuration "
			 "could not be read here");
	} else {
		snprintf(dst, len, "Anyone on the Internet can send spam through this server "
			 "and get its IP blocklisted. The configuration audit found no cause%s: "
			 "check mynetworks, smtpd_relay_restrictions and "
			 "smtpd_recipient_restrictions (postconf -n) for anything that permits "
			 "before reject_unauth_destination, including access tables "
			 "(check_*_access) that answer OK; reload the MTA, re-run 'mailwarden "
			 "relay', then request delisting.",
			 env->no_config ? " because it did not run (--no-config)" :
			 env->pf && env->pf->present ? "" : " because the MTA configuration "
			 "could not be read here (--postfix-config DIR, --exim PROGRAM)");
	}
	mw_buf_free(&b);
}

static void probe_findings(const struct relay_env *env, const struct mw_relay_probe *p,
			   int explicit_target)
{
	struct mw_ctx *ctx = env->ctx;
	json_t *j = p->json, *relayed = json_array(), *v;
	const char *target = json_string_value(json_object_get(j, "target"));
	struct mw_finding f = { 0 };
	struct viewpoint w;
	char title[1024], fix[2048], advice[640];
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
	if (p->stopped[0])
		mw_report_error(ctx->report, MW_RELAY_CHECK, NULL, 0, MW_ERR_NET,
				"%s: %s", target, p->stopped);
	if (!p->connected) {
		if (p->stopped[0]) {
			json_decref(relayed);
			return;
		}
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
	decide_viewpoint(env, p, &w);
	stranger_advice(env, p, &w, advice, sizeof(advice));
	json_object_set_new(j, "viewpoint", json_string_nocheck(vp_name[w.vp]));
	json_object_set_new(j, "client_address", json_string_nocheck(w.client));
	json_object_set_new(j, "viewpoint_reason", json_string_nocheck(w.why));
	json_object_set_new(j, "trusted_by", w.vp == VP_TRUSTED ?
			    json_pack("[s]", w.trusted_by) : json_null());
	json_object_set_new(j, "trust_list", w.list ? json_string_nocheck(w.list) : json_null());
	json_object_set_new(j, "trusts_everyone", json_boolean(w.trusts_everyone));
	if (w.vp != VP_UNTRUSTED)
		json_object_set_new(j, "advice", json_string_nocheck(advice));
	if (w.vp == VP_TRUSTED && !w.trusts_everyone)
		mw_report_note(ctx->report, MW_RELAY_CHECK,
			       "%s: this result only covers trusted clients: %s. %s",
			       target, w.why, advice);
	else if (w.vp == VP_UNKNOWN)
		mw_report_note(ctx->report, MW_RELAY_CHECK,
			       "%s: viewpoint unknown: %s; a relay from here counts as an "
			       "open relay. %s", target, w.why, advice);
	if (!p->relayed && p->refused && !p->errors && !p->not_tested_from) {
		char verdict[256];

		snprintf(verdict, sizeof(verdict), "%s: not an open relay from this viewpoint "
			 "(%s client %s): 0/%d relayed", target, vp_name[w.vp], w.client,
			 MW_RELAY_NVARIANTS);
		json_object_set_new(j, "verdict", json_string_nocheck(verdict + strlen(target) + 2));
		mw_report_note(ctx->report, MW_RELAY_CHECK, "%s", verdict);
	}
	f.check = MW_RELAY_CHECK;
	f.ip = p->peer_addr;
	f.details = json_pack("{s:s, s:s, s:s, s:s, s:s*, s:i, s:i, s:O}", "target", target,
			      "viewpoint", vp_name[w.vp], "client_address", w.client,
			      "viewpoint_reason", w.why, "mta", *w.mta ? w.mta : NULL,
			      "relayed", p->relayed, "tested", p->not_tested_from ?
			      p->not_tested_from - 1 : MW_RELAY_NVARIANTS,
			      "relayed_variants", relayed);
	if (p->relayed && w.vp == VP_TRUSTED && !w.trusts_everyone) {
		snprintf(title, sizeof(title),
			 "%s relayed %u/%d probe addresses for us as a trusted client (%s); "
			 "strangers were not tested", target, p->relayed, MW_RELAY_NVARIANTS,
			 w.why);
		f.rule_id = "relay.relayed-trusted";
		f.severity = MW_SEV_INFO;
		snprintf(fix, sizeof(fix), "Expected for clients the MTA trusts. %s", advice);
	} else if (p->relayed) {
		if (w.vp == VP_TRUSTED)
			snprintf(title, sizeof(title), "open relay: %s relayed %u/%d probe "
				 "addresses; %s", target, p->relayed, MW_RELAY_NVARIANTS, w.why);
		else if (w.vp == VP_UNTRUSTED)
			snprintf(title, sizeof(title), "open relay: %s relayed %u/%d probe "
				 "addresses for an untrusted client (%s)", target, p->relayed,
				 MW_RELAY_NVARIANTS, w.why);
		else
			snprintf(title, sizeof(title), "open relay: %s relayed %u/%d probe "
				 "addresses for a client it is not known to trust (%s)", target,
				 p->relayed, MW_RELAY_NVARIANTS, w.why);
		f.rule_id = "relay.open-relay";
		f.severity = MW_SEV_CRITICAL;
		open_relay_fix(env, &w, fix, sizeof(fix));
	}
	if (f.rule_id) {
		f.cause = MW_CAUSE_RELAY;
		f.title = title;
		f.remediation = fix;
		(void)mw_report_add(ctx->report, &f);
	}
	json_decref(f.details);
	json_decref(relayed);
}

/*
 * The source address for a probe of this host's own address: loopback
 * when the local Postfix lets loopback use XCLIENT (so the probe can speak
 * as a stranger), else the kernel's choice.
 */
static const char *self_probe_source(const struct relay_env *env, const char *host)
{
	int v6 = strchr(host, ':') != NULL;

	if (!env->untrusted_ip || !target_is_this_host(host, env->local))
		return NULL;
	if (v6 ? xclient_allows(env->pf, "::1") : xclient_allows(env->pf, "127.0.0.1"))
		return v6 ? "::1" : "127.0.0.1";
	return NULL;
}

/*
 * Probe each target, each within [relay] probe_deadline_s and all of them
 * within [relay] run_deadline_s (counted from the first probe): a target
 * the run's budget does not reach any more is stopped at once and reported
 * as not tested, never skipped in silence.
 */
static int probe_targets(const struct relay_env *env, const struct target *t, size_t n,
			 int explicit_target, const char *domain, json_t *probes)
{
	struct mw_ctx *ctx = env->ctx;
	const struct mw_config *cfg = ctx->cfg;
	unsigned probe_s = cfg->relay_probe_deadline_s ? cfg->relay_probe_deadline_s : 30;
	unsigned run_s = cfg->relay_run_deadline_s ? cfg->relay_run_deadline_s : 120;
	long long run_end = mw_smtp_now_ms() + 1000LL * run_s;
	char probe_what[64], run_what[64];
	size_t i;

	snprintf(probe_what, sizeof(probe_what), "[relay] probe_deadline_s = %u", probe_s);
	snprintf(run_what, sizeof(run_what), "[relay] run_deadline_s = %u", run_s);
	for (i = 0; i < n; i++) {
		long long probe_end = mw_smtp_now_ms() + 1000LL * probe_s;
		struct mw_relay_probe_opts o = {
			.deadline = probe_end < run_end ? probe_end : run_end,
			.deadline_what = probe_end < run_end ? probe_what : run_what,
			.host = t[i].host, .port = t[i].port, .domain = domain,
			.untrusted_ip = env->untrusted_ip,
			.source_ip = explicit_target ? NULL : self_probe_source(env, t[i].host),
			.timeout_ms = cfg->relay_timeout_ms ? cfg->relay_timeout_ms : 3000,
		};
		struct mw_relay_probe p;

		mw_progress(ctx, "relay: probing %s port %s", t[i].host, t[i].port);
		if (mw_relay_probe_run(&o, &p) != MW_OK)
			return -1;
		if (!p.connected && o.source_ip && !p.stopped[0]) {
			/* loopback could not reach it: from the kernel's choice */
			mw_relay_probe_free(&p);
			o.source_ip = NULL;
			if (mw_relay_probe_run(&o, &p) != MW_OK)
				return -1;
		}
		probe_findings(env, &p, explicit_target);
		json_array_append(probes, p.json);
		mw_relay_probe_free(&p);
	}
	mw_progress_done(ctx);
	return 0;
}

/* An XCLIENT address goes into a command: an address and nothing else. */
static int valid_xclient_addr(const char *s)
{
	struct mw_netent u;

	return mw_ipnet_parse(s, &u.ip, &u.prefix) == 0 &&
	       !strchr(s, '/') && s[0] != '[';
}

static enum mw_err relay_run(struct mw_ctx *ctx, const struct mw_relay_opts *o)
{
	struct target given[1], pub[MW_RELAY_MAX_TARGETS], priv[MW_RELAY_MAX_TARGETS];
	struct mw_relay_postfix pf;
	struct mw_relay_exim ex;
	struct mw_netlist local = { 0 };
	struct relay_env env = { .ctx = ctx, .pf = &pf, .ex = &ex, .local = &local };
	const char *pf_dir = o->postfix_config, *exim_prog = o->exim;
	const char *domain = o->domain ? o->domain : MW_RELAY_DEFAULT_DOMAIN;
	const char *tspec = o->target, *xaddr = o->xclient_addr;
	int no_probe = o->no_probe, no_config = o->no_config, no_xclient = o->no_xclient;
	size_t npub, npriv;
	struct mw_buf addrs;
	json_t *data, *probes;
	enum mw_err e = MW_OK;

	if (!tspec && ctx->cfg->relay_target && *ctx->cfg->relay_target)
		tspec = ctx->cfg->relay_target;
	if (tspec && mw_relay_parse_target(tspec, given[0].host, given[0].port) != 0)
		return mw_usage(ctx, "bad target '%s' (want HOST[:PORT] or [IPv6]:PORT)", tspec);
	if (!*domain || strlen(domain) > 253 || strpbrk(domain, " \t\r\n<>@\"\\!%:"))
		return mw_usage(ctx, "bad --domain '%s'", domain);
	if (no_xclient && xaddr)
		return mw_usage(ctx, "--xclient-addr and --no-xclient do not go together");
	if (no_config && (pf_dir || exim_prog))
		return mw_usage(ctx, "--no-config and --postfix-config/--exim do not go together");
	if (xaddr && !valid_xclient_addr(xaddr))
		return mw_usage(ctx, "--xclient-addr '%s' is not an IP address", xaddr);
	if (!xaddr && !no_xclient && ctx->cfg->relay_untrusted_ip &&
	    *ctx->cfg->relay_untrusted_ip) {
		xaddr = ctx->cfg->relay_untrusted_ip;
		if (!valid_xclient_addr(xaddr))
			return mw_fail(ctx, MW_ERR_CONFIG,
				       "[relay] untrusted_ip '%s' is not an IP address", xaddr);
	}
	env.untrusted_ip = no_xclient ? NULL : xaddr;
	env.pf_explicit = pf_dir != NULL;
	env.exim_explicit = exim_prog != NULL;
	env.no_config = no_config;

	mw_buf_init(&addrs, MW_RELAY_MAX_ADDR_LIST);
	local_addresses(&addrs, pub, &npub, priv, &npriv);
	if (mw_netlist_parse_postfix(mw_buf_str(&addrs), &local) != MW_OK) {
		mw_buf_free(&addrs);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	mw_buf_free(&addrs);

	data = json_object();
	probes = json_array();
	memset(&pf, 0, sizeof(pf));
	memset(&ex, 0, sizeof(ex));
	/* the configuration first: the probe's verdict is judged against it */
	/* an MTA named on the command line is the one to judge: then the
	 * host's other MTA is left alone */
	if (!no_config && (((pf_dir || !exim_prog) &&
			    mw_relay_postfix_load(ctx, pf_dir, &pf) != MW_OK) ||
			   ((exim_prog || !pf_dir) &&
			    mw_relay_exim_load(ctx, exim_prog, &ex) != MW_OK))) {
		json_decref(data);
		json_decref(probes);
		mw_relay_postfix_free(&pf);
		mw_relay_exim_free(&ex);
		mw_netlist_free(&local);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	json_object_set_new(data, "postfix", json_null());
	json_object_set_new(data, "exim", json_null());
	if (!no_config) {
		if (pf.present)
			json_object_set_new(data, "postfix",
					    mw_relay_audit_postfix(ctx, &pf, &local));
		if (ex.present)
			json_object_set_new(data, "exim",
					    mw_relay_audit_exim(ctx, ex.program, ex.acl_text,
								ex.hosts_text, &local));
		if (!pf.present && !ex.present && !pf_dir && !exim_prog)
			mw_report_note(ctx->report, MW_RELAY_CHECK,
				       "no Postfix or Exim configuration found; only the probe ran");
	}
	if (!no_probe) {
		int rc;

		if (tspec) {
			rc = probe_targets(&env, given, 1, 1, domain, probes);
		} else if (npub) {
			rc = probe_targets(&env, pub, npub, 0, domain, probes);
		} else if (npriv) {
			mw_report_note(ctx->report, MW_RELAY_CHECK,
				       "no public address on this host; probing its private "
				       "addresses on port 25");
			rc = probe_targets(&env, priv, npriv, 0, domain, probes);
		} else {
			snprintf(given[0].host, sizeof(given[0].host), "127.0.0.1");
			snprintf(given[0].port, sizeof(given[0].port), DEFAULT_PORT);
			mw_report_note(ctx->report, MW_RELAY_CHECK,
				       "no non-loopback address on this host; probing "
				       "127.0.0.1 port 25");
			rc = probe_targets(&env, given, 1, 0, domain, probes);
		}
		if (rc != 0)
			e = MW_ERR_NOMEM;
	}
	json_object_set_new(data, "probes", probes);
	mw_report_set_data(ctx->report, MW_RELAY_CHECK, data, mw_relay_render);
	mw_relay_postfix_free(&pf);
	mw_relay_exim_free(&ex);
	mw_netlist_free(&local);
	if (e != MW_OK)
		return mw_fail(ctx, e, "out of memory");
	return MW_OK;
}

enum mw_err mw_relay_run(struct mw_ctx *ctx, const struct mw_relay_opts *o,
			 struct mw_report *report)
{
	struct mw_report *saved = ctx->report;
	enum mw_err e;

	ctx->report = report;
	e = relay_run(ctx, o);
	ctx->report = saved;
	return e;
}

enum mw_err mw_relay_opts_describe(const struct mw_relay_opts *o, struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, "relay");
	mw_cmdline_str(&c, NULL, o->target);
	mw_cmdline_flag(&c, "--no-probe", o->no_probe);
	mw_cmdline_flag(&c, "--no-config", o->no_config);
	mw_cmdline_str(&c, "--postfix-config", o->postfix_config);
	mw_cmdline_str(&c, "--exim", o->exim);
	mw_cmdline_str(&c, "--domain", o->domain);
	mw_cmdline_str(&c, "--xclient-addr", o->xclient_addr);
	mw_cmdline_flag(&c, "--no-xclient", o->no_xclient);
	return c.err;
}
