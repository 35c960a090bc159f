/*
 * Files of the tampering family into items, items judged by the table,
 * judgements into findings (tamper.h). Prepend/append targets inside the
 * scanned roots are opened beneath their root (no symlink, no "..") and
 * scanned with the PHP rules.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/excerpt.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "reports/report.h"
#include "scanner/tamper/tamper_int.h"
#include "scanner/tamper/tamper_parse.h"
#include "signatures/sig.h"

#define CONTEXT_MAX	1024	/* RewriteConds kept for the next RewriteRule */
#define MAX_TARGET_SCANS 4	/* prepend targets read per file: 4096 lines
				 * naming one 4 MiB file must not cost 16 GB */

static const char *const kind_names[MW_TAMPER__COUNT] = {
	"", "htaccess", "userini", "phpini", "fpm", "cron"
};

const char *mw_tamper_kind_name(enum mw_tamper_kind k)
{
	return (unsigned)k < MW_TAMPER__COUNT ? kind_names[k] : "";
}

static int ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), n = strlen(suffix);

	return l >= n && strcmp(s + l - n, suffix) == 0;
}

/* 1 when path's parent directory ends with "/dir" (dir holds no '/'s of
 * its own beyond those given). */
static int parent_is(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');
	size_t n = strlen(dir);

	return slash && (size_t)(slash - path) >= n &&
	       strncmp(slash - n, dir, n) == 0;
}

enum mw_tamper_kind mw_tamper_kind_of(const char *name, const char *path)
{
	if (strcmp(name, ".htaccess") == 0)
		return MW_TAMPER_HTACCESS;
	if (strcmp(name, ".user.ini") == 0)
		return MW_TAMPER_USER_INI;
	if (strcmp(name, "php.ini") == 0)
		return MW_TAMPER_PHP_INI;
	if (strcmp(name, "php-fpm.conf") == 0 ||
	    (ends_with(name, ".conf") && (parent_is(path, "/pool.d") ||
					  parent_is(path, "/php-fpm.d"))))
		return MW_TAMPER_FPM;
	if (name[0] != '.' && (parent_is(path, "/cron/crontabs") ||
			       (strncmp(path, "/var/spool/cron/", 16) == 0 &&
				!strchr(path + 16, '/'))))
		return MW_TAMPER_CRON;
	return MW_TAMPER_NONE;
}

void mw_tamper_host_dirs(struct mw_strlist *out)
{
	static const char *const dirs[] = {
		"/var/spool/cron/crontabs", "/etc/php-fpm.d",
	};
	char path[MW_MAX_PATH];
	struct dirent *de;
	struct stat st;
	size_t i;
	int k;
	DIR *d;

	for (i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		if (lstat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			(void)mw_strlist_add(out, dirs[i]);
	/* /etc/php/VERSION/fpm/pool.d of every installed PHP (Debian), and
	 * cPanel's /opt/cpanel/ea-phpNN/root/etc/php-fpm.d */
	for (k = 0; k < 2; k++) {
		d = opendir(k ? "/opt/cpanel" : "/etc/php");
		if (!d)
			continue;
		for (i = 0; i < 256 && (de = readdir(d)) != NULL; i++) {
			if (k == 0 && (de->d_name[0] < '0' || de->d_name[0] > '9'))
				continue;
			if (k == 1 && strncmp(de->d_name, "ea-php", 6) != 0)
				continue;
			snprintf(path, sizeof(path), k ? "/opt/cpanel/%s/root/etc/php-fpm.d" :
				 "/etc/php/%s/fpm/pool.d", de->d_name);
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
				(void)mw_strlist_add(out, path);
		}
		closedir(d);
	}
}

/* ---- items ---- */

struct items_run {
	const struct mw_tamper_env *env;
	enum mw_tamper_kind kind;
	const char *path;
	char dir[MW_MAX_PATH];		/* directory of path */
	const char *user;		/* crontab owner: the file name */
	tamper_item_fn fn;
	void *ud;
	struct mw_tamper_parse_stats *st;
	int stop;
	char conds[CONTEXT_MAX];	/* positive RewriteConds so far */
	char key[MW_TAMPER_MAX_NAME * 4], target[MW_MAX_PATH];
	char value[MW_TAMPER_MAX_LINE + 1], context[MW_TAMPER_MAX_LINE + 1];
};

static void lower_copy(char *dst, size_t cap, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < cap; i++)
		dst[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	dst[i] = '\0';
}

/*
 * Lexically normalised absolute form of v (relative: to dir) into out:
 * "." and empty components dropped, ".." pops (never above "/"). Returns 0
 * for a stream wrapper ("php://input") or an empty/none value, else 1.
 */
static int resolve_target(const char *v, const char *dir, char *out, size_t cap)
{
	char tmp[MW_MAX_PATH * 2];
	const char *p, *c;
	size_t n = 0;

	for (p = v; (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (p > v && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '.' ||
			       *p == '-')); p++)
		;
	if (p > v && *p == ':')
		return 0;
	if (!*v || strcasecmp(v, "none") == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s/%s", v[0] == '/' ? "" : dir, v);
	out[0] = '\0';
	for (p = tmp; *p; p = c) {
		size_t l;

		while (*p == '/')
			p++;
		for (c = p; *c && *c != '/'; c++)
			;
		l = (size_t)(c - p);
		if (l == 0 || (l == 1 && p[0] == '.'))
			continue;
		if (l == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			out[n] = '\0';
			continue;
		}
		if (n + 1 + l + 1 > cap)
			break;
		out[n++] = '/';
		memcpy(out + n, p, l);
		n += l;
		out[n] = '\0';
	}
	if (n == 0 && cap > 1) {
		out[0] = '/';
		out[1] = '\0';
	}
	return 1;
}

/* The root (of env->roots) that holds path, or NULL. */
static const char *root_of(const struct mw_tamper_env *env, const char *path)
{
	size_t i, l;

	for (i = 0; env->roots && i < env->roots->n; i++) {
		const char *r = env->roots->v[i];

		l = strlen(r);
		while (l > 1 && r[l - 1] == '/')
			l--;
		if (strncmp(path, r, l) == 0 && (path[l] == '/' || (l == 1 && r[0] == '/')))
			return r;
	}
	return NULL;
}

/* Judge one item and hand it on. */
static void emit_item(struct items_run *r, enum tamper_item_type type,
		      const char *key, const char *value, const char *context,
		      unsigned long line, size_t offset)
{
	struct tamper_item it;

	if (r->stop)
		return;
	memset(&it, 0, sizeof(it));
	lower_copy(r->key, sizeof(r->key), key);
	it.type = type;
	it.kind = r->kind;
	it.key = r->key;
	it.value = value;
	it.context = context ? context : "";
	it.config_dir = r->dir;
	it.line = line;
	it.offset = offset;
	if (type == TI_SETTING && (strcmp(r->key, "auto_prepend_file") == 0 ||
				   strcmp(r->key, "auto_append_file") == 0) &&
	    resolve_target(value, r->dir, r->target, sizeof(r->target))) {
		it.target = r->target;
		it.value = r->target;
		it.target_in_roots = root_of(r->env, r->target) != NULL;
	}
	r->stop = r->fn(r->ud, &it, mw_tamper_decide(r->env->table, &it));
}

/* Arguments from..argc joined by blanks into r->value. */
static const char *join_args(struct items_run *r, const struct mw_apache_directive *d,
			     size_t from)
{
	size_t i, n = 0;

	r->value[0] = '\0';
	for (i = from; i < d->argc; i++)
		n += (size_t)snprintf(r->value + n, n < sizeof(r->value) ?
				      sizeof(r->value) - n : 0, "%s%s",
				      i > from ? " " : "", d->argv[i]) ;
	return r->value;
}

/* The argument of the innermost <Files>/<FilesMatch> around d, or "". */
static const char *files_block(const struct mw_apache_directive *d)
{
	size_t i;

	for (i = d->depth; i > 0; i--)
		if (strncasecmp(d->blocks[i - 1].name, "files", 5) == 0)
			return d->blocks[i - 1].arg;
	return "";
}

static int on_apache(void *ud, const struct mw_apache_directive *d)
{
	struct items_run *r = ud;
	char name[MW_TAMPER_MAX_NAME];
	size_t i;

	lower_copy(name, sizeof(name), d->name);
	if ((strcmp(name, "php_value") == 0 || strcmp(name, "php_flag") == 0 ||
	     strcmp(name, "php_admin_value") == 0 || strcmp(name, "php_admin_flag") == 0) &&
	    d->argc >= 1) {
		join_args(r, d, 1);
		emit_item(r, TI_SETTING, d->argv[0], r->value, files_block(d), d->line,
			  d->offset);
	} else if ((strcmp(name, "addhandler") == 0 || strcmp(name, "addtype") == 0) &&
		   d->argc >= 2) {
		for (i = 1; i < d->argc && !r->stop; i++) {
			const char *ext = d->argv[i];

			lower_copy(r->context, sizeof(r->context), ext[0] == '.' ? ext + 1 : ext);
			emit_item(r, TI_HANDLER, name, d->argv[0], r->context, d->line,
				  d->offset);
		}
	} else if ((strcmp(name, "sethandler") == 0 || strcmp(name, "forcetype") == 0) &&
		   d->argc >= 1) {
		emit_item(r, TI_HANDLER, name, d->argv[0], files_block(d), d->line,
			  d->offset);
	} else if (strcmp(name, "rewritecond") == 0 && d->argc >= 2) {
		const char *var = d->argv[0];
		size_t l = strlen(r->conds), vl = strlen(var);

		/* "%{HTTP_USER_AGENT}" as "HTTP_USER_AGENT"; negated ones
		 * exclude visitors and say nothing about whom it targets */
		if (vl >= 3 && var[0] == '%' && var[1] == '{' && var[vl - 1] == '}') {
			var += 2;
			vl -= 3;
		}
		if (d->argv[1][0] != '!' && l < sizeof(r->conds))
			snprintf(r->conds + l, sizeof(r->conds) - l, "%s%.*s %s",
				 l ? " ; " : "", (int)vl, var, d->argv[1]);
	} else if (strcmp(name, "rewriterule") == 0 && d->argc >= 2) {
		emit_item(r, TI_REDIRECT, name, d->argv[1], r->conds, d->line, d->offset);
		r->conds[0] = '\0';
	} else if (strncmp(name, "redirect", 8) == 0 && d->argc >= 1) {
		emit_item(r, TI_REDIRECT, name, d->argv[d->argc - 1], "", d->line,
			  d->offset);
	} else if (strcmp(name, "errordocument") == 0 && d->argc >= 2) {
		join_args(r, d, 1);
		emit_item(r, TI_REDIRECT, name, r->value, d->argv[0], d->line, d->offset);
	}
	return r->stop;
}

/* "php_admin_value[x]" -> "x" in out when key has that prefix. */
static int bracketed(const char *key, const char *prefix, char *out, size_t cap)
{
	size_t l = strlen(prefix), kl = strlen(key);

	if (strncasecmp(key, prefix, l) != 0 || key[l] != '[' || kl < l + 2 ||
	    key[kl - 1] != ']')
		return 0;
	snprintf(out, cap, "%.*s", (int)(kl - l - 2), key + l + 1);
	return 1;
}

static void on_ini_problem(void *ud, unsigned long line, const char *what)
{
	struct items_run *r = ud;

	mw_tamper_problem(r->st, line, what);
}

static int on_ini(void *ud, const struct mw_ini_entry *e)
{
	struct items_run *r = ud;
	char name[MW_TAMPER_MAX_NAME * 4];
	static const char *const php[] = { "php_value", "php_admin_value",
					   "php_flag", "php_admin_flag" };
	size_t i;

	r->st->entries++;
	if (r->kind != MW_TAMPER_FPM) {
		emit_item(r, TI_SETTING, e->key, e->value, e->section, e->line, e->offset);
		return r->stop;
	}
	for (i = 0; i < 4; i++)
		if (bracketed(e->key, php[i], name, sizeof(name))) {
			emit_item(r, TI_SETTING, name, e->value, e->section, e->line,
				  e->offset);
			return r->stop;
		}
	if (bracketed(e->key, "env", name, sizeof(name)))
		emit_item(r, TI_ENV, name, e->value, e->section, e->line, e->offset);
	else
		emit_item(r, TI_OPTION, e->key, e->value, e->section, e->line, e->offset);
	return r->stop;
}

static int on_cron(void *ud, const struct mw_cron_entry *e)
{
	struct items_run *r = ud;

	if (e->is_env)
		emit_item(r, TI_ENV, e->schedule, e->command, r->user, e->line, e->offset);
	else
		emit_item(r, TI_CRON, r->user, e->command, e->schedule, e->line, e->offset);
	return r->stop;
}

unsigned long mw_tamper_items(const struct mw_tamper_env *env, enum mw_tamper_kind k,
			   const char *path, const char *buf, size_t len,
			   tamper_item_fn fn, void *ud, unsigned long *first_problem,
			   const char **what)
{
	struct items_run *r = calloc(1, sizeof(*r));
	struct mw_tamper_parse_stats st;
	const char *slash = strrchr(path, '/');

	memset(&st, 0, sizeof(st));
	if (!r)
		return 0;
	r->env = env;
	r->kind = k;
	r->path = path;
	r->fn = fn;
	r->ud = ud;
	r->st = &st;
	r->user = slash ? slash + 1 : path;
	if (slash)
		snprintf(r->dir, sizeof(r->dir), "%.*s", (int)(slash - path), path);
	switch (k) {
	case MW_TAMPER_HTACCESS:
		mw_apache_parse(buf, len, on_apache, r, &st);
		break;
	case MW_TAMPER_USER_INI:
	case MW_TAMPER_PHP_INI:
	case MW_TAMPER_FPM:
		mw_ini_parse(buf, len, on_ini, on_ini_problem, r);
		break;
	case MW_TAMPER_CRON:
		mw_cron_parse(buf, len, on_cron, r, &st);
		break;
	default:
		break;
	}
	free(r);
	if (first_problem)
		*first_problem = st.first_problem;
	if (what)
		*what = st.what;
	return st.problems;
}

/* ---- findings ---- */

struct judge_run {
	const struct mw_tamper_env *env;
	enum mw_tamper_kind kind;
	const char *buf;
	size_t len;
	struct mw_tamper_finding *out;
	size_t n, max;
	struct mw_buf tbuf;		/* a target's bytes */
	unsigned target_scans;
};

struct target_hits {
	json_t *arr;
	int worst;
};

static int on_target_hit(void *ud, const struct mw_sig_hit *h)
{
	struct target_hits *t = ud;
	json_t *o = json_object();

	json_object_set_new(o, "rule_id", json_string(h->rule->id));
	json_object_set_new(o, "severity",
			    json_string(mw_severity_name(h->rule->severity)));
	json_object_set_new(o, "line", json_integer((json_int_t)h->line));
	json_array_append_new(t->arr, o);
	if ((int)h->rule->severity > t->worst)
		t->worst = (int)h->rule->severity;
	return json_array_size(t->arr) >= 16;
}

/*
 * Scan a prepend/append target inside the roots with the PHP rules.
 * Returns the worst severity found (-1: none, or not scanned) and the
 * hits in *arr (NULL when none); *state says what happened.
 */
static int scan_target(struct judge_run *j, const char *target, json_t **arr,
		       const char **state)
{
	const struct mw_tamper_env *env = j->env;
	const char *root = root_of(env, target);
	struct target_hits th = { NULL, -1 };
	size_t rl;
	int rfd, fd;

	*arr = NULL;
	*state = "not scanned";
	if (!root || !env->db || !env->sc)
		return -1;
	if (j->target_scans >= MAX_TARGET_SCANS) {
		*state = "not scanned: too many targets in one file";
		return -1;
	}
	j->target_scans++;
	rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return -1;
	if (mw_open_beneath(rfd, target + (rl == 1 ? 0 : rl), 0, &fd, NULL) != MW_OK) {
		close(rfd);
		*state = "missing or not a plain file beneath the root";
		return -1;
	}
	close(rfd);
	mw_buf_reset(&j->tbuf);
	if (mw_read_fd_capped(fd, &j->tbuf, MW_TAMPER_TARGET_CAP, NULL) != MW_OK) {
		close(fd);
		*state = "unreadable";
		return -1;
	}
	close(fd);
	th.arr = json_array();
	if (mw_sig_match(env->db, env->sc, j->tbuf.data ? j->tbuf.data : "", j->tbuf.len,
			 on_target_hit, NULL, &th, NULL, NULL) != MW_OK)
		*state = "signature matcher failed";
	else
		*state = json_array_size(th.arr) ? "matched by the PHP rules" :
			 "scanned, no PHP rule matched";
	if (json_array_size(th.arr))
		*arr = th.arr;
	else
		json_decref(th.arr);
	return th.worst;
}

/* A JSON string for raw bytes: as is when UTF-8, else key_hex. */
static void set_raw(json_t *o, const char *key, const char *v)
{
	json_t *s = json_string(v);
	char hk[64], *hex;
	size_t i, n;

	if (s) {
		json_object_set_new(o, key, s);
		return;
	}
	n = strlen(v);
	hex = malloc(2 * n + 1);
	if (!hex)
		return;
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)v[i]);
	snprintf(hk, sizeof(hk), "%s_hex", key);
	json_object_set_new(o, hk, json_string(hex));
	free(hex);
}

static const char *const type_label[TI__COUNT] = {
	"setting", "handler", "redirect", "option", "env", "cron"
};

static int on_judged(void *ud, const struct tamper_item *it, const struct tamper_entry *e)
{
	struct judge_run *j = ud;
	struct mw_tamper_finding *f;
	json_t *det, *hits = NULL;
	const char *state = NULL;
	int sev = e ? e->severity : TAMPER_SEV_NONE, tsev = -1;
	size_t i;

	if (it->target && it->target_in_roots)
		tsev = scan_target(j, it->target, &hits, &state);
	if (sev == TAMPER_SEV_NONE && tsev < 0)
		return 0;
	/* one finding per entry and line (AddHandler x .jpg .png) */
	for (i = 0; e && sev != TAMPER_SEV_NONE && i < j->n; i++)
		if (j->out[i].line == it->line && strcmp(j->out[i].rule_id, e->id) == 0) {
			json_decref(hits);
			return 0;
		}
	if (j->n >= j->max) {
		json_decref(hits);
		return 1;
	}
	f = &j->out[j->n++];
	memset(f, 0, sizeof(*f));
	if (sev == TAMPER_SEV_NONE) {
		/* allowed by its place, yet its content is flagged */
		f->rule_id = "tamper.prepend-target-flagged";
		f->title = "PHP loads a file on every request that the PHP rules flag";
		f->family = "tamper/prepend";
		f->remediation = "The file is not what its name promises: restore the "
				 "security product's own loader or remove the setting, "
				 "and look at the flagged file.";
		f->severity = (enum mw_severity)tsev;
	} else {
		f->rule_id = e->id;
		f->title = e->description;
		f->family = e->family;
		f->remediation = e->remediation ? e->remediation :
				 "Remove the line (or the file) after checking who wrote it "
				 "and when; then look for how it was written.";
		f->severity = (enum mw_severity)(tsev > sev ? tsev : sev);
	}
	f->line = it->line;
	f->excerpt = mw_excerpt(j->buf, j->len, it->offset, MW_MAX_EXCERPT);
	det = json_object();
	json_object_set_new(det, "file_kind", json_string(mw_tamper_kind_name(it->kind)));
	json_object_set_new(det, "item", json_string(type_label[it->type]));
	set_raw(det, "key", it->key);
	set_raw(det, "value", it->value);
	if (it->context && it->context[0])
		set_raw(det, "context", it->context);
	if (it->target) {
		set_raw(det, "target", it->target);
		json_object_set_new(det, "target_in_roots", json_boolean(it->target_in_roots));
	}
	if (state)
		json_object_set_new(det, "target_scan", json_string(state));
	if (hits)
		json_object_set_new(det, "target_findings", hits);
	f->details = det;
	return 0;
}

size_t mw_tamper_judge(const struct mw_tamper_env *env, enum mw_tamper_kind k,
		       const char *path, const char *buf, size_t len, int truncated,
		       struct mw_tamper_finding *out, size_t max)
{
	struct judge_run j;
	unsigned long first = 0, problems;
	const char *what = NULL;

	memset(&j, 0, sizeof(j));
	j.env = env;
	j.kind = k;
	j.buf = buf;
	j.len = len;
	j.out = out;
	j.max = max;
	mw_buf_init(&j.tbuf, MW_TAMPER_TARGET_CAP + 1);
	problems = mw_tamper_items(env, k, path, buf, len, on_judged, &j, &first, &what);
	mw_buf_free(&j.tbuf);
	if (truncated && !problems) {
		problems = 1;
		first = 0;
		what = "file larger than the cap: only its start was read";
	}
	if (problems && j.n < max) {
		/* said, never silent: a cut line may hide a directive */
		struct mw_tamper_finding *f = &out[j.n++];
		json_t *det = json_object();

		memset(f, 0, sizeof(*f));
		f->rule_id = "tamper.parse-problem";
		f->title = "configuration file not fully understood";
		f->family = "tamper/parse";
		f->severity = MW_SEV_INFO;
		f->line = first;
		f->remediation = "Look at the line by hand.";
		json_object_set_new(det, "problems", json_integer((json_int_t)problems));
		json_object_set_new(det, "first", json_string(what ? what : ""));
		json_object_set_new(det, "file_kind", json_string(mw_tamper_kind_name(k)));
		f->details = det;
	}
	return j.n;
}

void mw_tamper_finding_clear(struct mw_tamper_finding *f)
{
	free(f->excerpt);
	json_decref(f->details);
	memset(f, 0, sizeof(*f));
}
