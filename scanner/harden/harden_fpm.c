/*
 * `harden` for PHP-FPM: every pool gets, as php_admin_value (which a
 * script's ini_set() or .user.ini cannot undo):
 *   mail.add_x_header = On   X-PHP-Originating-Script: <uid>:<script>
 *   mail.log = syslog        one line per mail() with the script and line,
 *                            in the journal under the pool user's uid
 *   sendmail_path = mailwarden submit -- -t -i
 *                            the pool user's messages per hour (policyd)
 * The lines go at the end of each pool's section, so that they are the
 * last word on the key; files are parsed the way php-fpm reads them
 * (ini sections, key = value, ';' and '#' comments).
 *
 * The wrapper limits mail(), not a script that runs /usr/sbin/sendmail
 * itself, and with Postfix nothing closes that road without a privilege
 * boundary: authorized_submit_users, sendmail -bs and postdrop all judge
 * the real uid, which the wrapper shares with the script (checked with
 * Postfix 3.7). Exim's acl_not_smtp limit applies to every local
 * submission. So --check reports, with Postfix, the limited pools whose
 * PHP can still start a program (harden.fpm-sendmail-bypass), with
 * disable_functions as the fix; --apply leaves that to the admin, as it
 * can break a site.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/harden/harden_int.h"
#include "sysconf/ini.h"

#define FPM_MAX_POOLS	256
#define FPM_MAX_VERS	16

enum { K_XHDR, K_LOG, K_SENDMAIL, K__N };

/* What starts a program from PHP: with one of them a script reaches
 * sendmail past the wrapper (putenv: LD_PRELOAD into the shell that
 * mail() itself starts). */
static const char *const exec_functions[] = {
	"exec", "passthru", "shell_exec", "system", "proc_open", "popen", "pcntl_exec",
	"putenv",
};
#define FPM_DISABLE_KEY	"php_admin_value[disable_functions]"

static const char *const key_names[K__N] = {
	"php_admin_value[mail.add_x_header]", "php_admin_value[mail.log]",
	"php_admin_value[sendmail_path]",
};

struct fpm_inst {
	char conf[MW_MAX_PATH], pool_dir[MW_MAX_PATH], prog[MW_MAX_PATH];
};

struct section {
	char name[128], user[128];
	char disabled[1024];	/* its disable_functions (cut: fewer disabled) */
	unsigned long end;	/* last line of the section (0 = header only) */
	int ok[K__N];
};

/* Whether key k's value (quotes and comment gone) is what harden writes. */
static int value_ok(int k, const char *v, size_t n, const char *wrapper)
{
	switch (k) {
	case K_XHDR:
		return (n == 2 && !strncasecmp(v, "on", 2)) || (n == 1 && v[0] == '1') ||
		       (n == 3 && !strncasecmp(v, "yes", 3)) ||
		       (n == 4 && !strncasecmp(v, "true", 4));
	case K_LOG:
		return n > 0;
	default:
		return n == strlen(wrapper) && !memcmp(v, wrapper, n);
	}
}

/* The pool sections of one file being read. */
struct pools {
	struct section *s;
	int ns, max, cur;	/* cur: the section being read, -1 outside a pool */
	const char *wrapper;
};

static void on_section(void *ud, const char *name, unsigned long line)
{
	struct pools *p = ud;

	p->cur = -1;
	if (strcmp(name, "global") == 0 || p->ns == p->max)
		return;
	p->cur = p->ns++;
	memset(&p->s[p->cur], 0, sizeof(p->s[p->cur]));
	snprintf(p->s[p->cur].name, sizeof(p->s[p->cur].name), "%s", name);
	p->s[p->cur].end = line;
}

static int on_entry(void *ud, const struct mw_ini_entry *e)
{
	struct pools *p = ud;
	struct section *sec;

	if (p->cur < 0)
		return 0;
	sec = &p->s[p->cur];
	sec->end = e->line;
	if (strcmp(e->key, "user") == 0)
		snprintf(sec->user, sizeof(sec->user), "%s", e->value);
	if (strcmp(e->key, FPM_DISABLE_KEY) == 0)
		snprintf(sec->disabled, sizeof(sec->disabled), "%s", e->value);
	for (int k = 0; k < K__N; k++)
		if (strcmp(e->key, key_names[k]) == 0)
			sec->ok[k] = value_ok(k, e->value, e->value_len, p->wrapper);
	return 0;
}

/*
 * The pool sections of one file (global is not a pool), read by the PHP
 * INI parser php-fpm's own syntax follows (sysconf/ini.h); returns the
 * count.
 */
static int parse_pools(const char *data, size_t len, const char *wrapper,
		       struct section *s, int max)
{
	struct pools p = { s, 0, max, -1, wrapper };
	const struct mw_ini_cb cb = { &p, on_entry, NULL, on_section };

	mw_ini_parse_cb(data, len, &cb);
	return p.ns;
}

/* data with the missing lines after each section's last line, into out. */
static enum mw_err add_lines(const char *data, size_t len, const struct section *s,
			     int ns, const char *wrapper, struct mw_buf *out)
{
	static const char *const vals[K__N] = { "On", "syslog", NULL };
	struct mw_lines it;
	const char *line, *end;
	size_t n;
	int over;
	enum mw_err e = MW_OK;

	mw_lines_init(&it, data, len, SIZE_MAX);
	while (!e && mw_lines_next(&it, &line, &n, &over)) {
		end = it.p;	/* just past the line's '\n' (or the end) */
		e = mw_buf_append(out, line, (size_t)(end - line));
		if (!e && (end == line || end[-1] != '\n'))
			e = mw_buf_putc(out, '\n');	/* no newline at the end */
		for (int i = 0; i < ns && !e; i++) {
			int miss = 0;

			if (s[i].end != it.lineno)
				continue;
			for (int k = 0; k < K__N; k++)
				miss |= !s[i].ok[k];
			if (!miss)
				continue;
			e = mw_buf_printf(out, "; %s: attribution and sending limit\n", HD_TAG);
			for (int k = 0; k < K__N && !e; k++)
				if (!s[i].ok[k])
					e = mw_buf_printf(out, "%s = %s\n", key_names[k],
							  vals[k] ? vals[k] : wrapper);
		}
	}
	return e;
}

/* The php-fpm instances: the one given, or each /etc/php/<v>/fpm. */
static int instances(const struct mw_harden_opts *o, struct fpm_inst *in, int max)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (o->fpm_conf) {
		const char *slash = strrchr(o->fpm_conf, '/');

		snprintf(in[0].conf, sizeof(in[0].conf), "%s", o->fpm_conf);
		if (o->fpm_pool_dir)
			snprintf(in[0].pool_dir, sizeof(in[0].pool_dir), "%s", o->fpm_pool_dir);
		else
			snprintf(in[0].pool_dir, sizeof(in[0].pool_dir), "%.*s/pool.d",
				 slash ? (int)(slash - o->fpm_conf) : 1, slash ? o->fpm_conf : ".");
		snprintf(in[0].prog, sizeof(in[0].prog), "%s", o->php_fpm ? o->php_fpm : "php-fpm");
		return 1;
	}
	if (!(d = opendir("/etc/php")))
		return 0;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(in[n].conf, sizeof(in[n].conf), "/etc/php/%s/fpm/php-fpm.conf", de->d_name);
		if (access(in[n].conf, F_OK) != 0)
			continue;
		snprintf(in[n].pool_dir, sizeof(in[n].pool_dir), "/etc/php/%s/fpm/pool.d", de->d_name);
		snprintf(in[n].prog, sizeof(in[n].prog), "%s",
			 o->php_fpm ? o->php_fpm : "");
		if (!o->php_fpm)
			snprintf(in[n].prog, sizeof(in[n].prog), "php-fpm%s", de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static const char *wrapper_of(const struct mw_harden_opts *o)
{
	return o->wrapper ? o->wrapper : "/usr/sbin/mailwarden submit -- -t -i";
}

/* 1 when fn is in a disable_functions list (commas or blanks, quotes
 * around the whole; PHP's function names ignore case). */
static int listed(const char *list, const char *fn)
{
	size_t n = strlen(fn);

	for (const char *p = list; *p;) {
		size_t k;

		p += strspn(p, " \t,\"");
		k = strcspn(p, " \t,\"");
		if (k == n && !strncasecmp(p, fn, n))
			return 1;
		p += k;
	}
	return 0;
}

/* disable_functions of the php.ini next to the instance's php-fpm.conf
 * (the last setting), into out; "" when there is none. */
struct ini_out {
	char *out;
	size_t len;
};

static int on_php_ini(void *ud, const struct mw_ini_entry *e)
{
	struct ini_out *o = ud;

	if (strcmp(e->key, "disable_functions") == 0)
		snprintf(o->out, o->len, "%s", e->value);
	return 0;
}

static void ini_disabled(const struct fpm_inst *in, char *out, size_t outlen)
{
	const char *slash = strrchr(in->conf, '/');
	char ini[MW_MAX_PATH + 16];
	struct mw_buf b;
	struct ini_out o = { out, outlen };

	out[0] = '\0';
	snprintf(ini, sizeof(ini), "%.*s/php.ini", slash ? (int)(slash - in->conf) : 1,
		 slash ? in->conf : ".");
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	if (mw_read_file_at(AT_FDCWD, ini, &b, MW_MAX_TEXT_FILE, NULL, NULL) == MW_OK)
		mw_ini_parse(b.data ? b.data : "", b.len, on_php_ini, NULL, &o);
	mw_buf_free(&b);
}

/*
 * With Postfix, a limited pool whose PHP can still start a program: its
 * user runs sendmail past the wrapper. The functions neither the pool nor
 * php.ini (ini) disables, comma-separated, into out; 0 when none.
 */
static int exec_open(const struct section *s, const char *ini, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(exec_functions) / sizeof(exec_functions[0]); i++)
		if (!listed(s->disabled, exec_functions[i]) && !listed(ini, exec_functions[i]) &&
		    len < n)	/* n holds them all: the cut never happens */
			len += (size_t)snprintf(out + len, n - len, "%s%s", len ? ", " : "",
						exec_functions[i]);
	return len > 0;
}

/* One pool file: findings (check) or its new content (apply). */
static enum mw_err pool_file(struct hd_run *r, const char *path, const char *ini,
			     int apply, json_t *pools)
{
	static const char *const rules[K__N] = {
		"harden.fpm-no-x-header", "harden.fpm-no-mail-log", "harden.fpm-no-limit" };
	static const char *const titles[K__N] = {
		"PHP-FPM pool %s: mail() does not add X-PHP-Originating-Script",
		"PHP-FPM pool %s: mail() calls are not logged (mail.log)",
		"PHP-FPM pool %s: no sending limit for its user (sendmail_path)" };
	const char *wrapper = wrapper_of(r->o);
	struct section *s = calloc(FPM_MAX_POOLS, sizeof(*s));
	struct mw_buf b;
	char err[MW_MAX_PATH + 128];
	int ns, miss = 0;
	enum mw_err e;

	if (!s)
		return MW_ERR_NOMEM;
	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	e = mw_read_file_at(AT_FDCWD, path, &b, MW_MAX_TEXT_FILE, NULL, NULL);
	if (e) {
		mw_report_error(r->report, "harden", path, 0, e, "cannot read it");
		goto out;
	}
	ns = parse_pools(b.data ? b.data : "", b.len, wrapper, s, FPM_MAX_POOLS);
	for (int i = 0; i < ns; i++) {
		char open_fns[256], title[512];
		int bypass = r->postfix_seen && exec_open(&s[i], ini, open_fns, sizeof(open_fns));
		json_t *j = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "file", path, "pool",
				      s[i].name, "user", s[i].user, "add_x_header", s[i].ok[K_XHDR],
				      "mail_log", s[i].ok[K_LOG], "limited", s[i].ok[K_SENDMAIL],
				      "sendmail_bypass", bypass);

		if (j)
			json_array_append_new(pools, j);
		if (!apply && bypass && s[i].ok[K_SENDMAIL]) {
			snprintf(title, sizeof(title), "PHP-FPM pool %s: its user %s can run "
				 "sendmail itself, past the limit of mail() (not disabled: %s)",
				 s[i].name, s[i].user[0] ? s[i].user : "?", open_fns);
			mw_hd_finding(r, "harden.fpm-sendmail-bypass", MW_SEV_MEDIUM, path, title,
				   "disable_functions = exec,passthru,shell_exec,system,proc_open,"
				   "popen,pcntl_exec,putenv in the php.ini of PHP-FPM (every pool), "
				   "or php_admin_value[disable_functions] in the pool (PHP 8.2's "
				   "worker then dies on such a call: nothing is sent); by hand, as "
				   "it breaks a site that runs programs. authorized_submit_users "
				   "cannot help: the wrapper runs as the same user");
		}
		for (int k = 0; k < K__N; k++) {
			if (s[i].ok[k])
				continue;
			miss = 1;
			r->missing++;
			if (apply)
				continue;
			snprintf(title, sizeof(title), titles[k], s[i].name);
			mw_hd_finding(r, rules[k], k == K_SENDMAIL ? MW_SEV_MEDIUM : MW_SEV_LOW,
				   path, title, "mailwarden harden --apply");
		}
	}
	if (apply && miss) {
		struct hd_file *f = mw_hd_file_take(r, path);
		struct mw_buf nb;

		if (!f) {
			e = MW_ERR_IO;
			goto out;
		}
		f->write = 1;
		r->touched |= HD_T_FPM;
		mw_buf_init(&nb, MW_MAX_TEXT_FILE * 2);
		e = add_lines(b.data ? b.data : "", b.len, s, ns, wrapper, &nb);
		if (!e && (e = mw_hd_file_write(f, nb.data, nb.len, err, sizeof(err))))
			e = mw_fail(r->ctx, e, "%s", err);
		mw_buf_free(&nb);
	}
out:
	mw_buf_free(&b);
	free(s);
	return e;
}

enum mw_err mw_hd_fpm(struct hd_run *r, int apply)
{
	struct fpm_inst *in = calloc(FPM_MAX_VERS, sizeof(*in));
	json_t *pools = json_array();
	enum mw_err e = MW_OK;
	int n;

	if (!in || !pools) {
		free(in);
		json_decref(pools);
		return mw_fail(r->ctx, MW_ERR_NOMEM, "out of memory");
	}
	n = instances(r->o, in, FPM_MAX_VERS);
	if (n == 0)
		mw_report_note(r->report, "harden", "no PHP-FPM found: nothing to do for it");
	for (int i = 0; i < n && !e; i++) {
		struct dirent **names = NULL;
		int nn = scandir(in[i].pool_dir, &names, NULL, alphasort);
		char ini[1024];

		ini_disabled(&in[i], ini, sizeof(ini));
		for (int k = 0; k < nn; k++) {
			size_t l = strlen(names[k]->d_name);
			char path[MW_MAX_PATH * 2];

			if (!e && l > 5 && !strcmp(names[k]->d_name + l - 5, ".conf")) {
				snprintf(path, sizeof(path), "%s/%s", in[i].pool_dir, names[k]->d_name);
				e = pool_file(r, path, ini, apply, pools);
			}
			free(names[k]);
		}
		free(names);
	}
	json_object_set_new(r->data, "fpm_pools", pools);
	free(in);
	return e;
}

int mw_hd_fpm_validate(struct hd_run *r, char *err, size_t errlen)
{
	struct fpm_inst in[FPM_MAX_VERS];
	int n = r->touched & HD_T_FPM ? instances(r->o, in, FPM_MAX_VERS) : 0;

	for (int i = 0; i < n; i++) {
		const char *argv[] = { in[i].prog, "-t", "-y", in[i].conf, NULL };

		if (mw_hd_run_program(argv, NULL, err, errlen) != 0)
			return -1;
	}
	return 0;
}

void mw_hd_fpm_reload(struct hd_run *r)
{
	struct fpm_inst in[FPM_MAX_VERS];
	int n = instances(r->o, in, FPM_MAX_VERS);
	char err[512];

	for (int i = 0; i < n; i++) {
		char unit[MW_MAX_PATH + 16];
		const char *active[] = { "systemctl", "is-active", "--quiet", unit, NULL };
		const char *reload[] = { "systemctl", "reload", unit, NULL };

		/* php-fpm8.2 runs as the unit php8.2-fpm */
		if (strncmp(in[i].prog, "php-fpm", 7) != 0 || !in[i].prog[7])
			continue;
		snprintf(unit, sizeof(unit), "php%s-fpm", in[i].prog + 7);
		if (mw_hd_run_program(active, NULL, err, sizeof(err)) != 0)
			continue;
		if (mw_hd_run_program(reload, NULL, err, sizeof(err)) != 0)
			mw_report_error(r->report, "harden", unit, 0, MW_ERR_IO, "%s", err);
	}
}
