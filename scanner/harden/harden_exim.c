/*
 * `harden` for Exim: ratelimit conditions at the start of the RCPT ACL
 * (authenticated senders: messages and recipients per hour, keyed by
 * $authenticated_id) and of the non-SMTP ACL (local submission, keyed by
 * $sender_ident: the caller's login, which only trusted users can set),
 * and log_selector +arguments +received_recipients (cwd= and the script's
 * command line on every local submission). The per-user message limits of
 * [harden] limits live in an lsearch file next to the configuration that
 * the ratelimit conditions look the user up in: a changed override only
 * rewrites that file; a changed default rewrites our block of statements,
 * which runs from EX_MARK to EX_END. Exim reads one file: the one
 * `exim -bP configure_file` names, edited as text around Exim's own
 * syntax (a "begin acl" section, "NAME:" heads); `exim -bV` judges it.
 * Debian's generated file (update-exim4.conf) is refused: it would be
 * overwritten.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fcntl.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/harden/harden_int.h"
#include "sysconf/mta.h"

#define EX_MARK		"  # " HD_TAG ": sending limit"
#define EX_END		"  # " HD_TAG ": end of sending limit"
#define EX_DATA		"mailwarden-limits"	/* the overrides, next to the config */
#define EX_NO_LIMIT	1000000000ul		/* "0 = no limit" as a ratelimit */
#define EX_LOCAL_ACL	"acl_mailwarden_not_smtp"

/* Our block in an ACL: absent, there but not what the config says now,
 * or current. */
enum blk { BLK_NONE, BLK_STALE, BLK_OK };

struct ex {
	const char *prog;
	char conf[MW_MAX_PATH], data[MW_MAX_PATH + 32];
	char rcpt_acl[128], local_acl[128], log_sel[512], log_path[MW_MAX_PATH];
	int rejectlog;
	enum blk rcpt, local;
	int data_ok, log_ok;
	struct mw_buf want_rcpt, want_local, want_data;	/* what they should hold */
	long rcpt_at[2], local_at[2];	/* our blocks' first and last line; -1 */
};

/* `exim -bP` of the settings; 0 on success. */
static int read_settings(struct hd_run *r, struct ex *x)
{
	static const char *const args[] = { "-bP", "configure_file", "acl_smtp_rcpt",
					    "acl_not_smtp", "log_selector", "log_file_path",
					    "write_rejectlog", NULL };
	char err[512], *line, *save = NULL;
	struct mw_buf out;
	int i = 0;

	if (mw_exim(x->prog, args, 0, &out, err, sizeof(err)) != MW_OK || !out.data) {
		mw_report_error(r->report, "harden", x->prog, 0, MW_ERR_CONFIG, "%s", err);
		mw_buf_free(&out);
		return -1;
	}
	for (line = strtok_r(out.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		const char *eq = strstr(line, " = "), *v = eq ? eq + 3 : "";

		if (i == 0)
			snprintf(x->conf, sizeof(x->conf), "%s", line);
		else if (i == 1)
			snprintf(x->rcpt_acl, sizeof(x->rcpt_acl), "%s", v);
		else if (i == 2)
			snprintf(x->local_acl, sizeof(x->local_acl), "%s", v);
		else if (i == 3)
			snprintf(x->log_sel, sizeof(x->log_sel), "%s", v);
		else if (i == 4)
			snprintf(x->log_path, sizeof(x->log_path), "%s", v);
		else if (i == 5)
			x->rejectlog = !strcmp(line, "write_rejectlog");
	}
	mw_buf_free(&out);
	if (x->conf[0] != '/') {
		mw_report_error(r->report, "harden", x->prog, 0, MW_ERR_PARSE,
				"exim -bP configure_file printed something unexpected");
		return -1;
	}
	return 0;
}

static int has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (!p[n] || isspace((unsigned char)p[n])))
			return 1;
	return 0;
}

/* Line index (0-based) of "NAME:" inside the acl section, or -1. */
static long acl_head(char **l, long n, const char *name)
{
	int in_acl = 0;
	size_t nl = strlen(name);

	for (long i = 0; i < n; i++) {
		const char *s = l[i];

		while (isspace((unsigned char)*s))
			s++;
		if (!strncasecmp(s, "begin", 5) && isspace((unsigned char)s[5])) {
			const char *t = s + 6;

			while (isspace((unsigned char)*t))
				t++;
			in_acl = !strncasecmp(t, "acl", 3);
			continue;
		}
		if (in_acl && !strncmp(s, name, nl) && s[nl] == ':')
			return i;
	}
	return -1;
}

/*
 * Our block in the ACL whose head is line h: at[0], at[1] its first and
 * last line (-1 when there is none before the next head). Returns 0, or
 * -1 for a mark without its end (edited by hand: not ours to rewrite).
 */
static int find_block(char **l, long n, long h, long at[2])
{
	at[0] = at[1] = -1;
	for (long i = h + 1; h >= 0 && i < n; i++) {
		if (at[0] < 0 && !strcmp(l[i], EX_MARK))
			at[0] = i;
		else if (at[0] >= 0 && !strcmp(l[i], EX_END))
			return (int)(at[1] = i, 0);
		if (l[i][0] && !isspace((unsigned char)l[i][0]) && l[i][0] != '#')
			break;	/* the next ACL's head or a begin */
	}
	return at[0] < 0 ? 0 : -1;
}

/* The state of the block at[] against want (lines joined by '\n'). */
static enum blk block_state(char **l, const long at[2], const struct mw_buf *want)
{
	const char *w = mw_buf_str(want);

	if (at[0] < 0)
		return BLK_NONE;
	for (long i = at[0]; at[1] >= 0 && i <= at[1]; i++) {
		size_t k = strlen(l[i]);

		if (strncmp(w, l[i], k) || w[k] != '\n')
			return BLK_STALE;
		w += k + 1;
	}
	return at[1] >= 0 && !*w ? BLK_OK : BLK_STALE;
}

/* The override of one user: N (0 = no limit), as a ratelimit. */
static unsigned long ratelimit_of(unsigned long n)
{
	return n ? n : EX_NO_LIMIT;
}

enum mw_err mw_hd_exim_limits_file(const struct mw_config *cfg, struct mw_buf *out)
{
	enum mw_err e = mw_buf_puts(out, "# " HD_TAG ": per-user messages per hour, from "
				    "[harden] limits in mailwarden.conf;\n# rewritten by "
				    "`mailwarden harden --apply`, edits are lost\n");

	for (size_t i = 0; i < cfg->harden_limits.n && !e; i++) {
		struct pol_span nm;
		unsigned long lim;

		if (mw_pol_limit_entry(cfg->harden_limits.v[i], &nm, &lim))
			continue;	/* reported by harden.c */
		/* a quoted key: only '"' ends it, Exim's backslash escapes apply */
		e = mw_buf_putc(out, '"');
		for (size_t k = 0; k < nm.n && !e; k++) {
			unsigned char c = (unsigned char)nm.p[k];

			if (c == '"' || c == '\\')
				e = mw_buf_printf(out, "\\%c", c);
			else if (c < 0x20 || c == 0x7f)
				e = mw_buf_printf(out, "\\x%02x", c);
			else
				e = mw_buf_putc(out, (char)c);
		}
		if (!e)
			e = mw_buf_printf(out, "\": %lu\n", ratelimit_of(lim));
	}
	return e;
}

/* 1 when [harden] limits has a valid entry (an override to look up). */
static int have_overrides(const struct mw_config *cfg)
{
	struct pol_span nm;
	unsigned long lim;

	for (size_t i = 0; i < cfg->harden_limits.n; i++)
		if (!mw_pol_limit_entry(cfg->harden_limits.v[i], &nm, &lim))
			return 1;
	return 0;
}

/* A message limit: the user's override in the data file, else dflt (0 =
 * none). A missing data file means the defaults: a lookup of a missing
 * file would fail the expansion and defer every message. */
static void limit_expr(char *out, size_t n, const char *data, const char *key,
		       unsigned long dflt)
{
	snprintf(out, n, "${if exists{%s}{${lookup{%s}lsearch{%s}{$value}{%lu}}}{%lu}}",
		 data, key, data, ratelimit_of(dflt), ratelimit_of(dflt));
}

/*
 * One statement into out: a defer with ratelimit = LIMIT / 1h / PER / KEY
 * for SASL users ($authenticated_id) or local callers ($sender_ident), its
 * message, and the log line whose marker harden_eximlog.c reads (kind; the
 * user in base64, so that no name changes the line's shape).
 * leaky (the default): a refused message is not counted.
 */
static enum mw_err statement(struct mw_buf *out, int sasl, const char *limit,
			     const char *per, const char *kind)
{
	const char *key = sasl ? "$authenticated_id" : "$sender_ident";

	return mw_buf_printf(out, "  defer %sratelimit = %s / 1h / %s / %s\n"
			     "        message = sending limit reached ($sender_rate_limit %s "
			     "per hour)\n        log_message = sending limit reached "
			     HD_LIMIT_MARK "%s $sender_rate_limit ${base64:%s} %s]\n",
			     sasl ? "authenticated = *\n        " : "", limit, per, key,
			     strcmp(per, "per_rcpt") ? "messages" : "recipients", kind, key,
			     sasl ? "-" : "$originator_uid");
}

/* The blocks of statements the config asks for, into x->want_*. */
static enum mw_err want_blocks(const struct mw_config *cfg, struct ex *x)
{
	int over = have_overrides(cfg);
	char lim[2 * sizeof(x->data) + 128];
	enum mw_err e = mw_buf_puts(&x->want_rcpt, EX_MARK "\n");

	if (!e && (cfg->harden_sasl_messages || over)) {
		limit_expr(lim, sizeof(lim), x->data, "$authenticated_id",
			   cfg->harden_sasl_messages);
		e = statement(&x->want_rcpt, 1, lim, "per_mail", "sasl-messages");
	}
	if (!e && cfg->harden_sasl_recipients) {
		snprintf(lim, sizeof(lim), "%u", cfg->harden_sasl_recipients);
		e = statement(&x->want_rcpt, 1, lim, "per_rcpt", "sasl-recipients");
	}
	if (!e)
		e = mw_buf_puts(&x->want_rcpt, EX_END "\n");
	if (!e)
		e = mw_buf_puts(&x->want_local, EX_MARK "\n");
	if (!e && (cfg->harden_local_messages || over)) {
		limit_expr(lim, sizeof(lim), x->data, "$sender_ident", cfg->harden_local_messages);
		e = statement(&x->want_local, 0, lim, "per_mail", "local-messages");
	}
	/* per_rcpt in the non-SMTP ACL counts the message's recipients */
	if (!e && cfg->harden_local_recipients) {
		snprintf(lim, sizeof(lim), "%u", cfg->harden_local_recipients);
		e = statement(&x->want_local, 0, lim, "per_rcpt", "local-recipients");
	}
	if (!e)
		e = mw_buf_puts(&x->want_local, EX_END "\n");
	if (!e)
		e = mw_hd_exim_limits_file(cfg, &x->want_data);
	return e;
}

/* The data file's path: next to the configuration, in characters that
 * need no quoting inside an Exim expansion. 0, or -1 (reported). */
static int data_path(struct hd_run *r, struct ex *x)
{
	const char *slash = strrchr(x->conf, '/');

	if (strspn(x->conf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789/._+-") != strlen(x->conf)) {
		mw_report_error(r->report, "harden", x->conf, 0, MW_ERR_UNSUPPORTED,
				"a character in this path cannot go into an Exim lookup; "
				"no per-user limits");
		return -1;
	}
	snprintf(x->data, sizeof(x->data), "%.*s/" EX_DATA, (int)(slash - x->conf), x->conf);
	return 0;
}

/* Split text into lines (the buffer is modified); *n lines. */
static char **split(char *text, size_t len, long *n)
{
	long cap = 1;
	char **l;

	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	if (!(l = calloc((size_t)cap + 1, sizeof(*l))))
		return NULL;
	*n = 0;
	for (char *p = text, *end = text + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		l[(*n)++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return l;
}

/*
 * The new configuration into out, from the lines l[0..n): our blocks of
 * statements dropped where they are and the current ones put at the start
 * of the two ACLs (a new non-SMTP ACL when there is none), log_selector
 * completed. The caller made sure that an existing block is whole.
 */
static enum mw_err rewrite(struct hd_run *r, const struct ex *x, char **l, long n,
			   int final_nl, struct mw_buf *out)
{
	long first_begin = n, rcpt = -1, local = -1, acl_begin = -1, logline = -1;
	int new_acl = !x->local_acl[0];
	enum mw_err e = MW_OK;

	for (long i = 0; i < n; i++) {
		const char *s = l[i];

		while (isspace((unsigned char)*s))
			s++;
		if (first_begin == n && !strncasecmp(s, "begin", 5) && isspace((unsigned char)s[5]))
			first_begin = i;
		if (acl_begin < 0 && !strncasecmp(s, "begin", 5) && strstr(s + 5, "acl"))
			acl_begin = i;
		if (first_begin == n && !strncmp(s, "log_selector", 12) &&
		    (s[12] == '=' || isspace((unsigned char)s[12])))
			logline = i;
	}
	if (x->rcpt_acl[0] && (rcpt = acl_head(l, n, x->rcpt_acl)) < 0)
		return mw_fail(r->ctx, MW_ERR_CONFIG, "%s: no ACL %s to add the SASL limit to",
			       x->conf, x->rcpt_acl);
	if (!new_acl && (local = acl_head(l, n, x->local_acl)) < 0)
		return mw_fail(r->ctx, MW_ERR_CONFIG, "%s: no ACL %s", x->conf, x->local_acl);
	if (new_acl && acl_begin < 0)
		return mw_fail(r->ctx, MW_ERR_CONFIG, "%s: no \"begin acl\" section", x->conf);
	if (logline >= 0 && !x->log_ok && strchr(l[logline], '\\'))
		return mw_fail(r->ctx, MW_ERR_CONFIG, "%s: line %ld: log_selector continues "
			       "on the next line; add +arguments +received_recipients by hand",
			       x->conf, logline + 1);
	for (long i = 0; i < n && !e; i++) {
		if (i == first_begin) {
			if (!x->log_ok && logline < 0)
				e = mw_buf_printf(out, "# %s: cwd= and arguments of local "
						  "submissions\nlog_selector = +arguments "
						  "+received_recipients\n", HD_TAG);
			if (!e && new_acl)
				e = mw_buf_printf(out, "# %s: limit of local submission\n"
						  "acl_not_smtp = " EX_LOCAL_ACL "\n", HD_TAG);
		}
		if ((i >= x->rcpt_at[0] && i <= x->rcpt_at[1]) ||
		    (i >= x->local_at[0] && i <= x->local_at[1]))
			continue;	/* the old block: the current one follows the head */
		if (!e)
			e = mw_buf_puts(out, l[i]);
		if (!e && i == logline && !x->log_ok)
			e = mw_buf_printf(out, "%s%s", has_word(x->log_sel, "+arguments") ? "" :
					  " +arguments", has_word(x->log_sel, "+received_recipients") ?
					  "" : " +received_recipients");
		if (!e && (i + 1 < n || final_nl))
			e = mw_buf_putc(out, '\n');
		if (!e && i == rcpt)
			e = mw_buf_puts(out, mw_buf_str(&x->want_rcpt));
		if (!e && i == local)
			e = mw_buf_puts(out, mw_buf_str(&x->want_local));
		if (!e && new_acl && i == acl_begin)
			e = mw_buf_printf(out, EX_LOCAL_ACL ":\n%s  accept\n",
					  mw_buf_str(&x->want_local));
	}
	return e;
}

/* The check's findings for Exim. */
static void exim_findings(struct hd_run *r, const struct ex *x)
{
	if (!x->rcpt_acl[0])
		mw_report_note(r->report, "harden", "Exim has no acl_smtp_rcpt: it takes "
			       "no mail over SMTP, no SASL limit needed");
	if (x->rcpt == BLK_NONE)
		mw_hd_finding(r, "harden.exim-no-sasl-limit", MW_SEV_MEDIUM, x->conf,
			   "no sending limit per authenticated Exim user",
			   "mailwarden harden --apply (ratelimit in the RCPT ACL)");
	if (x->local == BLK_NONE)
		mw_hd_finding(r, "harden.exim-no-local-limit", MW_SEV_MEDIUM, x->conf,
			   "no sending limit for local submission to Exim (web users)",
			   "mailwarden harden --apply (ratelimit in acl_not_smtp)");
	if (x->rcpt == BLK_STALE || x->local == BLK_STALE ||
	    (!x->data_ok && (x->rcpt != BLK_NONE || x->local != BLK_NONE)))
		mw_hd_finding(r, "harden.exim-limits-stale", MW_SEV_MEDIUM,
			   x->data_ok ? x->conf : x->data,
			   "Exim's sending limits are not the ones [harden] in "
			   "mailwarden.conf sets now",
			   "mailwarden harden --apply (rewrites the limit statements and "
			   "the per-user limits file)");
	if (!x->log_ok)
		mw_hd_finding(r, "harden.exim-no-script-log", MW_SEV_LOW, x->conf,
			   "Exim does not log the directory and arguments of local submissions",
			   "mailwarden harden --apply (log_selector +arguments "
			   "+received_recipients)");
	if (x->rcpt != BLK_NONE || x->local != BLK_NONE)
		mw_hd_exim_hits(r, x->log_path, x->rejectlog);
}

/* --apply: the configuration and the data file, where they differ. */
static enum mw_err exim_apply(struct hd_run *r, struct ex *x, char **l, long n, int final_nl)
{
	char err[MW_MAX_PATH + 128];
	struct hd_file *f;
	struct mw_buf out;
	enum mw_err e = MW_OK;

	if (x->rcpt == BLK_OK && x->local == BLK_OK && x->log_ok && x->data_ok)
		return MW_OK;
	if (!strncmp(x->conf, "/var/lib/exim4/", 15))
		return mw_fail(r->ctx, MW_ERR_UNSUPPORTED, "%s is generated by update-exim4.conf "
			       "and would be overwritten; use a single-file configuration", x->conf);
	if ((x->rcpt_at[0] >= 0 && x->rcpt_at[1] < 0) || (x->local_at[0] >= 0 && x->local_at[1] < 0))
		return mw_fail(r->ctx, MW_ERR_CONFIG, "%s: a block of sending limits was edited "
			       "(its end line is gone); restore it or run --remove", x->conf);
	if (x->rcpt_acl[0] && !strcmp(x->rcpt_acl, x->local_acl))
		return mw_fail(r->ctx, MW_ERR_UNSUPPORTED, "%s: acl_smtp_rcpt and acl_not_smtp "
			       "are one ACL; give the non-SMTP one its own", x->conf);
	r->touched |= HD_T_EXIM;
	if (!x->data_ok) {
		if (!(f = mw_hd_file_take(r, x->data)))
			return MW_ERR_IO;
		f->write = 1;
		if (mw_hd_file_write(f, x->want_data.data, x->want_data.len, err, sizeof(err)))
			return mw_fail(r->ctx, MW_ERR_IO, "%s", err);
	}
	if (x->rcpt == BLK_OK && x->local == BLK_OK && x->log_ok)
		return MW_OK;	/* a changed override: only the data file */
	if (!(f = mw_hd_file_take(r, x->conf)))
		return MW_ERR_IO;
	f->write = 1;
	mw_buf_init(&out, MW_MAX_TEXT_FILE * 2);
	e = rewrite(r, x, l, n, final_nl, &out);
	if (!e && (e = mw_hd_file_write(f, out.data, out.len, err, sizeof(err))))
		e = mw_fail(r->ctx, e, "%s", err);
	mw_buf_free(&out);
	return e;
}

/* 1 when the file at path holds exactly want's bytes (a link: no). */
static int data_is(const char *path, const struct mw_buf *want)
{
	struct mw_buf b;
	int same;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	same = mw_read_file_at(AT_FDCWD, path, &b, MW_MAX_TEXT_FILE, NULL, NULL) == MW_OK &&
	       b.len == want->len && (!b.len || !memcmp(b.data, want->data, b.len));
	mw_buf_free(&b);
	return same;
}

enum mw_err mw_hd_exim(struct hd_run *r, int apply)
{
	struct ex x = { .rcpt = BLK_NONE };
	char prog[MW_MAX_PATH];
	struct mw_buf text;
	long n = 0;
	int final_nl;
	char **l;
	enum mw_err e = MW_OK;
	json_t *j;

	if (r->o->postfix_config && !r->o->exim)
		return MW_OK;	/* only the MTA given, as relay does */
	if (!(x.prog = mw_exim_program(r->o->exim, prog, sizeof(prog))))
		return MW_OK;	/* no Exim: nothing to say */
	if (read_settings(r, &x) != 0 || data_path(r, &x) != 0)
		return MW_OK;	/* reported */
	mw_buf_init(&text, MW_MAX_TEXT_FILE);
	mw_buf_init(&x.want_rcpt, MW_MAX_TEXT_FILE);
	mw_buf_init(&x.want_local, MW_MAX_TEXT_FILE);
	mw_buf_init(&x.want_data, MW_MAX_TEXT_FILE);
	if ((e = mw_read_file_at(AT_FDCWD, x.conf, &text, MW_MAX_TEXT_FILE, NULL, NULL))) {
		mw_report_error(r->report, "harden", x.conf, 0, e, "cannot read it");
		e = MW_OK;
		goto out;
	}
	final_nl = text.len && text.data[text.len - 1] == '\n';
	if (!(l = split(text.data ? text.data : "", text.len, &n)) || want_blocks(r->ctx->cfg, &x)) {
		free(l);
		e = mw_fail(r->ctx, MW_ERR_NOMEM, "out of memory");
		goto out;
	}
	find_block(l, n, x.rcpt_acl[0] ? acl_head(l, n, x.rcpt_acl) : -1, x.rcpt_at);
	find_block(l, n, x.local_acl[0] ? acl_head(l, n, x.local_acl) : -1, x.local_at);
	x.rcpt = x.rcpt_acl[0] ? block_state(l, x.rcpt_at, &x.want_rcpt) : BLK_OK;
	x.local = block_state(l, x.local_at, &x.want_local);
	x.data_ok = data_is(x.data, &x.want_data);
	x.log_ok = has_word(x.log_sel, "+all") ||
		   (has_word(x.log_sel, "+arguments") && has_word(x.log_sel, "+received_recipients"));
	j = json_pack("{s:s, s:b, s:b, s:b, s:s, s:b}", "config_file", x.conf,
		      "sasl_limit", x.rcpt != BLK_NONE, "local_limit", x.local != BLK_NONE,
		      "script_logging", x.log_ok, "limits_file", x.data,
		      "limits_current", x.rcpt != BLK_STALE && x.local != BLK_STALE && x.data_ok);
	if (j)
		json_object_set_new(r->data, "exim", j);
	if (apply)
		e = exim_apply(r, &x, l, n, final_nl);
	else
		exim_findings(r, &x);
	free(l);
out:
	mw_buf_free(&text);
	mw_buf_free(&x.want_rcpt);
	mw_buf_free(&x.want_local);
	mw_buf_free(&x.want_data);
	return e;
}

int mw_hd_exim_validate(struct hd_run *r, char *err, size_t errlen)
{
	char prog[MW_MAX_PATH];
	const char *p = r->touched & HD_T_EXIM ?
			mw_exim_program(r->o->exim, prog, sizeof(prog)) : NULL;
	static const char *const bv[] = { "-bV", NULL };

	return p && mw_exim(p, bv, 1, NULL, err, errlen) != MW_OK ? -1 : 0;
}

void mw_hd_exim_reload(struct hd_run *r)
{
	const char *active[] = { "systemctl", "is-active", "--quiet", "exim4", NULL };
	const char *reload[] = { "systemctl", "reload", "exim4", NULL };
	char err[512];

	/* a private Exim (--exim) is the caller's to restart */
	if (r->o->exim || mw_hd_run_program(active, NULL, err, sizeof(err)) != 0)
		return;
	if (mw_hd_run_program(reload, NULL, err, sizeof(err)) != 0)
		mw_report_error(r->report, "harden", "exim4", 0, MW_ERR_IO, "%s", err);
}
