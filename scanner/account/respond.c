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
 * the blocks so that nobody logs straight back in); hold the account's
 * queued mail (the queue check's hold). A password is never changed.
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
#include "scanner/account/acct_int.h"
#include "scanner/queue/queue.h"

#define RECORD		"record.json"
#define MAX_MANAGED	(4u << 20)	/* bytes of a managed file */

struct resp {
	struct acct_run *a;
	int apply;
	int dfd;		/* the record's directory, -1 before apply */
	char dir[4096];
	json_t *record;		/* {"user", "steps": [...]} */
	json_t *out;		/* the report's "response" */
};

static void step_out(struct resp *p, const char *step, const char *what, const char *status)
{
	json_array_append_new(json_object_get(p->out, "steps"),
			      json_pack("{s:s, s:o, s:s}", "step", step, "what", mw_json_raw(what),
					"status", status));
}

static void fail(struct resp *p, const char *step, const char *what, const char *why)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), "%s: %s", what, why);
	step_out(p, step, msg, "failed");
	mw_report_error(p->a->r, CHECK, NULL, 0, MW_ERR_IO, "%s: %s", step, msg);
}

/* --- the record ----------------------------------------------------------- */

/* Open STATE_DIR/account/USER, no symlinks; create it (0700) when create. */
static int record_dir(struct resp *p, int create)
{
	const char *sd = p->a->ctx->cfg && p->a->ctx->cfg->state_dir ? p->a->ctx->cfg->state_dir
								       : "/var/lib/mailwarden";
	const char *parts[2] = { "account", p->a->o->user };
	int fd, nfd, i;

	snprintf(p->dir, sizeof(p->dir), "%s/account/%s", sd, p->a->o->user);
	if (create && mkdir(sd, 0700) != 0 && errno != EEXIST)
		return -1;
	fd = open(sd, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (i = 0; fd >= 0 && i < 2; i++) {
		if (create && mkdirat(fd, parts[i], 0700) != 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		nfd = openat(fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = nfd;
	}
	return fd;
}

/* Write name in dfd atomically (temporary file, fsync, rename). */
static int write_at(int dfd, const char *name, const void *data, size_t len, mode_t mode)
{
	char tmp[300];
	int fd;
	ssize_t w;
	const char *c = data;

	snprintf(tmp, sizeof(tmp), ".%s.mw-tmp", name);
	(void)unlinkat(dfd, tmp, 0);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	while (len > 0) {
		w = write(fd, c, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			(void)unlinkat(dfd, tmp, 0);
			return -1;
		}
		c += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0 || close(fd) != 0 ||
	    renameat(dfd, tmp, dfd, name) != 0) {
		(void)unlinkat(dfd, tmp, 0);
		return -1;
	}
	return fsync(dfd) == 0 || errno == EINVAL ? 0 : -1;
}

static int record_save(struct resp *p)
{
	char *s = json_dumps(p->record, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	int rc;

	if (!s)
		return -1;
	rc = write_at(p->dfd, RECORD, s, strlen(s), 0600);
	free(s);
	return rc;
}

/* The record of an earlier response not yet restored, or NULL. */
static json_t *record_load(int dfd)
{
	struct mw_buf b;
	json_t *j = NULL;

	mw_buf_init(&b, 64u << 20);
	if (mw_read_file_at(dfd, RECORD, &b, 64u << 20, NULL, NULL) == MW_OK)
		j = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
	mw_buf_free(&b);
	return j;
}

/* Append a step to the record as "started" and save it: nothing is
 * changed before this is on disk. Returns the step or NULL. */
static json_t *record_begin(struct resp *p, json_t *step)
{
	json_object_set_new(step, "state", json_string("started"));
	json_object_set_new(step, "time", json_integer((json_int_t)time(NULL)));
	json_array_append_new(json_object_get(p->record, "steps"), step);
	return record_save(p) == 0 ? step : NULL;
}

static void record_done(struct resp *p, json_t *step, const char *state)
{
	json_object_set_new(step, "state", json_string(state));
	if (record_save(p) != 0)
		mw_report_error(p->a->r, CHECK, p->dir, 0, MW_ERR_IO,
				"cannot update %s/%s: %s", p->dir, RECORD, strerror(errno));
}

/* --- managed files -------------------------------------------------------- */

static int open_dir(const char *dir)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Read dir/name into b (up to b's cap); 1 read, 0 absent, -1 error. */
static int read_managed(int dfd, const char *name, struct mw_buf *b)
{
	enum mw_err e = mw_read_file_at(dfd, name, b, b->cap, NULL, NULL);

	if (e == MW_OK)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

/* The offset of the line equal to line in text, or -1. */
static long find_line(const char *text, size_t n, const char *line)
{
	size_t ll = strlen(line), i = 0;

	while (i < n) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - text) : n;

		if (e - i == ll && memcmp(text + i, line, ll) == 0)
			return (long)i;
		i = e + 1;
	}
	return -1;
}

/* text with line added at the end (add) or removed (!add) into out. */
static enum mw_err edit_text(const char *text, size_t n, const char *line, int add,
			     struct mw_buf *out)
{
	long at = find_line(text, n, line);
	enum mw_err e = MW_OK;

	if (add) {
		e = mw_buf_append(out, text, n);
		if (!e && n && text[n - 1] != '\n')
			e = mw_buf_putc(out, '\n');
		if (!e)
			e = mw_buf_printf(out, "%s\n", line);
		return e;
	}
	if (at < 0)
		return mw_buf_append(out, text, n);
	e = mw_buf_append(out, text, (size_t)at);
	at += (long)strlen(line);
	if (!e && (size_t)at < n)
		e = mw_buf_append(out, text + at + 1, n - (size_t)at - 1);
	return e;
}

static void sha_hex(const struct mw_buf *b, char out[65])
{
	mw_sha256_hex(b->data ? b->data : "", b->len, out);
}

/*
 * Step "block": add line to the managed file dir/name (backed up into the
 * record first); after runs once the file is written (postmap). Nothing
 * happens when the line is there already.
 */
static void block_file(struct resp *p, const char *step, const char *dir, const char *name,
		       const char *line, const char *what, const char *const *after)
{
	struct mw_buf cur, next;
	char path[1100], sha[65], backup[64], why[400];
	json_t *st;
	int dfd, have;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((dfd = open_dir(dir)) < 0) {
		fail(p, step, path, strerror(errno));
		return;
	}
	mw_buf_init(&cur, MAX_MANAGED);
	mw_buf_init(&next, MAX_MANAGED + 4096);
	have = read_managed(dfd, name, &cur);
	if (have < 0) {
		fail(p, step, path, strerror(errno));
		goto out;
	}
	if (have && find_line(cur.data ? cur.data : "", cur.len, line) >= 0) {
		step_out(p, step, what, "already done");
		goto out;
	}
	if (!p->apply) {
		step_out(p, step, what, "planned");
		goto out;
	}
	snprintf(backup, sizeof(backup), "%s.orig", step);
	if (edit_text(cur.data ? cur.data : "", cur.len, line, 1, &next) != MW_OK ||
	    (have && write_at(p->dfd, backup, cur.data ? cur.data : "", cur.len, 0600) != 0)) {
		fail(p, step, path, "cannot back it up");
		goto out;
	}
	sha_hex(&next, sha);
	st = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "step", step, "dir", dir, "file", name,
		       "line", line, "backup", have ? json_string(backup) : json_null(),
		       "written_sha256", sha);
	if (!record_begin(p, st)) {
		fail(p, step, path, "cannot write the response record: nothing changed");
		goto out;
	}
	if (write_at(dfd, name, next.data, next.len, 0644) != 0) {
		fail(p, step, path, strerror(errno));
		record_done(p, st, "failed");
		goto out;
	}
	if (after && acct_tool(after, NULL, 0, NULL, why, sizeof(why)) != 0) {
		fail(p, step, after[0], why);
		record_done(p, st, "failed");
		goto out;
	}
	record_done(p, st, "done");
	step_out(p, step, what, "done");
out:
	mw_buf_free(&cur);
	mw_buf_free(&next);
	close(dfd);
}

/*
 * Undo a block step: the file as backed up when it still is what we wrote
 * (byte-identical), else the same file without our line.
 */
static int unblock_file(struct resp *p, json_t *st, const char *const *after)
{
	const char *dir = json_string_value(json_object_get(st, "dir"));
	const char *name = json_string_value(json_object_get(st, "file"));
	const char *line = json_string_value(json_object_get(st, "line"));
	const char *backup = json_string_value(json_object_get(st, "backup"));
	const char *sha = json_string_value(json_object_get(st, "written_sha256"));
	struct mw_buf cur, next;
	char now[65], why[400];
	int dfd, rc = -1;

	if (!dir || !name || !line || !sha || (dfd = open_dir(dir)) < 0)
		return -1;
	mw_buf_init(&cur, MAX_MANAGED);
	mw_buf_init(&next, MAX_MANAGED);
	if (read_managed(dfd, name, &cur) < 0)
		goto out;
	sha_hex(&cur, now);
	if (strcmp(now, sha) == 0 && !backup && !after) {
		rc = unlinkat(dfd, name, 0) == 0 || errno == ENOENT ? 0 : -1;
	} else if (strcmp(now, sha) == 0 && !backup) {
		/* a table made by the response: emptied, not removed, so that
		 * postmap rebuilds the .db without the entry */
		rc = write_at(dfd, name, "", 0, 0644);
	} else if (strcmp(now, sha) == 0) {
		rc = read_managed(p->dfd, backup, &next) == 1 &&
		     write_at(dfd, name, next.data ? next.data : "", next.len, 0644) == 0 ? 0 : -1;
	} else {
		rc = edit_text(cur.data ? cur.data : "", cur.len, line, 0, &next) == MW_OK &&
		     write_at(dfd, name, next.data ? next.data : "", next.len, 0644) == 0 ? 0 : -1;
		if (rc == 0)
			mw_report_note(p->a->r, CHECK, "%s/%s changed since the response: only "
				       "the line for %s was taken out", dir, name, p->a->o->user);
	}
	if (rc == 0 && after && acct_tool(after, NULL, 0, NULL, why, sizeof(why)) != 0) {
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

/* 1 when the configuration that `argv` prints names path (the one-time
 * include was done), 0 when not, -1 when it cannot be read. */
static int config_names(const char *const *argv, const char *path, const char *also)
{
	struct mw_buf out;
	int rc;

	mw_buf_init(&out, ACCT_TOOL_OUT);
	rc = acct_tool(argv, NULL, 0, &out, NULL, 0);
	if (rc == 0)
		rc = out.data && memmem(out.data, out.len, path, strlen(path)) &&
		     (!also || memmem(out.data, out.len, also, strlen(also))) ? 1 : 0;
	else
		rc = -1;
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
	switch (config_names(argv, path, "deny = yes")) {
	case -1:
		step_out(p, "block-dovecot", "doveconf -n failed: no Dovecot here; IMAP/POP3 not blocked",
			 "skipped");
		return;
	case 0:
		snprintf(what, sizeof(what),
			 "Dovecot does not read %s: add once, before the other passdbs, "
			 "passdb { driver = passwd-file; deny = yes; args = %s } (see mailwarden(8))",
			 path, path);
		fail(p, "block-dovecot", what, "not configured");
		return;
	}
	snprintf(what, sizeof(what), "add %s to %s (passdb deny = yes): IMAP, POP3, "
		 "ManageSieve and SMTP AUTH through Dovecot refuse it; Dovecot rereads the file",
		 a->o->user, path);
	block_file(p, "block-dovecot", a->dovecot_dir, ACCT_DENY_FILE, a->o->user, what, NULL);
}

static void block_postfix(struct resp *p)
{
	struct acct_run *a = p->a;
	const char *dir = a->postfix_dir;
	const char *n[] = { "postconf", "-c", dir, "-n", NULL };
	const char *P[] = { "postconf", "-c", dir, "-P", NULL };
	char path[1100], map[1200], what[3000], line[600];
	const char *postmap[] = { "postmap", "-c", dir, map, NULL };
	int r1, r2;

	snprintf(path, sizeof(path), "%s/%s", dir, ACCT_SASL_TABLE);
	snprintf(map, sizeof(map), "hash:%s", path);
	r1 = config_names(n, path, "check_sasl_access");
	r2 = r1 == 1 ? 1 : config_names(P, path, "check_sasl_access");
	if (r1 < 0) {
		step_out(p, "block-postfix", "postconf failed: no Postfix here; SMTP AUTH not "
			 "blocked in Postfix", "skipped");
		return;
	}
	if (r1 == 0 && r2 != 1) {
		snprintf(what, sizeof(what),
			 "Postfix does not read %s: put check_sasl_access %s first in "
			 "smtpd_relay_restrictions and smtpd_recipient_restrictions once "
			 "(see mailwarden(8))", path, map);
		fail(p, "block-postfix", what, "not configured");
		return;
	}
	snprintf(line, sizeof(line), "%s REJECT 5.7.1 account locked pending a password reset",
		 a->o->user);
	snprintf(what, sizeof(what), "add \"%s REJECT\" to %s (check_sasl_access), postmap it: "
		 "Postfix refuses mail from the login, whatever SASL backend", a->o->user, path);
	block_file(p, "block-postfix", dir, ACCT_SASL_TABLE, line, what, postmap);
}

static long count_sessions(struct acct_run *a)
{
	const char *who[] = { "who", "-1", a->o->user, NULL };
	const char *argv[12];
	struct mw_buf out;
	long n = 0;
	size_t i;

	acct_doveadm_argv(a, argv, who);
	mw_buf_init(&out, ACCT_TOOL_OUT);
	if (acct_tool(argv, NULL, 0, &out, NULL, 0) != 0)
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
		step_out(p, "kick", "doveadm who failed: sessions not ended", "skipped");
		return;
	}
	snprintf(what, sizeof(what), "doveadm kick %s (%ld IMAP/POP3 session%s)", a->o->user, n,
		 n == 1 ? "" : "s");
	if (n == 0) {
		step_out(p, "kick", what, "already done");
		return;
	}
	if (!p->apply) {
		step_out(p, "kick", what, "planned");
		return;
	}
	if (!record_begin(p, json_pack("{s:s, s:I}", "step", "kick", "sessions", (json_int_t)n))) {
		fail(p, "kick", what, "cannot write the response record: nothing changed");
		return;
	}
	acct_doveadm_argv(a, argv, k);
	/* doveadm kick exits 68 when no one was left to kick */
	if (acct_tool(argv, NULL, 0, NULL, why, sizeof(why)) < 0) {
		fail(p, "kick", what, why);
		return;
	}
	step_out(p, "kick", what, "done");
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
			step_out(p, "sieve", what, "planned");
			continue;
		}
		mw_buf_init(&text, ACCT_MAX_SCRIPT + 64);
		snprintf(backup, sizeof(backup), "sieve-%zu.sieve",
			 json_array_size(json_object_get(p->record, "steps")));
		if (acct_sieve_get(a, sc->name, &text) != 0 ||
		    write_at(p->dfd, backup, text.data ? text.data : "", text.len, 0600) != 0) {
			fail(p, "sieve", what, "cannot back the script up: left active");
			mw_buf_free(&text);
			continue;
		}
		mw_buf_free(&text);
		st = record_begin(p, json_pack("{s:s, s:o, s:s}", "step", "sieve", "script",
					       mw_json_raw(sc->name), "backup", backup));
		if (!st) {
			fail(p, "sieve", what, "cannot write the response record: nothing changed");
			continue;
		}
		acct_doveadm_argv(a, argv, off);
		if (acct_tool(argv, NULL, 0, NULL, why, sizeof(why)) != 0) {
			fail(p, "sieve", what, why);
			record_done(p, st, "failed");
			continue;
		}
		sc->active = 0;
		record_done(p, st, "done");
		step_out(p, "sieve", what, "done");
	}
}

/*
 * Hold (release) the account's queued mail through the queue check; ids
 * restricts it to those. The ids acted on go into *acted (new array).
 */
static int queue_act(struct resp *p, enum mw_queue_action act, int apply, json_t *ids,
		     json_t **acted)
{
	struct acct_run *a = p->a;
	struct mw_queue_opts qo;
	struct mw_report *s = mw_report_new("queue");
	const char **idv = NULL;
	const json_t *action;
	size_t i;
	json_t *v;
	int rc = -1;

	*acted = NULL;
	if (!s)
		return -1;
	mw_queue_opts_init(&qo, a->ctx->cfg);
	if (a->o->postfix_config) {
		qo.postfix_config = a->o->postfix_config;
		qo.mta = MW_QMTA_POSTFIX;
	}
	qo.action = act;
	qo.apply = apply;
	qo.sel.sasl = act == MW_QACT_HOLD ? a->o->user : NULL;
	if (ids) {
		idv = calloc(json_array_size(ids) + 1, sizeof(*idv));
		if (!idv)
			goto out;
		json_array_foreach(ids, i, v)
			idv[i] = json_string_value(v);
		qo.sel.ids = idv;
		qo.sel.n_ids = json_array_size(ids);
	}
	if (mw_queue_run(a->ctx, &qo, s) != MW_OK) {
		mw_report_error(a->r, CHECK, NULL, 0, MW_ERR_IO, "queue: %s", a->ctx->errmsg);
		a->ctx->errmsg[0] = '\0';
		goto out;
	}
	acct_copy_errors(a, s, "queue");
	action = json_object_get(mw_report_data(s, "queue"), "action");
	*acted = json_deep_copy(json_object_get(action, "ids"));
	rc = *acted && (!apply || json_is_true(json_object_get(action, "applied")) ||
			json_array_size(*acted) == 0) ? 0 : -1;
out:
	free(idv);
	mw_report_free(s);
	return rc;
}

static void hold(struct resp *p)
{
	json_t *ids = NULL, *done = NULL, *st;
	char what[600];

	if (p->a->queued < 0) {
		step_out(p, "hold", "the queue was not read: nothing held", "skipped");
		return;
	}
	if (queue_act(p, MW_QACT_HOLD, 0, NULL, &ids) != 0) {
		fail(p, "hold", "postqueue", "cannot select the account's messages");
		return;
	}
	snprintf(what, sizeof(what), "hold the %zu queued message%s sent as %s (postsuper -h)",
		 json_array_size(ids), json_array_size(ids) == 1 ? "" : "s", p->a->o->user);
	if (json_array_size(ids) == 0) {
		step_out(p, "hold", what, "already done");
	} else if (!p->apply) {
		step_out(p, "hold", what, "planned");
	} else if (!(st = record_begin(p, json_pack("{s:s, s:O}", "step", "hold", "ids", ids)))) {
		fail(p, "hold", what, "cannot write the response record: nothing changed");
	} else if (queue_act(p, MW_QACT_HOLD, 1, ids, &done) != 0) {
		fail(p, "hold", what, "postsuper failed");
		record_done(p, st, "failed");
	} else {
		json_object_set(st, "ids", done);
		record_done(p, st, "done");
		step_out(p, "hold", what, "done");
	}
	json_decref(ids);
	json_decref(done);
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

/* Split path into its directory, opened without following any link, and
 * its last name (into name). -1 when that cannot be done. */
static int open_parent(const char *path, char *name, size_t cap)
{
	const char *slash = strrchr(path, '/');
	char dir[MW_MAX_PATH];
	int rootfd, fd = -1;

	if (!slash || strlen(slash + 1) == 0 || strlen(slash + 1) >= cap ||
	    (size_t)(slash - path) >= sizeof(dir))
		return -1;
	snprintf(name, cap, "%s", slash + 1);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -1;
	if (mw_open_beneath(rootfd, dir[0] ? dir : "/", 1, &fd, NULL) != MW_OK)
		fd = -1;
	close(rootfd);
	return fd;
}

/* sha256 of the regular file name in dfd (no links); -1 when it is not one. */
static int file_sha(int dfd, const char *name, char out[65])
{
	struct mw_buf b;
	int rc;

	mw_buf_init(&b, MAX_MANAGED);
	rc = read_managed(dfd, name, &b) == 1 ? 0 : -1;
	if (!rc)
		sha_hex(&b, out);
	mw_buf_free(&b);
	return rc;
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
		if ((dfd = open_parent(path, name, sizeof(name))) < 0 || file_sha(dfd, name, sha)) {
			fail(p, "forward-file", what, "cannot open it without following a link");
			if (dfd >= 0)
				close(dfd);
			continue;
		}
		snprintf(moved, sizeof(moved), "%s" MOVED_SUFFIX, name);
		if (!p->apply) {
			step_out(p, "forward-file", what, "planned");
		} else if (!(st = record_begin(p, json_pack("{s:s, s:s, s:s, s:s}", "step",
				"forward-file", "path", path, "moved_to", moved, "sha256", sha)))) {
			fail(p, "forward-file", what, "cannot write the response record: nothing changed");
		} else if (renameat2(dfd, name, dfd, moved, RENAME_NOREPLACE) != 0) {
			fail(p, "forward-file", what, strerror(errno));
			record_done(p, st, "failed");
		} else {
			record_done(p, st, "done");
			step_out(p, "forward-file", what, "done");
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

	if (!path || !moved || !want || (dfd = open_parent(path, name, sizeof(name))) < 0)
		return -1;
	if (file_sha(dfd, moved, sha) == 0 && strcmp(sha, want) == 0)
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
	json_array_append_new(m, json_string("end the webmail sessions too: Roundcube keeps "
					     "its own (its session table), and a stolen webmail "
					     "session survives the password reset"));
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
	if ((p->dfd = record_dir(p, 1)) < 0) {
		mw_report_error(a->r, CHECK, p->dir, 0, MW_ERR_IO, "cannot make the response "
				"record's directory %s: %s; nothing changed", p->dir, strerror(errno));
		return -1;
	}
	json_object_set_new(p->out, "record", mw_json_raw(p->dir));
	return 0;
}

json_t *acct_respond(struct acct_run *a)
{
	struct resp p;

	if (resp_init(&p, a, "respond") != 0)
		return p.out;
	if (p.apply) {
		p.record = record_load(p.dfd);
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
		kick(&p);
		hold(&p);
	} else {
		mw_report_error(a->r, CHECK, p.dir, 0, MW_ERR_NOMEM, "out of memory");
	}
	manual(&p);
	json_decref(p.record);
	if (p.dfd >= 0)
		close(p.dfd);
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
		return p->apply ? unblock_file(p, st, NULL) : 0;
	}
	if (strcmp(step, "block-postfix") == 0) {
		const char *dir = json_string_value(json_object_get(st, "dir"));
		const char *postmap[] = { "postmap", "-c", dir, map, NULL };

		snprintf(map, sizeof(map), "hash:%s/%s", dir ? dir : "", ACCT_SASL_TABLE);
		snprintf(what, wl, "take %s out of %s/%s and postmap it", a->o->user,
			 dir ? dir : "", ACCT_SASL_TABLE);
		return p->apply ? unblock_file(p, st, postmap) : 0;
	}
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
		if (read_managed(p->dfd, backup, &orig) == 1) {
			if (acct_sieve_get(a, name, &cur) == 0 &&
			    cur.len == orig.len && (!cur.len || memcmp(cur.data, orig.data, cur.len) == 0)) {
				acct_doveadm_argv(a, argv, on);
			} else {
				/* gone or changed: the backup comes back as it was */
				acct_doveadm_argv(a, argv, put);
			}
			rc = acct_tool(argv, orig.data ? orig.data : "", orig.len, NULL, why,
				       sizeof(why)) == 0 ? 0 : -1;
			if (rc)
				snprintf(what, wl, "doveadm sieve activate -u %s %s: %s",
					 a->o->user, name, why);
		}
		mw_buf_free(&orig);
		mw_buf_free(&cur);
		return rc;
	}
	if (strcmp(step, "hold") == 0) {
		json_t *ids = json_object_get(st, "ids"), *done = NULL;
		int rc;

		snprintf(what, wl, "release the %zu message%s held (postsuper -H)",
			 json_array_size(ids), json_array_size(ids) == 1 ? "" : "s");
		if (!json_array_size(ids))
			return 0;
		rc = queue_act(p, MW_QACT_RELEASE, p->apply, ids, &done);
		json_decref(done);
		return rc;
	}
	return -1;
}

json_t *acct_restore(struct acct_run *a)
{
	struct resp p;
	json_t *steps, *st;
	char what[4600], name[64];
	size_t i;
	int dfd, bad = 0;

	if (resp_init(&p, a, "restore") != 0)
		return p.out;
	dfd = p.dfd;
	if (dfd < 0 && (dfd = record_dir(&p, 0)) < 0) {
		mw_report_note(a->r, CHECK, "no response to restore for %s (%s)", a->o->user, p.dir);
		return p.out;
	}
	p.dfd = dfd;
	json_object_set_new(p.out, "record", mw_json_raw(p.dir));
	p.record = record_load(dfd);
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
			fail(&p, "restore", what[0] ? what : "unknown step", "failed");
			bad++;
			continue;
		}
		step_out(&p, json_string_value(json_object_get(st, "step")), what,
			 p.apply ? "done" : "planned");
		if (p.apply) {
			json_object_set_new(st, "restored", json_true());
			(void)record_save(&p);
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
	return p.out;
}
