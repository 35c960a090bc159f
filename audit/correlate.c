/*
 * Cross-check correlation. The report holds the original bytes, so the
 * strings compared here are what the checks saw; JSON made from them goes
 * through mw_json_raw (a path need not be UTF-8).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "audit/audit.h"

/* A string detail, or NULL. */
static const char *detail_str(const struct mw_stored_finding *f, const char *key)
{
	json_t *v = f->details ? json_object_get(f->details, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Strip PHP's "UID:" prefix of X-PHP-Originating-Script values. */
static const char *script_name(const char *s)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	return p > s && *p == ':' ? p + 1 : s;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* 1 when dir (no trailing slash needed) is the directory holding path. */
static int is_parent_dir(const char *dir, const char *path)
{
	size_t dl = strlen(dir), pl = strlen(path);

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (dl >= pl || strncmp(dir, path, dl) != 0 || path[dl] != '/')
		return 0;
	return strchr(path + dl + 1, '/') == NULL;
}

/* 1 when the relative script path s names path (a suffix on a '/'). */
static int is_path_suffix(const char *s, const char *path)
{
	size_t sl = strlen(s), pl = strlen(path);

	return sl < pl && path[pl - sl - 1] == '/' && strcmp(path + pl - sl, s) == 0;
}

/* Does the logs finding's sender identity own the file? */
static int same_owner(const struct mw_stored_finding *logf,
		      const struct mw_stored_finding *scanf)
{
	json_t *uid = json_object_get(logf->details, "uid");
	const char *user = detail_str(logf, "user");

	if (!scanf->file.valid)
		return 0;
	if (json_is_integer(uid) && json_integer_value(uid) == (json_int_t)scanf->file.uid)
		return 1;
	return user && scanf->owner && strcmp(user, scanf->owner) == 0;
}

enum match_kind { MATCH_NONE = 0, MATCH_NAME_OWNER, MATCH_CWD, MATCH_PATH };

static const char *const match_names[] = {
	"none", "script name and file owner", "working directory", "script path",
};

/*
 * How strongly a logs finding about locally submitted mail points at the
 * file of a scan finding. Bare script names (PHP puts only the basename
 * into X-PHP-Originating-Script) count only together with the file owner.
 */
static enum match_kind match_script(const struct mw_stored_finding *logf,
				    const struct mw_stored_finding *scanf,
				    const char **what)
{
	json_t *scripts = json_object_get(logf->details, "scripts");
	json_t *cwds = json_object_get(logf->details, "cwds");
	enum match_kind best = MATCH_NONE;
	json_t *v;
	size_t i;

	json_array_foreach(scripts, i, v) {
		const char *s;

		/* queue.web-user-mail: [{"script", "messages"}] */
		if (json_is_object(v))
			v = json_object_get(v, "script");
		if (!json_is_string(v))
			continue;
		s = script_name(json_string_value(v));
		if (strchr(s, '/')) {
			if (strcmp(s, scanf->path) == 0 || is_path_suffix(s, scanf->path)) {
				*what = json_string_value(v);
				return MATCH_PATH;
			}
		} else if (*s && strcmp(s, base_name(scanf->path)) == 0 &&
			   same_owner(logf, scanf) && best < MATCH_NAME_OWNER) {
			best = MATCH_NAME_OWNER;
			*what = json_string_value(v);
		}
	}
	json_array_foreach(cwds, i, v) {
		if (json_is_string(v) && is_parent_dir(json_string_value(v), scanf->path) &&
		    best < MATCH_CWD) {
			best = MATCH_CWD;
			*what = json_string_value(v);
		}
	}
	return best;
}

/* Mail that local or web users submitted: the logs' findings, and what
 * another check (the queue's web-user mail, still queued: the plan holds
 * it) says is a local sender. */
static int is_local_submission(const struct mw_stored_finding *f)
{
	return (strcmp(f->check, "logs") == 0 || f->cause == MW_CAUSE_LOCAL_SENDER) &&
	       f->details &&
	       (json_object_get(f->details, "scripts") ||
		json_object_get(f->details, "cwds"));
}

static json_t *evidence_entry(const struct mw_stored_finding *f)
{
	char id[MW_FINDING_ID_LEN];

	mw_finding_id(f, id);
	return json_pack("{s:s, s:o, s:o, s:o}", "finding_id", id, "check", mw_json_raw(f->check),
			 "rule_id", mw_json_raw(f->rule_id), "title", mw_json_raw(f->title));
}

/* A correlation finding waiting to be added (the report re-sorts on add). */
struct pending {
	struct mw_finding f;
	char *title, *path, *remediation;
	json_t *details;
};

static void pending_free(struct pending *p)
{
	free(p->title);
	free(p->path);
	free(p->remediation);
	json_decref(p->details);
}

/* 1 when everything p needs was allocated, else -1. */
static int pending_ready(struct pending *p)
{
	if (!p->title || !p->remediation || !p->details)
		return -1;
	p->f.title = p->title;
	p->f.path = p->path;
	p->f.remediation = p->remediation;
	p->f.details = p->details;
	return 1;
}

/*
 * Mails of one script from a logs finding: a PHP mail.log finding is about
 * one script (its messages); a web-user finding counts per script in
 * details.script_counts. what is the matched script or directory. -1 when
 * the finding does not say (a working-directory match only).
 */
static long long script_messages(const struct mw_stored_finding *logf,
				 enum match_kind m, const char *what)
{
	json_t *counts = json_object_get(logf->details, "script_counts");
	json_t *scripts = json_object_get(logf->details, "scripts");
	json_t *msgs = json_object_get(logf->details, "messages");
	json_t *v;
	size_t i;

	if (m == MATCH_CWD || m == MATCH_NONE)
		return -1;
	if (!counts && json_is_object(json_array_get(scripts, 0)))
		counts = scripts;	/* the queue's [{"script", "messages"}] */
	if (!counts && json_array_size(scripts) == 1 && json_is_integer(msgs))
		return (long long)json_integer_value(msgs);
	json_array_foreach(counts, i, v)
		if (json_is_string(json_object_get(v, "script")) &&
		    strcmp(json_string_value(json_object_get(v, "script")), what) == 0 &&
		    json_is_integer(json_object_get(v, "messages")))
			return (long long)json_integer_value(json_object_get(v, "messages"));
	return -1;
}

/*
 * One correlation per file (issue 18 item 18): every scan finding on path
 * (scans[0..nscans), the first the most severe) against every logs finding
 * about local submissions. The mails counted are the file's own (its
 * script's count, the largest one any logs finding gives: PHP mail.log and
 * the X-PHP-Originating-Script header count the same mails), never the
 * total of the user it ran as. Returns 1 with p filled, 0 when no logs
 * finding points at the file, -1 on allocation failure.
 */
static int correlate_file(struct mw_report *r, size_t nall,
			  const struct mw_stored_finding *const *scans, size_t nscans,
			  struct pending *p)
{
	const struct mw_stored_finding *scanf = scans[0];
	enum match_kind best = MATCH_NONE;
	const char *best_what = "", *user = NULL;
	long long msgs = -1;
	json_t *evidence = json_array();
	char key[MW_MAX_PATH + 8], *who;
	size_t i;

	if (!evidence)
		return -1;
	for (i = 0; i < nall; i++) {
		const struct mw_stored_finding *logf = mw_report_finding(r, i);
		const char *what = "";
		enum match_kind m;
		long long c;

		if (!is_local_submission(logf))
			continue;
		m = match_script(logf, scanf, &what);
		if (m == MATCH_NONE)
			continue;
		json_array_append_new(evidence, evidence_entry(logf));
		c = script_messages(logf, m, what);
		if (c > msgs)
			msgs = c;
		if (m > best) {
			best = m;
			best_what = what;
		}
		if (!user && detail_str(logf, "user"))
			user = detail_str(logf, "user");
	}
	if (best == MATCH_NONE) {
		json_decref(evidence);
		return 0;
	}
	for (i = 0; i < nscans; i++)
		json_array_append_new(evidence, evidence_entry(scans[i]));
	/* who the file sends as: the log's user, else the file's owner */
	if (!user)
		user = scanf->owner;
	who = user ? mw_asprintf("as %s", user) : strdup("as unknown owner");
	memset(p, 0, sizeof(*p));
	snprintf(key, sizeof(key), "file:%s", scanf->path);
	if (msgs >= 0)
		p->title = mw_asprintf("%s sent %lld mails %s (matched by %s)", scanf->path,
				     msgs, who ? who : "", match_names[best]);
	else
		p->title = mw_asprintf("%s sent mail %s (matched by %s)", scanf->path,
				     who ? who : "", match_names[best]);
	free(who);
	p->path = strdup(scanf->path);
	p->remediation = strdup("Stop the sender first (suspend the site or its PHP pool), "
				"then quarantine the file and hold or delete its queued mail.");
	p->details = json_pack("{s:o, s:s, s:o, s:o, s:o, s:o}", "key", mw_json_raw(key),
			       "match", match_names[best], "matched", mw_json_raw(best_what),
			       "messages", msgs >= 0 ? json_integer(msgs) : json_null(),
			       "user", mw_json_raw(user ? user : "unknown owner"),
			       "evidence", evidence);
	p->f.check = "audit";
	p->f.rule_id = "audit.mailer-sent-mail";
	p->f.cause = MW_CAUSE_MAILER_SENT;
	p->f.severity = best == MATCH_NAME_OWNER ? MW_SEV_HIGH : MW_SEV_CRITICAL;
	p->f.title = p->title;
	p->f.path = p->path;
	p->f.remediation = p->remediation;
	p->f.file = scanf->file;
	p->f.details = p->details;
	if (!p->path)
		return -1;
	return pending_ready(p);
}

/* "info@example.org" and "info" name the same mailbox owner. */
static int same_mailbox(const char *sasl, const char *owner)
{
	const char *sa = strchr(sasl, '@'), *oa = strchr(owner, '@');
	size_t sl = sa ? (size_t)(sa - sasl) : strlen(sasl);
	size_t ol = oa ? (size_t)(oa - owner) : strlen(owner);

	if (strcmp(sasl, owner) == 0)
		return 1;
	if (sa && oa)	/* both qualified: the domains must agree too */
		return 0;
	return sl == ol && sl > 0 && strncmp(sasl, owner, sl) == 0;
}

static int correlate_mailbox(const struct mw_stored_finding *logf,
			     const struct mw_stored_finding *fwdf,
			     struct pending *p)
{
	const char *sasl = detail_str(logf, "sasl_username");
	const char *owner = detail_str(fwdf, "owner");
	const char *dest = detail_str(fwdf, "destination");
	json_t *ips = json_object_get(logf->details, "ips");
	char key[MW_FINDING_ID_LEN * 2 + 2];
	char lid[MW_FINDING_ID_LEN], fid[MW_FINDING_ID_LEN];

	if (!sasl || !owner || !same_mailbox(sasl, owner))
		return 0;
	memset(p, 0, sizeof(*p));
	mw_finding_id(logf, lid);
	mw_finding_id(fwdf, fid);
	snprintf(key, sizeof(key), "%s+%s", lid, fid);
	if (json_is_integer(ips))
		p->title = mw_asprintf("mailbox %s is hijacked: SMTP AUTH from %" JSON_INTEGER_FORMAT
				     " IPs and an external forwarder to %s", sasl,
				     json_integer_value(ips), dest ? dest : "?");
	else
		p->title = mw_asprintf("mailbox %s is hijacked: SMTP AUTH abuse and an external "
				     "forwarder to %s", sasl, dest ? dest : "?");
	p->path = fwdf->path ? strdup(fwdf->path) : NULL;
	p->remediation = strdup("Reset the account's password and end its sessions, then "
				"remove the forwarder/filter the attacker added.");
	p->details = json_pack("{s:s, s:o, s:o, s:o, s:[o, o]}", "key", key,
			       "sasl_username", mw_json_raw(sasl), "owner", mw_json_raw(owner),
			       "destination", mw_json_raw(dest),
			       "evidence", evidence_entry(logf), evidence_entry(fwdf));
	p->f.check = "audit";
	p->f.rule_id = "audit.hijacked-mailbox";
	p->f.cause = MW_CAUSE_HIJACKED;
	p->f.severity = MW_SEV_CRITICAL;
	p->f.title = p->title;
	p->f.path = p->path;
	p->f.remediation = p->remediation;
	p->f.details = p->details;
	if (fwdf->path && !p->path)
		return -1;
	return pending_ready(p);
}

size_t mw_audit_correlate(struct mw_report *r)
{
	size_t n = mw_report_nfindings(r), i, j, added = 0, np = 0, nscans;
	const struct mw_stored_finding **scans;
	struct pending *pend;
	json_t *done;
	int rc;

	if (n == 0)
		return 0;
	pend = calloc(MW_AUDIT_MAX_CORRELATIONS, sizeof(*pend));
	scans = calloc(n, sizeof(*scans));
	done = json_object();
	if (!pend || !scans || !done) {
		free(pend);
		free(scans);
		json_decref(done);
		return 0;
	}
	/* Mailers: one correlation per file, whatever number of scan and
	 * logs findings name it. The report is sorted by severity, so the
	 * first scan finding of a path is its most severe. */
	for (i = 0; i < n && np < MW_AUDIT_MAX_CORRELATIONS; i++) {
		const struct mw_stored_finding *a = mw_report_finding(r, i);

		/* info findings are context ("mail() with request input":
		 * every contact form), never a sender to stop */
		if (strcmp(a->check, "scan") != 0 || !a->path || a->severity < MW_SEV_LOW ||
		    json_object_get(done, a->path))
			continue;
		json_object_set_new_nocheck(done, a->path, json_true());
		nscans = 0;
		for (j = i; j < n; j++) {
			const struct mw_stored_finding *b = mw_report_finding(r, j);

			if (!strcmp(b->check, "scan") && b->path && !strcmp(b->path, a->path) &&
			    b->severity >= MW_SEV_LOW)
				scans[nscans++] = b;
		}
		rc = correlate_file(r, n, scans, nscans, &pend[np]);
		if (rc > 0)
			np++;
		else if (rc < 0)
			pending_free(&pend[np]);
	}
	for (i = 0; i < n && np < MW_AUDIT_MAX_CORRELATIONS; i++) {
		const struct mw_stored_finding *a = mw_report_finding(r, i);

		if (strcmp(a->check, "logs") != 0 || !a->details)
			continue;
		for (j = 0; j < n && np < MW_AUDIT_MAX_CORRELATIONS; j++) {
			const struct mw_stored_finding *b = mw_report_finding(r, j);

			if (strcmp(b->check, "forwarders") != 0 || !b->details)
				continue;
			rc = correlate_mailbox(a, b, &pend[np]);
			if (rc > 0)
				np++;
			else if (rc < 0)
				pending_free(&pend[np]);
		}
	}
	/* Adding re-sorts the report, so add only after the walk. */
	for (i = 0; i < np; i++) {
		if (mw_report_add(r, &pend[i].f) == MW_OK)
			added++;
		pending_free(&pend[i]);
	}
	free(pend);
	free(scans);
	json_decref(done);
	return added;
}
