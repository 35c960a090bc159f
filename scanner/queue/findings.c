/*
 * The queue's findings:
 *   queue.spike          the queue holds >= [queue] warn messages (critical
 *                        from crit), and per submitter group (uid, SASL
 *                        login, script, client) that holds >= warn
 *                        messages or >= group_share percent of a queue
 *                        past warn;
 *   queue.web-user-mail  messages a web user (www-data, [general]
 *                        web_users) submitted, with the scripts the
 *                        header names;
 *   queue.backscatter    >= [queue] backscatter bounces (null sender) to
 *                        non-local domains: replies to forged senders.
 * Strings go into the report raw; the report escapes them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strlist.h"
#include "reports/report.h"
#include "scanner/queue/queue_impl.h"

#define MAX_SCRIPTS_SHOWN 16

static json_t *jraw(const char *s)
{
	return s ? mw_json_raw(s) : json_null();
}

static enum mw_err add(struct mw_report *r, struct mw_finding *f)
{
	enum mw_err e;

	f->check = "queue";
	e = mw_report_add(r, f);
	json_decref(f->details);	/* the report keeps its own copy */
	if (e)
		mw_report_set_incomplete(r, "a queue finding could not be recorded");
	return e;
}

/*
 * May s go into a command line the user copies into a shell? Senders and
 * script names are attacker-written: only plain address/file characters.
 */
static int shell_safe(const char *s)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= 'a' && *s <= 'z') || strchr("._@/+:=-", *s)))
			return 0;
	return 1;
}

static const char *who(enum qgroup_kind k)
{
	switch (k) {
	case QG_UID: return "uid";
	case QG_SASL: return "SASL login";
	case QG_SCRIPT: return "script";
	case QG_CLIENT: return "client";
	default: return "sender";
	}
}

static const char *selector_opt(enum qgroup_kind k)
{
	switch (k) {
	case QG_UID: return "--uid";
	case QG_SASL: return "--sasl";
	case QG_SCRIPT: return "--script";
	case QG_CLIENT: return NULL;
	default: return "--sender";
	}
}

static enum mw_err spike_total(struct mw_report *r, const struct qgroups *g,
			       const struct qthresholds *t)
{
	struct mw_finding f;
	char title[160];

	if (g->total < t->warn)
		return MW_OK;
	snprintf(title, sizeof(title), "%zu messages in the mail queue (warn at %u, critical at %u)",
		 g->total, t->warn, t->crit);
	memset(&f, 0, sizeof(f));
	f.rule_id = "queue.spike";
	f.severity = g->total >= t->crit ? MW_SEV_CRITICAL : MW_SEV_HIGH;
	f.title = title;
	f.remediation = "Find who submitted them (the groups of `mailwarden queue`), stop that "
			"sender (script, account), then hold its messages: `mailwarden queue "
			"--hold --uid N|--sasl USER|--script PATH` prints the ids, --apply holds "
			"them; delete them once reviewed, before asking for delisting.";
	f.details = json_pack("{s:I, s:I, s:I, s:I}", "messages", (json_int_t)g->total,
			      "bytes", (json_int_t)g->bytes, "warn", (json_int_t)t->warn,
			      "crit", (json_int_t)t->crit);
	return add(r, &f);
}

static enum mw_err spike_groups(struct mw_report *r, const struct qgroups *g,
				const struct qthresholds *t)
{
	static const enum qgroup_kind kinds[] = { QG_UID, QG_SASL, QG_SCRIPT, QG_CLIENT, QG_SENDER };
	size_t i, k;
	enum mw_err e;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		/* senders only when no submitter is known: otherwise the
		 * uid or SASL group is the same mail under a better name */
		if (kinds[k] == QG_SENDER && g->inspected)
			continue;
		for (i = 0; i < g->n[kinds[k]]; i++) {
			const struct qgroup *q = &g->g[kinds[k]][i];
			unsigned share = (unsigned)(q->count * 100 / (g->total ? g->total : 1));
			struct mw_finding f;
			char title[512], fix[512];
			const char *opt = selector_opt(kinds[k]);

			if (kinds[k] == QG_SENDER && strcmp(q->key, "<>") == 0)
				continue;	/* bounces: queue.backscatter */
			if (q->count < t->warn && !(g->total >= t->warn && share >= t->group_share))
				continue;
			snprintf(title, sizeof(title),
				 "%s %.200s submitted %zu of %zu queued messages (%u%%)",
				 who(kinds[k]), q->key, q->count, g->total, share);
			if (opt && shell_safe(q->key))
				snprintf(fix, sizeof(fix),
					 "Stop this submitter, then `mailwarden queue --hold %s %.200s` "
					 "(review the ids; add --apply) and --delete once reviewed.",
					 opt, q->key);
			else if (opt)	/* never a sender's bytes in a command to paste */
				snprintf(fix, sizeof(fix),
					 "Stop this submitter, then `mailwarden queue --hold %s VALUE` "
					 "with the value above, quoted (review the ids; add --apply), "
					 "and --delete once reviewed.", opt);
			else
				snprintf(fix, sizeof(fix), "Block this client or its account; hold its "
					 "messages by --sender or --id (`mailwarden queue`).");
			memset(&f, 0, sizeof(f));
			f.rule_id = "queue.spike";
			if (kinds[k] == QG_SASL)
				f.cause = MW_CAUSE_SASL;
			f.severity = q->count >= t->crit ? MW_SEV_CRITICAL : MW_SEV_HIGH;
			f.title = title;
			f.remediation = fix;
			if (kinds[k] == QG_SCRIPT)
				f.path = q->key;
			if (kinds[k] == QG_CLIENT)
				f.ip = q->key;
			f.details = json_pack("{s:s, s:o, s:I, s:I, s:I}",
					      "group", mw_qgroup_kind_name(kinds[k]), "key", jraw(q->key),
					      "messages", (json_int_t)q->count,
					      "queue_messages", (json_int_t)g->total,
					      "share_percent", (json_int_t)share);
			if ((e = add(r, &f)))
				return e;
		}
	}
	return MW_OK;
}

static int is_web_user(const char *user, const struct mw_config *cfg,
		       const struct mw_strlist *pool_users)
{
	if (!user)
		return 0;
	if (strcmp(user, "www-data") == 0)
		return 1;
	if (pool_users && mw_strlist_contains(pool_users, user, 0))
		return 1;
	return cfg && mw_strlist_contains(&cfg->web_users, user, 0);
}

struct script_count {
	const char *script;
	size_t n;
};

/* The scripts of one uid's messages, largest first (at most
 * MAX_SCRIPTS_SHOWN, the rest counted as "other"). */
static size_t scripts_of(const struct qlist *l, long uid, struct script_count *sc,
			 size_t *other, size_t *unnamed)
{
	size_t i, j, n = 0;

	*other = *unnamed = 0;
	for (i = 0; i < l->n; i++) {
		const struct qmsg *m = &l->m[i];

		if (m->uid != uid)
			continue;
		if (!m->script) {
			(*unnamed)++;
			continue;
		}
		for (j = 0; j < n && strcmp(sc[j].script, m->script) != 0; j++)
			;
		if (j < n)
			sc[j].n++;
		else if (n < MAX_SCRIPTS_SHOWN)
			sc[n++] = (struct script_count){ m->script, 1 };
		else
			(*other)++;
	}
	for (i = 1; i < n; i++)	/* a few entries: insertion sort */
		for (j = i; j > 0 && (sc[j].n > sc[j - 1].n ||
				      (sc[j].n == sc[j - 1].n &&
				       strcmp(sc[j].script, sc[j - 1].script) < 0)); j--) {
			struct script_count tmp = sc[j];

			sc[j] = sc[j - 1];
			sc[j - 1] = tmp;
		}
	return n;
}

static enum mw_err web_user_mail(struct mw_report *r, const struct qlist *l,
				 const struct qgroups *g, const struct mw_config *cfg,
				 const struct mw_strlist *pool_users)
{
	size_t i, j;
	enum mw_err e;

	for (i = 0; i < g->n[QG_UID]; i++) {
		const struct qgroup *q = &g->g[QG_UID][i];
		struct script_count sc[MAX_SCRIPTS_SHOWN];
		const char *user = NULL;
		size_t n, other, unnamed;
		struct mw_finding f;
		char title[512];
		json_t *scripts;

		for (j = 0; j < l->n && !user; j++)
			if (l->m[j].uid == q->uid)
				user = l->m[j].user;
		if (!is_web_user(user, cfg, pool_users))
			continue;
		n = scripts_of(l, q->uid, sc, &other, &unnamed);
		scripts = json_array();
		for (j = 0; j < n; j++)
			json_array_append_new(scripts, json_pack("{s:o, s:I}", "script",
								 jraw(sc[j].script),
								 "messages", (json_int_t)sc[j].n));
		if (n)
			snprintf(title, sizeof(title),
				 "%zu queued message%s submitted by web user %.64s (uid %ld), "
				 "script %.200s%s", q->count, q->count == 1 ? "" : "s", user,
				 q->uid, sc[0].script, n > 1 || other ? " and others" : "");
		else
			snprintf(title, sizeof(title),
				 "%zu queued message%s submitted by web user %.64s (uid %ld), "
				 "no script named", q->count, q->count == 1 ? "" : "s", user, q->uid);
		memset(&f, 0, sizeof(f));
		f.rule_id = "queue.web-user-mail";
		f.cause = MW_CAUSE_LOCAL_SENDER;
		f.severity = MW_SEV_HIGH;
		f.title = title;
		f.path = n ? sc[0].script : NULL;
		f.remediation = "A web user sends mail: find the script (`mailwarden scan`, the "
				"X-PHP-Originating-Script header names it as PHP saw it), quarantine "
				"it, hold these messages (`mailwarden queue --hold --uid N`), and "
				"keep web users away from SMTP (`mailwarden firewall --apply`).";
		f.details = json_pack("{s:I, s:o, s:I, s:o, s:I, s:I}", "uid", (json_int_t)q->uid,
				      "user", jraw(user), "messages", (json_int_t)q->count,
				      "scripts", scripts, "without_script", (json_int_t)unnamed,
				      "other_scripts", (json_int_t)other);
		if ((e = add(r, &f)))
			return e;
	}
	return MW_OK;
}

static int local_domain(const char *d, const struct mw_config *cfg)
{
	return strcmp(d, "(local)") == 0 || strcmp(d, "localhost") == 0 ||
	       (cfg && mw_strlist_contains(&cfg->local_domains, d, 1));
}

static enum mw_err backscatter(struct mw_report *r, const struct qlist *l,
			       const struct qthresholds *t, const struct mw_config *cfg)
{
	size_t i, n = 0;
	unsigned d;
	struct mw_finding f;
	char title[160];
	const char *example = NULL;

	for (i = 0; i < l->n; i++) {
		const struct qmsg *m = &l->m[i];

		if (!mw_qmsg_is_bounce(m))
			continue;
		for (d = 0; d < m->n_domains; d++)
			if (!local_domain(m->domains[d], cfg))
				break;
		if (d == m->n_domains)
			continue;
		n++;
		if (!example)
			example = m->domains[d];
	}
	if (n < t->backscatter)
		return MW_OK;
	snprintf(title, sizeof(title),
		 "%zu bounces queued to remote senders (backscatter to forged addresses)", n);
	memset(&f, 0, sizeof(f));
	f.rule_id = "queue.backscatter";
	f.severity = MW_SEV_MEDIUM;
	f.title = title;
	f.remediation = "Reject unknown recipients during SMTP instead of bouncing later "
			"(Postfix: local_recipient_maps / reject_unverified_recipient; Exim: "
			"verify = recipient), then delete the queued bounces: "
			"`mailwarden queue --delete --sender '<>' --apply`.";
	f.details = json_pack("{s:I, s:o}", "bounces", (json_int_t)n,
			      "example_domain", jraw(example));
	return add(r, &f);
}

enum mw_err mw_queue_findings(struct mw_report *r, const struct qlist *l,
			      const struct qgroups *g, const struct qthresholds *t,
			      const struct mw_config *cfg,
			      const struct mw_strlist *pool_users)
{
	enum mw_err e;

	if ((e = spike_total(r, g, t)) || (e = spike_groups(r, g, t)) ||
	    (e = web_user_mail(r, l, g, cfg, pool_users)) || (e = backscatter(r, l, t, cfg)))
		return e;
	return MW_OK;
}
