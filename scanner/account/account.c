/*
 * mailwarden account USER (account.h): the report on one mailbox. The
 * logins come from the logs check's readers (mw_ml_logs_feed), the forwards
 * from the forwarders check and the live Dovecot's Sieve scripts, the
 * queued mail from the queue check; each of those runs into a scratch
 * report and only what concerns USER is kept. The verdict weighs the
 * evidence; the response (respond.c) acts on it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cmdline.h"
#include "core/safefile.h"
#include "core/spawn.h"
#include "scanner/account/acct_int.h"
#include "scanner/forwarders/forwarders.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_judge.h"
#include "scanner/queue/queue.h"

int mw_account_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > ACCT_MAX_USER || s[0] == '-' || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' ||
		      c == '-' || c == '@'))
			return 0;
	}
	return 1;
}

int mw_acct_tool(const char *const argv[], const char *in, size_t inlen,
	      struct mw_buf *out, char *why, size_t whylen)
{
	struct mw_buf err, sink;
	struct mw_spawn_result res;
	enum mw_err e;
	int rc = -1;

	mw_buf_init(&err, 1u << 16);
	mw_buf_init(&sink, ACCT_TOOL_OUT);
	e = mw_spawn_capture(argv, in, inlen, out ? out : &sink, ACCT_TOOL_OUT, &err,
			     ACCT_TOOL_MS, &res);
	if (why && whylen) {
		const char *t = err.len ? mw_buf_str(&err) : "";
		size_t k = strcspn(t, "\n");

		if (e)
			snprintf(why, whylen, "%s: %s", argv[0], strerror(errno));
		else if (res.timed_out)
			snprintf(why, whylen, "%s: timed out", argv[0]);
		else
			snprintf(why, whylen, "%.*s", (int)(k < 300 ? k : 300), t);
	}
	if (!e && res.exited && !res.timed_out)
		rc = res.status;
	mw_buf_free(&err);
	mw_buf_free(&sink);
	return rc;
}

void mw_acct_doveadm_argv(const struct acct_run *a, const char **argv, const char *const *args)
{
	size_t n = 0, i;

	argv[n++] = "doveadm";
	if (a->o->dovecot_config) {
		argv[n++] = "-c";
		argv[n++] = a->o->dovecot_config;
	}
	for (i = 0; args[i] && n < 11; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
}

static void evidence(struct acct_run *a, int strong, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void evidence(struct acct_run *a, int strong, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(a->evidence, mw_json_raw(buf));
	if (strong)
		a->strong++;
	else
		a->weak++;
}

int mw_acct_sieve_get(const struct acct_run *a, const char *name, struct mw_buf *out)
{
	static const char head[] = "sieve script:\n";
	const char *get[] = { "-f", "pager", "sieve", "get", "-u", a->o->user, name, NULL };
	const char *argv[12];

	mw_acct_doveadm_argv(a, argv, get);
	if (mw_acct_tool(argv, NULL, 0, out, NULL, 0) != 0 || out->len < sizeof(head) - 1 ||
	    memcmp(out->data, head, sizeof(head) - 1) != 0)
		return -1;
	memmove(out->data, out->data + sizeof(head) - 1, out->len - (sizeof(head) - 1));
	out->len -= sizeof(head) - 1;
	return 0;
}

/* --- logins -------------------------------------------------------------- */

static void on_line(void *arg, const struct ml_line *l)
{
	struct acct_run *a = arg;

	mw_acct_logins_feed(&a->logins, l);
	mw_acct_sent_feed(&a->sent, l);
}

static enum mw_err read_logins(struct acct_run *a)
{
	struct mw_logs_opts lo;

	memset(&lo, 0, sizeof(lo));
	lo.files = a->o->logs;
	lo.nfiles = a->o->nlogs;
	lo.since = a->o->since;
	lo.journal = a->o->journal;
	lo.journal_dir = a->o->journal_dir;
	lo.root = a->o->root;
	return mw_ml_logs_feed(a->ctx, &lo, on_line, a);
}

/* --- forwarders ---------------------------------------------------------- */

/* Copy the scratch report's errors into ours, under this check. */
void mw_acct_copy_errors(struct acct_run *a, struct mw_report *s, const char *what)
{
	size_t i;

	for (i = 0; i < mw_report_nerrors(s); i++) {
		const struct mw_report_error *e = mw_report_get_error(s, i);

		mw_report_error(a->r, CHECK, e->path, e->line, e->code, "%s: %s", what,
				e->message ? e->message : "");
	}
}

static void note_file_time(struct acct_run *a, const char *path)
{
	struct stat st;
	size_t i;
	json_t *v;
	int fd;

	json_array_foreach(a->files, i, v)
		if (strcmp(acct_jstr(v, "path"), path) == 0)
			return;
	if (mw_open_regular_at(AT_FDCWD, path, &fd, &st) != MW_OK)
		return;
	close(fd);
	json_array_append_new(a->files, json_pack("{s:o, s:I, s:I}", "path", mw_json_raw(path),
						  "mtime", (json_int_t)st.st_mtime,
						  "ctime", (json_int_t)st.st_ctime));
}

static void read_forwarders(struct acct_run *a)
{
	struct mw_forwarders_opts fo = { a->o->root, 1 };
	struct mw_report *s = mw_report_new("forwarders");
	const json_t *d, *inv, *doms, *v;
	size_t i;

	if (!s)
		return;
	if (mw_forwarders_run(a->ctx, &fo, s) != MW_OK) {
		mw_report_error(a->r, CHECK, NULL, 0, MW_ERR_IO, "forwarders: %s", a->ctx->errmsg);
		a->ctx->errmsg[0] = '\0';
		mw_report_free(s);
		return;
	}
	mw_acct_copy_errors(a, s, "forwarders");
	d = mw_report_data(s, "forwarders");
	doms = json_object_get(d, "local_domains");
	json_array_foreach(doms, i, v)
		if (json_is_string(v))
			mw_strlist_add(&a->local_domains, json_string_value(v));
	inv = json_object_get(d, "inventory");
	json_array_foreach(inv, i, v) {
		const char *owner = json_string_value(json_object_get(v, "owner"));
		const char *path = json_string_value(json_object_get(v, "path"));

		if (!owner || strcasecmp(owner, a->o->user) != 0)
			continue;
		json_array_append(a->forwarders, (json_t *)v);
		if (path)
			note_file_time(a, path);
		if (json_is_true(json_object_get(v, "external")) &&
		    !json_is_true(json_object_get(v, "disabled"))) {
			const char *rule = json_string_value(json_object_get(v, "finding"));

			evidence(a, rule && strcmp(rule, "forwarders.hidden-forward") == 0,
				 "%s forwards to %s (%s line %lld)", acct_jstr(v, "source"),
				 acct_jstr(v, "destination"), path ? path : "?",
				 (long long)json_integer_value(json_object_get(v, "line")));
		}
	}
	mw_report_free(s);
}

/* --- Sieve scripts through doveadm ---------------------------------------- */

static void judge_script(struct acct_run *a, struct acct_script *sc, const char *text,
			 size_t len)
{
	struct fwd_doc d;
	size_t i;

	mw_fwd_doc_init(&d);
	if (mw_fwd_parse_sieve(&d, text, len) != MW_OK) {
		mw_fwd_doc_free(&d);
		return;
	}
	for (i = 0; i < d.nfacts; i++) {
		const struct fwd_fact *f = &d.facts[i];

		if ((f->kind != FWD_REDIRECT && f->kind != FWD_FORWARD && f->kind != FWD_NOTIFY) ||
		    f->disabled || !mw_fwd_address_is_external(f->dest, &a->local_domains, NULL))
			continue;
		sc->external = 1;
		if (mw_fwd_hide_for(&d, f))
			sc->hides = 1;
		if (sc->active)
			evidence(a, sc->hides, "active Sieve script \"%s\" line %lu: %s to %s%s",
				 sc->name, f->line, mw_fwd_kind_name(f->kind), f->dest,
				 sc->hides ? ", and hides the original" : "");
	}
	mw_fwd_doc_free(&d);
}

static void read_sieve(struct acct_run *a)
{
	const char *list[] = { "sieve", "list", "-u", a->o->user, NULL };
	const char *argv[12];
	struct mw_buf out;
	struct mw_lines it;
	const char *line;
	size_t len;
	int ov;

	if (a->o->root)
		return;		/* a mounted image has no live Dovecot */
	mw_buf_init(&out, ACCT_TOOL_OUT);
	mw_acct_doveadm_argv(a, argv, list);
	if (mw_acct_tool(argv, NULL, 0, &out, NULL, 0) != 0) {
		mw_report_note(a->r, CHECK, "doveadm sieve list -u %s failed: no Sieve scripts "
			       "read (no Dovecot, no Pigeonhole, or no such user)", a->o->user);
		mw_buf_free(&out);
		return;
	}
	a->sieve_read = 1;
	mw_lines_init(&it, out.data ? out.data : "", out.len, 4096);
	while (mw_lines_next(&it, &line, &len, &ov) && a->nscripts < ACCT_MAX_SCRIPTS) {
		struct acct_script *sc = &a->scripts[a->nscripts];
		struct mw_buf text;

		if (len > 7 && memcmp(line + len - 7, " ACTIVE", 7) == 0) {
			sc->active = 1;
			len -= 7;
		}
		if (len == 0)
			continue;
		sc->name = strndup(line, len);
		if (!sc->name)
			break;
		a->nscripts++;
		mw_buf_init(&text, ACCT_MAX_SCRIPT + 64);
		if (sc->name[0] == '-')
			mw_report_note(a->r, CHECK, "Sieve script \"%s\" not read: its name "
				       "starts with '-'", sc->name);
		else if (mw_acct_sieve_get(a, sc->name, &text) == 0)
			judge_script(a, sc, text.data ? text.data : "", text.len);
		mw_buf_free(&text);
	}
	mw_buf_free(&out);
}

/* --- queue ---------------------------------------------------------------- */

void mw_acct_queue_opts(const struct acct_run *a, struct mw_queue_opts *qo)
{
	mw_queue_opts_init(qo, a->ctx->cfg);
	if (a->o->exim) {
		qo->exim = a->o->exim;
		qo->mta = MW_QMTA_EXIM;
	} else if (a->o->postfix_config) {
		qo->postfix_config = a->o->postfix_config;
		qo->mta = MW_QMTA_POSTFIX;
	}
}

static void read_queue(struct acct_run *a)
{
	struct mw_queue_opts qo;
	struct mw_report *s;
	const json_t *rows, *v;
	size_t i;

	a->queued = -1;
	if (a->o->root)
		return;
	s = mw_report_new("queue");
	if (!s)
		return;
	mw_acct_queue_opts(a, &qo);
	if (mw_queue_run(a->ctx, &qo, s) != MW_OK) {
		mw_report_note(a->r, CHECK, "queue not read: %s", a->ctx->errmsg);
		a->ctx->errmsg[0] = '\0';
		mw_report_free(s);
		return;
	}
	if (!mw_report_data(s, "queue")) {
		mw_report_note(a->r, CHECK, "no mail queue found: queued mail not read");
		mw_report_free(s);
		return;
	}
	a->queued = 0;
	rows = json_object_get(json_object_get(mw_report_data(s, "queue"), "groups"), "sasl");
	json_array_foreach(rows, i, v) {
		const char *k = json_string_value(json_object_get(v, "key"));

		if (k && strcasecmp(k, a->o->user) == 0)
			a->queued += (long)json_integer_value(json_object_get(v, "messages"));
	}
	mw_report_free(s);
}

/* --- verdict -------------------------------------------------------------- */

static void judge(struct acct_run *a)
{
	const struct acct_logins *t = &a->logins;
	size_t nets = mw_acct_logins_networks_window(t), i;
	int64_t newest = mw_acct_logins_newest_network_time(t);
	json_t *v;

	if (nets >= ACCT_MANY_NETS)
		evidence(a, 1, "logins from %zu networks within a day", nets);
	if (t->stuffing_failures)
		evidence(a, 1, "%llu failed logins, then a login from %s",
			 (unsigned long long)t->stuffing_failures, t->stuffing_ip);
	if (a->queued >= 50)
		evidence(a, 0, "%ld messages of the account in the queue", a->queued);
	/* A forward or filter written after a login from a network that had
	 * not been seen before is what an attacker's visit leaves. */
	json_array_foreach(a->files, i, v) {
		json_int_t m = json_integer_value(json_object_get(v, "mtime"));

		if (newest != INT64_MIN && mw_acct_logins_networks(t) > 1 && m >= newest) {
			json_object_set_new(v, "after_new_network", json_true());
			evidence(a, 0, "%s changed after the first login from a new network",
				 acct_jstr(v, "path"));
		} else {
			json_object_set_new(v, "after_new_network", json_false());
		}
	}
}

static int compromised(const struct acct_run *a)
{
	return a->strong > 0 || a->weak >= 2;
}

static void add_finding(struct acct_run *a)
{
	struct mw_finding f;
	char title[512], fix[1024];

	memset(&f, 0, sizeof(f));
	snprintf(title, sizeof(title), "account %s shows signs of compromise (%zu piece%s of evidence)",
		 a->o->user, json_array_size(a->evidence), json_array_size(a->evidence) == 1 ? "" : "s");
	snprintf(fix, sizeof(fix),
		 "mailwarden account %s --respond --apply (ends sessions, blocks logins, "
		 "deactivates external redirects, holds its queued mail); then reset the "
		 "password and end its webmail sessions", a->o->user);
	f.check = CHECK;
	f.rule_id = "account.compromised";
	f.severity = MW_SEV_HIGH;
	f.cause = MW_CAUSE_HIJACKED;
	f.title = title;
	f.remediation = fix;
	f.details = json_pack("{s:o, s:O}", "user", mw_json_raw(a->o->user), "evidence", a->evidence);
	mw_report_add(a->r, &f);
	json_decref(f.details);
}

static json_t *scripts_json(const struct acct_run *a)
{
	json_t *v = json_array();
	size_t i;

	for (i = 0; v && i < a->nscripts; i++)
		json_array_append_new(v, json_pack("{s:o, s:b, s:b, s:b}", "name",
						   mw_json_raw(a->scripts[i].name),
						   "active", a->scripts[i].active,
						   "external", a->scripts[i].external,
						   "hides", a->scripts[i].hides));
	return v;
}

static void dir_of(const char *path, const char *dflt, char *out, size_t cap)
{
	const char *s;

	if (!path)
		path = dflt;
	s = strrchr(path, '/');
	if (!s || s == path)
		snprintf(out, cap, "/");
	else
		snprintf(out, cap, "%.*s", (int)(s - path), path);
}

static enum mw_err account_run(struct acct_run *a)
{
	const struct mw_account_opts *o = a->o;
	json_t *data, *resp = NULL;
	enum mw_err e;

	if (!o->user || !mw_account_name_ok(o->user))
		return mw_usage(a->ctx, "bad account name '%s' (letters, digits, . _ + - @)",
				o->user ? o->user : "");
	if ((o->dovecot_config && strlen(o->dovecot_config) >= sizeof(a->dovecot_dir)) ||
	    (o->postfix_config && strlen(o->postfix_config) >= sizeof(a->postfix_dir)))
		return mw_usage(a->ctx, "--dovecot-config / --postfix-config path too long");
	if (o->action != MW_ACCT_REPORT && o->root)
		return mw_usage(a->ctx, "--respond and --restore act on the live host: not with --root");
	dir_of(o->dovecot_config, "/etc/dovecot/dovecot.conf", a->dovecot_dir, sizeof(a->dovecot_dir));
	snprintf(a->postfix_dir, sizeof(a->postfix_dir), "%s",
		 o->postfix_config ? o->postfix_config : "/etc/postfix");
	if (o->action == MW_ACCT_RESTORE) {
		resp = mw_acct_restore(a);
		data = json_pack("{s:o, s:o}", "user", mw_json_raw(o->user),
				 "response", resp ? resp : json_null());
		mw_report_set_data(a->r, CHECK, data, mw_acct_render);
		return MW_OK;
	}
	if ((e = read_logins(a)) != MW_OK)
		return e;
	read_forwarders(a);
	read_sieve(a);
	read_queue(a);
	a->roundcube = mw_acct_roundcube_read(a);
	judge(a);
	if (compromised(a))
		add_finding(a);
	if (o->action == MW_ACCT_RESPOND)
		resp = mw_acct_respond(a);
	data = json_pack("{s:o, s:o, s:O, s:o, s:O, s:o, s:o, s:o, s:O, s:s, s:O, s:o}",
			 "user", mw_json_raw(o->user),
			 "logins", mw_acct_logins_json(&a->logins),
			 "forwarders", a->forwarders,
			 "sieve", a->sieve_read ? scripts_json(a) : json_null(),
			 "files", a->files,
			 "queued", a->queued >= 0 ? json_integer(a->queued) : json_null(),
			 "sent", json_integer((json_int_t)a->logins.sent),
			 "recipients", mw_acct_sent_json(&a->sent),
			 "roundcube", a->roundcube ? a->roundcube : json_null(),
			 "verdict", compromised(a) ? "compromised" : "no sign of compromise",
			 "evidence", a->evidence,
			 "response", resp ? resp : json_null());
	if (!data)
		return mw_fail(a->ctx, MW_ERR_NOMEM, "out of memory");
	mw_report_set_data(a->r, CHECK, data, mw_acct_render);
	return MW_OK;
}

enum mw_err mw_account_run(struct mw_ctx *ctx, const struct mw_account_opts *o,
			   struct mw_report *report)
{
	struct mw_report *saved = ctx->report;
	struct acct_run *a = calloc(1, sizeof(*a));
	enum mw_err e;
	size_t i;

	if (!a)
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	a->ctx = ctx;
	a->o = o;
	a->r = report;
	a->forwarders = json_array();
	a->files = json_array();
	a->evidence = json_array();
	mw_acct_logins_init(&a->logins, o->user ? o->user : "");
	(void)mw_acct_sent_init(&a->sent, o->user ? o->user : "");
	ctx->report = report;
	e = a->forwarders && a->files && a->evidence && a->sent.ids ? account_run(a)
						     : mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	ctx->report = saved;
	mw_acct_logins_free(&a->logins);
	mw_acct_sent_free(&a->sent);
	mw_strlist_clear(&a->local_domains);
	for (i = 0; i < a->nscripts; i++)
		free(a->scripts[i].name);
	json_decref(a->forwarders);
	json_decref(a->files);
	json_decref(a->evidence);
	json_decref(a->roundcube);
	free(a);
	return e;
}

enum mw_err mw_account_opts_describe(const struct mw_account_opts *o, struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, "account");
	mw_cmdline_str(&c, NULL, o->user ? o->user : "USER");
	mw_cmdline_str(&c, "--since", o->since);
	mw_cmdline_str(&c, "--journal-dir", o->journal_dir);
	mw_cmdline_flag(&c, "--journal", o->journal && !o->journal_dir);
	mw_cmdline_str(&c, "--root", o->root);
	mw_cmdline_str(&c, "--dovecot-config", o->dovecot_config);
	mw_cmdline_str(&c, "--postfix-config", o->postfix_config);
	mw_cmdline_str(&c, "--exim", o->exim);
	mw_cmdline_str(&c, "--roundcube-config", o->roundcube_config);
	mw_cmdline_strs(&c, "--log", o->logs, o->nlogs);
	mw_cmdline_flag(&c, "--respond", o->action == MW_ACCT_RESPOND);
	mw_cmdline_flag(&c, "--restore", o->action == MW_ACCT_RESTORE);
	mw_cmdline_flag(&c, "--apply", o->apply);
	return c.err;
}
