/*
 * `mailwarden forwarders [--root DIR] [--list]`: find every place where mail
 * can leave this host by forwarding (aliases, virtual maps, .forward, Exim
 * filters, Sieve, procmail, maildrop, cPanel and DirectAdmin forwarders and
 * filters), judge each destination against the local domains, and report
 * external, recent, hidden and piped ones. Files are opened beneath the
 * audited root without following symlinks, read capped, parsed from memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/progress.h"
#include "core/safefile.h"
#include "reports/report.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_judge.h"
#include "scanner/forwarders/fwd_run.h"
#include "scanner/forwarders/fwd_util.h"

#define CHECK "forwarders"

/* How a file is parsed, and what it is called in the report. */
enum fwd_format {
	FMT_ALIASES, FMT_LIST, FMT_VIRTUAL, FMT_REGEXP, FMT_FORWARD,
	FMT_EXIM_FILTER, FMT_SIEVE, FMT_PROCMAIL, FMT_MAILDROP
};

struct fwd_src {
	enum fwd_format fmt;
	const char *source;	/* "aliases", "sieve", ... (details.source) */
	const char *owner;	/* mailbox user; NULL: the alias key */
	long uid;		/* owning user, -1 for system files */
	long gid;		/* the user's primary group, -1 unknown */
	const char *home;	/* for ~, $HOME and relative includes */
	const char *sieve_dir;	/* personal Sieve scripts of this user */
	int user_file;		/* per-user file: ownership/mode checked */
	int depth;		/* include depth */
	int inactive;		/* Sieve script that is not the active one */
	long require_uid;	/* include from a user file: owner must match */
	const char *inc_from;	/* the file that included this one */
	unsigned long inc_line;
	const char *inc_text;
};

struct user {
	char *name;
	long uid, gid;
	char *home;
};

/* ---- reporting ---- */

/* A JSON string of attacker-written bytes: may be invalid UTF-8, which the
 * report escapes (mw_json_escaped), so jansson must not refuse it. */
static json_t *jstr(const char *s)
{
	return s ? json_stringn_nocheck(s, strlen(s)) : json_null();
}

/* dst = a "/" b; -1 (dst unusable) when it does not fit. */
static int path_join(char *dst, size_t len, const char *a, const char *b)
{
	int n = snprintf(dst, len, "%s/%s", a, b);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void real_path(const struct fwd_run *r, const char *path, char *dst,
		      size_t len)
{
	snprintf(dst, len, "%s%s", r->root, path);
}

/* An error about a file of the audited tree, shown with its real path. */
static void fwd_error(struct fwd_run *r, const char *path, unsigned long line,
		      enum mw_err code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void fwd_error(struct fwd_run *r, const char *path, unsigned long line,
		      enum mw_err code, const char *fmt, ...)
{
	char rp[MW_MAX_PATH], msg[512];
	va_list ap;

	real_path(r, path, rp, sizeof(rp));
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

static void add_finding(struct fwd_run *r, const char *rule,
			enum mw_severity sev, const char *title,
			const char *path, unsigned long line,
			const char *excerpt, const char *remediation,
			const struct stat *st, const char *owner,
			const char *dest, const char *source, json_t *extra)
{
	struct mw_finding f;
	char rp[MW_MAX_PATH];
	json_t *det = json_object();

	real_path(r, path, rp, sizeof(rp));
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
		json_object_set_new(det, "owner", jstr(owner));
		json_object_set_new(det, "destination", jstr(dest));
		json_object_set_new(det, "source", json_string(source));
		if (extra)
			json_object_update(det, extra);
		add_occurrence_key(r, det, rule, rp, owner, dest);
	}
	json_decref(extra);
	f.details = det;
	(void)mw_report_add(r->rep, &f);
	json_decref(det);
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
	real_path(r, path, rp, sizeof(rp));
	o = json_object();
	if (!o)
		return;
	json_object_set_new(o, "owner", jstr(owner));
	json_object_set_new(o, "source", json_string(src->source));
	json_object_set_new(o, "path", jstr(rp));
	json_object_set_new(o, "line", json_integer((json_int_t)f->line));
	json_object_set_new(o, "kind", json_string(fwd_kind_name(f->kind)));
	json_object_set_new(o, "destination", jstr(f->dest));
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
		    !fwd_address_is_external(g->dest, &r->local,
					     cfg ? &cfg->allowed_forward_domains : NULL))
			return 1;
		if (g->kind == FWD_FILE && !fwd_folder_is_trash(g->dest, strlen(g->dest)))
			return 1;
		if (g->kind == FWD_PIPE && fwd_pipe_is_standard(g->dest))
			return 1;
	}
	return 0;
}

static void judge_fact(struct fwd_run *r, const struct fwd_src *src,
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
		external = fwd_address_is_external(f->dest, &r->local,
						   cfg ? &cfg->allowed_forward_domains : NULL);
		if (fwd_address_domain(f->dest, dom, sizeof(dom)))
			dom[0] = '\0';
	}
	if (external) {
		int notify = f->kind == FWD_NOTIFY;
		int hidden_copy = f->copy && !f->conditional && !disabled &&
				  !notify && fwd_domain_is_freemail(dom);
		/* hidden is decided per rule: an unrelated "devnull:
		 * /dev/null" alias hides nothing of the other aliases */
		const struct fwd_hide *hide = disabled || notify ? NULL :
					      fwd_hide_for(d, f);
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
				 "last %u days", fwd_kind_name(f->kind), f->dest,
				 cfg ? cfg->recent_days : 14);
		} else {
			rule = "forwarders.external";
			sev = MW_SEV_MEDIUM;
			snprintf(title, sizeof(title), "External %s to %s",
				 fwd_kind_name(f->kind), f->dest);
		}
		/* ctime cannot be set back with touch: a recent inode change
		 * under an old mtime hints at a backdated file */
		extra = json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:I, s:b, s:b}",
				  "kind", fwd_kind_name(f->kind),
				  "copy", (int)f->copy,
				  "conditional", (int)f->conditional,
				  "disabled", disabled, "recent", recent,
				  "hidden", hidden,
				  "hide_line", (json_int_t)(hide ? hide->line : 0),
				  "ctime_recent", is_recent_ctime(r, st),
				  "all_mail", all_mail);
		add_finding(r, rule, sev, title, path, f->line, f->text,
			    removal_step(src->source), st, owner, f->dest,
			    src->source, extra);
	} else if (f->kind == FWD_PIPE && !fwd_pipe_is_standard(f->dest)) {
		rule = disabled ? "forwarders.disabled-pipe" : "forwarders.pipe";
		snprintf(title, sizeof(title),
			 "%sail piped to a program outside the standard MTA "
			 "and panel paths: %s", disabled ? "Disabled rule: m" : "M",
			 f->dest);
		extra = json_pack("{s:s, s:b, s:b}", "kind", "pipe",
				  "copy", (int)f->copy, "disabled", disabled);
		add_finding(r, rule, disabled ? MW_SEV_INFO : MW_SEV_HIGH,
			    title, path, f->line, f->text,
			    "Find out what the program does before removing the "
			    "pipe; a program that sends mail on is a forwarder.",
			    st, owner, f->dest, src->source, extra);
	}
	if (f->kind != FWD_INCLUDE)
		inventory_add(r, src, path, f, owner, external, rule);
}

/* ---- sources ---- */

static int seen_before(struct fwd_run *r, const char *path)
{
	/* on allocation failure a file may be read twice: harmless */
	return mw_strset_add(&r->seen, path) == 0;
}

/* 1 when the last component of path is a symlink (not a directory above). */
static int last_is_symlink(struct fwd_run *r, const char *path, char *target,
			   size_t tlen)
{
	char dir[MW_MAX_PATH];
	const char *slash = strrchr(path, '/');
	struct stat st;
	int fd, rc = 0;
	ssize_t n;

	if (!slash)
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (mw_open_beneath(r->rootfd, dir[0] ? dir : "/", 1, &fd, NULL))
		return 0;
	if (fstatat(fd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode)) {
		rc = 1;
		if (target && tlen) {
			n = readlinkat(fd, slash + 1, target, tlen - 1);
			target[n > 0 ? n : 0] = '\0';
		}
	}
	close(fd);
	return rc;
}

static void process_file(struct fwd_run *r, const char *path,
			 const struct fwd_src *src);

/* Expand ~, $HOME, ${HOME} at the start and make relative paths home-based. */
static int resolve_user_path(const struct fwd_src *src, const char *p,
			     char *dst, size_t len)
{
	const char *home = src->home ? src->home : "";

	if (p[0] == '~' && (p[1] == '/' || !p[1]))
		return snprintf(dst, len, "%s%s", home, p + 1) >= (int)len ? -1 : 0;
	if (!strncmp(p, "${HOME}", 7))
		return snprintf(dst, len, "%s%s", home, p + 7) >= (int)len ? -1 : 0;
	if (!strncmp(p, "$HOME", 5))
		return snprintf(dst, len, "%s%s", home, p + 5) >= (int)len ? -1 : 0;
	if (strchr(p, '$') || strchr(p, '`'))
		return -1;
	if (p[0] == '/')
		return snprintf(dst, len, "%s", p) >= (int)len ? -1 : 0;
	if (!src->home)
		return -1;
	return snprintf(dst, len, "%s/%s", home, p) >= (int)len ? -1 : 0;
}

static void follow_include(struct fwd_run *r, const struct fwd_src *src,
			   const char *path, const struct stat *st,
			   const struct fwd_fact *f)
{
	struct fwd_src inc = *src;
	char p[MW_MAX_PATH];

	if (f->disabled || src->depth >= FWD_MAX_INCLUDE_DEPTH) {
		if (!f->disabled)
			fwd_error(r, path, f->line, MW_ERR_LIMIT,
					"includes nested deeper than %d; not followed",
					FWD_MAX_INCLUDE_DEPTH);
		return;
	}
	inc.depth++;
	inc.user_file = 0;
	inc.inc_from = path;
	inc.inc_line = f->line;
	inc.inc_text = f->text;
	/* a file owned by a user may only pull in that user's files:
	 * otherwise ":include:/etc/shadow" would make root read it */
	inc.require_uid = st->st_uid != 0 ? (long)st->st_uid : src->require_uid;
	switch (src->fmt) {
	case FMT_ALIASES:
	case FMT_LIST:
	case FMT_VIRTUAL:
	case FMT_FORWARD:
		inc.fmt = FMT_LIST;
		if (f->dest[0] != '/') {
			mw_report_note(r->rep, CHECK, "%s%s:%lu: relative "
				       ":include: not followed", r->root, path,
				       f->line);
			return;
		}
		snprintf(p, sizeof(p), "%s", f->dest);
		if (f->key && !inc.owner)
			inc.owner = f->key;
		break;
	case FMT_PROCMAIL:
	case FMT_MAILDROP:
		if (resolve_user_path(src, f->dest, p, sizeof(p))) {
			/* $MAILDIR/x.rc and the like: not guessed at */
			mw_report_note(r->rep, CHECK, "%s%s:%lu: include path "
				       "with variables not followed", r->root,
				       path, f->line);
			return;
		}
		break;
	case FMT_SIEVE: {
		int global = f->key && !strcmp(f->key, "global");
		const char *dir = global ? r->sieve_global : src->sieve_dir;

		if (!dir || strchr(f->dest, '/') || !f->dest[0] ||
		    f->dest[0] == '.') {
			mw_report_note(r->rep, CHECK, "%s%s:%lu: Sieve include "
				       "of \"%s\" cannot be resolved", r->root,
				       path, f->line, f->dest);
			return;
		}
		if (snprintf(p, sizeof(p), "%s/%s%s", dir, f->dest,
			     strstr(f->dest, ".sieve") ? "" : ".sieve") >= (int)sizeof(p))
			return;
		if (global)
			inc.require_uid = -1;
		break;
	}
	default:
		return;
	}
	process_file(r, p, &inc);
}

/*
 * Whether the user of src could read the file a symlink at path points to
 * (target as read from the link): -1 unknown (not a user file, no such
 * file, not reachable without symlinks), 0 no, 1 yes. Only the target's
 * metadata is looked at, beneath the audited root.
 */
static int user_can_read_target(struct fwd_run *r, const char *path,
				const char *target, const struct fwd_src *src,
				struct stat *tst)
{
	char full[MW_MAX_PATH], dir[MW_MAX_PATH];
	const char *slash;
	int fd, n;

	if (!src->user_file || src->uid < 0 || !target[0])
		return -1;
	if (target[0] == '/') {
		n = snprintf(full, sizeof(full), "%s", target);
	} else {
		slash = strrchr(path, '/');
		n = snprintf(full, sizeof(full), "%.*s/%s",
			     (int)(slash ? slash - path : 0), path, target);
	}
	if (n < 0 || (size_t)n >= sizeof(full))
		return -1;
	slash = strrchr(full, '/');
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - full), full);
	if (mw_open_beneath(r->rootfd, dir[0] ? dir : "/", 1, &fd, NULL))
		return -1;
	n = fstatat(fd, slash + 1, tst, AT_SYMLINK_NOFOLLOW);
	close(fd);
	if (n < 0 || S_ISLNK(tst->st_mode))
		return -1;
	if ((long)tst->st_uid == src->uid)
		return (tst->st_mode & S_IRUSR) != 0;
	if (src->gid >= 0 && (long)tst->st_gid == src->gid)
		return (tst->st_mode & S_IRGRP) != 0;
	return (tst->st_mode & S_IROTH) != 0;
}

static void symlink_finding(struct fwd_run *r, const char *path,
			    const char *target, const struct fwd_src *src)
{
	char title[MW_MAX_PATH + 128];
	struct stat tst;

	if (user_can_read_target(r, path, target, src, &tst) == 0) {
		/* ~/.forward -> /etc/shadow: a delivery agent running as
		 * root reads for the user what the user may not read */
		snprintf(title, sizeof(title),
			 "Symbolic link where a %s file belongs points to %s, "
			 "which its user cannot read (mode %04o, uid %lu); "
			 "refused, not read", src->source, target,
			 (unsigned)(tst.st_mode & 07777), (unsigned long)tst.st_uid);
		add_finding(r, "forwarders.symlink-to-private", MW_SEV_HIGH, title,
			    path, 0, NULL,
			    "Remove the link and find out who made it: it makes a "
			    "delivery agent running as root read (and maybe mail "
			    "out) a file the user has no right to.",
			    NULL, src->owner, target, src->source, NULL);
		return;
	}
	snprintf(title, sizeof(title),
		 "Symbolic link where a %s file belongs; refused, not read",
		 src->source);
	add_finding(r, "forwarders.symlink", MW_SEV_MEDIUM, title, path, 0,
		    NULL,
		    "Replace the link with a regular file owned by the user, or "
		    "remove it; a mail delivery agent running as root would "
		    "read whatever it points to.",
		    NULL, src->owner, NULL, src->source, NULL);
}

static enum mw_err run_parser(enum fwd_format fmt, struct fwd_doc *d,
			      const char *text, size_t len, int *fmt_used)
{
	*fmt_used = fmt;
	switch (fmt) {
	case FMT_ALIASES: return fwd_parse_aliases(d, text, len);
	case FMT_LIST: return fwd_parse_forward(d, text, len);
	case FMT_VIRTUAL: return fwd_parse_virtual(d, text, len);
	case FMT_REGEXP: return fwd_parse_regexp_table(d, text, len);
	case FMT_EXIM_FILTER: return fwd_parse_exim_filter(d, text, len);
	case FMT_SIEVE: return fwd_parse_sieve(d, text, len);
	case FMT_PROCMAIL: return fwd_parse_procmail(d, text, len);
	case FMT_MAILDROP: return fwd_parse_maildrop(d, text, len);
	case FMT_FORWARD:
		switch (fwd_forward_filter_type(text, len)) {
		case 1:
			*fmt_used = FMT_EXIM_FILTER;
			return fwd_parse_exim_filter(d, text, len);
		case 2:
			*fmt_used = FMT_SIEVE;
			return fwd_parse_sieve(d, text, len);
		}
		return fwd_parse_forward(d, text, len);
	}
	return MW_ERR_INTERNAL;
}

/* A plain forward list with a destination no address can be. */
static int list_is_garbage(const struct fwd_doc *d)
{
	size_t i;

	for (i = 0; i < d->nfacts; i++)
		if (d->facts[i].kind == FWD_FORWARD &&
		    fwd_dest_is_garbage(d->facts[i].dest))
			return 1;
	return 0;
}

/*
 * One finding for a file that is binary or not of its format (a PHP or
 * HTML file where a .forward belongs): nothing in it is judged, no
 * addresses are made from garbage. What looks like an external address in
 * it is listed in details.addresses and makes the finding high, so that
 * padding a real forward with garbage does not hide it.
 */
static void not_a_mail_file(struct fwd_run *r, const char *path,
			    const struct stat *st, const struct fwd_src *src,
			    const struct mw_buf *b, int binary)
{
	const struct mw_config *cfg = r->ctx->cfg;
	struct mw_strlist found = { 0 };
	json_t *extra = json_object(), *addrs = json_array();
	size_t i, next = 0;
	char title[512], first[MW_MAX_EXCERPT + 1];
	const char *nl;

	fwd_find_addresses(b->data ? b->data : "", b->len, &found, 10);
	for (i = 0; i < found.n; i++) {
		if (!fwd_address_is_external(found.v[i], &r->local,
					     cfg ? &cfg->allowed_forward_domains : NULL))
			continue;
		next++;
		json_array_append_new(addrs, jstr(found.v[i]));
	}
	if (next)
		snprintf(title, sizeof(title), "%s where a %s file belongs; %zu "
			 "external address%s in it (details.addresses)",
			 binary ? "Binary file" : "Not a forward file", src->source,
			 next, next == 1 ? "" : "es");
	else
		snprintf(title, sizeof(title), "%s where a %s file belongs; "
			 "nothing in it was taken as a destination",
			 binary ? "Binary file" : "Not a forward file", src->source);
	json_object_set_new(extra, "binary", json_boolean(binary));
	json_object_set_new(extra, "addresses", addrs);
	/* the first line, escaped by the report, shows what it is */
	nl = b->len ? memchr(b->data, '\n', b->len) : NULL;
	snprintf(first, sizeof(first), "%.*s", (int)(nl ? (size_t)(nl - b->data) :
			       b->len > MW_MAX_EXCERPT ? MW_MAX_EXCERPT : b->len),
		 b->len ? b->data : "");
	add_finding(r, "forwarders.not-a-mail-file", next ? MW_SEV_HIGH : MW_SEV_MEDIUM,
		    title, path, 0, first[0] ? first : NULL,
		    "Look at the file and at who wrote it; the delivery agent may "
		    "still read it. Remove it or replace it with a real one.",
		    st, src->owner, NULL, src->source, extra);
	mw_strlist_clear(&found);
}

static void process_file(struct fwd_run *r, const char *path,
			 const struct fwd_src *src)
{
	struct fwd_src s = *src;
	struct fwd_doc d;
	struct mw_buf b;
	struct stat st;
	enum mw_err e;
	int fd, trunc = 0, fmt_used;
	size_t i;

	if (seen_before(r, path))
		return;
	e = mw_open_beneath(r->rootfd, path, 0, &fd, &st);
	if (e == MW_ERR_SYMLINK) {
		char target[MW_MAX_PATH];

		if (last_is_symlink(r, path, target, sizeof(target)))
			symlink_finding(r, path, target, src);
		else
			fwd_error(r, path, 0, e,
					"a directory on the path is a symbolic "
					"link; not followed");
		return;
	}
	if (e) {
		if (errno == ENOENT || errno == ENOTDIR)
			return;
		fwd_error(r, path, 0, e, "cannot open: %s",
				e == MW_ERR_NOTREG ? "not a regular file" :
				strerror(errno));
		return;
	}
	if (src->require_uid >= 0 && (long)st.st_uid != src->require_uid) {
		struct stat ist;
		int ifd;

		close(fd);
		/* reported on the including file: nothing of the refused one
		 * (think /etc/shadow) is read or shown, not even its metadata */
		if (mw_open_beneath(r->rootfd, src->inc_from ? src->inc_from : path,
				    0, &ifd, &ist) == MW_OK)
			close(ifd);
		else
			memset(&ist, 0, sizeof(ist));
		add_finding(r, "forwarders.include-refused", MW_SEV_MEDIUM,
			    "Include of a file owned by another user; refused, not read",
			    src->inc_from ? src->inc_from : path, src->inc_line,
			    src->inc_text,
			    "Find out why a user's mail file includes a file it "
			    "does not own, and remove the include.",
			    ist.st_ino ? &ist : NULL, src->owner, path,
			    src->source, NULL);
		return;
	}
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	e = mw_read_fd_capped(fd, &b, MW_MAX_TEXT_FILE, &trunc);
	close(fd);
	if (e) {
		fwd_error(r, path, 0, e, "read failed");
		mw_buf_free(&b);
		return;
	}
	r->files_read++;
	mw_progress(r->ctx, "forwarders: %zu files", r->files_read);
	if (trunc) {
		/* a finding, not an error: a nightly audit must not exit 2
		 * for ever because a user made a big file */
		char title[256];

		snprintf(title, sizeof(title), "%s file larger than %u bytes (%lld): "
			 "only the start was read", s.source, MW_MAX_TEXT_FILE,
			 (long long)st.st_size);
		add_finding(r, "forwarders.oversized", MW_SEV_MEDIUM, title, path, 0,
			    NULL, "Look at what the file holds: no mail filter is this "
			    "big. Move it away if it is not one.",
			    &st, src->owner, NULL, src->source, NULL);
	}
	if (fwd_text_is_binary(b.data ? b.data : "", b.len)) {
		not_a_mail_file(r, path, &st, src, &b, 1);
		mw_buf_free(&b);
		return;
	}
	if (src->user_file && ((src->uid >= 0 && (long)st.st_uid != src->uid &&
				st.st_uid != 0) || (st.st_mode & 022))) {
		char title[256];

		snprintf(title, sizeof(title),
			 "%s file %s (mode %04o, uid %lu)", s.source,
			 (st.st_mode & 022) ? "writable by group or others" :
			 "not owned by its user",
			 (unsigned)(st.st_mode & 07777), (unsigned long)st.st_uid);
		add_finding(r, "forwarders.unsafe-file", MW_SEV_MEDIUM, title,
			    path, 0, NULL,
			    "chown the file to its user and chmod 0600 (or 0644); "
			    "Postfix and OpenSMTPD ignore such files, other "
			    "delivery agents may not. Check who changed it.",
			    &st, src->owner, NULL, src->source, NULL);
	}
	fwd_doc_init(&d);
	if (run_parser(src->fmt, &d, b.data ? b.data : "", b.len, &fmt_used)) {
		fwd_error(r, path, 0, MW_ERR_NOMEM,
				"out of memory while parsing");
	}
	if ((int)src->fmt == FMT_FORWARD && fmt_used == FMT_EXIM_FILTER)
		s.source = "exim-filter";
	else if ((int)src->fmt == FMT_FORWARD && fmt_used == FMT_SIEVE)
		s.source = "sieve";
	s.fmt = (enum fwd_format)fmt_used;
	if ((s.fmt == FMT_FORWARD || s.fmt == FMT_LIST) && list_is_garbage(&d)) {
		not_a_mail_file(r, path, &st, src, &b, 0);
		fwd_doc_free(&d);
		mw_buf_free(&b);
		return;
	}
	/* an oversized file is one finding (above): its cut and overlong
	 * lines are not parse errors of their own */
	for (i = 0; i < d.nerrs && !trunc; i++) {
		char title[384];

		snprintf(title, sizeof(title), "Cannot parse %s file: %s",
			 s.source, d.errs[i].msg);
		add_finding(r, "forwarders.parse-error", MW_SEV_LOW, title, path,
			    d.errs[i].line, NULL,
			    "Fix or remove the broken part; the mail system may "
			    "read it differently from what it looks like.",
			    &st, s.owner, NULL, s.source, NULL);
	}
	if (d.dropped_errs && !trunc)
		mw_report_note(r->rep, CHECK, "%s%s: %zu more parse errors not listed",
			       r->root, path, d.dropped_errs);
	if (d.truncated)
		fwd_error(r, path, 0, MW_ERR_LIMIT,
				"more than %d destinations; the rest not listed",
				FWD_MAX_FACTS);
	for (i = 0; i < d.nfacts; i++) {
		if (d.facts[i].kind == FWD_INCLUDE)
			follow_include(r, &s, path, &st, &d.facts[i]);
		else
			judge_fact(r, &s, path, &st, &d, &d.facts[i]);
	}
	fwd_doc_free(&d);
	mw_buf_free(&b);
}

/* ---- Dovecot Sieve layout ---- */

static void read_dovecot(struct fwd_run *r)
{
	static const char *const files[] = {
		"/etc/dovecot/dovecot.conf", "/etc/dovecot/conf.d/10-mail.conf",
		"/etc/dovecot/conf.d/auth-static.conf.ext",
		"/etc/dovecot/conf.d/90-sieve.conf", "/etc/dovecot/local.conf",
	};
	size_t i, k;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct fwd_doc d;
		struct mw_buf b;
		struct stat st;
		int trunc;

		mw_buf_init(&b, MW_MAX_TEXT_FILE);
		if (fwd_read(r, files[i], &b, &st, &trunc) != MW_OK) {
			mw_buf_free(&b);
			continue;
		}
		fwd_doc_init(&d);
		(void)fwd_parse_dovecot_conf(&d, b.data ? b.data : "", b.len);
		for (k = 0; k < d.nerrs; k++)
			fwd_error(r, files[i], d.errs[k].line,
					MW_ERR_PARSE, "%s", d.errs[k].msg);
		for (k = 0; k < d.keys.n; k++) {
			const char *key = d.keys.v[k], *v = d.values.v[k];

			if (!*v)
				continue;
			if (!strcmp(key, "sieve")) {
				free(r->sieve_loc);
				r->sieve_loc = strdup(v);
			} else if (!strcmp(key, "sieve_dir")) {
				free(r->sieve_dir);
				r->sieve_dir = strdup(v);
			} else if (!strcmp(key, "sieve_global") ||
				   !strcmp(key, "sieve_global_dir")) {
				free(r->sieve_global);
				r->sieve_global = strdup(v);
			} else if (!strncmp(key, "sieve_before", 12)) {
				(void)mw_strlist_add(&r->sieve_before, v);
			} else if (!strncmp(key, "sieve_after", 11)) {
				(void)mw_strlist_add(&r->sieve_after, v);
			} else if (!strcmp(key, "mail_home") && strchr(v, '%')) {
				free(r->mail_home);
				r->mail_home = strdup(v);
			} else if (!strcmp(key, "args") && !r->mail_home &&
				   strstr(v, "home=") && strchr(v, '%')) {
				/* userdb static: args = uid=vmail home=/var/vmail/%d/%n */
				const char *h = strstr(v, "home=") + 5;
				size_t hl = strcspn(h, " \t");

				r->mail_home = strndup(h, hl);
			}
		}
		fwd_doc_free(&d);
		mw_buf_free(&b);
	}
}

/*
 * Dovecot location "file:~/sieve;active=~/.dovecot.sieve" (or a bare path)
 * into the storage path and the active-script path, %u/%n/%h and ~ expanded.
 */
static void expand_location(const char *loc, const struct user *u, char *path,
			    size_t plen, char *active, size_t alen)
{
	char tmp[MW_MAX_PATH];
	const char *p = loc, *semi;
	size_t o = 0;

	path[0] = active[0] = '\0';
	if (!strncmp(p, "file:", 5))
		p += 5;
	/* expand variables into tmp first */
	for (; *p && o + 1 < sizeof(tmp); p++) {
		const char *add = NULL, *at = u ? strchr(u->name, '@') : NULL;
		int addlen = -1;

		if (*p == '~' && (p == loc || p[-1] == ':' || p[-1] == '=' ||
				  p == loc + 5))
			add = u ? u->home : "";
		else if (*p == '%' && p[1] == 'u')
			add = u ? u->name : "";
		else if (*p == '%' && p[1] == 'n') {
			/* a virtual user "jane@example.net": %n is "jane" */
			add = u ? u->name : "";
			addlen = at ? (int)(at - u->name) : -1;
		} else if (*p == '%' && p[1] == 'd')
			add = at ? at + 1 : "";
		else if (*p == '%' && p[1] == 'h')
			add = u ? u->home : "";
		if (add) {
			o += (size_t)(addlen >= 0 ?
				      snprintf(tmp + o, sizeof(tmp) - o, "%.*s", addlen, add) :
				      snprintf(tmp + o, sizeof(tmp) - o, "%s", add));
			if (*p == '%')
				p++;
			if (o >= sizeof(tmp))
				o = sizeof(tmp) - 1;
			continue;
		}
		tmp[o++] = *p;
	}
	tmp[o] = '\0';
	semi = strchr(tmp, ';');
	snprintf(path, plen, "%.*s", (int)(semi ? (size_t)(semi - tmp) : strlen(tmp)), tmp);
	while (semi) {
		const char *opt = semi + 1;

		semi = strchr(opt, ';');
		if (!strncmp(opt, "active=", 7))
			snprintf(active, alen, "%.*s",
				 (int)(semi ? (size_t)(semi - opt - 7) : strlen(opt + 7)),
				 opt + 7);
	}
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

/* A Sieve location that is a file or a directory of *.sieve scripts. */
static void process_sieve_location(struct fwd_run *r, const char *loc,
				   const struct fwd_src *src)
{
	struct mw_strlist names = { 0 };
	char p[MW_MAX_PATH];
	size_t i;

	if (fwd_list_dir(r, loc, 'f', &names) == MW_OK) {
		for (i = 0; i < names.n; i++) {
			if (!has_suffix(names.v[i], ".sieve"))
				continue;
			if (path_join(p, sizeof(p), loc, names.v[i]))
				continue;
			process_file(r, p, src);
		}
		mw_strlist_clear(&names);
		return;
	}
	process_file(r, loc, src);
}

static void process_user_sieve(struct fwd_run *r, const struct user *u,
			       const struct fwd_src *base)
{
	struct fwd_src s = *base;
	struct mw_strlist names = { 0 };
	char dir[MW_MAX_PATH], active[MW_MAX_PATH], p[MW_MAX_PATH];
	char target[MW_MAX_PATH], active_name[MW_MAX_PATH];
	const char *loc = r->sieve_loc ? r->sieve_loc :
			  "file:~/sieve;active=~/.dovecot.sieve";
	struct stat st;
	size_t i;
	int fd;

	expand_location(loc, u, dir, sizeof(dir), active, sizeof(active));
	if (!active[0] && r->sieve_loc) {
		/* "sieve = ~/.dovecot.sieve" with a legacy sieve_dir */
		snprintf(active, sizeof(active), "%s", dir);
		if (r->sieve_dir)
			expand_location(r->sieve_dir, u, dir, sizeof(dir), p,
					sizeof(p));
		else
			snprintf(dir, sizeof(dir), "%s/sieve", u->home);
	}
	s.fmt = FMT_SIEVE;
	s.source = "sieve";
	s.sieve_dir = dir;
	active_name[0] = '\0';
	/* The active script: Dovecot makes it a symlink into the storage
	 * directory. Such a link is not followed; the script it names is read
	 * from the directory. Any other symlink is refused and reported. */
	if (active[0]) {
		enum mw_err e = mw_open_beneath(r->rootfd, active, 0, &fd, &st);

		if (e == MW_OK) {
			close(fd);
			process_file(r, active, &s);
		} else if (e == MW_ERR_SYMLINK &&
			   last_is_symlink(r, active, target, sizeof(target))) {
			const char *dbase = strrchr(dir, '/');
			const char *slash = strrchr(target, '/');
			size_t dl = dbase ? strlen(dbase + 1) : 0;

			/* "sieve/NAME.sieve" relative to the link's folder */
			if (dbase && slash && !strstr(target, "..") &&
			    target[0] != '/' &&
			    (size_t)(slash - target) == dl &&
			    !strncmp(target, dbase + 1, dl) &&
			    has_suffix(slash + 1, ".sieve")) {
				snprintf(active_name, sizeof(active_name), "%s",
					 slash + 1);
				(void)seen_before(r, active);
			} else {
				(void)seen_before(r, active);
				symlink_finding(r, active, target, &s);
			}
		} else if (e == MW_ERR_SYMLINK) {
			fwd_error(r, active, 0, e,
					"a directory on the path is a symbolic "
					"link; not followed");
		} else if (errno != ENOENT && errno != ENOTDIR) {
			fwd_error(r, active, 0, e,
					"cannot open the active Sieve script");
		}
	}
	if (active_name[0] && !path_join(p, sizeof(p), dir, active_name)) {
		process_file(r, p, &s);
	}
	/* Scripts in the storage that are not active (nor included) never
	 * run: reported as inactive. */
	if (fwd_list_dir(r, dir, 0, &names) == MW_OK) {
		s.inactive = 1;
		for (i = 0; i < names.n; i++) {
			if (!has_suffix(names.v[i], ".sieve"))
				continue;
			if (path_join(p, sizeof(p), dir, names.v[i]))
				continue;
			process_file(r, p, &s);
		}
	}
	mw_strlist_clear(&names);
}

/* ---- users ---- */

static void free_users(struct user *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(u[i].name);
		free(u[i].home);
	}
	free(u);
}

/* Users with a home from ROOT/etc/passwd (also on the live system, so that
 * the audit of "/" and of an image behave the same). */
static struct user *read_users(struct fwd_run *r, size_t *nusers)
{
	struct mw_buf b;
	struct stat st;
	struct mw_lines it;
	struct user *u = NULL;
	size_t n = 0, a = 0, len;
	const char *l;
	int ov, trunc;

	*nusers = 0;
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (fwd_read(r, "/etc/passwd", &b, &st, &trunc) != MW_OK) {
		/* an image without /etc/passwd (a mail store, a container) still
		 * has its aliases, virtual users and system files audited */
		if (errno == ENOENT && r->root[0])
			mw_report_note(r->rep, CHECK, "no %s/etc/passwd: no system user's "
				       "files audited", r->root);
		else
			fwd_error(r, "/etc/passwd", 0, MW_ERR_IO,
				  "cannot read the user list: %s", strerror(errno));
		mw_buf_free(&b);
		return NULL;
	}
	mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
	while (mw_lines_next(&it, &l, &len, &ov) && n < FWD_MAX_USERS) {
		const char *f[7];
		size_t fl[7], k = 0, j, s = 0;
		char *end;
		long uid, gid;

		if (!len || l[0] == '#' || l[0] == '+' || l[0] == '-' ||
		    memchr(l, '\0', len))
			continue;
		for (j = 0; j <= len && k < 7; j++) {
			if (j == len || l[j] == ':') {
				f[k] = l + s;
				fl[k++] = j - s;
				s = j + 1;
			}
		}
		if (k != 7 || !fl[0] || fl[5] < 2 || f[5][0] != '/')
			continue;
		if (fwd_word_eq(f[5], fl[5], "/nonexistent") ||
		    fwd_word_eq(f[5], fl[5], "/dev/null"))
			continue;
		{
			char num[24];

			snprintf(num, sizeof(num), "%.*s", (int)(fl[2] < 20 ? fl[2] : 20), f[2]);
			uid = strtol(num, &end, 10);
			if (!num[0] || *end || uid < 0)
				continue;
			snprintf(num, sizeof(num), "%.*s", (int)(fl[3] < 20 ? fl[3] : 20), f[3]);
			gid = strtol(num, &end, 10);
			if (!num[0] || *end || gid < 0)
				gid = -1;
		}
		if (n == a) {
			size_t na = a ? a * 2 : 32;
			struct user *nu = realloc(u, na * sizeof(*nu));

			if (!nu)
				break;
			u = nu;
			a = na;
		}
		u[n].name = strndup(f[0], fl[0]);
		u[n].home = strndup(f[5], fl[5]);
		u[n].uid = uid;
		u[n].gid = gid;
		if (!u[n].name || !u[n].home) {
			free(u[n].name);
			free(u[n].home);
			break;
		}
		/* "/home/bob/" and "/home/bob" are one home */
		while (strlen(u[n].home) > 1 &&
		       u[n].home[strlen(u[n].home) - 1] == '/')
			u[n].home[strlen(u[n].home) - 1] = '\0';
		n++;
	}
	mw_buf_free(&b);
	*nusers = n;
	return u;
}

/*
 * Postfix .forward+EXT files (forward_path with a recipient delimiter) and
 * cPanel per-mailbox filters ~/etc/DOMAIN/MAILBOX/filter (Exim filters
 * that cPanel generates from filter.yaml next to them).
 */
static void process_user_extras(struct fwd_run *r, const struct user *u,
				const struct fwd_src *base)
{
	struct mw_strlist names = { 0 }, doms = { 0 }, boxes = { 0 };
	struct fwd_src s = *base;
	char p[MW_MAX_PATH], d[MW_MAX_PATH];
	size_t i, j;

	/* fwd_list_dir skips dot names, so look at the home listing here */
	if (fwd_list_dir_all(r, u->home, &names) == MW_OK) {
		s.fmt = FMT_FORWARD;
		s.source = "forward";
		for (i = 0; i < names.n; i++) {
			const char *n = names.v[i];

			if (strncmp(n, ".forward", 8) || (n[8] != '+' && n[8] != '-') ||
			    !n[9])
				continue;
			if (!path_join(p, sizeof(p), u->home, n))
				process_file(r, p, &s);
		}
	}
	mw_strlist_clear(&names);
	if (path_join(d, sizeof(d), u->home, "etc") ||
	    fwd_list_dir(r, d, 'd', &doms) != MW_OK)
		return;
	s.fmt = FMT_EXIM_FILTER;
	s.source = "cpanel";
	for (i = 0; i < doms.n; i++) {
		char dd[MW_MAX_PATH];

		if (!strchr(doms.v[i], '.') || path_join(dd, sizeof(dd), d, doms.v[i]))
			continue;
		if (fwd_list_dir(r, dd, 'd', &boxes) != MW_OK)
			continue;
		for (j = 0; j < boxes.n; j++) {
			char box[MW_MAX_PATH], mailbox[512];

			if (path_join(box, sizeof(box), dd, boxes.v[j]) ||
			    path_join(p, sizeof(p), box, "filter"))
				continue;
			/* the filter belongs to the mailbox, not the account */
			snprintf(mailbox, sizeof(mailbox), "%s@%s", boxes.v[j],
				 doms.v[i]);
			s.owner = mailbox;
			process_file(r, p, &s);
		}
		mw_strlist_clear(&boxes);
	}
	mw_strlist_clear(&doms);
}

static void process_user(struct fwd_run *r, const struct user *u)
{
	struct fwd_src s;
	char p[MW_MAX_PATH];
	enum mw_err e;
	int fd;

	/* A home that is missing or reached through a symlink (/bin on
	 * merged-/usr Debian) holds nothing a delivery agent would read
	 * safely; one note instead of an error per file. */
	e = mw_open_beneath(r->rootfd, u->home, 1, &fd, NULL);
	if (e == MW_ERR_SYMLINK) {
		mw_report_note(r->rep, CHECK,
			       "home %s of %s is reached through a symbolic "
			       "link; not audited", u->home, u->name);
		return;
	}
	if (e)
		return;
	close(fd);

	memset(&s, 0, sizeof(s));
	s.owner = u->name;
	s.uid = u->uid;
	s.gid = u->gid;
	s.home = u->home;
	s.user_file = 1;
	s.require_uid = -1;

	snprintf(p, sizeof(p), "%s/.forward", u->home);
	s.fmt = FMT_FORWARD;
	s.source = "forward";
	process_file(r, p, &s);

	snprintf(p, sizeof(p), "%s/.procmailrc", u->home);
	s.fmt = FMT_PROCMAIL;
	s.source = "procmail";
	process_file(r, p, &s);

	snprintf(p, sizeof(p), "%s/.mailfilter", u->home);
	s.fmt = FMT_MAILDROP;
	s.source = "maildrop";
	process_file(r, p, &s);

	process_user_sieve(r, u, &s);
	process_user_extras(r, u, &s);
}

/* ---- virtual mailbox users (issue 18 item 12) ---- */

/*
 * Walk a home template such as "/var/vmail/%d/%n" level by level: the fixed
 * part is a directory, every "%d"/"%n"/"%u" component is each subdirectory
 * there (a domain must hold a dot). For each home found, its user is
 * audited like a system user: name user@domain, uid the home's owner.
 */
static void walk_vhomes(struct fwd_run *r, const char *tmpl, const char *dir,
			const char *dom, const char *name, struct mw_strset *homes,
			size_t *nfound)
{
	struct mw_strlist subs = { 0 };
	char next[MW_MAX_PATH], login[512];
	const char *pct = strchr(tmpl, '%'), *rest;
	size_t i, fixed;

	if (*nfound >= FWD_MAX_USERS)
		return;
	if (!pct) {
		struct user u;
		struct stat st;
		int fd;

		if (snprintf(next, sizeof(next), "%s%s", dir, tmpl) >= (int)sizeof(next) ||
		    mw_open_beneath(r->rootfd, next, 1, &fd, &st))
			return;
		close(fd);
		while (strlen(next) > 1 && next[strlen(next) - 1] == '/')
			next[strlen(next) - 1] = '\0';
		if (mw_strset_add(homes, next) == 0)
			return;
		snprintf(login, sizeof(login), "%s%s%s", name ? name : "", dom ? "@" : "",
			 dom ? dom : "");
		u.name = login;
		u.uid = (long)st.st_uid;
		u.gid = (long)st.st_gid;
		u.home = next;
		(*nfound)++;
		process_user(r, &u);
		return;
	}
	/* the fixed part up to the component holding the variable */
	fixed = (size_t)(pct - tmpl);
	while (fixed && tmpl[fixed - 1] != '/')
		fixed--;
	if (fixed != (size_t)(pct - tmpl))
		return;		/* "user-%n": not a whole component */
	if (snprintf(next, sizeof(next), "%s%.*s", dir, (int)fixed, tmpl) >= (int)sizeof(next))
		return;
	rest = strchr(pct, '/');
	if (fwd_list_dir(r, next[0] ? next : "/", 'd', &subs) != MW_OK)
		return;
	for (i = 0; i < subs.n && *nfound < FWD_MAX_USERS; i++) {
		char sub[MW_MAX_PATH];
		const char *v = pct + 1;
		int is_dom, is_user;

		if (*v == 'L')		/* %Ld, %Ln: lower-cased, the same here */
			v++;
		is_dom = *v == 'd' || !strncmp(v, "{domain}", 8);
		is_user = *v == 'n' || *v == 'u' || !strncmp(v, "{user}", 6) ||
			  !strncmp(v, "{username}", 10);
		if (!is_dom && !is_user)
			break;
		if (is_dom && !strchr(subs.v[i], '.'))
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s/", next, subs.v[i]) >= (int)sizeof(sub))
			continue;
		walk_vhomes(r, rest ? rest + 1 : "", sub, is_dom ? subs.v[i] : dom,
			    is_user ? subs.v[i] : name, homes, nfound);
	}
	mw_strlist_clear(&subs);
}

static void process_virtual_users(struct fwd_run *r, struct mw_strset *homes)
{
	size_t n = 0;

	if (!r->mail_home || r->mail_home[0] != '/')
		return;
	walk_vhomes(r, r->mail_home, "", NULL, NULL, homes, &n);
	if (n)
		mw_report_note(r->rep, CHECK, "%zu virtual mailbox%s under %s (Dovecot "
			       "mail_home) audited", n, n == 1 ? "" : "es", r->mail_home);
}

/* ---- system-wide sources ---- */

static void process_maps(struct fwd_run *r, const struct mw_strlist *maps,
			 int is_virtual)
{
	struct fwd_src s;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.uid = -1;
	s.gid = -1;
	s.require_uid = -1;
	for (i = 0; i < maps->n; i++) {
		const char *type, *path;
		size_t tl;

		if (fwd_map_spec(maps->v[i], &type, &tl, &path)) {
			mw_report_note(r->rep, CHECK,
				       "map %s is not a file table; not audited",
				       maps->v[i]);
			continue;
		}
		s.source = is_virtual ? "virtual" : "aliases";
		if (fwd_word_eq(type, tl, "regexp") || fwd_word_eq(type, tl, "pcre"))
			s.fmt = FMT_REGEXP;
		else
			s.fmt = is_virtual ? FMT_VIRTUAL : FMT_ALIASES;
		process_file(r, path, &s);
	}
}

static void process_panels(struct fwd_run *r)
{
	struct mw_strlist names = { 0 };
	struct fwd_src s;
	char p[MW_MAX_PATH];
	size_t i;

	memset(&s, 0, sizeof(s));
	s.uid = -1;
	s.gid = -1;
	s.require_uid = -1;
	s.source = "cpanel";
	if (fwd_list_dir(r, "/etc/valiases", 'f', &names) == MW_OK) {
		s.fmt = FMT_ALIASES;
		for (i = 0; i < names.n; i++) {
			snprintf(p, sizeof(p), "/etc/valiases/%s", names.v[i]);
			process_file(r, p, &s);
		}
	}
	mw_strlist_clear(&names);
	if (fwd_list_dir(r, "/etc/vfilters", 'f', &names) == MW_OK) {
		s.fmt = FMT_EXIM_FILTER;
		for (i = 0; i < names.n; i++) {
			snprintf(p, sizeof(p), "/etc/vfilters/%s", names.v[i]);
			s.owner = names.v[i];
			process_file(r, p, &s);
		}
		s.owner = NULL;
	}
	mw_strlist_clear(&names);
	s.source = "directadmin";
	if (fwd_list_dir(r, "/etc/virtual", 'd', &names) == MW_OK) {
		for (i = 0; i < names.n; i++) {
			if (!strchr(names.v[i], '.'))
				continue;
			snprintf(p, sizeof(p), "/etc/virtual/%s/aliases", names.v[i]);
			s.fmt = FMT_ALIASES;
			s.owner = NULL;
			process_file(r, p, &s);
			snprintf(p, sizeof(p), "/etc/virtual/%s/filter", names.v[i]);
			s.fmt = FMT_EXIM_FILTER;
			s.owner = names.v[i];
			process_file(r, p, &s);
		}
	}
	mw_strlist_clear(&names);
}

static void process_system(struct fwd_run *r)
{
	struct fwd_src s;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.uid = -1;
	s.gid = -1;
	s.require_uid = -1;
	if (!r->postfix_found)
		(void)mw_strlist_add(&r->alias_maps, "hash:/etc/aliases");
	process_maps(r, &r->alias_maps, 0);
	process_maps(r, &r->virtual_maps, 1);
	/* Exim reads /etc/aliases through its system_aliases router */
	s.fmt = FMT_ALIASES;
	s.source = "aliases";
	process_file(r, "/etc/aliases", &s);
	s.fmt = FMT_EXIM_FILTER;
	s.source = "exim-filter";
	s.owner = "(system filter)";
	for (i = 0; i < r->exim_filters.n; i++)
		process_file(r, r->exim_filters.v[i], &s);
	s.fmt = FMT_PROCMAIL;
	s.source = "procmail";
	s.owner = "(all users)";
	process_file(r, "/etc/procmailrc", &s);
	s.fmt = FMT_SIEVE;
	s.source = "sieve";
	s.owner = "(all users)";
	s.sieve_dir = r->sieve_global;
	for (i = 0; i < r->sieve_before.n; i++) {
		char p[MW_MAX_PATH], a[MW_MAX_PATH];

		expand_location(r->sieve_before.v[i], NULL, p, sizeof(p), a, sizeof(a));
		if (p[0] == '/')
			process_sieve_location(r, p, &s);
	}
	for (i = 0; i < r->sieve_after.n; i++) {
		char p[MW_MAX_PATH], a[MW_MAX_PATH];

		expand_location(r->sieve_after.v[i], NULL, p, sizeof(p), a, sizeof(a));
		if (p[0] == '/')
			process_sieve_location(r, p, &s);
	}
	process_panels(r);
}

/* ---- data section ---- */

static int render_text(FILE *out, const json_t *data, int color)
{
	const json_t *inv = json_object_get(data, "inventory");
	const json_t *doms = json_object_get(data, "local_domains");
	const json_t *e;
	size_t i;

	if (fprintf(out, "%" JSON_INTEGER_FORMAT " files read, %" JSON_INTEGER_FORMAT
		    " destinations, %" JSON_INTEGER_FORMAT " external\n",
		    json_integer_value(json_object_get(data, "files_read")),
		    json_integer_value(json_object_get(data, "destinations")),
		    json_integer_value(json_object_get(data, "external"))) < 0)
		return -1;
	if (fputs("local domains:", out) < 0)
		return -1;
	json_array_foreach(doms, i, e)
		if (fprintf(out, " %s", json_string_value(e)) < 0)
			return -1;
	if (fputc('\n', out) < 0)
		return -1;
	if (!json_is_array(inv))
		return 0;
	json_array_foreach(inv, i, e) {
		int ext = json_is_true(json_object_get(e, "external"));
		const char *fl[4];
		size_t nf = 0;
		char flags[64];

		if (json_is_true(json_object_get(e, "copy")))
			fl[nf++] = "copy";
		if (json_is_true(json_object_get(e, "conditional")))
			fl[nf++] = "if";
		if (json_is_true(json_object_get(e, "disabled")))
			fl[nf++] = "disabled";
		flags[0] = '\0';
		for (size_t k = 0; k < nf; k++)
			snprintf(flags + strlen(flags), sizeof(flags) - strlen(flags),
				 "%s%s", k ? "," : " [", fl[k]);
		if (nf)
			snprintf(flags + strlen(flags), sizeof(flags) - strlen(flags), "]");
		if (fprintf(out, "  %s%-8s%s %-8s %-11s %-16s %s:%" JSON_INTEGER_FORMAT " -> %s%s\n",
			    color && ext ? "\033[33m" : "",
			    ext ? "EXTERNAL" : "local",
			    color && ext ? "\033[0m" : "",
			    json_string_value(json_object_get(e, "kind")),
			    json_string_value(json_object_get(e, "source")),
			    json_string_value(json_object_get(e, "owner")) ?
			    json_string_value(json_object_get(e, "owner")) : "-",
			    json_string_value(json_object_get(e, "path")),
			    json_integer_value(json_object_get(e, "line")),
			    json_string_value(json_object_get(e, "destination")),
			    flags) < 0)
			return -1;
	}
	return 0;
}

static void set_data(struct fwd_run *r)
{
	json_t *data = json_object(), *doms = json_array(), *origins = json_object();
	size_t i;

	if (!data || !doms || !origins) {
		json_decref(data);
		json_decref(doms);
		json_decref(origins);
		return;
	}
	for (i = 0; i < r->local.n; i++) {
		json_array_append_new(doms, json_string(r->local.v[i]));
		json_object_set_new(origins, r->local.v[i],
				    json_string(r->domain_origin.v[i]));
	}
	json_object_set_new(data, "root", jstr(r->root[0] ? r->root : "/"));
	json_object_set_new(data, "local_domains", doms);
	json_object_set_new(data, "local_domain_sources", origins);
	json_object_set_new(data, "files_read", json_integer((json_int_t)r->files_read));
	json_object_set_new(data, "destinations", json_integer((json_int_t)r->ndest));
	json_object_set_new(data, "external", json_integer((json_int_t)r->nexternal));
	if (r->list) {
		json_object_set(data, "inventory", r->inventory);
	} else {
		json_object_set_new(data, "inventory", json_null());
	}
	mw_report_set_data(r->rep, CHECK, data, render_text);
}

/* ---- command ---- */

static void free_run(struct fwd_run *r)
{
	mw_strlist_clear(&r->local);
	mw_strlist_clear(&r->domain_origin);
	mw_strlist_clear(&r->alias_maps);
	mw_strlist_clear(&r->virtual_maps);
	mw_strlist_clear(&r->exim_filters);
	mw_strlist_clear(&r->sieve_before);
	mw_strlist_clear(&r->sieve_after);
	mw_strset_free(&r->seen);
	mw_strset_free(&r->finding_keys);
	free(r->sieve_loc);
	free(r->sieve_dir);
	free(r->sieve_global);
	free(r->mail_home);
	json_decref(r->inventory);
	if (r->rootfd >= 0)
		close(r->rootfd);
}

enum mw_err mw_cmd_forwarders(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct fwd_run r;
	const char *root = "/";
	struct user *users;
	struct mw_strset homes = { 0 };
	size_t nusers, i;
	int c;

	memset(&r, 0, sizeof(r));
	r.rootfd = -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'l':
			r.list = 1;
			break;
		default:
			return mw_usage(ctx, "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return mw_usage(ctx, "unexpected argument %s", argv[optind]);
	if (!*root || strlen(root) >= sizeof(r.root))
		return mw_usage(ctx, "--root needs a directory");
	r.ctx = ctx;
	r.rep = ctx->report;
	r.now = (int64_t)time(NULL);
	r.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r.rootfd < 0)
		return mw_fail(ctx, mw_err_from_errno(errno), "cannot open %s: %s",
			       root, strerror(errno));
	snprintf(r.root, sizeof(r.root), "%s", root);
	while (r.root[0] && r.root[strlen(r.root) - 1] == '/')
		r.root[strlen(r.root) - 1] = '\0';
	r.inventory = json_array();
	if (!r.inventory) {
		free_run(&r);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	if (r.root[0])
		mw_report_note(r.rep, CHECK, "auditing the tree %s as if it were /",
			       r.root);

	fwd_collect_domains(&r);
	read_dovecot(&r);
	process_system(&r);
	users = read_users(&r, &nusers);
	process_virtual_users(&r, &homes);
	for (i = 0; i < nusers; i++) {
		/* one home shared by several accounts is read once */
		if (mw_strset_add(&homes, users[i].home) == 0 ||
		    !strcmp(users[i].home, "/"))
			continue;
		process_user(&r, &users[i]);
	}
	mw_strset_free(&homes);
	free_users(users, nusers);
	mw_progress_done(ctx);
	set_data(&r);
	free_run(&r);
	return MW_OK;
}
