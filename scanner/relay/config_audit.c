/*
 * The relay-configuration audit: judges the settings that decide who may
 * relay through this Postfix (and Exim, see exim.c). Each problem becomes a
 * finding naming the exact setting, why it is dangerous, and the fix.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "reports/report.h"
#include "scanner/relay/access.h"
#include "scanner/relay/relay.h"

#define TITLE_MAX	512

/* Find the line that sets name in main.cf (last one wins, as in Postfix)
 * or the line that starts service name/type in master.cf; 0 if not found. */
static unsigned long config_line(const char *path, const char *name,
				 const char *type)
{
	struct mw_lines it;
	struct mw_buf b;
	const char *l;
	size_t n, nl = strlen(name);
	unsigned long found = 0;
	int overlong;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_read_file_at(AT_FDCWD, path, &b, MW_MAX_TEXT_FILE, NULL, NULL) != MW_OK) {
		mw_buf_free(&b);
		return 0;
	}
	mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
	while (mw_lines_next(&it, &l, &n, &overlong)) {
		size_t i = nl;

		if (n <= nl || strncmp(l, name, nl) != 0)
			continue;
		while (i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (!type) {
			if (i < n && l[i] == '=')
				found = it.lineno;
		} else if (i > nl && n - i >= strlen(type) &&
			   strncmp(l + i, type, strlen(type)) == 0) {
			found = it.lineno;
			break;
		}
	}
	mw_buf_free(&b);
	return found;
}

struct where {
	char path[MW_MAX_PATH];
	unsigned long line;
	char setting[4096];	/* "mynetworks = 0.0.0.0/0" or "submission inet: -o x=y" */
};

/* Where a parameter comes from for svc (an -o override or main.cf). */
static void locate(const struct mw_relay_postfix *pf, const struct mw_service *svc,
		   const char *name, struct where *w)
{
	char key[512];
	const char *v;

	if (svc) {
		snprintf(key, sizeof(key), "%s/%s/%s", svc->name, svc->type, name);
		v = mw_kv_get(&pf->overrides, key);
		if (v) {
			snprintf(w->path, sizeof(w->path), "%s/master.cf", pf->config_dir);
			w->line = config_line(w->path, svc->name, svc->type);
			snprintf(w->setting, sizeof(w->setting), "%s %s: -o %s=%s",
				 svc->name, svc->type, name, v);
			return;
		}
	}
	v = mw_kv_get(&pf->effective, name);
	snprintf(w->path, sizeof(w->path), "%s/main.cf", pf->config_dir);
	w->line = mw_kv_get(&pf->explicit_set, name) ? config_line(w->path, name, NULL) : 0;
	snprintf(w->setting, sizeof(w->setting), "%s = %s%s", name, v ? v : "",
		 mw_kv_get(&pf->explicit_set, name) ? "" : " (Postfix default)");
}

static void finding(struct mw_ctx *ctx, const char *rule, enum mw_severity sev,
		    const struct where *w, const char *remediation,
		    json_t *details, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void finding(struct mw_ctx *ctx, const char *rule, enum mw_severity sev,
		    const struct where *w, const char *remediation,
		    json_t *details, const char *fmt, ...)
{
	char title[TITLE_MAX];
	struct mw_finding f = { 0 };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(title, sizeof(title), fmt, ap);
	va_end(ap);
	f.check = MW_RELAY_CHECK;
	f.cause = MW_CAUSE_RELAY;
	f.rule_id = rule;
	f.severity = sev;
	f.title = title;
	f.path = w ? w->path : NULL;
	f.line = w ? w->line : 0;
	f.excerpt = w ? w->setting : NULL;
	f.remediation = remediation;
	f.details = details;
	(void)mw_report_add(ctx->report, &f);
	json_decref(details);
}

/* 1 when entry e is exactly one of the host's own addresses. */
static int is_own_address(const struct mw_netent *e, const struct mw_netlist *local)
{
	size_t i;

	if (!local || e->kind != MW_NET_ADDR)
		return 0;
	for (i = 0; i < local->n; i++) {
		const struct mw_netent *l = &local->v[i];

		if (l->kind == MW_NET_ADDR && l->ip.family == e->ip.family &&
		    e->prefix == (e->ip.family == AF_INET ? 32u : 128u) &&
		    memcmp(l->ip.a, e->ip.a, e->ip.family == AF_INET ? 4 : 16) == 0)
			return 1;
	}
	return 0;
}

/*
 * How dangerous it is to trust entry e (for relaying or XCLIENT): -1 for
 * nothing to say (loopback, own address, negated, lookups), else a
 * severity and a reason.
 */
static int judge_trusted_entry(const struct mw_netent *e,
			       const struct mw_netlist *local, const char **why)
{
	struct mw_netent v4;
	unsigned max;

	if (mw_net_ipv4_view(e, &v4))
		e = &v4;	/* [::ffff:0.0.0.0]/96 is every IPv4 address */
	if (e->negate)
		return -1;
	if (e->kind == MW_NET_ANY) {
		*why = "every host on the Internet";
		return MW_SEV_CRITICAL;
	}
	if (e->kind != MW_NET_ADDR || mw_net_is_loopback(e) || is_own_address(e, local))
		return -1;
	max = e->ip.family == AF_INET ? 32 : 128;
	if (e->prefix == 0) {
		*why = "every address on the Internet";
		return MW_SEV_CRITICAL;
	}
	if (e->prefix <= (e->ip.family == AF_INET ? 8u : 32u)) {
		*why = "a whole /8-sized block of addresses or more";
		return MW_SEV_HIGH;
	}
	if (mw_net_is_private(e)) {
		*why = e->prefix == max ? "another host on a private network"
					: "a whole private network (any machine on it, "
					  "compromised or not)";
		return e->prefix == max ? MW_SEV_LOW : MW_SEV_MEDIUM;
	}
	if (e->prefix < (e->ip.family == AF_INET ? 24u : 48u)) {
		*why = "a large public network";
		return MW_SEV_HIGH;
	}
	*why = e->prefix == max ? "a public host that is not this server"
				: "a public network that is not this server";
	return MW_SEV_MEDIUM;
}

/*
 * Judge every entry of an address list that grants trust; one finding for
 * the setting with the worst entry's severity (at least floor: an XCLIENT
 * host can claim any address, so any stranger there is serious) and all
 * entries in details.
 */
static void audit_trust_list(struct mw_ctx *ctx, const struct mw_netlist *list,
			     const struct mw_netlist *local, const struct where *w,
			     const char *rule, const char *what, int floor,
			     const char *remediation)
{
	json_t *entries = json_array();
	const char *why = NULL, *worst_why = NULL, *worst_text = NULL;
	int worst = -1, sev;
	size_t i, lookups = 0;

	for (i = 0; i < list->n; i++) {
		const struct mw_netent *e = &list->v[i];

		if (e->kind == MW_NET_LOOKUP || (e->kind == MW_NET_NAME && !e->negate))
			lookups++;
		sev = judge_trusted_entry(e, local, &why);
		if (sev < 0)
			continue;
		if (sev < floor)
			sev = floor;
		json_array_append_new(entries, json_pack("{s:s, s:s, s:s}",
			"entry", e->text, "severity", mw_severity_name(sev), "why", why));
		if (sev > worst) {
			worst = sev;
			worst_why = why;
			worst_text = e->text;
		}
	}
	if (lookups)
		mw_report_note(ctx->report, MW_RELAY_CHECK,
			       "%s: %zu entr%s (tables, files or names) not evaluated: %s",
			       w->path, lookups, lookups == 1 ? "y" : "ies", w->setting);
	if (worst < 0) {
		json_decref(entries);
		return;
	}
	finding(ctx, rule, (enum mw_severity)worst, w, remediation,
		json_pack("{s:o}", "entries", entries),
		"%s trusts %s: %s", what, worst_text, worst_why);
}

/* Length of the restriction-list token at p: blanks and commas end it,
 * except inside { } (inline:{ a=OK, b=REJECT } is one table). */
static size_t token_len(const char *p)
{
	size_t n = 0;
	int depth = 0;

	while (p[n] && (depth || !strchr(" \t,", p[n]))) {
		if (p[n] == '{')
			depth++;
		else if (p[n] == '}' && depth)
			depth--;
		n++;
	}
	return n;
}

enum restr_verdict { R_BLOCKS, R_PERMIT_FIRST, R_NO_BLOCK };

/* An access table that answers OK for every key: a permit in disguise. */
static int always_ok_table(const char *t, size_t n)
{
	static const char *const ok[] = {
		"static:OK", "static:{OK}", "static:PERMIT", "static:{PERMIT}", NULL
	};
	size_t i;

	for (i = 0; ok[i]; i++)
		if (n == strlen(ok[i]) && strncasecmp(t, ok[i], n) == 0)
			return 1;
	return 0;
}

/*
 * Evaluate a restriction list for relaying: does it stop mail to foreign
 * domains (reject_unauth_destination or an unconditional reject/defer)
 * before anything that permits every client? Postfix itself refuses to
 * run when a literal "permit" precedes the only blocker, so in a running
 * server the permit usually hides in an access table that says OK to
 * everyone (check_client_access static:OK) or in permit_tls_all_clientcerts.
 * *culprit receives the permitting token (static string or NULL).
 */
static enum restr_verdict restriction_eval(const char *list, const char **culprit)
{
	const char *p = list ? list : "";
	int access_next = 0;

	*culprit = NULL;
	for (;;) {
		size_t n;

		p += strspn(p, " \t,");
		n = token_len(p);
		if (!n)
			return R_NO_BLOCK;
#define IS(w) (n == sizeof(w) - 1 && strncmp(p, w, n) == 0)
		if (IS("reject_unauth_destination") || IS("defer_unauth_destination") ||
		    IS("reject") || IS("defer") || IS("defer_all"))
			return R_BLOCKS;
		if (IS("permit")) {
			*culprit = "permit";
			return R_PERMIT_FIRST;
		}
		if (IS("permit_tls_all_clientcerts")) {
			*culprit = "permit_tls_all_clientcerts";
			return R_PERMIT_FIRST;
		}
		if (access_next && always_ok_table(p, n)) {
			*culprit = "an access table that answers OK for everyone";
			return R_PERMIT_FIRST;
		}
#undef IS
		access_next = n > 13 && strncmp(p, "check_", 6) == 0 &&
			      strncmp(p + n - 7, "_access", 7) == 0;
		p += n;
	}
}

static const char fix_restrictions[] =
	"Set smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, "
	"reject_unauth_destination (Debian's default with reject instead of defer), remove "
	"any 'permit', 'permit_tls_all_clientcerts' or access table answering OK to "
	"everyone before reject_unauth_destination, then run 'postfix reload'. "
	"Clients that must relay authenticate with SMTP AUTH.";

static const char fix_override[] =
	"In master.cf, drop the service's -o smtpd_relay_restrictions / "
	"smtpd_recipient_restrictions override or make it end in "
	"'permit_sasl_authenticated,reject' (submission) or "
	"'permit_mynetworks,permit_sasl_authenticated,reject_unauth_destination' (port 25), "
	"with nothing that permits every client before it; then 'postfix reload'.";

/* The fix for a finding located at w: main.cf or a master.cf override. */
static const char *restriction_fix(const struct where *w)
{
	size_t n = strlen(w->path);

	return n >= 9 && strcmp(w->path + n - 9, "master.cf") == 0 ? fix_override
								  : fix_restrictions;
}

/*
 * Access tables before the relay blocker. An access table (check_*_access)
 * that answers OK (or a number, or a permit_* restriction) ends the list
 * with "permit": relaying is then allowed to every client whose lookup key
 * matches. For keys the client chooses itself (sender, HELO, recipient,
 * client host name through its reverse DNS) that is an open relay for
 * anyone who claims the right value; the probe finds it as "1/16 relayed"
 * (the variant with the server's own domain as sender).
 */

static const char fix_access[] =
	"Move the check after reject_unauth_destination (smtpd_relay_restrictions = "
	"permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination, "
	"check_sender_access ...), or remove the OK entry from the table (postmap it "
	"again), then 'postfix reload'. Senders, HELO names and recipients are chosen "
	"by the client: an OK for them lets anyone relay who claims them. Clients that "
	"must relay authenticate with SMTP AUTH.";

/*
 * Every access check before the relay blocker of one restriction list
 * (name, value as Postfix runs it, located at w) that can answer OK on
 * attacker-chosen input. other_blocks: the other list stops relaying
 * anyway (the finding is then medium instead of critical).
 */
static void audit_access_before_block(struct mw_ctx *ctx, const struct mw_relay_postfix *pf,
				      const char *svcname, const char *name,
				      const char *list, const struct where *w,
				      int other_blocks)
{
	const char *p = list ? list : "";
	const char *input = NULL;
	size_t restr_len = 0;
	const char *restr = NULL;

	for (;;) {
		struct mw_access_ok ok;
		char tpath[MW_MAX_PATH], loc[MW_MAX_PATH + 32];
		const char *why = NULL;
		size_t n;
		int rc;

		p += strspn(p, " \t,");
		n = token_len(p);
		if (!n)
			return;
#define IS(x) (n == sizeof(x) - 1 && strncmp(p, x, n) == 0)
		if (IS("reject_unauth_destination") || IS("defer_unauth_destination") ||
		    IS("reject") || IS("defer") || IS("defer_all"))
			return;
#undef IS
		if (input) {
			struct mw_access_filter kf = {
				.client = restr_len == 19 &&
					  strncmp(restr, "check_client_access", 19) == 0,
				.recipient = restr_len == 22 &&
					     strncmp(restr, "check_recipient_access", 22) == 0,
				.pf = pf,
			};

			rc = mw_access_table_can_permit(p, n, &kf, &ok, tpath, sizeof(tpath), &why);
			if (tpath[0])
				snprintf(loc, sizeof(loc), "%s line %lu", tpath, ok.line);
			else
				snprintf(loc, sizeof(loc), "written in the restriction");
			if (rc > 0 && !(strncasecmp(p, "static:", 7) == 0)) {
				/* static:OK is judged by audit_restrictions */
				finding(ctx, "relay.access-ok-before-reject",
					other_blocks ? MW_SEV_MEDIUM : MW_SEV_CRITICAL, w,
					fix_access,
					json_pack("{s:s, s:s, s:s%, s:s, s:i, s:s, s:s, s:s}",
						  "service", svcname, "restriction", name,
						  "check", restr, restr_len, "table_path", tpath,
						  "table_line", (int)ok.line, "key", ok.key,
						  "action", ok.action, "client_controls", input),
					"%s%s: %.*s %.*s answers %s for '%s' (%s) before the relay "
					"check: any client that claims %s '%s' can relay",
					other_blocks ? "" : "open relay: ", name,
					(int)restr_len, restr, (int)n, p, ok.action, ok.key,
					loc, input, ok.key);
			} else if (rc < 0) {
				finding(ctx, "relay.access-unknown-before-reject", MW_SEV_MEDIUM, w,
					fix_access,
					json_pack("{s:s, s:s, s:s%, s:s%}", "service", svcname,
						  "restriction", name, "check", restr, restr_len,
						  "table", p, n),
					"%s: %.*s %.*s comes before the relay check and may answer "
					"OK on %s; %s", name, (int)restr_len, restr, (int)n, p,
					input, why);
			}
			input = NULL;
		} else if ((input = mw_access_input(p, n)) != NULL) {
			restr = p;
			restr_len = n;
		}
		p += n;
	}
}

/* 1 when an access check on client-chosen input comes before the
 * list's blocker (then the list may not stop a relay). */
static int restriction_has_access(const char *list)
{
	const char *p = list ? list : "";

	for (;;) {
		size_t n;

		p += strspn(p, " \t,");
		n = token_len(p);
		if (!n)
			return 0;
		if ((n == 25 && strncmp(p, "reject_unauth_destination", n) == 0) ||
		    (n == 24 && strncmp(p, "defer_unauth_destination", n) == 0) ||
		    (n == 6 && strncmp(p, "reject", n) == 0) ||
		    (n == 5 && strncmp(p, "defer", n) == 0))
			return 0;
		if (mw_access_input(p, n))
			return 1;
		p += n;
	}
}

/* Relay restrictions of one smtpd service (NULL = main.cf). */
static void audit_restrictions(struct mw_ctx *ctx, const struct mw_relay_postfix *pf,
			       const struct mw_service *svc)
{
	const char *relay = mw_relay_postfix_param(pf, svc, "smtpd_relay_restrictions");
	const char *rcpt = mw_relay_postfix_param(pf, svc, "smtpd_recipient_restrictions");
	const char *cr, *cc;
	enum restr_verdict vr = restriction_eval(relay, &cr), vc = restriction_eval(rcpt, &cc);
	const char *svcname = svc ? svc->name : "main.cf";
	struct where w;

	if (vr == R_BLOCKS || vc == R_BLOCKS) {
		/* relay happens only when neither list stops it */
		if (relay && *relay) {
			locate(pf, svc, "smtpd_relay_restrictions", &w);
			audit_access_before_block(ctx, pf, svcname, "smtpd_relay_restrictions",
						  relay, &w, vc == R_BLOCKS &&
						  !restriction_has_access(rcpt));
		}
		if (rcpt && *rcpt) {
			locate(pf, svc, "smtpd_recipient_restrictions", &w);
			audit_access_before_block(ctx, pf, svcname, "smtpd_recipient_restrictions",
						  rcpt, &w, vr == R_BLOCKS &&
						  !restriction_has_access(relay));
		}
	}
	if (vr != R_BLOCKS && vc != R_BLOCKS) {
		/* name the list that lets it through: the one with "permit",
		 * else the relay list */
		locate(pf, svc, vr == R_PERMIT_FIRST || vc != R_PERMIT_FIRST ?
			       "smtpd_relay_restrictions" : "smtpd_recipient_restrictions",
		       &w);
		finding(ctx, "relay.open-restrictions", MW_SEV_CRITICAL, &w, restriction_fix(&w),
			json_pack("{s:s, s:s, s:s}", "service", svcname,
				  "smtpd_relay_restrictions", relay ? relay : "",
				  "smtpd_recipient_restrictions", rcpt ? rcpt : ""),
			"open relay: %s%s%s%s lets any client send to any domain (%s before "
			"reject_unauth_destination)",
			svc ? "master.cf service " : "Postfix", svc ? svc->name : "",
			svc ? "/" : "", svc ? svc->type : "",
			cr ? cr : cc ? cc : "no reject_unauth_destination");
		return;
	}
	if (vr == R_PERMIT_FIRST) {
		locate(pf, svc, "smtpd_relay_restrictions", &w);
		finding(ctx, "relay.permit-before-reject", MW_SEV_MEDIUM, &w, restriction_fix(&w),
			NULL, "%s: smtpd_relay_restrictions has %s before "
			"reject_unauth_destination (only smtpd_recipient_restrictions "
			"still stops relaying)", svcname, cr);
	}
	if (vc == R_PERMIT_FIRST && relay && *relay) {
		/* with an empty relay list this was already judged above */
		locate(pf, svc, "smtpd_recipient_restrictions", &w);
		finding(ctx, "relay.permit-before-reject", MW_SEV_MEDIUM, &w, restriction_fix(&w),
			NULL, "%s: smtpd_recipient_restrictions has %s before "
			"reject_unauth_destination (only smtpd_relay_restrictions "
			"still stops relaying)", svcname, cc);
	}
}

static int is_submission(const struct mw_service *s)
{
	const char *port = mw_service_port(s->name);

	return strcmp(port, "submission") == 0 || strcmp(port, "587") == 0 ||
	       strcmp(port, "submissions") == 0 || strcmp(port, "smtps") == 0 ||
	       strcmp(port, "465") == 0;
}

/* A service bound to a loopback address only ("127.0.0.1:submission"). */
static int is_loopback_only(const struct mw_service *s)
{
	return strncmp(s->name, "127.", 4) == 0 || strncmp(s->name, "[::1]:", 6) == 0 ||
	       strncmp(s->name, "localhost:", 10) == 0;
}

static int yes(const char *v)
{
	return v && (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
		     strcmp(v, "1") == 0);
}

static void audit_submission(struct mw_ctx *ctx, const struct mw_relay_postfix *pf,
			     const struct mw_service *svc)
{
	const char *sasl = mw_relay_postfix_param(pf, svc, "smtpd_sasl_auth_enable");
	const char *tls = mw_relay_postfix_param(pf, svc, "smtpd_tls_security_level");
	const char *wrap = mw_relay_postfix_param(pf, svc, "smtpd_tls_wrappermode");
	const char *port = mw_service_port(svc->name);
	int implicit_tls = strcmp(port, "submissions") == 0 || strcmp(port, "smtps") == 0 ||
			   strcmp(port, "465") == 0;
	struct where w;

	if (is_loopback_only(svc))
		return;
	if (!yes(sasl)) {
		locate(pf, svc, "smtpd_sasl_auth_enable", &w);
		finding(ctx, "relay.submission-without-auth", MW_SEV_MEDIUM, &w,
			"In master.cf give the service '-o smtpd_sasl_auth_enable=yes "
			"-o smtpd_tls_security_level=encrypt -o smtpd_relay_restrictions="
			"permit_sasl_authenticated,reject', or comment the service out if "
			"nobody submits mail on it; then 'postfix reload'.",
			NULL,
			"%s (%s) is open but SMTP AUTH is off: mail clients cannot log in, "
			"so whoever must send through it gets trusted by address "
			"(mynetworks), the usual road to an open relay", svc->name, svc->type);
	}
	if (yes(sasl) && !implicit_tls && !yes(wrap) &&
	    !(tls && (strcmp(tls, "encrypt") == 0 || strcmp(tls, "dane") == 0)) &&
	    !yes(mw_relay_postfix_param(pf, svc, "smtpd_tls_auth_only"))) {
		locate(pf, svc, "smtpd_tls_security_level", &w);
		finding(ctx, "relay.submission-plaintext-auth", MW_SEV_LOW, &w,
			"Add '-o smtpd_tls_security_level=encrypt' (or smtpd_tls_auth_only=yes) "
			"to the service in master.cf and 'postfix reload'.",
			NULL,
			"%s accepts SMTP AUTH without TLS: passwords cross the network in "
			"clear and get stolen, then used to send spam", svc->name);
	}
}

static long param_long(const struct mw_relay_postfix *pf, const char *name)
{
	const char *v = mw_kv_get(&pf->effective, name);

	return v ? strtol(v, NULL, 10) : 0;
}

static void audit_rate_limits(struct mw_ctx *ctx, const struct mw_relay_postfix *pf)
{
	int have_anvil = 0;
	size_t i;
	struct where w;

	for (i = 0; i < pf->services.n; i++)
		if (strcmp(pf->services.v[i].command, "anvil") == 0)
			have_anvil = 1;
	if (have_anvil && (param_long(pf, "smtpd_client_message_rate_limit") > 0 ||
			   param_long(pf, "smtpd_client_recipient_rate_limit") > 0))
		return;
	locate(pf, NULL, "smtpd_client_message_rate_limit", &w);
	finding(ctx, "relay.no-rate-limit", MW_SEV_LOW, &w,
		have_anvil ?
		"Set smtpd_client_message_rate_limit = 100 and "
		"smtpd_client_recipient_rate_limit = 200 (per anvil_rate_time_unit, default "
		"60s; adjust to real use), then 'postfix reload'. Limits do not apply to "
		"smtpd_client_event_limit_exceptions (default $mynetworks)." :
		"Restore the anvil service in master.cf ('anvil unix - - y - 1 anvil'), set "
		"smtpd_client_message_rate_limit = 100 and smtpd_client_recipient_rate_limit "
		"= 200, then 'postfix reload'.",
		json_pack("{s:b}", "anvil_service", have_anvil),
		"no per-client rate limit%s: one stolen mailbox password can push "
		"thousands of messages before anyone notices, and the server's IP "
		"gets listed", have_anvil ? "" : " (and no anvil service in master.cf)");
}

static void audit_bind_address(struct mw_ctx *ctx, const struct mw_relay_postfix *pf,
			       const struct mw_netlist *local)
{
	const char *b4 = mw_kv_get(&pf->effective, "smtp_bind_address");
	size_t i, public4 = 0;
	struct where w;

	if (b4 && *b4) {
		mw_report_note(ctx->report, MW_RELAY_CHECK,
			       "outgoing SMTP leaves from smtp_bind_address = %s: that is "
			       "the address blocklists see", b4);
		return;
	}
	for (i = 0; local && i < local->n; i++)
		if (local->v[i].ip.family == AF_INET && !mw_net_is_private(&local->v[i]))
			public4++;
	if (public4 < 2)
		return;
	locate(pf, NULL, "smtp_bind_address", &w);
	finding(ctx, "relay.bind-address-unset", MW_SEV_LOW, &w,
		"Set smtp_bind_address (and smtp_bind_address6) to the address with "
		"matching reverse DNS and SPF, then 'postfix reload'; check that "
		"address with 'mailwarden dnsbl'.", NULL,
		"smtp_bind_address is empty on a host with %zu public IPv4 addresses: "
		"outgoing mail may leave from any of them, including ones without "
		"reverse DNS or ones already listed", public4);
}

static json_t *services_json(const struct mw_relay_postfix *pf)
{
	json_t *a = json_array();
	size_t i, j;

	for (i = 0; i < pf->services.n; i++) {
		const struct mw_service *s = &pf->services.v[i];
		char prefix[512];
		json_t *ov;

		if (strcmp(s->command, "smtpd") != 0 || strcmp(s->type, "inet") != 0)
			continue;
		ov = json_object();
		snprintf(prefix, sizeof(prefix), "%s/%s/", s->name, s->type);
		for (j = 0; j < pf->overrides.n; j++)
			if (strncmp(pf->overrides.v[j].name, prefix, strlen(prefix)) == 0)
				json_object_set_new(ov, pf->overrides.v[j].name + strlen(prefix),
						    json_string_nocheck(pf->overrides.v[j].value));
		json_array_append_new(a, json_pack("{s:s, s:s, s:o}", "service", s->name,
						   "type", s->type, "overrides", ov));
	}
	return a;
}

json_t *mw_relay_audit_postfix(struct mw_ctx *ctx, const struct mw_relay_postfix *pf,
			       const struct mw_netlist *local_addrs)
{
	static const char *const shown[] = {
		"mail_version", "mynetworks", "mynetworks_style", "smtpd_relay_restrictions",
		"smtpd_recipient_restrictions", "smtpd_sasl_auth_enable",
		"smtpd_authorized_xclient_hosts", "smtpd_client_message_rate_limit",
		"smtpd_client_recipient_rate_limit", "smtp_bind_address", NULL
	};
	struct mw_netlist xclient = { 0 };
	struct where w;
	json_t *j;
	size_t i;

	locate(pf, NULL, "mynetworks", &w);
	audit_trust_list(ctx, &pf->mynetworks, local_addrs, &w,
			 "relay.mynetworks-too-wide", "mynetworks", MW_SEV_LOW,
			 "List only loopback and this host in mynetworks, e.g. "
			 "'mynetworks = 127.0.0.0/8 [::1]/128' (or mynetworks_style = host), "
			 "then 'postfix reload'. Remote users send with SMTP AUTH on port 587 "
			 "instead of being trusted by address.");
	if (mw_netlist_parse_postfix(mw_kv_get(&pf->effective, "smtpd_authorized_xclient_hosts") ?
				     mw_kv_get(&pf->effective, "smtpd_authorized_xclient_hosts") : "",
				     &xclient) == MW_OK) {
		locate(pf, NULL, "smtpd_authorized_xclient_hosts", &w);
		audit_trust_list(ctx, &xclient, local_addrs, &w,
				 "relay.xclient-hosts-too-wide", "smtpd_authorized_xclient_hosts",
				 MW_SEV_HIGH,
				 "Allow XCLIENT only from loopback or the one proxy that needs it "
				 "(smtpd_authorized_xclient_hosts = 127.0.0.1), then 'postfix reload'. "
				 "An XCLIENT client can claim to be any address, including one in "
				 "mynetworks, and relay.");
	}
	mw_netlist_free(&xclient);
	audit_restrictions(ctx, pf, NULL);
	for (i = 0; i < pf->services.n; i++) {
		const struct mw_service *s = &pf->services.v[i];
		char k1[512], k2[512];

		if (strcmp(s->command, "smtpd") != 0 || strcmp(s->type, "inet") != 0)
			continue;
		snprintf(k1, sizeof(k1), "%s/%s/smtpd_relay_restrictions", s->name, s->type);
		snprintf(k2, sizeof(k2), "%s/%s/smtpd_recipient_restrictions", s->name, s->type);
		if (mw_kv_get(&pf->overrides, k1) || mw_kv_get(&pf->overrides, k2))
			audit_restrictions(ctx, pf, s);
		if (is_submission(s))
			audit_submission(ctx, pf, s);
	}
	audit_rate_limits(ctx, pf);
	audit_bind_address(ctx, pf, local_addrs);

	j = json_object();
	json_object_set_new(j, "config_directory", json_string_nocheck(pf->config_dir));
	for (i = 0; shown[i]; i++) {
		const char *v = mw_kv_get(&pf->effective, shown[i]);

		json_object_set_new(j, shown[i], v ? json_string_nocheck(v) : json_null());
	}
	json_object_set_new(j, "mynetworks_explicit",
			    json_boolean(mw_kv_get(&pf->explicit_set, "mynetworks") != NULL));
	json_object_set_new(j, "smtpd_services", services_json(pf));
	return j;
}

json_t *mw_relay_matching_entries(const struct mw_netlist *list, const char *addr,
				  int *trusted)
{
	struct mw_netent host;
	json_t *a = json_array();
	size_t i;

	*trusted = 0;
	if (mw_ipnet_parse(addr, &host.ip, &host.prefix) != 0)
		return a;
	for (i = 0; i < list->n; i++) {
		if (!mw_net_contains(&list->v[i], &host.ip))
			continue;
		json_array_append_new(a, json_string_nocheck(list->v[i].text));
		*trusted = !list->v[i].negate;
		break;
	}
	return a;
}
