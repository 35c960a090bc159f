/*
 * Which domains are local: asked from the MTA configuration (Postfix,
 * Exim), /etc/mailname, the host name, the hosting panels' domain lists and
 * the mailwarden configuration. A forward to anything else leaves the host.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/config.h"
#include "core/safefile.h"
#include "reports/report.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_run.h"
#include "scanner/forwarders/fwd_util.h"
#include "sysconf/mta.h"

enum mw_err mw_fwd_read(struct fwd_run *r, const char *path, struct mw_buf *buf,
		     struct stat *st, int *truncated)
{
	enum mw_err e;
	int fd;

	e = mw_open_beneath(r->rootfd, path, 0, &fd, st);
	if (e)
		return e;
	e = mw_read_fd_capped(fd, buf, MW_MAX_TEXT_FILE, truncated);
	close(fd);
	return e;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum mw_err list_dir(struct fwd_run *r, const char *path, int want,
			    int dotfiles, struct mw_strlist *out);

enum mw_err mw_fwd_list_dir(struct fwd_run *r, const char *path, int want,
			 struct mw_strlist *out)
{
	return list_dir(r, path, want, 0, out);
}

enum mw_err mw_fwd_list_dir_all(struct fwd_run *r, const char *path,
			     struct mw_strlist *out)
{
	return list_dir(r, path, 'f', 1, out);
}

static enum mw_err list_dir(struct fwd_run *r, const char *path, int want,
			    int dotfiles, struct mw_strlist *out)
{
	enum mw_err e;
	struct dirent *de;
	DIR *dir;
	int fd;

	e = mw_open_beneath(r->rootfd, path, 1, &fd, NULL);
	if (e)
		return e;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return MW_ERR_IO;
	}
	while ((de = readdir(dir)) && out->n < FWD_MAX_DIR_ENTRIES) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (!dotfiles && de->d_name[0] == '.'))
			continue;
		if (want) {
			if (fstatat(dirfd(dir), de->d_name, &st,
				    AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			/* with dot files (a home): symlinks too, so that a
			 * symlinked .forward+ext is refused and reported */
			if (want == 'f' && !S_ISREG(st.st_mode) &&
			    !(dotfiles && S_ISLNK(st.st_mode)))
				continue;
			if (want == 'd' && !S_ISDIR(st.st_mode))
				continue;
		}
		if (mw_strlist_add(out, de->d_name))
			break;
	}
	closedir(dir);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	return MW_OK;
}

void mw_fwd_add_local_domain(struct fwd_run *r, const char *dom, size_t n,
			  const char *origin)
{
	char buf[256];
	size_t i;

	mw_fwd_trim(&dom, &n);
	while (n && (dom[n - 1] == '.' || dom[n - 1] == ',' || dom[n - 1] == ';'))
		n--;
	if (!n || n >= sizeof(buf))
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)dom[i];

		/* only host-name characters; '*.' becomes '.' (subdomains) */
		if (c == '*' && i == 0 && n > 1 && dom[1] == '.') {
			buf[i] = '*';
			continue;
		}
		if (!isalnum(c) && c != '.' && c != '-' && c != '_')
			return;
		buf[i] = (char)tolower(c);
	}
	buf[n] = '\0';
	if (buf[0] == '*')
		memmove(buf, buf + 1, n);
	if (mw_strlist_contains(&r->local, buf, 1))
		return;
	if (mw_strlist_add(&r->local, buf) == MW_OK &&
	    mw_strlist_add(&r->domain_origin, origin) != MW_OK) {
		r->local.n--;
		free(r->local.v[r->local.n]);
	}
}

/* First word of every line (up to blank or ':'), '#' comments skipped. */
static void add_domains_from_file(struct fwd_run *r, const char *path,
				  const char *origin, int skip_at)
{
	struct mw_buf b;
	struct stat st;
	struct mw_lines it;
	const char *l;
	size_t n;
	int ov, trunc;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_fwd_read(r, path, &b, &st, &trunc) == MW_OK) {
		mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
		while (mw_lines_next(&it, &l, &n, &ov)) {
			size_t w = 0;

			mw_fwd_trim(&l, &n);
			if (!n || l[0] == '#')
				continue;
			while (w < n && !fwd_isblank(l[w]) && l[w] != ':')
				w++;
			if (skip_at && memchr(l, '@', w))
				continue;
			if (!memchr(l, '.', w) && strncasecmp(l, "localhost", w))
				continue;
			mw_fwd_add_local_domain(r, l, w, origin);
		}
	}
	mw_buf_free(&b);
}

/* ---- Postfix ---- */

static const char *pf_default(const struct fwd_run *r, const char *key)
{
	(void)r;
	if (!strcmp(key, "mydestination"))
		return "$myhostname, localhost.$mydomain, localhost";
	if (!strcmp(key, "alias_maps"))
		return "hash:/etc/aliases";
	if (!strcmp(key, "virtual_alias_maps"))
		return "$virtual_maps";
	if (!strcmp(key, "virtual_alias_domains"))
		return "$virtual_alias_maps";
	return NULL;
}

/*
 * Expand $name, ${name}, $(name), ${name?text} and ${name:text} from the
 * parsed settings, then defaults; unknown names expand to "".
 */
static void pf_expand(const struct fwd_run *r, const struct mw_kvlist *d,
		      const char *v, struct mw_buf *out, int depth)
{
	size_t i = 0, n = strlen(v);

	if (depth > FWD_MAX_EXPAND_DEPTH)
		return;
	/* "a = $b$b", "b = $c$c", ...: stop at the cap, not after 2^depth */
	while (i < n && out->len < out->cap) {
		char name[128], alt[512];
		size_t s, nl;
		int mode = 0;	/* 0 value, '?' text if set, ':' text if unset */
		const char *val;

		if (v[i] != '$') {
			(void)mw_buf_putc(out, v[i++]);
			continue;
		}
		i++;
		alt[0] = '\0';
		if (i < n && (v[i] == '{' || v[i] == '(')) {
			char close = v[i] == '{' ? '}' : ')';

			s = ++i;
			while (i < n && v[i] != close && v[i] != '?' &&
			       v[i] != ':')
				i++;
			nl = i - s;
			if (i < n && (v[i] == '?' || v[i] == ':')) {
				size_t as;

				mode = v[i++];
				as = i;
				while (i < n && v[i] != close)
					i++;
				snprintf(alt, sizeof(alt), "%.*s",
					 (int)(i - as), v + as);
			}
			if (i < n)
				i++;
		} else {
			s = i;
			while (i < n && (isalnum((unsigned char)v[i]) ||
					 v[i] == '_'))
				i++;
			nl = i - s;
		}
		if (!nl || nl >= sizeof(name))
			continue;
		memcpy(name, v + s, nl);
		name[nl] = '\0';
		val = mw_kv_get(d, name);
		if (!val && !strcmp(name, "myhostname"))
			val = r->hostname;
		if (!val && !strcmp(name, "mydomain")) {
			const char *dot = strchr(r->hostname, '.');

			val = dot ? dot + 1 : "localdomain";
		}
		if (!val)
			val = pf_default(r, name);
		if (mode == '?') {
			if (val && *val)
				pf_expand(r, d, alt, out, depth + 1);
		} else if (mode == ':') {
			if (!val || !*val)
				pf_expand(r, d, alt, out, depth + 1);
		} else if (val) {
			pf_expand(r, d, val, out, depth + 1);
		}
	}
}

static char *pf_get(const struct fwd_run *r, const struct mw_kvlist *d,
		    const char *key)
{
	struct mw_buf b;
	const char *v = mw_kv_get(d, key);

	if (!v)
		v = pf_default(r, key);
	mw_buf_init(&b, MW_MAX_LINE * 8);
	if (v)
		pf_expand(r, d, v, &b, 0);
	(void)mw_buf_putc(&b, '\0');
	return mw_buf_steal(&b);
}

int mw_fwd_map_spec(const char *spec, const char **type, size_t *tlen,
		 const char **path)
{
	static const char *const file_types[] = {
		"hash", "btree", "lmdb", "cdb", "dbm", "sdbm", "texthash",
		"regexp", "pcre", NULL
	};
	const char *c;
	size_t i;

	if (!strncmp(spec, "proxy:", 6))
		spec += 6;
	c = strchr(spec, ':');
	if (!c)
		return -1;
	*type = spec;
	*tlen = (size_t)(c - spec);
	*path = c + 1;
	for (i = 0; file_types[i]; i++)
		if (mw_fwd_word_eq(spec, *tlen, file_types[i]))
			return (*path)[0] == '/' ? 0 : -1;
	return -1;
}

static void pf_domain_list(struct fwd_run *r, const struct mw_kvlist *d,
			   const char *key)
{
	struct mw_strlist w = { 0 };
	char *v = pf_get(r, d, key);
	char origin[64];
	size_t i;

	snprintf(origin, sizeof(origin), "postfix %s", key);
	(void)mw_strlist_add_words(&w, v);
	for (i = 0; i < w.n; i++) {
		const char *type, *path;
		size_t tl;

		if (strchr(w.v[i], ':')) {
			/* a lookup table: its keys that are domains */
			if (mw_fwd_map_spec(w.v[i], &type, &tl, &path) == 0 &&
			    !mw_fwd_word_eq(type, tl, "regexp") &&
			    !mw_fwd_word_eq(type, tl, "pcre"))
				add_domains_from_file(r, path, origin, 1);
			continue;
		}
		mw_fwd_add_local_domain(r, w.v[i], strlen(w.v[i]), origin);
	}
	mw_strlist_clear(&w);
	free(v);
}

static void collect_postfix(struct fwd_run *r)
{
	struct mw_kvlist d = { 0 };
	struct mw_buf b;
	struct stat st;
	int trunc = 0, have = 0;

	if (!r->root[0] && mw_postfix_state(NULL) != MW_POSTFIX_ABSENT) {
		static const char *const n[] = { "-n", NULL };
		char err[300];

		if (mw_postconf_kv(NULL, n, &d, err, sizeof(err)) == MW_OK) {
			have = 1;
			mw_report_note(r->rep, "forwarders",
				       "Postfix settings from postconf -n");
		} else {
			/* e.g. Postfix installed but never configured */
			mw_report_note(r->rep, "forwarders",
				       "postconf -n failed; reading main.cf if present");
			mw_kv_free(&d);
		}
	}
	mw_buf_init(&b, MW_MAX_CMD_OUTPUT);
	if (!have && mw_fwd_read(r, "/etc/postfix/main.cf", &b, &st, &trunc) == MW_OK) {
		/* out of memory or too many entries: judge what was read */
		(void)mw_kv_parse_maincf(b.data ? b.data : "", b.len, &d);
		have = 1;
	}
	mw_buf_free(&b);
	if (have) {
		char *v;

		r->postfix_found = 1;
		pf_domain_list(r, &d, "mydestination");
		pf_domain_list(r, &d, "virtual_alias_domains");
		pf_domain_list(r, &d, "virtual_mailbox_domains");
		v = pf_get(r, &d, "alias_maps");
		(void)mw_strlist_add_words(&r->alias_maps, v);
		free(v);
		v = pf_get(r, &d, "virtual_alias_maps");
		(void)mw_strlist_add_words(&r->virtual_maps, v);
		free(v);
	}
	mw_kv_free(&d);
}

/* ---- Exim ---- */

/*
 * An Exim domain list. In "domainlist local_domains = a : b : @ :
 * lsearch;/etc/localdomains" items are ':'-separated and "type;file" is a
 * lookup whose file lists domains; Debian's dc_other_hostnames separates
 * with ';' (semi = 1) and has no lookups.
 */
static void exim_domain_items(struct fwd_run *r, const char *v, size_t n,
			      const char *origin, int semi)
{
	size_t i = 0;

	while (i < n) {
		size_t s;
		const char *it, *sc;
		size_t il;

		while (i < n && (v[i] == ':' || (semi && v[i] == ';') ||
				 fwd_isblank(v[i])))
			i++;
		s = i;
		while (i < n && v[i] != ':' && !(semi && v[i] == ';'))
			i++;
		it = v + s;
		il = i - s;
		mw_fwd_trim(&it, &il);
		if (!il)
			continue;
		sc = semi ? NULL : memchr(it, ';', il);
		if (sc) {
			/* "lsearch;/etc/localdomains", "dsearch;/etc/x" */
			const char *path = sc + 1;
			size_t pl = il - (size_t)(path - it);
			char p[MW_MAX_PATH];

			if (pl && path[0] == '/' && pl < sizeof(p) &&
			    (size_t)(sc - it) == 7 && !strncmp(it, "lsearch", 7)) {
				snprintf(p, sizeof(p), "%.*s", (int)pl, path);
				add_domains_from_file(r, p, origin, 1);
			}
		} else if (il == 1 && it[0] == '@') {
			mw_fwd_add_local_domain(r, r->hostname, strlen(r->hostname),
					     origin);
		} else if (it[0] == '/') {
			char p[MW_MAX_PATH];

			if (il < sizeof(p)) {
				snprintf(p, sizeof(p), "%.*s", (int)il, it);
				add_domains_from_file(r, p, origin, 1);
			}
		} else if (it[0] != '+' && it[0] != '!' && it[0] != '$' &&
			   it[0] != '@') {
			mw_fwd_add_local_domain(r, it, il, origin);
		}
	}
}

static void collect_exim(struct fwd_run *r)
{
	static const char *const confs[] = {
		"/etc/exim4/exim4.conf", "/etc/exim4/exim4.conf.template",
		"/etc/exim.conf", "/etc/exim/exim.conf",
		"/etc/exim4/conf.d/main/01_exim4-config_listmacrosdefs",
	};
	struct mw_buf b;
	struct stat st;
	struct mw_lines it;
	const char *l;
	size_t n, i;
	int ov, trunc;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_fwd_read(r, "/etc/exim4/update-exim4.conf.conf", &b, &st, &trunc) == MW_OK) {
		r->exim_found = 1;
		mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
		while (mw_lines_next(&it, &l, &n, &ov)) {
			if (n > 19 && !strncmp(l, "dc_other_hostnames=", 19)) {
				const char *v = l + 19;
				size_t vn = n - 19;

				if (vn >= 2 && (v[0] == '\'' || v[0] == '"')) {
					v++;
					vn -= 2;
				}
				exim_domain_items(r, v, vn, "exim dc_other_hostnames", 1);
				mw_fwd_add_local_domain(r, r->hostname,
						     strlen(r->hostname),
						     "exim dc_other_hostnames");
			}
		}
	}
	for (i = 0; i < sizeof(confs) / sizeof(confs[0]); i++) {
		mw_buf_reset(&b);
		if (mw_fwd_read(r, confs[i], &b, &st, &trunc) != MW_OK)
			continue;
		r->exim_found = 1;
		mw_lines_init(&it, b.data ? b.data : "", b.len, MW_MAX_LINE);
		while (mw_lines_next(&it, &l, &n, &ov)) {
			const char *eq;

			mw_fwd_trim(&l, &n);
			eq = memchr(l, '=', n);
			if (!eq)
				continue;
			if (n > 22 && !strncmp(l, "domainlist", 10) &&
			    strstr(l, "local_domains") &&
			    (size_t)(strstr(l, "local_domains") - l) < (size_t)(eq - l)) {
				exim_domain_items(r, eq + 1,
						  n - (size_t)(eq + 1 - l),
						  "exim local_domains", 0);
			} else if (n > 14 && !strncmp(l, "system_filter", 13) &&
				   (l[13] == ' ' || l[13] == '=')) {
				const char *v = eq + 1;
				size_t vn = n - (size_t)(v - l);

				mw_fwd_trim(&v, &vn);
				if (vn && v[0] == '/' &&
				    mw_strlist_addn(&r->exim_filters, v, vn) != MW_OK)
					break;
			}
		}
	}
	mw_buf_free(&b);
}

/* ---- the rest ---- */

static void collect_hostname(struct fwd_run *r)
{
	struct mw_buf b;
	struct stat st;
	int trunc;

	r->hostname[0] = '\0';
	if (!r->root[0]) {
		if (gethostname(r->hostname, sizeof(r->hostname) - 1) < 0)
			r->hostname[0] = '\0';
		r->hostname[sizeof(r->hostname) - 1] = '\0';
	} else {
		mw_buf_init(&b, MW_MAX_TEXT_FILE);
		if (mw_fwd_read(r, "/etc/hostname", &b, &st, &trunc) == MW_OK && b.len) {
			const char *s = b.data;
			size_t n = 0;

			while (n < b.len && !fwd_isblank(s[n]))
				n++;
			snprintf(r->hostname, sizeof(r->hostname), "%.*s",
				 (int)n, s);
		}
		mw_buf_free(&b);
	}
	if (r->hostname[0])
		mw_fwd_add_local_domain(r, r->hostname, strlen(r->hostname),
				     "host name");
}

void mw_fwd_collect_domains(struct fwd_run *r)
{
	const struct mw_config *cfg = r->ctx->cfg;
	struct mw_strlist names = { 0 };
	size_t i;

	mw_fwd_add_local_domain(r, "localhost", 9, "built-in");
	collect_hostname(r);
	add_domains_from_file(r, "/etc/mailname", "/etc/mailname", 1);
	collect_postfix(r);
	collect_exim(r);
	/* cPanel */
	add_domains_from_file(r, "/etc/localdomains", "cpanel /etc/localdomains", 1);
	add_domains_from_file(r, "/etc/virtualdomains", "cpanel /etc/virtualdomains", 1);
	add_domains_from_file(r, "/etc/userdomains", "cpanel /etc/userdomains", 1);
	if (mw_fwd_list_dir(r, "/etc/valiases", 'f', &names) == MW_OK)
		for (i = 0; i < names.n; i++)
			if (strchr(names.v[i], '.'))
				mw_fwd_add_local_domain(r, names.v[i],
						     strlen(names.v[i]),
						     "cpanel /etc/valiases");
	mw_strlist_clear(&names);
	/* DirectAdmin */
	add_domains_from_file(r, "/etc/virtual/domains", "directadmin /etc/virtual/domains", 1);
	if (mw_fwd_list_dir(r, "/etc/virtual", 'd', &names) == MW_OK)
		for (i = 0; i < names.n; i++)
			if (strchr(names.v[i], '.'))
				mw_fwd_add_local_domain(r, names.v[i],
						     strlen(names.v[i]),
						     "directadmin /etc/virtual");
	mw_strlist_clear(&names);
	for (i = 0; cfg && i < cfg->local_domains.n; i++)
		mw_fwd_add_local_domain(r, cfg->local_domains.v[i],
				     strlen(cfg->local_domains.v[i]),
				     "mailwarden.conf local_domains");
}
