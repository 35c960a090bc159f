/*
 * The forwarders check (forwarders.h): find every place where mail
 * can leave this host by forwarding (aliases, virtual maps, .forward, Exim
 * filters, Sieve, procmail, maildrop, cPanel and DirectAdmin forwarders and
 * filters), judge each destination against the local domains, and report
 * external, recent, hidden and piped ones. Files are opened beneath the
 * audited root without following symlinks, read capped, parsed from memory.
 * Here: the run, the system-wide sources and reading one file; the
 * users and their homes are in fwd_users.c, the verdict on each
 * destination and the findings in fwd_report.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/cmdline.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/progress.h"
#include "core/safefile.h"
#include "reports/render.h"
#include "reports/report.h"
#include "scanner/forwarders/forwarders.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_judge.h"
#include "scanner/forwarders/fwd_run.h"
#include "scanner/forwarders/fwd_util.h"

#define CHECK "forwarders"

/* ---- sources ---- */

int mw_fwd_seen_before(struct fwd_run *r, const char *path)
{
	/* on allocation failure a file may be read twice: harmless */
	return mw_strset_add(&r->seen, path) == 0;
}

/* 1 when the last component of path is a symlink (not a directory above). */
int mw_fwd_last_is_symlink(struct fwd_run *r, const char *path, char *target,
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
			mw_fwd_error(r, path, f->line, MW_ERR_LIMIT,
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
	mw_fwd_process_file(r, p, &inc);
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

void mw_fwd_symlink_finding(struct fwd_run *r, const char *path,
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
		mw_fwd_add_finding(r, "forwarders.symlink-to-private", MW_SEV_HIGH, title,
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
	mw_fwd_add_finding(r, "forwarders.symlink", MW_SEV_MEDIUM, title, path, 0,
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
	case FMT_ALIASES: return mw_fwd_parse_aliases(d, text, len);
	case FMT_LIST: return mw_fwd_parse_forward(d, text, len);
	case FMT_VIRTUAL: return mw_fwd_parse_virtual(d, text, len);
	case FMT_REGEXP: return mw_fwd_parse_regexp_table(d, text, len);
	case FMT_EXIM_FILTER: return mw_fwd_parse_exim_filter(d, text, len);
	case FMT_SIEVE: return mw_fwd_parse_sieve(d, text, len);
	case FMT_PROCMAIL: return mw_fwd_parse_procmail(d, text, len);
	case FMT_MAILDROP: return mw_fwd_parse_maildrop(d, text, len);
	case FMT_FORWARD:
		switch (mw_fwd_forward_filter_type(text, len)) {
		case 1:
			*fmt_used = FMT_EXIM_FILTER;
			return mw_fwd_parse_exim_filter(d, text, len);
		case 2:
			*fmt_used = FMT_SIEVE;
			return mw_fwd_parse_sieve(d, text, len);
		}
		return mw_fwd_parse_forward(d, text, len);
	}
	return MW_ERR_INTERNAL;
}

/* A plain forward list with a destination no address can be. */
static int list_is_garbage(const struct fwd_doc *d)
{
	size_t i;

	for (i = 0; i < d->nfacts; i++)
		if (d->facts[i].kind == FWD_FORWARD &&
		    mw_fwd_dest_is_garbage(d->facts[i].dest))
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

	mw_fwd_find_addresses(b->data ? b->data : "", b->len, &found, 10);
	for (i = 0; i < found.n; i++) {
		if (!mw_fwd_address_is_external(found.v[i], &r->local,
					     cfg ? &cfg->allowed_forward_domains : NULL))
			continue;
		next++;
		json_array_append_new(addrs, mw_fwd_jstr(found.v[i]));
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
	mw_fwd_add_finding(r, "forwarders.not-a-mail-file", next ? MW_SEV_HIGH : MW_SEV_MEDIUM,
		    title, path, 0, first[0] ? first : NULL,
		    "Look at the file and at who wrote it; the delivery agent may "
		    "still read it. Remove it or replace it with a real one.",
		    st, src->owner, NULL, src->source, extra);
	mw_strlist_clear(&found);
}

/*
 * Could uid read a file with this owner and mode? Its own file by the owner
 * bits, anyone else's by the "other" bits only (the user's groups are not
 * known here: a group-readable root file counts as unreadable, which errs
 * on the side of not showing it).
 */
static int owner_could_read(const struct stat *st, long uid)
{
	if ((long)st->st_uid == uid)
		return (st->st_mode & S_IRUSR) != 0;
	return (st->st_mode & S_IROTH) != 0;
}

void mw_fwd_process_file(struct fwd_run *r, const char *path,
			 const struct fwd_src *src)
{
	struct fwd_src s = *src;
	struct fwd_doc d;
	struct mw_buf b;
	struct stat st;
	enum mw_err e;
	int fd, trunc = 0, fmt_used, stopped = 0;
	size_t i;

	if (mw_fwd_seen_before(r, path))
		return;
	e = mw_open_beneath(r->rootfd, path, 0, &fd, &st);
	if (e == MW_ERR_SYMLINK) {
		char target[MW_MAX_PATH];

		if (mw_fwd_last_is_symlink(r, path, target, sizeof(target)))
			mw_fwd_symlink_finding(r, path, target, src);
		else
			mw_fwd_error(r, path, 0, e,
					"a directory on the path is a symbolic "
					"link; not followed");
		return;
	}
	if (e) {
		if (errno == ENOENT || errno == ENOTDIR)
			return;
		mw_fwd_error(r, path, 0, e, "cannot open: %s",
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
		mw_fwd_add_finding(r, "forwarders.include-refused", MW_SEV_MEDIUM,
			    "Include of a file owned by another user; refused, not read",
			    src->inc_from ? src->inc_from : path, src->inc_line,
			    src->inc_text,
			    "Find out why a user's mail file includes a file it "
			    "does not own, and remove the include.",
			    ist.st_ino ? &ist : NULL, src->owner, path,
			    src->source, NULL);
		return;
	}
	if (src->user_file && src->uid >= 0 && !owner_could_read(&st, src->uid)) {
		char title[256];

		close(fd);
		/* root reads what the user cannot: a ~/.forward hard-linked to
		 * /etc/shadow (protected_hardlinks=0, or an image under --root)
		 * would print the hashes. Nothing of it is read or shown. */
		snprintf(title, sizeof(title), "%s file its user cannot read (owner uid "
			 "%lu, mode %04o, %lu links): not read", s.source,
			 (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777),
			 (unsigned long)st.st_nlink);
		mw_fwd_add_finding(r, "forwarders.unreadable-by-owner", MW_SEV_HIGH, title,
			    path, 0, NULL,
			    "The delivery agent, reading as the user, ignores this "
			    "file; a link count above 1 points to a hard link to a "
			    "protected file. Find the other name (find / -samefile) "
			    "and remove this one.", NULL, src->owner, NULL,
			    src->source, NULL);
		return;
	}
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	e = mw_read_fd_capped(fd, &b, MW_MAX_TEXT_FILE, &trunc);
	close(fd);
	if (e) {
		mw_fwd_error(r, path, 0, e, "read failed");
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
		mw_fwd_add_finding(r, "forwarders.oversized", MW_SEV_MEDIUM, title, path, 0,
			    NULL, "Look at what the file holds: no mail filter is this "
			    "big. Move it away if it is not one.",
			    &st, src->owner, NULL, src->source, NULL);
	}
	if (mw_fwd_text_is_binary(b.data ? b.data : "", b.len)) {
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
		mw_fwd_add_finding(r, "forwarders.unsafe-file", MW_SEV_MEDIUM, title,
			    path, 0, NULL,
			    "chown the file to its user and chmod 0600 (or 0644); "
			    "Postfix and OpenSMTPD ignore such files, other "
			    "delivery agents may not. Check who changed it.",
			    &st, src->owner, NULL, src->source, NULL);
	}
	mw_fwd_doc_init(&d);
	if (run_parser(src->fmt, &d, b.data ? b.data : "", b.len, &fmt_used)) {
		mw_fwd_error(r, path, 0, MW_ERR_NOMEM,
				"out of memory while parsing");
	}
	/* a filter parse that stopped early keeps what it found, and a line
	 * scan adds every forward a grep would see past that point */
	if ((fmt_used == FMT_SIEVE || fmt_used == FMT_EXIM_FILTER) &&
	    (d.nerrs || d.dropped_errs))
		stopped = 1 + (int)mw_fwd_scan_actions(&d, b.data ? b.data : "", b.len,
						    fmt_used == FMT_SIEVE ? "redirect" :
						    "deliver", fmt_used == FMT_SIEVE ?
						    FWD_REDIRECT : FWD_FORWARD);
	if ((int)src->fmt == FMT_FORWARD && fmt_used == FMT_EXIM_FILTER)
		s.source = "exim-filter";
	else if ((int)src->fmt == FMT_FORWARD && fmt_used == FMT_SIEVE)
		s.source = "sieve";
	s.fmt = (enum fwd_format)fmt_used;
	if ((s.fmt == FMT_FORWARD || s.fmt == FMT_LIST) && list_is_garbage(&d)) {
		not_a_mail_file(r, path, &st, src, &b, 0);
		mw_fwd_doc_free(&d);
		mw_buf_free(&b);
		return;
	}
	/* an oversized file is one finding (above): its cut and overlong
	 * lines are not parse errors of their own */
	for (i = 0; i < d.nerrs && !trunc; i++) {
		char title[384];

		snprintf(title, sizeof(title), "Cannot parse %s file: %s",
			 s.source, d.errs[i].msg);
		mw_fwd_add_finding(r, "forwarders.parse-error", MW_SEV_LOW, title, path,
			    d.errs[i].line, NULL,
			    "Fix or remove the broken part; the mail system may "
			    "read it differently from what it looks like.",
			    &st, s.owner, NULL, s.source, NULL);
	}
	if (d.dropped_errs && !trunc)
		mw_report_note(r->rep, CHECK, "%s%s: %zu more parse errors not listed",
			       r->root, path, d.dropped_errs);
	if (stopped) {
		char title[384];

		snprintf(title, sizeof(title), "%s file not fully audited: the parser "
			 "stopped at line %lu (%s); %d forward(s) found by a line scan",
			 s.source, d.nerrs ? d.errs[0].line : 0,
			 d.nerrs ? d.errs[0].msg : "errors", stopped - 1);
		mw_fwd_add_finding(r, "forwarders.not-fully-audited", MW_SEV_MEDIUM, title,
			    path, d.nerrs ? d.errs[0].line : 0, NULL,
			    "Read the file by hand: rules after the point where the "
			    "parse stopped are only seen by a line scan for "
			    "redirect/deliver.", &st, s.owner, NULL, s.source, NULL);
	}
	if (d.truncated)
		mw_fwd_error(r, path, 0, MW_ERR_LIMIT,
				"more than %d destinations; the rest not listed",
				FWD_MAX_FACTS);
	for (i = 0; i < d.nfacts; i++) {
		if (d.facts[i].kind == FWD_INCLUDE)
			follow_include(r, &s, path, &st, &d.facts[i]);
		else
			mw_fwd_judge_fact(r, &s, path, &st, &d, &d.facts[i]);
	}
	mw_fwd_doc_free(&d);
	mw_buf_free(&b);
}

/* ---- system-wide sources ---- */

/* A system file's source: no owning user or group, no include owner. */
static void system_src(struct fwd_src *s)
{
	memset(s, 0, sizeof(*s));
	s->uid = -1;
	s->gid = -1;
	s->require_uid = -1;
}

static void process_maps(struct fwd_run *r, const struct mw_strlist *maps,
			 int is_virtual)
{
	struct fwd_src s;
	size_t i;

	system_src(&s);
	for (i = 0; i < maps->n; i++) {
		const char *type, *path;
		size_t tl;

		if (mw_fwd_map_spec(maps->v[i], &type, &tl, &path)) {
			mw_report_note(r->rep, CHECK,
				       "map %s is not a file table; not audited",
				       maps->v[i]);
			continue;
		}
		s.source = is_virtual ? "virtual" : "aliases";
		if (mw_fwd_word_eq(type, tl, "regexp") || mw_fwd_word_eq(type, tl, "pcre"))
			s.fmt = FMT_REGEXP;
		else
			s.fmt = is_virtual ? FMT_VIRTUAL : FMT_ALIASES;
		mw_fwd_process_file(r, path, &s);
	}
}

static void process_panels(struct fwd_run *r)
{
	struct mw_strlist names = { 0 };
	struct fwd_src s;
	char p[MW_MAX_PATH];
	size_t i;

	system_src(&s);
	s.source = "cpanel";
	if (mw_fwd_list_dir(r, "/etc/valiases", 'f', &names) == MW_OK) {
		s.fmt = FMT_ALIASES;
		for (i = 0; i < names.n; i++) {
			snprintf(p, sizeof(p), "/etc/valiases/%s", names.v[i]);
			mw_fwd_process_file(r, p, &s);
		}
	}
	mw_strlist_clear(&names);
	if (mw_fwd_list_dir(r, "/etc/vfilters", 'f', &names) == MW_OK) {
		s.fmt = FMT_EXIM_FILTER;
		for (i = 0; i < names.n; i++) {
			snprintf(p, sizeof(p), "/etc/vfilters/%s", names.v[i]);
			s.owner = names.v[i];
			mw_fwd_process_file(r, p, &s);
		}
		s.owner = NULL;
	}
	mw_strlist_clear(&names);
	s.source = "directadmin";
	if (mw_fwd_list_dir(r, "/etc/virtual", 'd', &names) == MW_OK) {
		for (i = 0; i < names.n; i++) {
			if (!strchr(names.v[i], '.'))
				continue;
			snprintf(p, sizeof(p), "/etc/virtual/%s/aliases", names.v[i]);
			s.fmt = FMT_ALIASES;
			s.owner = NULL;
			mw_fwd_process_file(r, p, &s);
			snprintf(p, sizeof(p), "/etc/virtual/%s/filter", names.v[i]);
			s.fmt = FMT_EXIM_FILTER;
			s.owner = names.v[i];
			mw_fwd_process_file(r, p, &s);
		}
	}
	mw_strlist_clear(&names);
}

static void process_system(struct fwd_run *r)
{
	struct fwd_src s;
	size_t i;

	system_src(&s);
	if (!r->postfix_found)
		(void)mw_strlist_add(&r->alias_maps, "hash:/etc/aliases");
	process_maps(r, &r->alias_maps, 0);
	process_maps(r, &r->virtual_maps, 1);
	/* Exim reads /etc/aliases through its system_aliases router */
	s.fmt = FMT_ALIASES;
	s.source = "aliases";
	mw_fwd_process_file(r, "/etc/aliases", &s);
	s.fmt = FMT_EXIM_FILTER;
	s.source = "exim-filter";
	s.owner = "(system filter)";
	for (i = 0; i < r->exim_filters.n; i++)
		mw_fwd_process_file(r, r->exim_filters.v[i], &s);
	s.fmt = FMT_PROCMAIL;
	s.source = "procmail";
	s.owner = "(all users)";
	mw_fwd_process_file(r, "/etc/procmailrc", &s);
	s.fmt = FMT_SIEVE;
	s.source = "sieve";
	s.owner = "(all users)";
	s.sieve_dir = r->sieve_global;
	for (i = 0; i < r->sieve_before.n; i++) {
		char p[MW_MAX_PATH], a[MW_MAX_PATH];

		mw_fwd_expand_location(r->sieve_before.v[i], NULL, p, sizeof(p), a, sizeof(a));
		if (p[0] == '/')
			mw_fwd_process_sieve_location(r, p, &s);
	}
	for (i = 0; i < r->sieve_after.n; i++) {
		char p[MW_MAX_PATH], a[MW_MAX_PATH];

		mw_fwd_expand_location(r->sieve_after.v[i], NULL, p, sizeof(p), a, sizeof(a));
		if (p[0] == '/')
			mw_fwd_process_sieve_location(r, p, &s);
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
			    color && ext ? MW_C_YELLOW : "",
			    ext ? "EXTERNAL" : "local",
			    color && ext ? MW_C_RESET : "",
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
	json_object_set_new(data, "root", mw_fwd_jstr(r->root[0] ? r->root : "/"));
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

enum mw_err mw_forwarders_run(struct mw_ctx *ctx, const struct mw_forwarders_opts *o,
			      struct mw_report *report)
{
	struct fwd_run r;
	const char *root = o->root ? o->root : "/";
	struct fwd_user *users;
	struct mw_strset homes = { 0 };
	size_t nusers, i;

	memset(&r, 0, sizeof(r));
	r.rootfd = -1;
	r.list = o->list;
	if (!*root || strlen(root) >= sizeof(r.root))
		return mw_usage(ctx, "--root needs a directory");
	r.ctx = ctx;
	r.rep = report;
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

	mw_fwd_collect_domains(&r);
	mw_fwd_read_dovecot(&r);
	process_system(&r);
	users = mw_fwd_read_users(&r, &nusers);
	mw_fwd_process_virtual_users(&r, &homes);
	for (i = 0; i < nusers; i++) {
		/* one home shared by several accounts is read once */
		if (mw_strset_add(&homes, users[i].home) == 0 ||
		    !strcmp(users[i].home, "/"))
			continue;
		mw_fwd_process_user(&r, &users[i]);
	}
	mw_strset_free(&homes);
	mw_fwd_free_users(users, nusers);
	mw_progress_done(ctx);
	set_data(&r);
	free_run(&r);
	return MW_OK;
}

enum mw_err mw_forwarders_opts_describe(const struct mw_forwarders_opts *o,
					struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, "forwarders");
	mw_cmdline_str(&c, "--root", o->root);
	mw_cmdline_flag(&c, "--list", o->list);
	return c.err;
}
