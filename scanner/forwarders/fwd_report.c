/*
 * The verdict on one destination and the findings of the forwarder audit:
 * external, hidden (per rule), all mail without a local copy, recent,
 * notification, piped; every finding with file metadata, the removal step
 * of its source and a key that keeps audit ids unique.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/limits.h"
#include "reports/report.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_judge.h"
#include "scanner/forwarders/fwd_run.h"

#define CHECK "forwarders"

/* ---- reporting ---- */

/* A JSON string of attacker-written bytes: may be invalid UTF-8, which the
 * report escapes (mw_json_escaped), so jansson must not refuse it. */
json_t *mw_fwd_jstr(const char *s)
{
	return s ? json_stringn_nocheck(s, strlen(s)) : json_null();
}

/* dst = a "/" b; -1 (dst unusable) when it does not fit. */
int mw_fwd_path_join(char *dst, size_t len, const char *a, const char *b)
{
	int n = snprintf(dst, len, "%s/%s", a, b);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

void mw_fwd_real_path(const struct fwd_run *r, const char *path, char *dst,
		      size_t len)
{
	snprintf(dst, len, "%s%s", r->root, path);
}

/* An error about a file of the audited tree, shown with its real path. */
void mw_fwd_error(struct fwd_run *r, const char *path, unsigned long line,
		      enum mw_err code, const char *fmt, ...)
{
	char rp[MW_MAX_PATH], msg[512];
	va_list ap;

	mw_fwd_real_path(r, path, rp, sizeof(rp));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mw_report_error(r->rep, CHECK, rp, line, code, "%s", msg);
}

static void file_meta(struct mw_file_meta *m, const struct stat *st)
{
	memset(m, 0, sizeof(*m));
	if (!st)
		return;
	m->valid = 1;
	m->uid = st->st_uid;
	m->gid = st->st_gid;
	m->mode = st->st_mode;
	m->mtime = (int64_t)st->st_mtime;
	m->size = (int64_t)st->st_size;
}

static const char *removal_step(const char *source)
{
	if (!strcmp(source, "aliases"))
		return "Remove the entry from this aliases file and run newaliases.";
	if (!strcmp(source, "virtual"))
		return "Remove the entry from this table, then run postmap on it "
		       "(not needed for regexp/pcre) and postfix reload.";
	if (!strcmp(source, "cpanel"))
		return "Delete the forwarder/filter in cPanel (Email > Forwarders "
		       "or Email Filters) or remove this line; then reset the "
		       "mailbox password and end its sessions.";
	if (!strcmp(source, "directadmin"))
		return "Delete the forwarder/filter in DirectAdmin (E-Mail Manager "
		       "> Forwarders or Filters) or remove this line; then reset "
		       "the mailbox password and end its sessions.";
	if (!strcmp(source, "sieve"))
		return "Delete the rule from this Sieve script (Roundcube: "
		       "Settings > Filters) or the script itself; then reset the "
		       "mailbox password and end its sessions.";
	if (!strcmp(source, "procmail"))
		return "Remove the recipe from this procmailrc; then reset the "
		       "account password and end its sessions.";
	if (!strcmp(source, "maildrop"))
		return "Remove the to/cc statement from this mailfilter; then "
		       "reset the account password and end its sessions.";
	if (!strcmp(source, "exim-filter"))
		return "Remove the deliver/pipe/mail command from this Exim "
		       "filter; then reset the account password and end its "
		       "sessions.";
	return "Remove the address from this .forward file (or delete the "
	       "file); then reset the account password and end its sessions.";
}

/*
 * The audit's finding id hashes rule, path, owner and destination, not the
 * line (lines move when a file is edited). The second and later findings
 * with the same four (ten parse errors in one file, one address on two
 * lines) get details.key "#2", "#3", ... so that every id stays unique.
 */
static void add_occurrence_key(struct fwd_run *r, json_t *det, const char *rule,
			       const char *path, const char *owner, const char *dest)
{
	char base[MW_MAX_PATH + 2 * FWD_MAX_DEST + 128], key[sizeof(base) + 16];
	unsigned n;

	snprintf(base, sizeof(base), "%s|%s|%s|%s", rule, path, owner ? owner : "",
		 dest ? dest : "");
	if (mw_strset_add(&r->finding_keys, base) != 0)
		return;		/* the first (or out of memory) */
	for (n = 2; n < 1000000; n++) {
		snprintf(key, sizeof(key), "%s#%u", base, n);
		if (mw_strset_add(&r->finding_keys, key) != 0)
			break;
	}
	snprintf(key, sizeof(key), "#%u", n);
	json_object_set_new(det, "key", json_string(key));
}

/* mw_fwd_add_finding, with the login the finding says may be taken over
 * (struct mw_finding's account; NULL: none). */
static void add_finding(struct fwd_run *r, const char *rule,
			enum mw_severity sev, const char *title,
			const char *path, unsigned long line,
			const char *excerpt, const char *remediation,
			const struct stat *st, const char *owner,
			const char *dest, const char *source, json_t *extra,
			const char *account)
{
	struct mw_finding f;
	char rp[MW_MAX_PATH];
	json_t *det = json_object();

	mw_fwd_real_path(r, path, rp, sizeof(rp));
	memset(&f, 0, sizeof(f));
	f.check = CHECK;
	f.rule_id = rule;
	f.severity = sev;
	f.title = title;
	f.path = rp;
	f.line = line;
	f.excerpt = excerpt;
	f.remediation = remediation;
	file_meta(&f.file, st);
	if (det) {
		json_object_set_new(det, "owner", mw_fwd_jstr(owner));
		json_object_set_new(det, "destination", mw_fwd_jstr(dest));
		json_object_set_new(det, "source", json_string(source));
		if (extra)
			json_object_update(det, extra);
		add_occurrence_key(r, det, rule, rp, owner, dest);
	}
	json_decref(extra);
	f.details = det;
	f.cause = MW_CAUSE_FORWARDER;
	f.account = account;
	(void)mw_report_add(r->rep, &f);
	json_decref(det);
}

void mw_fwd_add_finding(struct fwd_run *r, const char *rule,
			enum mw_severity sev, const char *title,
			const char *path, unsigned long line,
			const char *excerpt, const char *remediation,
			const struct stat *st, const char *owner,
			const char *dest, const char *source, json_t *extra)
{
	add_finding(r, rule, sev, title, path, line, excerpt, remediation, st,
		    owner, dest, source, extra, NULL);
}

/*
 * The login behind a forward out of a user's own filter file — .forward,
 * Sieve, procmail, maildrop, an Exim filter, a cPanel mailbox filter —
 * when its owner is a login name (user or user@domain): whoever set the
 * forward up had that login's password, so the audit plans its reset.
 * NULL for what no password reset cures: an alias key, a panel's domain
 * ("shop.example"), "(system filter)", a cPanel domain alias table under
 * /etc/valiases, a name with other characters.
 */
static const char *owner_login(const struct fwd_src *src, const char *path,
			       const char *owner)
{
	static const char *const user_sources[] = {
		"forward", "sieve", "procmail", "maildrop", "exim-filter", "cpanel",
	};
	const char *p;
	size_t i;
	int ok = 0;

	if (!owner || !*owner || !src->source || !strncmp(path, "/etc/valiases/", 14))
		return NULL;
	for (i = 0; i < sizeof(user_sources) / sizeof(user_sources[0]); i++)
		ok |= !strcmp(src->source, user_sources[i]);
	if (!ok)
		return NULL;
	for (p = owner; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._@+-", *p)))
			return NULL;
	return strchr(owner, '@') || !strchr(owner, '.') ? owner : NULL;
}

/* ---- judging ---- */

static int is_recent(const struct fwd_run *r, const struct stat *st)
{
	unsigned days = r->ctx->cfg ? r->ctx->cfg->recent_days : 14;

	return days && (int64_t)st->st_mtime >= r->now - (int64_t)days * 86400;
}

static int is_recent_ctime(const struct fwd_run *r, const struct stat *st)
{
	unsigned days = r->ctx->cfg ? r->ctx->cfg->recent_days : 14;

	return days && (int64_t)st->st_ctime >= r->now - (int64_t)days * 86400;
}

static int is_address_kind(enum fwd_kind k)
{
	return k == FWD_FORWARD || k == FWD_REDIRECT || k == FWD_NOTIFY;
}

static void inventory_add(struct fwd_run *r, const struct fwd_src *src,
			  const char *path, const struct fwd_fact *f,
			  const char *owner, int external, const char *rule)
{
	json_t *o;
	char rp[MW_MAX_PATH];

	r->ndest++;
	if (external)
		r->nexternal++;
	if (!r->list || json_array_size(r->inventory) >= MW_MAX_REPORT_FINDINGS)
		return;
	mw_fwd_real_path(r, path, rp, sizeof(rp));
	o = json_object();
	if (!o)
		return;
	json_object_set_new(o, "owner", mw_fwd_jstr(owner));
	json_object_set_new(o, "source", json_string(src->source));
	json_object_set_new(o, "path", mw_fwd_jstr(rp));
	json_object_set_new(o, "line", json_integer((json_int_t)f->line));
	json_object_set_new(o, "kind", json_string(mw_fwd_kind_name(f->kind)));
	json_object_set_new(o, "destination", mw_fwd_jstr(f->dest));
	json_object_set_new(o, "external", json_boolean(external));
	json_object_set_new(o, "copy", json_boolean(f->copy));
	json_object_set_new(o, "conditional", json_boolean(f->conditional));
	json_object_set_new(o, "disabled", json_boolean(f->disabled || src->inactive));
	json_object_set_new(o, "finding", rule ? json_string(rule) : json_null());
	if (o)
		json_array_append_new(r->inventory, o);
}

/* Formats a user (or an attacker with the user's password) writes: a
 * forward there without a local copy takes the whole mailbox away. */
static int is_user_filter(enum fwd_format fmt)
{
	return fmt == FMT_FORWARD || fmt == FMT_SIEVE || fmt == FMT_PROCMAIL ||
	       fmt == FMT_MAILDROP || fmt == FMT_EXIM_FILTER;
}

/*
 * 1 when the file keeps a local copy besides fact f: a Sieve "keep", or
 * another unconditional delivery that stays here (a local address, a
 * folder that is not trash, a standard delivery program).
 */
static int keeps_local_copy(const struct fwd_run *r, const struct fwd_doc *d,
			    const struct fwd_fact *f)
{
	const struct mw_config *cfg = r->ctx->cfg;
	size_t i;

	if (d->keeps)
		return 1;
	for (i = 0; i < d->nfacts; i++) {
		const struct fwd_fact *g = &d->facts[i];

		if (g == f || g->disabled || g->conditional)
			continue;
		if ((g->kind == FWD_FORWARD || g->kind == FWD_REDIRECT) &&
		    !mw_fwd_address_is_external(g->dest, &r->local,
					     cfg ? &cfg->allowed_forward_domains : NULL))
			return 1;
		if (g->kind == FWD_FILE && !mw_fwd_folder_is_trash(g->dest, strlen(g->dest)))
			return 1;
		if (g->kind == FWD_PIPE && mw_fwd_pipe_is_standard(g->dest))
			return 1;
	}
	return 0;
}

void mw_fwd_judge_fact(struct fwd_run *r, const struct fwd_src *src,
		       const char *path, const struct stat *st,
		       const struct fwd_doc *d, const struct fwd_fact *f)
{
	const struct mw_config *cfg = r->ctx->cfg;
	const char *owner = src->owner ? src->owner : f->key;
	const char *rule = NULL;
	char title[512], dom[256];
	json_t *extra;
	int external = 0, disabled = f->disabled || src->inactive;

	if (is_address_kind(f->kind)) {
		external = mw_fwd_address_is_external(f->dest, &r->local,
						   cfg ? &cfg->allowed_forward_domains : NULL);
		if (mw_fwd_address_domain(f->dest, dom, sizeof(dom)))
			dom[0] = '\0';
	}
	if (external) {
		int notify = f->kind == FWD_NOTIFY;
		int hidden_copy = f->copy && !f->conditional && !disabled &&
				  !notify && mw_fwd_domain_is_freemail(dom);
		/* hidden is decided per rule: an unrelated "devnull:
		 * /dev/null" alias hides nothing of the other aliases */
		const struct fwd_hide *hide = disabled || notify ? NULL :
					      mw_fwd_hide_for(d, f);
		int hidden = hide || hidden_copy;
		int all_mail = !notify && !disabled && !f->copy && !f->conditional &&
			       is_user_filter(src->fmt) && !keeps_local_copy(r, d, f);
		int recent = is_recent(r, st);
		enum mw_severity sev;

		if (disabled) {
			rule = "forwarders.disabled-external";
			sev = MW_SEV_INFO;
			snprintf(title, sizeof(title),
				 "%s rule would %s mail to %s",
				 src->inactive ? "Inactive" : "Disabled",
				 f->kind == FWD_REDIRECT ? "redirect" : "forward",
				 f->dest);
		} else if (hidden) {
			rule = "forwarders.hidden-forward";
			sev = MW_SEV_HIGH;
			if (hide)
				snprintf(title, sizeof(title),
					 "Hidden forward to %s: mail goes out and the "
					 "original is thrown away or kept from the "
					 "mailbox (line %lu)", f->dest, hide->line);
			else
				snprintf(title, sizeof(title),
					 "Hidden forward: a copy of all mail goes "
					 "to the free-mail address %s", f->dest);
		} else if (notify) {
			/* enotify mailto:, Exim "mail to": a notice about the
			 * mail, not the mail */
			rule = "forwarders.external-notify";
			sev = MW_SEV_MEDIUM;
			snprintf(title, sizeof(title), "External notification to %s "
				 "about incoming mail", f->dest);
		} else if (all_mail) {
			rule = "forwarders.forward-all-external";
			sev = MW_SEV_HIGH;
			snprintf(title, sizeof(title), "All mail %s to %s, no local "
				 "copy kept", f->kind == FWD_REDIRECT ? "redirected" :
				 "forwarded", f->dest);
		} else if (recent) {
			rule = "forwarders.recent-external";
			sev = MW_SEV_HIGH;
			snprintf(title, sizeof(title),
				 "External %s to %s added or changed in the "
				 "last %u days", mw_fwd_kind_name(f->kind), f->dest,
				 cfg ? cfg->recent_days : 14);
		} else {
			rule = "forwarders.external";
			sev = MW_SEV_MEDIUM;
			snprintf(title, sizeof(title), "External %s to %s",
				 mw_fwd_kind_name(f->kind), f->dest);
		}
		/* ctime cannot be set back with touch: a recent inode change
		 * under an old mtime hints at a backdated file */
		extra = json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:I, s:b, s:b}",
				  "kind", mw_fwd_kind_name(f->kind),
				  "copy", (int)f->copy,
				  "conditional", (int)f->conditional,
				  "disabled", disabled, "recent", recent,
				  "hidden", hidden,
				  "hide_line", (json_int_t)(hide ? hide->line : 0),
				  "ctime_recent", is_recent_ctime(r, st),
				  "all_mail", all_mail);
		/* a forward of the mail (not a notice, not a disabled rule)
		 * names the login that may be in other hands */
		add_finding(r, rule, sev, title, path, f->line, f->text,
			    removal_step(src->source), st, owner, f->dest,
			    src->source, extra, disabled || notify ? NULL :
			    owner_login(src, path, owner));
	} else if (f->kind == FWD_PIPE && !mw_fwd_pipe_is_standard(f->dest)) {
		rule = disabled ? "forwarders.disabled-pipe" : "forwarders.pipe";
		snprintf(title, sizeof(title),
			 "%sail piped to a program outside the standard MTA "
			 "and panel paths: %s", disabled ? "Disabled rule: m" : "M",
			 f->dest);
		extra = json_pack("{s:s, s:b, s:b}", "kind", "pipe",
				  "copy", (int)f->copy, "disabled", disabled);
		mw_fwd_add_finding(r, rule, disabled ? MW_SEV_INFO : MW_SEV_HIGH,
			    title, path, f->line, f->text,
			    "Find out what the program does before removing the "
			    "pipe; a program that sends mail on is a forwarder.",
			    st, owner, f->dest, src->source, extra);
	}
	if (f->kind != FWD_INCLUDE)
		inventory_add(r, src, path, f, owner, external, rule);
}
