/*
 * `harden` for Exim: ratelimit conditions at the start of the RCPT ACL
 * (authenticated senders: messages and recipients per hour, keyed by
 * $authenticated_id) and of the non-SMTP ACL (local submission, keyed by
 * $sender_ident: the caller's login, which only trusted users can set),
 * and log_selector +arguments +received_recipients (cwd= and the script's
 * command line on every local submission). Exim reads one file: the one
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
#include "core/spawn.h"
#include "scanner/harden/harden_int.h"

#define EX_MARK		"  # " HD_TAG ": sending limit"
#define EX_LOCAL_ACL	"acl_mailwarden_not_smtp"
/* The log line of a refusal ends in the marker `harden --check` reads
 * back (harden_eximlog.c); the user in base64 keeps its shape fixed. */
#define EX_LOG(kind, user, uid) \
	"        log_message = sending limit reached " HD_LIMIT_MARK kind \
	" $sender_rate_limit ${base64:" user "} " uid "]\n"

struct ex {
	const char *prog;
	char conf[MW_MAX_PATH];
	char rcpt_acl[128], local_acl[128], log_sel[512], log_path[MW_MAX_PATH];
	int rejectlog;
	int rcpt_ok, local_ok, log_ok;
};

static const char *exim_prog(const struct mw_harden_opts *o, char *buf, size_t n)
{
	if (o->exim)
		return o->exim;
	if (mw_find_program("exim4", buf, n) || mw_find_program("exim", buf, n))
		return buf;
	return NULL;
}

/* `exim -bP` of the settings; 0 on success. */
static int read_settings(struct hd_run *r, struct ex *x)
{
	const char *argv[] = { x->prog, "-bP", "configure_file", "acl_smtp_rcpt",
			       "acl_not_smtp", "log_selector", "log_file_path",
			       "write_rejectlog", NULL };
	char err[512], *line, *save = NULL;
	struct mw_buf out;
	int i = 0;

	mw_buf_init(&out, MW_MAX_CMD_OUTPUT);
	if (hd_run_program(argv, &out, err, sizeof(err)) != 0 || !out.data) {
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

/* 1 when the ACL starting at line h has our mark before the next head. */
static int acl_marked(char **l, long n, long h)
{
	for (long i = h + 1; i < n; i++) {
		if (!strcmp(l[i], EX_MARK))
			return 1;
		if (l[i][0] && !isspace((unsigned char)l[i][0]) && l[i][0] != '#')
			return 0;	/* the next ACL's head or a begin */
	}
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

/* The new configuration into out, from the lines l[0..n). */
static enum mw_err rewrite(struct hd_run *r, const struct ex *x, char **l, long n,
			   int final_nl, struct mw_buf *out)
{
	const struct mw_config *cfg = r->ctx->cfg;
	long first_begin = n, rcpt = -1, local = -1, acl_begin = -1, logline = -1;
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
	if (!x->rcpt_ok && (rcpt = acl_head(l, n, x->rcpt_acl)) < 0)
		return mw_fail(r->ctx, MW_ERR_CONFIG, "%s: no ACL %s to add the SASL limit to",
			       x->conf, x->rcpt_acl);
	if (!x->local_ok && x->local_acl[0] && (local = acl_head(l, n, x->local_acl)) < 0)
		return mw_fail(r->ctx, MW_ERR_CONFIG, "%s: no ACL %s", x->conf, x->local_acl);
	if (!x->local_ok && !x->local_acl[0] && acl_begin < 0)
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
			if (!e && !x->local_ok && !x->local_acl[0])
				e = mw_buf_printf(out, "# %s: limit of local submission\n"
						  "acl_not_smtp = " EX_LOCAL_ACL "\n", HD_TAG);
		}
		if (e)
			break;
		e = mw_buf_puts(out, l[i]);
		if (!e && i == logline && !x->log_ok)
			e = mw_buf_printf(out, "%s%s", has_word(x->log_sel, "+arguments") ? "" :
					  " +arguments", has_word(x->log_sel, "+received_recipients") ?
					  "" : " +received_recipients");
		if (!e && (i + 1 < n || final_nl))
			e = mw_buf_putc(out, '\n');
		if (!e && i == rcpt)
			e = mw_buf_puts(out, EX_MARK "\n");
		/* leaky (the default): a refused message is not counted */
		if (!e && i == rcpt && cfg->harden_sasl_messages)
			e = mw_buf_printf(out, "  defer authenticated = *\n"
					  "        ratelimit = %u / 1h / per_mail / $authenticated_id\n"
					  "        message = sending limit reached (%u messages per hour)\n"
					  EX_LOG("sasl-messages", "$authenticated_id", "-"),
					  cfg->harden_sasl_messages, cfg->harden_sasl_messages);
		if (!e && i == rcpt && cfg->harden_sasl_recipients)
			e = mw_buf_printf(out, "  defer authenticated = *\n"
					  "        ratelimit = %u / 1h / per_rcpt / $authenticated_id\n"
					  "        message = sending limit reached (%u recipients per hour)\n"
					  EX_LOG("sasl-recipients", "$authenticated_id", "-"),
					  cfg->harden_sasl_recipients, cfg->harden_sasl_recipients);
		if (!e && (i == local || (i == acl_begin && !x->local_ok && !x->local_acl[0]))) {
			if (i == acl_begin && !x->local_acl[0])
				e = mw_buf_puts(out, EX_LOCAL_ACL ":\n");
			if (!e)
				e = mw_buf_puts(out, EX_MARK "\n");
			if (!e && cfg->harden_local_messages)
				e = mw_buf_printf(out, "  defer ratelimit = %u / 1h / per_mail / $sender_ident\n"
						  "        message = sending limit reached (%u messages per hour)\n"
						  EX_LOG("local-messages", "$sender_ident",
							 "$originator_uid"),
						  cfg->harden_local_messages, cfg->harden_local_messages);
			if (!e && i == acl_begin && !x->local_acl[0])
				e = mw_buf_puts(out, "  accept\n");
		}
	}
	return e;
}

enum mw_err hd_exim(struct hd_run *r, int apply)
{
	struct ex x = { .rcpt_ok = 0 };
	char prog[MW_MAX_PATH], err[MW_MAX_PATH + 128];
	struct hd_file *f;
	struct mw_buf text, out;
	long n = 0, h;
	int final_nl;
	char **l;
	enum mw_err e = MW_OK;
	json_t *j;

	if (r->o->postfix_config && !r->o->exim)
		return MW_OK;	/* only the MTA given, as relay does */
	if (!(x.prog = exim_prog(r->o, prog, sizeof(prog))))
		return MW_OK;	/* no Exim: nothing to say */
	if (read_settings(r, &x) != 0)
		return MW_OK;	/* reported */
	mw_buf_init(&text, MW_MAX_TEXT_FILE);
	if ((e = mw_read_file_at(AT_FDCWD, x.conf, &text, MW_MAX_TEXT_FILE, NULL, NULL))) {
		mw_report_error(r->report, "harden", x.conf, 0, e, "cannot read it");
		mw_buf_free(&text);
		return MW_OK;
	}
	final_nl = text.len && text.data[text.len - 1] == '\n';
	if (!(l = split(text.data ? text.data : "", text.len, &n))) {
		mw_buf_free(&text);
		return mw_fail(r->ctx, MW_ERR_NOMEM, "out of memory");
	}
	x.rcpt_ok = !x.rcpt_acl[0] || ((h = acl_head(l, n, x.rcpt_acl)) >= 0 && acl_marked(l, n, h));
	x.local_ok = x.local_acl[0] && (h = acl_head(l, n, x.local_acl)) >= 0 && acl_marked(l, n, h);
	x.log_ok = has_word(x.log_sel, "+all") ||
		   (has_word(x.log_sel, "+arguments") && has_word(x.log_sel, "+received_recipients"));
	j = json_pack("{s:s, s:b, s:b, s:b}", "config_file", x.conf, "sasl_limit", x.rcpt_ok,
		      "local_limit", x.local_ok, "script_logging", x.log_ok);
	if (j)
		json_object_set_new(r->data, "exim", j);
	if (!apply) {
		if (!x.rcpt_acl[0])
			mw_report_note(r->report, "harden", "Exim has no acl_smtp_rcpt: it takes "
				       "no mail over SMTP, no SASL limit needed");
		if (!x.rcpt_ok)
			hd_finding(r, "harden.exim-no-sasl-limit", MW_SEV_MEDIUM, x.conf,
				   "no sending limit per authenticated Exim user",
				   "mailwarden harden --apply (ratelimit in the RCPT ACL)");
		if (!x.local_ok)
			hd_finding(r, "harden.exim-no-local-limit", MW_SEV_MEDIUM, x.conf,
				   "no sending limit for local submission to Exim (web users)",
				   "mailwarden harden --apply (ratelimit in acl_not_smtp)");
		if (!x.log_ok)
			hd_finding(r, "harden.exim-no-script-log", MW_SEV_LOW, x.conf,
				   "Exim does not log the directory and arguments of local submissions",
				   "mailwarden harden --apply (log_selector +arguments "
				   "+received_recipients)");
		if (x.rcpt_ok || x.local_ok)
			hd_exim_hits(r, x.log_path, x.rejectlog);
	} else if (!x.rcpt_ok || !x.local_ok || !x.log_ok) {
		if (!strncmp(x.conf, "/var/lib/exim4/", 15)) {
			e = mw_fail(r->ctx, MW_ERR_UNSUPPORTED, "%s is generated by update-exim4.conf "
				    "and would be overwritten; use a single-file configuration", x.conf);
		} else if (!(f = hd_file_take(r, x.conf))) {
			e = MW_ERR_IO;
		} else {
			f->write = 1;
			r->touched |= HD_T_EXIM;
			mw_buf_init(&out, MW_MAX_TEXT_FILE * 2);
			e = rewrite(r, &x, l, n, final_nl, &out);
			if (!e && (e = hd_file_write(f, out.data, out.len, err, sizeof(err))))
				e = mw_fail(r->ctx, e, "%s", err);
			mw_buf_free(&out);
		}
	}
	free(l);
	mw_buf_free(&text);
	return e;
}

int hd_exim_validate(struct hd_run *r, char *err, size_t errlen)
{
	char prog[MW_MAX_PATH];
	const char *p = r->touched & HD_T_EXIM ? exim_prog(r->o, prog, sizeof(prog)) : NULL;
	const char *argv[] = { p, "-bV", NULL };

	return p ? hd_run_program(argv, NULL, err, errlen) : 0;
}

void hd_exim_reload(struct hd_run *r)
{
	const char *active[] = { "systemctl", "is-active", "--quiet", "exim4", NULL };
	const char *reload[] = { "systemctl", "reload", "exim4", NULL };
	char err[512];

	/* a private Exim (--exim) is the caller's to restart */
	if (r->o->exim || hd_run_program(active, NULL, err, sizeof(err)) != 0)
		return;
	if (hd_run_program(reload, NULL, err, sizeof(err)) != 0)
		mw_report_error(r->report, "harden", "exim4", 0, MW_ERR_IO, "%s", err);
}
