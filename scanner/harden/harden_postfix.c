/*
 * `harden` for Postfix: the SASL users' limit (check_policy_service in
 * smtpd_data_restrictions: at DATA Postfix knows the SASL login and the
 * recipient count, and a DEFER there is a 4xx the client keeps the message
 * for) and the scripts' attribution (a header_checks table whose INFO
 * action logs X-PHP-Originating-Script, which `logs` reads). main.cf is
 * changed with Postfix's own editor (postconf -e), which leaves every other
 * byte alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/harden/harden_int.h"
#include "sysconf/mta.h"

#define PF_POLICY	"check_policy_service unix:private/mailwarden-policy"
#define PF_HC_NAME	"mailwarden_header_checks"
#define PF_HC_RULE	"# " HD_TAG ": log the script PHP's mail() names\n" \
			"/^X-PHP-Originating-Script:/ INFO php script\n"

struct pf {
	char dir[MW_MAX_PATH];
	char *data_restr, *header_checks;	/* raw values */
	char hc_path[MW_MAX_PATH + 32], hc_item[MW_MAX_PATH + 48];
	int has_policy, has_hc;
};

/*
 * The two parameters as main.cf writes them (postconf -n, shared with the
 * other checks; both default to empty); 0 on success.
 */
static int read_params(struct hd_run *r, struct pf *p)
{
	static const char *const n[] = { "-n", NULL };
	struct mw_kvlist kv = { 0 };
	char err[512];
	const char *dr, *hc;

	if (mw_postconf_kv(r->o->postfix_config, n, &kv, err, sizeof(err)) != MW_OK) {
		mw_report_error(r->report, "harden", p->dir, 0, MW_ERR_CONFIG, "%s", err);
		mw_kv_free(&kv);
		return -1;
	}
	dr = mw_kv_get(&kv, "smtpd_data_restrictions");
	hc = mw_kv_get(&kv, "header_checks");
	p->data_restr = strdup(dr ? dr : "");
	p->header_checks = strdup(hc ? hc : "");
	mw_kv_free(&kv);
	return p->data_restr && p->header_checks ? 0 : -1;
}

/* 1 when the file at path holds exactly want (a link or a non-file: no). */
static int file_is(const char *path, const char *want)
{
	struct mw_buf b;
	int same;

	mw_buf_init(&b, MW_MAX_TEXT_FILE);
	same = mw_read_file_at(AT_FDCWD, path, &b, MW_MAX_TEXT_FILE, NULL, NULL) == MW_OK &&
	       b.len == strlen(want) && !memcmp(b.data, want, b.len);
	mw_buf_free(&b);
	return same;
}

static enum mw_err apply(struct hd_run *r, struct pf *p)
{
	char maincf[MW_MAX_PATH + 16], err[1024];
	struct mw_buf v1, v2;
	struct hd_file *f;
	enum mw_err e = MW_OK;

	snprintf(maincf, sizeof(maincf), "%s/main.cf", p->dir);
	if (!mw_hd_file_take(r, maincf))
		return MW_ERR_IO;
	r->touched |= HD_T_POSTFIX;
	if (!file_is(p->hc_path, PF_HC_RULE)) {
		if (!(f = mw_hd_file_take(r, p->hc_path)))
			return MW_ERR_IO;
		f->write = 1;
		if (mw_hd_file_write(f, PF_HC_RULE, strlen(PF_HC_RULE), err, sizeof(err)))
			return mw_fail(r->ctx, MW_ERR_IO, "%s", err);
	}
	mw_buf_init(&v1, MW_MAX_LINE);
	mw_buf_init(&v2, MW_MAX_LINE);
	if (!p->has_policy)
		e = mw_buf_printf(&v1, "smtpd_data_restrictions = %s%s%s", PF_POLICY,
				  *p->data_restr ? ", " : "", p->data_restr);
	if (!e && !p->has_hc)
		e = mw_buf_printf(&v2, "header_checks = %s%s%s", p->header_checks,
				  *p->header_checks ? ", " : "", p->hc_item);
	if (!e && (v1.len || v2.len)) {
		const char *set[3] = { NULL, NULL, NULL };

		set[0] = v1.len ? v1.data : v2.data;
		if (v1.len && v2.len)
			set[1] = v2.data;
		if (mw_postconf_edit(r->o->postfix_config, set, err, sizeof(err)) != MW_OK)
			e = mw_fail(r->ctx, MW_ERR_CONFIG, "%s", err);
	}
	mw_buf_free(&v1);
	mw_buf_free(&v2);
	return e;
}

enum mw_err mw_hd_postfix(struct hd_run *r, int apply_it)
{
	const char *dir = r->o->postfix_config ? r->o->postfix_config : "/etc/postfix";
	struct pf p = { .has_policy = 0 };
	json_t *j;
	enum mw_err e = MW_OK;

	if (!r->o->postfix_config && r->o->exim)
		return MW_OK;	/* only the MTA given, as relay does */
	if (!r->o->postfix_config && mw_postfix_state(NULL) != MW_POSTFIX_PRESENT) {
		mw_report_note(r->report, "harden", "Postfix is not installed: nothing to do for it");
		return MW_OK;
	}
	snprintf(p.dir, sizeof(p.dir), "%s", dir);
	if (read_params(r, &p) != 0) {
		free(p.data_restr);
		free(p.header_checks);
		return MW_OK;	/* reported */
	}
	snprintf(p.hc_path, sizeof(p.hc_path), "%s/%s", dir, PF_HC_NAME);
	snprintf(p.hc_item, sizeof(p.hc_item), "regexp:%s", p.hc_path);
	r->postfix_seen = 1;
	p.has_policy = strstr(p.data_restr, "private/mailwarden-policy") != NULL;
	p.has_hc = strstr(p.header_checks, p.hc_item) != NULL &&
		   file_is(p.hc_path, PF_HC_RULE);
	j = json_pack("{s:s, s:b, s:b}", "config_dir", dir, "sasl_limit", p.has_policy,
		      "script_logging", p.has_hc);
	if (j)
		json_object_set_new(r->data, "postfix", j);
	if (!apply_it) {
		char maincf[MW_MAX_PATH + 16];

		snprintf(maincf, sizeof(maincf), "%s/main.cf", dir);
		if (!p.has_policy)
			mw_hd_finding(r, "harden.postfix-no-sasl-limit", MW_SEV_MEDIUM, maincf,
				   "no sending limit per SASL user: one stolen password sends "
				   "without bound",
				   "mailwarden harden --apply (check_policy_service of "
				   "mailwarden policyd in smtpd_data_restrictions)");
		if (!p.has_hc)
			mw_hd_finding(r, "harden.postfix-no-script-log", MW_SEV_LOW, maincf,
				   "the mail log does not name the PHP script that sent a message",
				   "mailwarden harden --apply (header_checks INFO on "
				   "X-PHP-Originating-Script)");
	} else if (!p.has_policy || !p.has_hc) {
		e = apply(r, &p);
	}
	free(p.data_restr);
	free(p.header_checks);
	return e;
}

int mw_hd_postfix_validate(struct hd_run *r, char *err, size_t errlen)
{
	const char *dir = r->o->postfix_config ? r->o->postfix_config : "/etc/postfix";
	const char *argv[] = { "postfix", "-c", dir, "check", NULL };

	if (!(r->touched & HD_T_POSTFIX))
		return 0;
	return mw_hd_run_program(argv, NULL, err, errlen);
}

void mw_hd_postfix_reload(struct hd_run *r)
{
	const char *dir = r->o->postfix_config ? r->o->postfix_config : "/etc/postfix";
	const char *status[] = { "postfix", "-c", dir, "status", NULL };
	const char *reload[] = { "postfix", "-c", dir, "reload", NULL };
	char err[512];

	if (mw_hd_run_program(status, NULL, err, sizeof(err)) != 0)
		return;	/* not running: it reads the files when it starts */
	if (mw_hd_run_program(reload, NULL, err, sizeof(err)) != 0)
		mw_report_error(r->report, "harden", dir, 0, MW_ERR_IO, "%s", err);
}
