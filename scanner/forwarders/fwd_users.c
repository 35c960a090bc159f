/*
 * Who the users are and where their mail files are: Dovecot's Sieve layout
 * (sieve, sieve_dir, sieve_before/after, mail_home), the system users of
 * /etc/passwd and the virtual mailbox users under mail_home, and the files
 * of each user's home (.forward, .procmailrc, .mailfilter, Sieve scripts,
 * .forward+EXT, cPanel mailbox filters). Every file found goes to
 * mw_fwd_process_file (forwarders.c), which reads, parses and judges it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "reports/report.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_run.h"
#include "scanner/forwarders/fwd_util.h"

#define CHECK "forwarders"

/* ---- Dovecot Sieve layout ---- */

void mw_fwd_read_dovecot(struct fwd_run *r)
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
		if (mw_fwd_read(r, files[i], &b, &st, &trunc) != MW_OK) {
			mw_buf_free(&b);
			continue;
		}
		mw_fwd_doc_init(&d);
		(void)mw_fwd_parse_dovecot_conf(&d, b.data ? b.data : "", b.len);
		for (k = 0; k < d.nerrs; k++)
			mw_fwd_error(r, files[i], d.errs[k].line,
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
		mw_fwd_doc_free(&d);
		mw_buf_free(&b);
	}
}

/*
 * Dovecot location "file:~/sieve;active=~/.dovecot.sieve" (or a bare path)
 * into the storage path and the active-script path, %u/%n/%h and ~ expanded.
 */
void mw_fwd_expand_location(const char *loc, const struct fwd_user *u, char *path,
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
void mw_fwd_process_sieve_location(struct fwd_run *r, const char *loc,
				   const struct fwd_src *src)
{
	struct mw_strlist names = { 0 };
	char p[MW_MAX_PATH];
	size_t i;

	if (mw_fwd_list_dir(r, loc, 'f', &names) == MW_OK) {
		for (i = 0; i < names.n; i++) {
			if (!has_suffix(names.v[i], ".sieve"))
				continue;
			if (mw_fwd_path_join(p, sizeof(p), loc, names.v[i]))
				continue;
			mw_fwd_process_file(r, p, src);
		}
		mw_strlist_clear(&names);
		return;
	}
	mw_fwd_process_file(r, loc, src);
}

static void process_user_sieve(struct fwd_run *r, const struct fwd_user *u,
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

	mw_fwd_expand_location(loc, u, dir, sizeof(dir), active, sizeof(active));
	if (!active[0] && r->sieve_loc) {
		/* "sieve = ~/.dovecot.sieve" with a legacy sieve_dir */
		snprintf(active, sizeof(active), "%s", dir);
		if (r->sieve_dir)
			mw_fwd_expand_location(r->sieve_dir, u, dir, sizeof(dir), p,
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
			mw_fwd_process_file(r, active, &s);
		} else if (e == MW_ERR_SYMLINK &&
			   mw_fwd_last_is_symlink(r, active, target, sizeof(target))) {
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
				(void)mw_fwd_seen_before(r, active);
			} else {
				(void)mw_fwd_seen_before(r, active);
				mw_fwd_symlink_finding(r, active, target, &s);
			}
		} else if (e == MW_ERR_SYMLINK) {
			mw_fwd_error(r, active, 0, e,
					"a directory on the path is a symbolic "
					"link; not followed");
		} else if (errno != ENOENT && errno != ENOTDIR) {
			mw_fwd_error(r, active, 0, e,
					"cannot open the active Sieve script");
		}
	}
	if (active_name[0] && !mw_fwd_path_join(p, sizeof(p), dir, active_name)) {
		mw_fwd_process_file(r, p, &s);
	}
	/* Scripts in the storage that are not active (nor included) never
	 * run: reported as inactive. */
	if (mw_fwd_list_dir(r, dir, 0, &names) == MW_OK) {
		s.inactive = 1;
		for (i = 0; i < names.n; i++) {
			if (!has_suffix(names.v[i], ".sieve"))
				continue;
			if (mw_fwd_path_join(p, sizeof(p), dir, names.v[i]))
				continue;
			mw_fwd_process_file(r, p, &s);
		}
	}
	mw_strlist_clear(&names);
}

/* ---- users ---- */

void mw_fwd_free_users(struct fwd_user *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(u[i].name);
		free(u[i].home);
	}
	free(u);
}

/* Users with a home from ROOT/etc/passwd (also on the live system, so that
 * the audit of "/" and of an image behave the same). */
struct fwd_user *mw_fwd_read_users(struct fwd_run *r, size_t *nusers)
{
	struct mw_buf b;
	struct stat st;
	struct mw_lines it;
	struct fwd_user *u = NULL;
	size_t n = 0, a = 0, len;
	const char *l;
	int ov, trunc;

	*nusers = 0;
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_fwd_read(r, "/etc/passwd", &b, &st, &trunc) != MW_OK) {
		/* an image without /etc/passwd (a mail store, a container) still
		 * has its aliases, virtual users and system files audited */
		if (errno == ENOENT && r->root[0])
			mw_report_note(r->rep, CHECK, "no %s/etc/passwd: no system user's "
				       "files audited", r->root);
		else
			mw_fwd_error(r, "/etc/passwd", 0, MW_ERR_IO,
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
		if (mw_fwd_word_eq(f[5], fl[5], "/nonexistent") ||
		    mw_fwd_word_eq(f[5], fl[5], "/dev/null"))
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
			struct fwd_user *nu = realloc(u, na * sizeof(*nu));

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
static void process_user_extras(struct fwd_run *r, const struct fwd_user *u,
				const struct fwd_src *base)
{
	struct mw_strlist names = { 0 }, doms = { 0 }, boxes = { 0 };
	struct fwd_src s = *base;
	char p[MW_MAX_PATH], d[MW_MAX_PATH];
	size_t i, j;

	/* mw_fwd_list_dir skips dot names, so look at the home listing here */
	if (mw_fwd_list_dir_all(r, u->home, &names) == MW_OK) {
		s.fmt = FMT_FORWARD;
		s.source = "forward";
		for (i = 0; i < names.n; i++) {
			const char *n = names.v[i];

			if (strncmp(n, ".forward", 8) || (n[8] != '+' && n[8] != '-') ||
			    !n[9])
				continue;
			if (!mw_fwd_path_join(p, sizeof(p), u->home, n))
				mw_fwd_process_file(r, p, &s);
		}
	}
	mw_strlist_clear(&names);
	if (mw_fwd_path_join(d, sizeof(d), u->home, "etc") ||
	    mw_fwd_list_dir(r, d, 'd', &doms) != MW_OK)
		return;
	s.fmt = FMT_EXIM_FILTER;
	s.source = "cpanel";
	for (i = 0; i < doms.n; i++) {
		char dd[MW_MAX_PATH];

		if (!strchr(doms.v[i], '.') || mw_fwd_path_join(dd, sizeof(dd), d, doms.v[i]))
			continue;
		if (mw_fwd_list_dir(r, dd, 'd', &boxes) != MW_OK)
			continue;
		for (j = 0; j < boxes.n; j++) {
			char box[MW_MAX_PATH], mailbox[512];

			if (mw_fwd_path_join(box, sizeof(box), dd, boxes.v[j]) ||
			    mw_fwd_path_join(p, sizeof(p), box, "filter"))
				continue;
			/* the filter belongs to the mailbox, not the account */
			snprintf(mailbox, sizeof(mailbox), "%s@%s", boxes.v[j],
				 doms.v[i]);
			s.owner = mailbox;
			mw_fwd_process_file(r, p, &s);
		}
		mw_strlist_clear(&boxes);
	}
	mw_strlist_clear(&doms);
}

void mw_fwd_process_user(struct fwd_run *r, const struct fwd_user *u)
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
	mw_fwd_process_file(r, p, &s);

	snprintf(p, sizeof(p), "%s/.procmailrc", u->home);
	s.fmt = FMT_PROCMAIL;
	s.source = "procmail";
	mw_fwd_process_file(r, p, &s);

	snprintf(p, sizeof(p), "%s/.mailfilter", u->home);
	s.fmt = FMT_MAILDROP;
	s.source = "maildrop";
	mw_fwd_process_file(r, p, &s);

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
		struct fwd_user u;
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
		mw_fwd_process_user(r, &u);
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
	if (mw_fwd_list_dir(r, next[0] ? next : "/", 'd', &subs) != MW_OK)
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

void mw_fwd_process_virtual_users(struct fwd_run *r, struct mw_strset *homes)
{
	size_t n = 0;

	if (!r->mail_home || r->mail_home[0] != '/')
		return;
	walk_vhomes(r, r->mail_home, "", NULL, NULL, homes, &n);
	if (n)
		mw_report_note(r->rep, CHECK, "%zu virtual mailbox%s under %s (Dovecot "
			       "mail_home) audited", n, n == 1 ? "" : "es", r->mail_home);
}
