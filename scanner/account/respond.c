/*
 * --respond and --restore of `mailwarden account` (acct_int.h).
 *
 * The steps, in this order: deactivate the Sieve scripts that send mail
 * off the host (doveadm sieve deactivate; the script stays, backed up)
 * and move the user's own forward/filter files that do so aside (renamed
 * in place: the file itself is the backup);
 * block logins in Dovecot (the user goes into a passwd-file that a
 * `deny = yes` passdb reads: IMAP, POP3, ManageSieve and Postfix's SMTP
 * AUTH through Dovecot all refuse it); block SMTP AUTH in Postfix (a
 * check_sasl_access table: mail of an already authenticated session or of
 * another SASL backend is refused); end the sessions (doveadm kick, after
 * the blocks so that nobody logs straight back in); end its Roundcube
 * sessions (roundcube.c); hold the account's queued mail (hold.c). A
 * password is never changed.
 *
 * Every step is written to the response record (STATE_DIR/account/USER/
 * record.json, rewritten atomically) before it runs and again when it is
 * done; files are backed up beside it first. --restore undoes the steps
 * from the record, last first; a managed file that nobody changed since is
 * put back byte-identical, otherwise only our line is taken out. Applying
 * twice changes nothing the second time: each step looks first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "scanner/account/resp.h"
#include "sysconf/mta.h"

void mw_acct_step_out(struct resp *p, const char *step, const char *what, const char *status)
{
	json_array_append_new(json_object_get(p->out, "steps"),
			      json_pack("{s:s, s:o, s:s}", "step", step, "what", mw_json_raw(what),
					"status", status));
}

void mw_acct_fail(struct resp *p, const char *step, const char *what, const char *why)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), "%s: %s", what, why);
	mw_acct_step_out(p, step, msg, "failed");
	mw_report_error(p->a->r, CHECK, NULL, 0, MW_ERR_IO, "%s: %s", step, msg);
}

/*
 * Step "block": add line to the managed file dir/name (backed up into the
 * record first); after runs once the file is written (postmap). Nothing
 * happens when the line is there already.
 */
void mw_acct_block_file(struct resp *p, const char *step, const char *dir, const char *name,
		     const char *line, const char *what, const char *const *after)
{
	struct mw_buf cur, next;
	char path[1100], sha[65], backup[64], why[400];
	json_t *st;
	int dfd, have;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((dfd = mw_acct_open_dir(dir)) < 0) {
		mw_acct_fail(p, step, path, strerror(errno));
		return;
	}
	mw_buf_init(&cur, MAX_MANAGED);
	mw_buf_init(&next, MAX_MANAGED + 4096);
	have = mw_acct_read_managed(dfd, name, &cur);
	if (have < 0) {
		mw_acct_fail(p, step, path, strerror(errno));
		goto out;
	}
	if (have && mw_acct_find_line(cur.data ? cur.data : "", cur.len, line) >= 0) {
		mw_acct_step_out(p, step, what, "already done");
		goto out;
	}
	if (!p->apply) {
		mw_acct_step_out(p, step, what, "planned");
		goto out;
	}
	snprintf(backup, sizeof(backup), "%s.orig", step);
	if (mw_acct_edit_text(cur.data ? cur.data : "", cur.len, line, 1, &next) != MW_OK ||
	    (have && mw_acct_write_at(p->dfd, backup, cur.data ? cur.data : "", cur.len, 0600) != 0)) {
		mw_acct_fail(p, step, path, "cannot back it up");
		goto out;
	}
	mw_acct_sha_hex(&next, sha);
	st = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "step", step, "dir", dir, "file", name,
		       "line", line, "backup", have ? json_string(backup) : json_null(),
		       "written_sha256", sha);
	if (!mw_acct_record_begin(p, st)) {
		mw_acct_fail(p, step, path, "cannot write the response record: nothing changed");
		goto out;
	}
	if (mw_acct_write_at(dfd, name, next.data, next.len, 0644) != 0) {
		mw_acct_fail(p, step, path, strerror(errno));
		mw_acct_record_done(p, st, "failed");
		goto out;
	}
	if (after && mw_acct_tool(after, NULL, 0, NULL, why, sizeof(why)) != 0) {
		mw_acct_fail(p, step, after[0], why);
		mw_acct_record_done(p, st, "failed");
		goto out;
	}
	mw_acct_record_done(p, st, "done");
	mw_acct_step_out(p, step, what, "done");
out:
	mw_buf_free(&cur);
	mw_buf_free(&next);
	close(dfd);
}

/*
 * Undo a block step: the file as backed up when it still is what we wrote
 * (byte-identical), else the same file without our line.
 */
int mw_acct_unblock_file(struct resp *p, json_t *st, const char *const *after)
{
	const char *dir = json_string_value(json_object_get(st, "dir"));
	const char *name = json_string_value(json_object_get(st, "file"));
	const char *line = json_string_value(json_object_get(st, "line"));
	const char *backup = json_string_value(json_object_get(st, "backup"));
	const char *sha = json_string_value(json_object_get(st, "written_sha256"));
	struct mw_buf cur, next;
	char now[65], why[400];
	int dfd, rc = -1;

	if (!dir || !name || !line || !sha || (dfd = mw_acct_open_dir(dir)) < 0)
		return -1;
	mw_buf_init(&cur, MAX_MANAGED);
	mw_buf_init(&next, MAX_MANAGED);
	if (mw_acct_read_managed(dfd, name, &cur) < 0)
		goto out;
	mw_acct_sha_hex(&cur, now);
	if (strcmp(now, sha) == 0 && !backup && !after) {
		rc = unlinkat(dfd, name, 0) == 0 || errno == ENOENT ? 0 : -1;
	} else if (strcmp(now, sha) == 0 && !backup) {
		/* a table made by the response: emptied, not removed, so that
		 * postmap rebuilds the .db without the entry */
		rc = mw_acct_write_at(dfd, name, "", 0, 0644);
	} else if (strcmp(now, sha) == 0) {
		rc = mw_acct_read_managed(p->dfd, backup, &next) == 1 &&
		     mw_acct_write_at(dfd, name, next.data ? next.data : "", next.len, 0644) == 0 ? 0 : -1;
	} else {
		rc = mw_acct_edit_text(cur.data ? cur.data : "", cur.len, line, 0, &next) == MW_OK &&
		     mw_acct_write_at(dfd, name, next.data ? next.data : "", next.len, 0644) == 0 ? 0 : -1;
		if (rc == 0)
			mw_report_note(p->a->r, CHECK, "%s/%s changed since the response: only "
				       "the line for %s was taken out", dir, name, p->a->o->user);
	}
	if (rc == 0 && after && mw_acct_tool(after, NULL, 0, NULL, why, sizeof(why)) != 0) {
		mw_report_error(p->a->r, CHECK, dir, 0, MW_ERR_IO, "%s: %s", after[0], why);
		rc = -1;
	}
out:
	mw_buf_free(&cur);
	mw_buf_free(&next);
	close(dfd);
	return rc;
}

/* --- Dovecot and Postfix -------------------------------------------------- */

/* 1 when out names path (and also, when given): the one-time include
 * was done; else 0. */
static int names(const struct mw_buf *out, const char *path, const char *also)
{
	return out->data && memmem(out->data, out->len, path, strlen(path)) &&
	       (!also || memmem(out->data, out->len, also, strlen(also)));
}

/* names() of what argv prints, -1 when it cannot be read. */
static int acct_config_names(const char *const *argv, const char *path, const char *also)
{
	struct mw_buf out;
	int rc;

	mw_buf_init(&out, ACCT_TOOL_OUT);
	rc = mw_acct_tool(argv, NULL, 0, &out, NULL, 0) == 0 ? names(&out, path, also) : -1;
	mw_buf_free(&out);
	return rc;
}

/* names() of what `postconf -c dir args` prints (sysconf's runner), -1
 * when it cannot be read. */
static int postconf_names(const char *dir, const char *const *args, const char *path,
			  const char *also)
{
	struct mw_buf out;
	char err[300];
	int rc;

	rc = mw_postconf(dir, args, &out, err, sizeof(err)) == MW_OK ?
	     names(&out, path, also) : -1;
	mw_buf_free(&out);
	return rc;
}

static void block_dovecot(struct resp *p)
{
	struct acct_run *a = p->a;
	const char *argv[6] = { "doveconf", "-n", NULL, NULL, NULL, NULL };
	char path[1100], what[3000];

	if (a->o->dovecot_config) {
		argv[1] = "-c";
		argv[2] = a->o->dovecot_config;
		argv[3] = "-n";
	}
	snprintf(path, sizeof(path), "%s/%s", a->dovecot_dir, ACCT_DENY_FILE);
	switch (acct_config_names(argv, path, "deny = yes")) {
	case -1:
		mw_acct_step_out(p, "block-dovecot", "doveconf -n failed: no Dovecot here; IMAP/POP3 not blocked",
			 "skipped");
		return;
	case 0:
		snprintf(what, sizeof(what),
			 "Dovecot does not read %s: add once, before the other passdbs, "
			 "passdb { driver = passwd-file; deny = yes; args = %s } (see mailwarden(8))",
			 path, path);
		mw_acct_fail(p, "block-dovecot", what, "not configured");
		return;
	}
	snprintf(what, sizeof(what), "add %s to %s (passdb deny = yes): IMAP, POP3, "
		 "ManageSieve and SMTP AUTH through Dovecot refuse it; Dovecot rereads the file",
		 a->o->user, path);
	mw_acct_block_file(p, "block-dovecot", a->dovecot_dir, ACCT_DENY_FILE, a->o->user, what, NULL);
}

static void block_postfix(struct resp *p)
{
	struct acct_run *a = p->a;
	const char *dir = a->postfix_dir;
	static const char *const n[] = { "-n", NULL }, *const P[] = { "-P", NULL };
	char path[1100], map[1200], what[3000], line[600];
	const char *postmap[] = { "postmap", "-c", dir, map, NULL };
	int r1, r2;

	snprintf(path, sizeof(path), "%s/%s", dir, ACCT_SASL_TABLE);
	snprintf(map, sizeof(map), "hash:%s", path);
	r1 = postconf_names(dir, n, path, "check_sasl_access");
	r2 = r1 == 1 ? 1 : postconf_names(dir, P, path, "check_sasl_access");
	if (r1 < 0) {
		mw_acct_step_out(p, "block-postfix", "postconf failed: no Postfix here; SMTP AUTH not "
			 "blocked in Postfix", "skipped");
		return;
	}
	if (r1 == 0 && r2 != 1) {
		snprintf(what, sizeof(what),
			 "Postfix does not read %s: put check_sasl_access %s first in "
			 "smtpd_relay_restrictions and smtpd_recipient_restrictions once "
			 "(see mailwarden(8))", path, map);
		mw_acct_fail(p, "block-postfix", what, "not configured");
		return;
	}
	snprintf(line, sizeof(line), "%s REJECT 5.7.1 account locked pending a password reset",
		 a->o->user);
	snprintf(what, sizeof(what), "add \"%s REJECT\" to %s (check_sasl_access), postmap it: "
		 "Postfix refuses mail from the login, whatever SASL backend", a->o->user, path);
	mw_acct_block_file(p, "block-postfix", dir, ACCT_SASL_TABLE, line, what, postmap);
}

static long count_sessions(struct acct_run *a)
{
	const char *who[] = { "who", "-1", a->o->user, NULL };
	const char *argv[12];
	struct mw_buf out;
	long n = 0;
	size_t i;

	mw_acct_doveadm_argv(a, argv, who);
	mw_buf_init(&out, ACCT_TOOL_OUT);
	if (mw_acct_tool(argv, NULL, 0, &out, NULL, 0) != 0)
		n = -1;
	for (i = 0; n >= 0 && i < out.len; i++)
		n += out.data[i] == '\n';
	/* the first line is the header */
	if (n > 0)
		n--;
	mw_buf_free(&out);
	return n;
}

static void kick(struct resp *p)
{
	struct acct_run *a = p->a;
	const char *k[] = { "kick", a->o->user, NULL };
	const char *argv[12];
	char what[600], why[400];
	long n = count_sessions(a);

	if (n < 0) {
		mw_acct_step_out(p, "kick", "doveadm who failed: sessions not ended", "skipped");
		return;
	}
	snprintf(what, sizeof(what), "doveadm kick %s (%ld IMAP/POP3 session%s)", a->o->user, n,
		 n == 1 ? "" : "s");
	if (n == 0) {
		mw_acct_step_out(p, "kick", what, "already done");
		return;
	}
	if (!p->apply) {
		mw_acct_step_out(p, "kick", what, "planned");
		return;
	}
	if (!mw_acct_record_begin(p, json_pack("{s:s, s:I}", "step", "kick", "sessions", (json_int_t)n))) {
		mw_acct_fail(p, "kick", what, "cannot write the response record: nothing changed");
		return;
	}
	mw_acct_doveadm_argv(a, argv, k);
	/* doveadm kick exits 68 when no one was left to kick */
	if (mw_acct_tool(argv, NULL, 0, NULL, why, sizeof(why)) < 0) {
		mw_acct_fail(p, "kick", what, why);
		return;
	}
	mw_acct_step_out(p, "kick", what, "done");
}

/* Deactivate the active script when it sends mail off the host. */
static void sieve_off(struct resp *p)
{
	struct acct_run *a = p->a;
	const char *argv[12];
	char what[800], why[400], backup[64];
	size_t i;

	for (i = 0; i < a->nscripts; i++) {
		struct acct_script *sc = &a->scripts[i];
		const char *off[] = { "sieve", "deactivate", "-u", a->o->user, NULL };
		struct mw_buf text;
		json_t *st;

		if (!sc->active || !sc->external)
			continue;
		snprintf(what, sizeof(what), "doveadm sieve deactivate -u %s (script \"%s\" "
			 "redirects off the host; kept, backed up)", a->o->user, sc->name);
		if (!p->apply) {
			mw_acct_step_out(p, "sieve", what, "planned");
			continue;
		}
		mw_buf_init(&text, ACCT_MAX_SCRIPT + 64);
		snprintf(backup, sizeof(backup), "sieve-%zu.sieve",
			 json_array_size(json_object_get(p->record, "steps")));
		if (mw_acct_sieve_get(a, sc->name, &text) != 0 ||
		    mw_acct_write_at(p->dfd, backup, text.data ? text.data : "", text.len, 0600) != 0) {
			mw_acct_fail(p, "sieve", what, "cannot back the script up: left active");
			mw_buf_free(&text);
			continue;
		}
		mw_buf_free(&text);
		st = mw_acct_record_begin(p, json_pack("{s:s, s:o, s:s}", "step", "sieve", "script",
					       mw_json_raw(sc->name), "backup", backup));
		if (!st) {
			mw_acct_fail(p, "sieve", what, "cannot write the response record: nothing changed");
			continue;
		}
		mw_acct_doveadm_argv(a, argv, off);
		if (mw_acct_tool(argv, NULL, 0, NULL, why, sizeof(why)) != 0) {
			mw_acct_fail(p, "sieve", what, why);
			mw_acct_record_done(p, st, "failed");
			continue;
		}
		sc->active = 0;
		mw_acct_record_done(p, st, "done");
		mw_acct_step_out(p, "sieve", what, "done");
	}
}

/* --- the account's own forward and filter files ------------------------- */

#define MOVED_SUFFIX ".mailwarden-disabled"

/* A file of the user's own that sends mail off the host and that moving
 * aside disables (a .forward, .procmailrc, .mailfilter, Exim filter). */
static int movable(const struct acct_run *a, const json_t *v)
{
	static const char *const srcs[] = { "forward", "procmail", "maildrop", "exim-filter" };
	const char *src = acct_jstr(v, "source");
	size_t i;

	if (!json_is_true(json_object_get(v, "external")) ||
	    json_is_true(json_object_get(v, "disabled")) ||
	    strcmp(acct_jstr(v, "owner"), a->o->user) != 0 || acct_jstr(v, "path")[0] != '/')
		return 0;
	for (i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++)
		if (strcmp(src, srcs[i]) == 0)
			return 1;
	return 0;
}

static void forwards_off(struct resp *p)
{
	struct acct_run *a = p->a;
	json_t *v, *done = json_array(), *st;
	char name[256], moved[300], sha[65], what[MW_MAX_PATH + 200];
	size_t i;
	int dfd;

	json_array_foreach(a->forwarders, i, v) {
		const char *path = acct_jstr(v, "path");
		json_t *d;
		size_t k;
		int seen = 0;

		if (!movable(a, v))
			continue;
		json_array_foreach(done, k, d)
			seen |= strcmp(json_string_value(d), path) == 0;
		if (seen)
			continue;
		json_array_append_new(done, json_string(path));
		snprintf(what, sizeof(what), "move %s aside to %s" MOVED_SUFFIX " (%s forward to %s)",
			 path, path, acct_jstr(v, "source"), acct_jstr(v, "destination"));
		if ((dfd = mw_acct_open_parent(path, name, sizeof(name))) < 0 || mw_acct_file_sha(dfd, name, sha)) {
			mw_acct_fail(p, "forward-file", what, "cannot open it without following a link");
			if (dfd >= 0)
				close(dfd);
			continue;
		}
		snprintf(moved, sizeof(moved), "%s" MOVED_SUFFIX, name);
		if (!p->apply) {
			mw_acct_step_out(p, "forward-file", what, "planned");
		} else if (!(st = mw_acct_record_begin(p, json_pack("{s:s, s:s, s:s, s:s}", "step",
				"forward-file", "path", path, "moved_to", moved, "sha256", sha)))) {
			mw_acct_fail(p, "forward-file", what, "cannot write the response record: nothing changed");
		} else if (renameat2(dfd, name, dfd, moved, RENAME_NOREPLACE) != 0) {
			mw_acct_fail(p, "forward-file", what, strerror(errno));
			mw_acct_record_done(p, st, "failed");
		} else {
			mw_acct_record_done(p, st, "done");
			mw_acct_step_out(p, "forward-file", what, "done");
		}
		close(dfd);
	}
	json_decref(done);
}

/* Undo forward-file: the moved file back under its name, when it is still
 * the same bytes and nothing took the name meanwhile. */
static int forward_back(json_t *st)
{
	const char *path = json_string_value(json_object_get(st, "path"));
	const char *moved = json_string_value(json_object_get(st, "moved_to"));
	const char *want = json_string_value(json_object_get(st, "sha256"));
	char name[256], sha[65];
	int dfd, rc = -1;

	if (!path || !moved || !want || (dfd = mw_acct_open_parent(path, name, sizeof(name))) < 0)
		return -1;
	if (mw_acct_file_sha(dfd, moved, sha) == 0 && strcmp(sha, want) == 0)
		rc = renameat2(dfd, moved, dfd, name, RENAME_NOREPLACE);
	close(dfd);
	return rc;
}

/* What the tool leaves to the administrator, always said. */
static void manual(struct resp *p)
{
	struct acct_run *a = p->a;
	json_t *m = json_object_get(p->out, "manual"), *v;
	char buf[700];
	size_t i;

	snprintf(buf, sizeof(buf), "reset the password of %s where it is kept (doveadm pw "
		 "for a passwd-file, the panel's own reset for a panel account): mailwarden "
		 "never changes it", a->o->user);
	json_array_append_new(m, mw_json_raw(buf));
	json_array_foreach(a->forwarders, i, v) {
		const char *src = json_string_value(json_object_get(v, "source"));

		if (!json_is_true(json_object_get(v, "external")) ||
		    json_is_true(json_object_get(v, "disabled")) || movable(a, v))
			continue;
		snprintf(buf, sizeof(buf), "remove the %s forward to %s in %s line %lld (and the "
			 "panel's filters, if the panel wrote it)", src ? src : "",
			 acct_jstr(v, "destination"), acct_jstr(v, "path"),
			 (long long)json_integer_value(json_object_get(v, "line")));
		json_array_append_new(m, mw_json_raw(buf));
	}
	snprintf(buf, sizeof(buf), "after the reset: mailwarden account %s --restore --apply "
		 "lifts the blocks, releases the held mail and reactivates the Sieve script "
		 "(delete the script first if it was the attacker's)", a->o->user);
	json_array_append_new(m, mw_json_raw(buf));
}

static int resp_init(struct resp *p, struct acct_run *a, const char *mode)
{
	memset(p, 0, sizeof(*p));
	p->a = a;
	p->apply = a->o->apply;
	p->dfd = -1;
	p->out = json_pack("{s:s, s:b, s:n, s:[], s:[]}", "mode", mode, "applied", p->apply,
			   "record", "steps", "manual");
	if (!p->out)
		return -1;
	if (!p->apply)
		return 0;
	if ((p->dfd = mw_acct_record_dir(p, 1)) < 0) {
		mw_report_error(a->r, CHECK, p->dir, 0, MW_ERR_IO, "cannot make the response "
				"record's directory %s: %s; nothing changed", p->dir, strerror(errno));
		return -1;
	}
	json_object_set_new(p->out, "record", mw_json_raw(p->dir));
	return 0;
}

json_t *mw_acct_respond(struct acct_run *a)
{
	struct resp p;

	if (resp_init(&p, a, "respond") != 0)
		return p.out;
	if (p.apply) {
		p.record = mw_acct_record_load(p.dfd);
		if (!p.record)
			p.record = json_pack("{s:s, s:I, s:[]}", "user", a->o->user, "created",
					     (json_int_t)time(NULL), "steps");
	}
	if (!p.apply || p.record) {
		/* Sieve first: with a static userdb, Dovecot looks the
		 * user up through the passdbs, so that once blocked doveadm
		 * may no longer reach the user's scripts. */
		sieve_off(&p);
		forwards_off(&p);
		block_dovecot(&p);
		block_postfix(&p);
		mw_acct_block_exim(&p);
		kick(&p);
		mw_acct_roundcube_end(&p);
		mw_acct_hold(&p);
	} else {
		mw_report_error(a->r, CHECK, p.dir, 0, MW_ERR_NOMEM, "out of memory");
	}
	manual(&p);
	json_decref(p.record);
	if (p.dfd >= 0)
		close(p.dfd);
	/* the MTAs' tables changed: nothing read before holds */
	if (p.apply)
		mw_kv_forget();
	return p.out;
}

/* Undo one step of the record; 0 when done. */
static int undo(struct resp *p, json_t *st, char *what, size_t wl)
{
	struct acct_run *a = p->a;
	const char *step = json_string_value(json_object_get(st, "step"));
	const char *argv[12];
	char map[1200], why[400];

	if (!step)
		return -1;
	if (strcmp(step, "block-dovecot") == 0) {
		snprintf(what, wl, "take %s out of %s/%s", a->o->user,
			 json_string_value(json_object_get(st, "dir")), ACCT_DENY_FILE);
		return p->apply ? mw_acct_unblock_file(p, st, NULL) : 0;
	}
	if (strcmp(step, "block-postfix") == 0) {
		const char *dir = json_string_value(json_object_get(st, "dir"));
		const char *postmap[] = { "postmap", "-c", dir, map, NULL };

		snprintf(map, sizeof(map), "hash:%s/%s", dir ? dir : "", ACCT_SASL_TABLE);
		snprintf(what, wl, "take %s out of %s/%s and postmap it", a->o->user,
			 dir ? dir : "", ACCT_SASL_TABLE);
		return p->apply ? mw_acct_unblock_file(p, st, postmap) : 0;
	}
	if (strcmp(step, "block-exim") == 0)
		return mw_acct_unblock_exim(p, st, what, wl);
	if (strcmp(step, "roundcube") == 0)
		return mw_acct_roundcube_restore(p, st, what, wl);
	if (strcmp(step, "forward-file") == 0) {
		snprintf(what, wl, "move %s back (byte-identical)",
			 json_string_value(json_object_get(st, "path")));
		return p->apply ? forward_back(st) : 0;
	}
	if (strcmp(step, "kick") == 0) {
		snprintf(what, wl, "(ended sessions stay ended; the user logs in again)");
		return 0;
	}
	if (strcmp(step, "sieve") == 0) {
		const char *name = json_string_value(json_object_get(st, "script"));
		const char *backup = json_string_value(json_object_get(st, "backup"));
		const char *on[] = { "sieve", "activate", "-u", a->o->user, name, NULL };
		const char *put[] = { "sieve", "put", "-u", a->o->user, "-a", name, NULL };
		struct mw_buf orig, cur;
		int rc = -1;

		snprintf(what, wl, "doveadm sieve activate -u %s %s (byte-identical to the backup)",
			 a->o->user, name ? name : "?");
		if (!p->apply)
			return 0;
		if (!name || !backup)
			return -1;
		mw_buf_init(&orig, ACCT_MAX_SCRIPT + 64);
		mw_buf_init(&cur, ACCT_MAX_SCRIPT + 64);
		if (mw_acct_read_managed(p->dfd, backup, &orig) == 1) {
			if (mw_acct_sieve_get(a, name, &cur) == 0 &&
			    cur.len == orig.len && (!cur.len || memcmp(cur.data, orig.data, cur.len) == 0)) {
				mw_acct_doveadm_argv(a, argv, on);
			} else {
				/* gone or changed: the backup comes back as it was */
				mw_acct_doveadm_argv(a, argv, put);
			}
			rc = mw_acct_tool(argv, orig.data ? orig.data : "", orig.len, NULL, why,
				       sizeof(why)) == 0 ? 0 : -1;
			if (rc)
				snprintf(what, wl, "doveadm sieve activate -u %s %s: %s",
					 a->o->user, name, why);
		}
		mw_buf_free(&orig);
		mw_buf_free(&cur);
		return rc;
	}
	if (strcmp(step, "hold") == 0)
		return mw_acct_release(p, st, what, wl);
	return -1;
}

json_t *mw_acct_restore(struct acct_run *a)
{
	struct resp p;
	json_t *steps, *st;
	char what[4600], name[64];
	size_t i;
	int dfd, bad = 0;

	if (resp_init(&p, a, "restore") != 0)
		return p.out;
	dfd = p.dfd;
	if (dfd < 0 && (dfd = mw_acct_record_dir(&p, 0)) < 0) {
		mw_report_note(a->r, CHECK, "no response to restore for %s (%s)", a->o->user, p.dir);
		return p.out;
	}
	p.dfd = dfd;
	json_object_set_new(p.out, "record", mw_json_raw(p.dir));
	p.record = mw_acct_record_load(dfd);
	if (!p.record) {
		mw_report_note(a->r, CHECK, "no response to restore for %s (%s/%s)", a->o->user,
			       p.dir, RECORD);
		close(dfd);
		return p.out;
	}
	steps = json_object_get(p.record, "steps");
	for (i = json_array_size(steps); i-- > 0;) {
		st = json_array_get(steps, i);
		if (json_is_true(json_object_get(st, "restored")))
			continue;
		what[0] = '\0';
		if (undo(&p, st, what, sizeof(what)) != 0) {
			mw_acct_fail(&p, "restore", what[0] ? what : "unknown step", "failed");
			bad++;
			continue;
		}
		mw_acct_step_out(&p, json_string_value(json_object_get(st, "step")), what,
			 p.apply ? "done" : "planned");
		if (p.apply) {
			json_object_set_new(st, "restored", json_true());
			(void)mw_acct_record_save(&p);
		}
	}
	/* A fully restored record is kept under another name, for the
	 * history; the next --respond starts a new one. */
	if (p.apply && !bad) {
		snprintf(name, sizeof(name), "record-restored-%lld.json", (long long)time(NULL));
		if (renameat(dfd, RECORD, dfd, name) != 0)
			mw_report_error(a->r, CHECK, p.dir, 0, MW_ERR_IO, "rename %s: %s", RECORD,
					strerror(errno));
	}
	json_decref(p.record);
	close(dfd);
	if (p.apply)
		mw_kv_forget();
	return p.out;
}
