/*
 * From findings to a verdict: group the findings by cause, pick the most
 * likely cause for the headline, and write the remediation plan in the
 * order an admin should work (stop the sender, quarantine, reset accounts,
 * remove forwarders, firewall, delist, verify). Works on the report's raw
 * strings; JSON strings made from them are mw_json_raw (the writers
 * escape), since a path need not be UTF-8.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "scanner/account/account.h"
#include "audit/audit.h"

#define MAX_IDS_PER_CAUSE 1000

static const char *dstr(const struct mw_stored_finding *f, const char *key)
{
	json_t *v = f->details ? json_object_get(f->details, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long dint(const struct mw_stored_finding *f, const char *key)
{
	json_t *v = f->details ? json_object_get(f->details, key) : NULL;

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* The finding's cause as its check said it; "other" when it said none. */
static enum mw_cause classify(const struct mw_stored_finding *f)
{
	return f->cause == MW_CAUSE_NONE ? MW_CAUSE_OTHER : f->cause;
}

/* 14200 -> "14,200" */
static void group_digits(long long n, char *dst, size_t len)
{
	char tmp[32];
	size_t i, o = 0, l;

	snprintf(tmp, sizeof(tmp), "%lld", n < 0 ? 0 : n);
	l = strlen(tmp);
	for (i = 0; i < l && o + 2 < len; i++) {
		if (i && (l - i) % 3 == 0)
			dst[o++] = ',';
		dst[o++] = tmp[i];
	}
	dst[o] = '\0';
}

/* Append a string we own (freed here) to a JSON array. */
static void push(json_t *arr, char *s)
{
	if (s)
		json_array_append_new(arr, mw_json_raw(s));
	free(s);
}

/* A line of a step before the cap: ranked, so that the cap drops the
 * weakest evidence and never a high or critical cause. */
struct item {
	int rank;		/* lower first (RANK_*) */
	int sev;		/* severity of its finding, -1 for advice */
	size_t seq;		/* arrival */
	char *action;
	char id[MW_FINDING_ID_LEN];	/* "" when none */
};

enum { RANK_HIJACKED = 0, RANK_SASL, RANK_OWNER_HIGH, RANK_OWNER, RANK_DEFAULT };

struct step {
	const char *phase, *title;
	struct item *items;
	size_t nitems, aitems;
	json_t *actions;	/* strings */
	json_t *commands;	/* strings */
	json_t *ids;		/* finding ids */
	size_t more;		/* targets left out past the cap */
};

enum phase { P_STOP, P_QUARANTINE, P_RESET, P_FORWARDERS, P_FIREWALL, P_AUTH,
	     P_DELIST, P_VERIFY, P__COUNT };

static const struct {
	const char *name, *title;
} phases[P__COUNT] = {
	{ "stop-sender", "Stop the sender" },
	{ "quarantine", "Quarantine the malicious files" },
	{ "reset-account", "Reset compromised accounts" },
	{ "remove-forwarders", "Remove forwarders and filter rules" },
	{ "firewall", "Enforce the SMTP egress firewall" },
	{ "fix-mail-auth", "Fix mail authentication (SPF, DKIM, DMARC, PTR, HELO)" },
	{ "delist", "Request delisting" },
	{ "verify", "Verify and keep watching" },
};

/*
 * Add a line to a step (action is ours, freed here). idf: the finding whose
 * id the step lists (NULL: none); sev: its severity, -1 for advice that is
 * always kept.
 */
static void step_push(struct step *s, const struct mw_stored_finding *idf, int sev,
		      int rank, char *action)
{
	struct item *it;

	if (!action)
		return;
	if (s->nitems == s->aitems) {
		size_t na = s->aitems ? s->aitems * 2 : 16;
		struct item *ni = realloc(s->items, na * sizeof(*ni));

		if (!ni) {
			free(action);
			return;
		}
		s->items = ni;
		s->aitems = na;
	}
	it = &s->items[s->nitems];
	it->rank = rank;
	it->sev = sev;
	it->seq = s->nitems;
	it->action = action;
	it->id[0] = '\0';
	if (idf)
		mw_finding_id(idf, it->id);
	s->nitems++;
}

static void step_add(struct step *s, const struct mw_stored_finding *f, char *action)
{
	step_push(s, f, f ? (int)f->severity : -1, RANK_DEFAULT, action);
}

static int cmp_item(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if ((a->sev < 0) != (b->sev < 0))	/* advice after the causes */
		return a->sev < 0 ? 1 : -1;
	if (a->sev != b->sev)
		return a->sev > b->sev ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Order the lines by evidence and apply the cap: advice and high or
 * critical causes are always listed, the rest up to
 * MW_AUDIT_MAX_PLAN_ITEMS; what is left out is counted in more. */
static void step_finish(struct step *s)
{
	size_t i, listed = 0;

	if (s->nitems > 1)
		qsort(s->items, s->nitems, sizeof(*s->items), cmp_item);
	for (i = 0; i < s->nitems; i++) {
		struct item *it = &s->items[i];

		if (it->sev < 0 || it->sev >= MW_SEV_HIGH || listed < MW_AUDIT_MAX_PLAN_ITEMS) {
			push(s->actions, it->action);
			if (it->id[0])
				json_array_append_new(s->ids, json_string(it->id));
			listed++;
		} else {
			free(it->action);
			s->more++;
		}
	}
	free(s->items);
	s->items = NULL;
	s->nitems = s->aitems = 0;
}

static void step_command(struct step *s, const char *cmd)
{
	json_t *v;
	size_t i;

	json_array_foreach(s->commands, i, v)
		if (!strcmp(json_string_value(v), cmd))
			return;
	json_array_append_new(s->commands, mw_json_raw(cmd));
}

/* The reset step's command for a compromised account: the exact
 * `mailwarden account` line, when the name is one that command takes (a
 * login from the logs may hold anything; it is never put on a command
 * line the reader might paste). */
static void reset_command(struct step *s, const char *login)
{
	char *cmd;

	if (!login || !mw_account_name_ok(login))
		return;
	cmd = mw_asprintf("mailwarden account %s --respond --apply", login);
	if (cmd)
		step_command(s, cmd);
	free(cmd);
}

static const char *status_of(const struct mw_audit_input *in, const char *check,
			     enum mw_audit_status *st)
{
	size_t i;

	for (i = 0; i < in->nchecks; i++) {
		if (!strcmp(in->checks[i].name, check)) {
			*st = in->checks[i].status;
			return check;
		}
	}
	return NULL;
}

const char *mw_audit_status_name(enum mw_audit_status s)
{
	switch (s) {
	case MW_AUDIT_OK: return "ok";
	case MW_AUDIT_FAILED: return "failed";
	case MW_AUDIT_NOTIMPL: return "not-implemented";
	case MW_AUDIT_SKIPPED: return "skipped";
	}
	return "?";
}

/* "7d" -> "in the last 7 days"; anything else -> "since X". */
static void window_phrase(const char *w, char *dst, size_t len)
{
	char *end;
	long n;

	if (!w) {
		snprintf(dst, len, "in the log window");
		return;
	}
	if (!strcmp(w, "all")) {
		snprintf(dst, len, "in the whole log");
		return;
	}
	n = strtol(w, &end, 10);
	if (end != w && n > 0 && (!strcmp(end, "d") || !strcmp(end, "h")))
		snprintf(dst, len, "in the last %ld %s%s", n, *end == 'd' ? "day" : "hour",
			 n == 1 ? "" : "s");
	else
		snprintf(dst, len, "since %s", w);
}

static const char *or_q(const char *s)
{
	return s ? s : "?";
}

/* The plan: one pass over the findings fills the phase steps. */
static void build_steps(struct mw_report *r, const struct mw_audit_input *in,
			struct step *st, size_t *listed_lists, size_t *cited_lists)
{
	size_t n = mw_report_nfindings(r), i;
	int any_cause = 0, web = 0, senders = 0;
	json_t *lists = json_object(), *dnsbl_lists = json_object();
	json_t *covered = json_object();	/* ids and accounts a correlation names */
	json_t *reset_accounts = json_object();	/* accounts in the reset step */
	size_t providers = 0;	/* provider blocks (logs) */
	char num[32], window[96];

	window_phrase(in->logs_window, window, sizeof(window));
	/* A correlation says it better than its sources: skip their lines. */
	for (i = 0; i < n; i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);
		json_t *ev, *e;
		size_t k;

		if (f->severity < MW_SEV_LOW)
			continue;
		if (classify(f) == MW_CAUSE_MAILER_SENT) {
			ev = json_object_get(f->details, "evidence");
			json_array_foreach(ev, k, e)
				if (json_is_string(json_object_get(e, "finding_id")))
					json_object_set_new(covered, json_string_value(
						json_object_get(e, "finding_id")), json_true());
		} else if (classify(f) == MW_CAUSE_HIJACKED) {
			if (dstr(f, "sasl_username"))
				json_object_set_new(covered, dstr(f, "sasl_username"), json_true());
			if (dstr(f, "owner"))
				json_object_set_new(covered, dstr(f, "owner"), json_true());
		}
	}

	for (i = 0; i < n; i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);
		enum mw_cause c = classify(f);
		const char *user = dstr(f, "user"), *owner = dstr(f, "owner");
		const char *dest = dstr(f, "destination"), *sasl = dstr(f, "sasl_username");

		char fid[MW_FINDING_ID_LEN];

		if (f->severity < MW_SEV_LOW)
			continue;
		mw_finding_id(f, fid);
		switch (c) {
		case MW_CAUSE_MAILER_SENT:
			group_digits(dint(f, "messages"), num, sizeof(num));
			step_add(&st[P_STOP], f, mw_asprintf("%s sent %s%s as %s: suspend the site or "
						     "its PHP-FPM pool now (chmod 000 the file if "
						     "in doubt)", or_q(f->path),
						     dint(f, "messages") >= 0 ? num : "mail",
						     dint(f, "messages") >= 0 ? " mails" : "",
						     user ? user : "unknown owner"));
			senders++;
			any_cause = 1;
			break;
		case MW_CAUSE_LOCAL_SENDER: {
			json_t *scripts = json_object_get(f->details, "scripts");
			json_t *first = json_array_get(scripts, 0);
			long long m = dint(f, "messages");

			any_cause = 1;
			if (json_object_get(covered, fid))
				break;
			group_digits(m, num, sizeof(num));
			step_add(&st[P_STOP], f,
				 mw_asprintf("%s submitted %s mails %s%s%s: stop the "
				     "sending site or process", user ? user : or_q(f->title),
				     m >= 0 ? num : "?", window,
				     json_is_string(first) ? " via " : "",
				     json_is_string(first) ? json_string_value(first) : ""));
			senders++;
			break;
		}
		case MW_CAUSE_RELAY:
			step_add(&st[P_STOP], f, mw_asprintf("close the relay: %s", f->title));
			senders++;
			any_cause = 1;
			break;
		case MW_CAUSE_WEB_MAILER:
		case MW_CAUSE_WEBSHELL:
		case MW_CAUSE_WEB_MALWARE:
			web = 1;
			any_cause = 1;
			if (f->severity >= MW_SEV_HIGH) {
				step_add(&st[P_QUARANTINE], f,
					 mw_asprintf("%s (%s, %s)", or_q(f->path), f->rule_id,
					     mw_severity_name(f->severity)));
				step_command(&st[P_QUARANTINE], "mailwarden scan --quarantine");
			} else {
				step_add(&st[P_QUARANTINE], f,
					 mw_asprintf("review %s (%s, %s) and quarantine it if it is "
					     "not yours", or_q(f->path), f->rule_id,
					     mw_severity_name(f->severity)));
			}
			break;
		case MW_CAUSE_HIJACKED:
			any_cause = 1;
			if (sasl && json_object_get(reset_accounts, sasl))
				break;
			if (sasl)
				json_object_set_new(reset_accounts, sasl, json_true());
			step_push(&st[P_RESET], f, (int)f->severity, RANK_HIJACKED,
				  mw_asprintf("%s: reset the password and end its sessions "
				      "(evidence: SMTP AUTH and forwarder to %s)",
				      or_q(sasl), or_q(dest)));
			reset_command(&st[P_RESET], sasl);
			break;
		case MW_CAUSE_SASL: {
			long long ips = dint(f, "ips");

			any_cause = 1;
			if (sasl && (json_object_get(covered, sasl) ||
				     json_object_get(reset_accounts, sasl)))
				break;
			if (sasl)
				json_object_set_new(reset_accounts, sasl, json_true());
			group_digits(ips, num, sizeof(num));
			step_push(&st[P_RESET], f, (int)f->severity, RANK_SASL,
				  mw_asprintf("%s: disable SMTP AUTH and reset the password "
				      "(logins from %s IPs)", or_q(sasl),
				      ips >= 0 ? num : "many"));
			reset_command(&st[P_RESET], sasl);
			break;
		}
		case MW_CAUSE_FORWARDER:
			step_add(&st[P_FORWARDERS], f,
				 mw_asprintf("remove the %s forwarder of %s to %s%s%s", or_q(dstr(f, "source")),
				     or_q(owner), or_q(dest), f->path ? " in " : "",
				     f->path ? f->path : ""));
			/* the forwarders check names the login (account) when
			 * the forward came from that user's own filter */
			if (f->severity >= MW_SEV_MEDIUM && f->account &&
			    !json_object_get(covered, f->account) &&
			    !json_object_get(reset_accounts, f->account)) {
				json_object_set_new(reset_accounts, f->account, json_true());
				step_push(&st[P_RESET], NULL, (int)f->severity,
					  f->severity >= MW_SEV_HIGH ? RANK_OWNER_HIGH : RANK_OWNER,
					  mw_asprintf("%s: check for account takeover and reset the "
					      "password (an external forwarder to %s was set up)",
					      f->account, or_q(dest)));
			}
			any_cause = 1;
			break;
		case MW_CAUSE_LISTED:
			json_object_set_new(dnsbl_lists, or_q(f->list), json_true());
			if (dstr(f, "delist_url"))
				step_add(&st[P_DELIST], f, mw_asprintf("%s on %s: %s", or_q(f->ip),
							       or_q(f->list), dstr(f, "delist_url")));
			else
				step_add(&st[P_DELIST], f, mw_asprintf("%s on %s: use the list's "
							       "removal page", or_q(f->ip),
							       or_q(f->list)));
			break;
		case MW_CAUSE_REJECTIONS:
			if (dstr(f, "provider")) {
				/* a provider's own block: authentication and
				 * reputation, not a blocklist entry */
				step_add(&st[P_AUTH], f, mw_asprintf("%s: %s", f->title,
							     or_q(dstr(f, "postmaster"))));
				providers++;
				break;
			}
			json_object_set_new(lists, dstr(f, "list"), json_true());
			break;
		case MW_CAUSE_FIREWALL:
			step_add(&st[P_FIREWALL], f, mw_asprintf("%s", f->title));
			any_cause = 1;
			break;
		case MW_CAUSE_MAIL_AUTH:
			/* receivers refuse unauthenticated mail however clean the
			 * lists are: fixed before asking for delisting */
			step_add(&st[P_AUTH], f, mw_asprintf("%s", f->title));
			break;
		default:
			break;
		}
	}
	if (providers && !json_object_size(dnsbl_lists) && mw_report_data(r, "dnsbl"))
		step_add(&st[P_AUTH], NULL, strdup("blocked by provider, not listed: the "
						   "blocklists checked do not list us, so only "
						   "the providers above lift their blocks"));
	/* Lists that refused our mail but were not confirmed by a lookup. */
	{
		const char *key;
		json_t *v;

		json_object_foreach(lists, key, v)
			if (!json_object_get(dnsbl_lists, key))
				step_add(&st[P_DELIST], NULL,
					 mw_asprintf("%s was cited in rejections: check the listing "
					     "and request removal", key));
	}
	*listed_lists = json_object_size(dnsbl_lists);
	*cited_lists = json_object_size(lists);
	json_decref(lists);
	json_decref(dnsbl_lists);
	json_decref(covered);
	json_decref(reset_accounts);

	if (senders)
		step_command(&st[P_STOP], "mailwarden queue   # who queued what; then --hold "
			     "--uid|--sasl|--script ... --apply, --delete once reviewed");
	if (web)
		step_add(&st[P_RESET], NULL, strdup("update the CMS and plugins of the affected "
						    "sites and change their admin passwords: "
						    "the files came in through them"));
	if (in->firewall_applied) {
		step_add(&st[P_FIREWALL], NULL, strdup("done by this run (--apply): see the "
						       "firewall section"));
	} else if (any_cause || st[P_FIREWALL].nitems) {
		step_add(&st[P_FIREWALL], NULL, strdup("allow only the MTA to talk SMTP so that "
						       "a new mailer cannot send"));
		step_command(&st[P_FIREWALL], "mailwarden firewall --apply");
	}
	if (st[P_AUTH].nitems)
		step_command(&st[P_AUTH], "mailwarden reputation");
	if (st[P_DELIST].nitems)
		step_add(&st[P_DELIST], NULL, strdup("only after the steps above: lists relist "
						     "repeat offenders quickly"));
	if (any_cause || st[P_DELIST].nitems) {
		step_add(&st[P_VERIFY], NULL, strdup("re-run the audit and check that nothing "
						     "is left"));
		step_command(&st[P_VERIFY], "mailwarden audit");
		step_command(&st[P_VERIFY], "systemctl enable --now mailwarden-nightly.timer");
	}
}

/* "open relay: X" must not become "open relay: open relay: X". */
static const char *strip_prefix(const char *title, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncasecmp(title, prefix, n) == 0 ? title + n : title;
}

/* One phrase for cause c, whose best finding is f. */
static char *cause_phrase(enum mw_cause c, const struct mw_stored_finding *f,
			  const size_t *cause_count, const struct mw_stored_finding *const *best,
			  const char *window)
{
	char num[32], more[64] = "";

	switch (c) {
	case MW_CAUSE_MAILER_SENT:
		group_digits(dint(f, "messages"), num, sizeof(num));
		if (dint(f, "messages") < 0)
			return mw_asprintf("PHP mailer at %s sending as %s %s", or_q(f->path),
				   dstr(f, "user") ? dstr(f, "user") : "unknown owner", window);
		return mw_asprintf("PHP mailer at %s sending as %s, %s mails %s",
			   or_q(f->path), dstr(f, "user") ? dstr(f, "user") : "unknown owner",
			   num, window);
	case MW_CAUSE_HIJACKED:
		return mw_asprintf("hijacked mailbox %s (SMTP AUTH abuse, forwarder to %s)",
			   or_q(dstr(f, "sasl_username")), or_q(dstr(f, "destination")));
	case MW_CAUSE_WEB_MAILER:
	case MW_CAUSE_WEBSHELL: {
		enum mw_cause b = best[MW_CAUSE_WEB_MAILER] ? MW_CAUSE_WEB_MAILER : MW_CAUSE_WEBSHELL;
		size_t total = cause_count[MW_CAUSE_WEB_MAILER] + cause_count[MW_CAUSE_WEBSHELL];

		if (total > 1)
			snprintf(more, sizeof(more), " and %zu more file%s", total - 1,
				 total > 2 ? "s" : "");
		return mw_asprintf("%s at %s%s", b == MW_CAUSE_WEB_MAILER ? "PHP mailer" : "webshell",
			   or_q(best[b]->path), more);
	}
	case MW_CAUSE_LOCAL_SENDER: {
		json_t *top = json_array_get(json_object_get(f->details, "scripts"), 0);

		group_digits(dint(f, "messages"), num, sizeof(num));
		return mw_asprintf("mail submitted by %s, %s mails %s%s%s",
			   dstr(f, "user") ? dstr(f, "user") : f->title,
			   dint(f, "messages") >= 0 ? num : "?", window,
			   json_is_string(top) ? ", top script " : "",
			   json_is_string(top) ? json_string_value(top) : "");
	}
	case MW_CAUSE_SASL:
		group_digits(dint(f, "ips"), num, sizeof(num));
		return mw_asprintf("SMTP AUTH abuse of %s from %s IPs", or_q(dstr(f, "sasl_username")),
			   dint(f, "ips") >= 0 ? num : "many");
	case MW_CAUSE_FORWARDER:
		return mw_asprintf("external forwarder of %s to %s", or_q(dstr(f, "owner")),
			   or_q(dstr(f, "destination")));
	case MW_CAUSE_RELAY:
		return mw_asprintf("open relay: %s", strip_prefix(f->title, "open relay: "));
	case MW_CAUSE_WEB_MALWARE:
		return mw_asprintf("suspicious file at %s", or_q(f->path));
	default:
		return NULL;
	}
}

/*
 * The most likely cause, one phrase, followed by every other cause with a
 * critical finding ("; also open relay: ..."), or NULL.
 */
static char *likely_cause(struct mw_report *r, const struct mw_audit_input *in,
			  size_t *cause_count)
{
	static const enum mw_cause order[] = {
		MW_CAUSE_MAILER_SENT, MW_CAUSE_HIJACKED, MW_CAUSE_WEB_MAILER, MW_CAUSE_LOCAL_SENDER, MW_CAUSE_SASL,
		MW_CAUSE_FORWARDER, MW_CAUSE_RELAY, MW_CAUSE_WEB_MALWARE,
	};
	size_t n = mw_report_nfindings(r), i;
	const struct mw_stored_finding *best[MW_CAUSE__COUNT] = { 0 };
	char window[96], *out = NULL, *ph, *joined;
	int primary = -1, webdone = 0;

	window_phrase(in->logs_window, window, sizeof(window));
	for (i = 0; i < n; i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);
		enum mw_cause c = classify(f);

		if (f->severity < MW_SEV_LOW)
			continue;
		cause_count[c]++;
		/* Mail counts decide between correlated senders; otherwise the
		 * report order (severity first) does. */
		if (!best[c] || ((c == MW_CAUSE_MAILER_SENT || c == MW_CAUSE_LOCAL_SENDER) &&
				 dint(f, "messages") > dint(best[c], "messages")))
			best[c] = f;
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum mw_cause c = order[i];
		const struct mw_stored_finding *f = best[c];

		if (c == MW_CAUSE_WEB_MAILER && !f)
			f = best[MW_CAUSE_WEBSHELL];
		if (!f)
			continue;
		/* Besides the first: every critical cause, and SMTP AUTH abuse
		 * (a stolen account) - not what the first already tells: the
		 * correlated mailer's files and senders, the hijacked
		 * mailbox's logins and forwarder. */
		if (primary >= 0 && f->severity < MW_SEV_CRITICAL &&
		    !(c == MW_CAUSE_SASL && f->severity >= MW_SEV_HIGH))
			continue;
		if (primary >= 0 && best[MW_CAUSE_MAILER_SENT] &&
		    (c == MW_CAUSE_WEB_MAILER || c == MW_CAUSE_LOCAL_SENDER))
			continue;
		if (primary >= 0 && best[MW_CAUSE_HIJACKED] && (c == MW_CAUSE_SASL || c == MW_CAUSE_FORWARDER))
			continue;
		if (c == MW_CAUSE_WEB_MAILER) {
			if (webdone)
				continue;
			webdone = 1;
		}
		ph = cause_phrase(c, f, cause_count, best, window);
		if (!ph)
			continue;
		if (primary < 0) {
			primary = (int)c;
			out = ph;
			continue;
		}
		joined = mw_asprintf("%s; also %s", out, ph);
		free(ph);
		if (joined) {
			free(out);
			out = joined;
		}
	}
	return out;
}

static json_t *checks_json(const struct mw_audit_input *in, json_t *failed)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < in->nchecks; i++) {
		const struct mw_audit_check *c = &in->checks[i];

		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o, s:f, s:I}",
						   "name", c->name,
						   "status", mw_audit_status_name(c->status),
						   "argv", mw_json_raw(c->argv),
						   "error", mw_json_raw(c->error),
						   "seconds", c->seconds,
						   "findings", (json_int_t)c->findings));
		if (c->status == MW_AUDIT_FAILED || c->status == MW_AUDIT_NOTIMPL)
			json_array_append_new(failed, json_pack("s+", c->name,
				c->status == MW_AUDIT_NOTIMPL ? " (not implemented)" : " (failed)"));
	}
	return a;
}

static json_t *causes_json(struct mw_report *r)
{
	json_t *groups[MW_CAUSE__COUNT] = { 0 }, *out = json_array();
	int maxsev[MW_CAUSE__COUNT];
	size_t count[MW_CAUSE__COUNT] = { 0 }, n = mw_report_nfindings(r), i;
	char id[MW_FINDING_ID_LEN];

	for (i = 0; i < MW_CAUSE__COUNT; i++)
		maxsev[i] = -1;
	for (i = 0; i < n; i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);
		enum mw_cause c = classify(f);

		if (!groups[c])
			groups[c] = json_array();
		count[c]++;
		if ((int)f->severity > maxsev[c])
			maxsev[c] = (int)f->severity;
		if (json_array_size(groups[c]) < MAX_IDS_PER_CAUSE) {
			mw_finding_id(f, id);
			json_array_append_new(groups[c], json_pack("{s:s, s:o, s:s, s:o}",
				"finding_id", id, "check", mw_json_raw(f->check),
				"severity", mw_severity_name(f->severity),
				"title", mw_json_raw(f->title)));
		}
	}
	for (i = 0; i < MW_CAUSE__COUNT; i++) {
		if (!groups[i])
			continue;
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:I, s:o}",
			"cause", mw_cause_name((enum mw_cause)i), "title", mw_cause_title((enum mw_cause)i),
			"severity", mw_severity_name((enum mw_severity)maxsev[i]),
			"count", (json_int_t)count[i], "findings", groups[i]));
	}
	return out;
}

static json_t *correlations_json(struct mw_report *r)
{
	json_t *out = json_array();
	size_t n = mw_report_nfindings(r), i;
	char id[MW_FINDING_ID_LEN];

	for (i = 0; i < n; i++) {
		const struct mw_stored_finding *f = mw_report_finding(r, i);
		json_t *ev;

		if (strcmp(f->check, "audit") || (classify(f) != MW_CAUSE_MAILER_SENT &&
						   classify(f) != MW_CAUSE_HIJACKED))
			continue;
		mw_finding_id(f, id);
		ev = json_object_get(f->details, "evidence");
		json_array_append_new(out, json_pack("{s:s, s:o, s:o, s:O*}", "finding_id", id,
						     "rule_id", mw_json_raw(f->rule_id),
						     "title", mw_json_raw(f->title), "evidence", ev));
	}
	return out;
}

json_t *mw_audit_summarize(struct mw_report *r, const struct mw_audit_input *in)
{
	struct step st[P__COUNT];
	size_t cause_count[MW_CAUSE__COUNT] = { 0 }, listed = 0, cited = 0, i, nsteps = 0;
	json_t *out = json_object(), *plan = json_array(), *failed = json_array();
	enum mw_audit_status dst = MW_AUDIT_SKIPPED;
	char headline[MW_AUDIT_MAX_HEADLINE], *cause;
	const char *verdict;
	int dnsbl_known;

	memset(st, 0, sizeof(st));
	for (i = 0; i < P__COUNT; i++) {
		st[i].phase = phases[i].name;
		st[i].title = phases[i].title;
		st[i].actions = json_array();
		st[i].commands = json_array();
		st[i].ids = json_array();
	}
	build_steps(r, in, st, &listed, &cited);
	cause = likely_cause(r, in, cause_count);
	json_object_set_new(out, "checks", checks_json(in, failed));
	dnsbl_known = status_of(in, "dnsbl", &dst) != NULL;

	/* Headline: listed?; likely cause; what could not run. */
	headline[0] = '\0';
	if (in->headline_prefix)
		snprintf(headline, sizeof(headline), "%s", in->headline_prefix);
	{
		size_t l = strlen(headline);
		const char *sep = l ? "; " : "";

		if (listed)
			snprintf(headline + l, sizeof(headline) - l, "%slisted on %zu list%s",
				 sep, listed, listed == 1 ? "" : "s");
		else if (cited)
			snprintf(headline + l, sizeof(headline) - l, "%smail refused citing %zu "
				 "blocklist%s", sep, cited, cited == 1 ? "" : "s");
		else if (dnsbl_known && dst == MW_AUDIT_OK && !in->nightly)
			snprintf(headline + l, sizeof(headline) - l,
				 "%snot listed on the checked lists", sep);
		else if (dnsbl_known && (dst == MW_AUDIT_FAILED || dst == MW_AUDIT_NOTIMPL))
			snprintf(headline + l, sizeof(headline) - l,
				 "%sblocklist status unknown", sep);
	}
	{
		size_t l = strlen(headline);
		const char *sep = l ? "; " : "";

		if (cause)
			snprintf(headline + l, sizeof(headline) - l, "%slikely cause: %s", sep, cause);
		else if (mw_report_max_severity(r) >= MW_SEV_LOW && !listed)
			snprintf(headline + l, sizeof(headline) - l, "%sfindings need review", sep);
		else if (!listed && !json_array_size(failed))
			snprintf(headline + l, sizeof(headline) - l, "%sno cause found", sep);
		else if (listed)
			snprintf(headline + l, sizeof(headline) - l, "%sno cause found by the "
				 "checks that ran", sep);
	}
	if (json_array_size(failed)) {
		size_t l = strlen(headline);
		json_t *v;

		snprintf(headline + l, sizeof(headline) - l, "%s%zu check%s could not run: ",
			 l ? "; " : "", json_array_size(failed),
			 json_array_size(failed) == 1 ? "" : "s");
		json_array_foreach(failed, i, v) {
			l = strlen(headline);
			snprintf(headline + l, sizeof(headline) - l, "%s%s", i ? ", " : "",
				 json_string_value(v));
		}
	}
	free(cause);

	if (json_array_size(failed) || mw_report_nerrors(r))
		verdict = listed || cause_count[MW_CAUSE_MAILER_SENT] || cause_count[MW_CAUSE_HIJACKED]
			  ? (listed ? "listed" : "compromised") : "incomplete";
	else if (listed)
		verdict = "listed";
	else if (cause_count[MW_CAUSE_MAILER_SENT] || cause_count[MW_CAUSE_HIJACKED] ||
		 cause_count[MW_CAUSE_WEB_MAILER] || cause_count[MW_CAUSE_WEBSHELL] ||
		 cause_count[MW_CAUSE_LOCAL_SENDER] || cause_count[MW_CAUSE_SASL] || cause_count[MW_CAUSE_RELAY])
		verdict = "compromised";
	else if (mw_report_max_severity(r) >= MW_SEV_LOW)
		verdict = "findings";
	else
		verdict = "clean";

	for (i = 0; i < P__COUNT; i++) {
		step_finish(&st[i]);
		if (!json_array_size(st[i].actions)) {
			json_decref(st[i].actions);
			json_decref(st[i].commands);
			json_decref(st[i].ids);
			continue;
		}
		if (st[i].more)
			push(st[i].actions, mw_asprintf("... and %zu more (see the causes)", st[i].more));
		json_array_append_new(plan, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}",
			"step", (json_int_t)++nsteps, "phase", st[i].phase, "title", st[i].title,
			"actions", st[i].actions, "commands", st[i].commands,
			"finding_ids", st[i].ids));
	}
	json_object_set_new(out, "headline", mw_json_raw(headline));
	json_object_set_new(out, "verdict", json_string(verdict));
	json_object_set_new(out, "mode", json_string(in->nightly ? "nightly" : "full"));
	json_object_set_new(out, "plan", plan);
	json_object_set_new(out, "causes", causes_json(r));
	json_object_set_new(out, "correlations", correlations_json(r));
	json_object_set_new(out, "could_not_run", failed);
	return out;
}
