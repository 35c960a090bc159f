/*
 * Hold, release and delete, always scoped by a selector.
 *
 * Safety rules (issue 21): nothing is changed without --apply, and then
 * exactly the ids that were printed are acted on; an action needs at least
 * one selector; --delete refuses a selection that is the whole queue
 * unless the ids were named one by one (--id); every id is written to the
 * journal (STATE_DIR/queue-actions.log) before the MTA is asked, and the
 * MTA's answer after. Hold is the advice everywhere: it is reversible.
 * Postfix: `postsuper -h|-H|-d -` with the ids on stdin; Exim:
 * `exim -Mf|-Mt|-Mrm ID...` in batches.
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

#include "core/safefile.h"
#include "core/escape.h"
#include "core/spawn.h"
#include "reports/report.h"
#include "scanner/queue/queue_act.h"

#define EXIM_BATCH 200		/* ids per exim -M* run */
#define JOURNAL_NAME "queue-actions.log"

int mw_qsel_needs_headers(const struct mw_queue_selector *s)
{
	return s->uid >= 0 || s->user || s->sasl || s->script;
}

static int streq_opt(const char *want, const char *have)
{
	return !want || (have && strcmp(want, have) == 0);
}

int mw_qsel_match(const struct mw_queue_selector *s, const struct qmsg *m, int64_t now)
{
	if (s->uid >= 0 && m->uid != s->uid)
		return 0;
	if (!streq_opt(s->user, m->user) || !streq_opt(s->sasl, m->sasl) ||
	    !streq_opt(s->script, m->script))
		return 0;
	if (s->sender) {
		int want_bounce = s->sender[0] == '\0' || strcmp(s->sender, "<>") == 0;

		if (want_bounce ? !mw_qmsg_is_bounce(m)
				: (!m->sender || strcasecmp(s->sender, m->sender) != 0))
			return 0;
	}
	if (s->older_than_s > 0 && (!m->arrival || now - m->arrival < s->older_than_s))
		return 0;
	if (s->n_ids) {
		size_t i;

		for (i = 0; i < s->n_ids; i++)
			if (strcmp(s->ids[i], m->id) == 0)
				return 1;
		return 0;
	}
	return 1;
}

char *mw_qsel_describe(const struct mw_queue_selector *s)
{
	struct mw_buf b;
	size_t i;

	mw_buf_init(&b, 1u << 20);
	if (s->uid >= 0)
		mw_buf_printf(&b, " uid=%ld", s->uid);
	if (s->user)
		mw_buf_printf(&b, " user=%s", s->user);
	if (s->sasl)
		mw_buf_printf(&b, " sasl=%s", s->sasl);
	if (s->script)
		mw_buf_printf(&b, " script=%s", s->script);
	if (s->sender)
		mw_buf_printf(&b, " sender=<%s>", strcmp(s->sender, "<>") ? s->sender : "");
	if (s->older_than_s)
		mw_buf_printf(&b, " older-than=%llds", (long long)s->older_than_s);
	for (i = 0; i < s->n_ids && i < 20; i++)
		mw_buf_printf(&b, " id=%s", s->ids[i]);
	if (s->n_ids > 20)
		mw_buf_printf(&b, " (+%zu ids)", s->n_ids - 20);
	if (b.len == 0)
		mw_buf_puts(&b, " (none)");
	{
		char *raw = mw_buf_steal(&b), *out;

		if (!raw)
			return NULL;
		out = strdup(raw + 1);	/* drop the leading blank */
		free(raw);
		return out;
	}
}

const char *mw_qaction_name(enum mw_queue_action a)
{
	switch (a) {
	case MW_QACT_HOLD: return "hold";
	case MW_QACT_RELEASE: return "release";
	case MW_QACT_DELETE: return "delete";
	default: return "none";
	}
}

/* Does the action apply to this message at all (hold: not held yet)? */
static int applies(enum mw_queue_action a, const struct qmsg *m)
{
	if (a == MW_QACT_HOLD)
		return !m->held;
	if (a == MW_QACT_RELEASE)
		return m->held;
	return 1;
}

static void iso_time(char *b, size_t n, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(b, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Open STATE_DIR/queue-actions.log for appending (the directory is made
 * 0700 when missing; it must be ours and not group/world-writable; neither
 * it nor the file may be a symbolic link).
 * Returns the fd or -1 with errno set.
 */
static int journal_open(const char *state_dir)
{
	struct stat st;
	int dfd, fd, saved;

	if (mkdir(state_dir, 0700) != 0 && errno != EEXIST)
		return -1;
	dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	/* another user's or a writable state directory could swap the
	 * journal for something else: refuse it (as the nightly state does) */
	if (fstat(dfd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(dfd);
		errno = EPERM;
		return -1;
	}
	fd = openat(dfd, JOURNAL_NAME, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC | O_NONBLOCK, 0600);
	saved = errno;
	close(dfd);
	errno = saved;
	return fd;
}

/* One journal line per id: time, action, MTA, selector, id, sender (the
 * strings escaped: one line per id, whatever a sender holds). */
static int journal_ids(int fd, const char *when, const char *act, const char *mta,
		       const char *sel, const struct qlist *l, const size_t *idx, size_t n)
{
	struct mw_buf b;
	size_t i;
	int rc = 0;

	mw_buf_init(&b, 1u << 20);
	for (i = 0; i < n && rc == 0; i++) {
		const struct qmsg *m = &l->m[idx[i]];

		mw_buf_reset(&b);
		if (mw_buf_printf(&b, "%s\t%s\t%s\t", when, act, mta) ||
		    mw_escape_append(&b, sel, strlen(sel)) ||
		    mw_buf_printf(&b, "\t%s\tsender=<", m->id) ||
		    mw_escape_append(&b, m->sender ? m->sender : "", m->sender ? strlen(m->sender) : 0) ||
		    mw_buf_puts(&b, ">\n"))
			rc = -1;
		else
			rc = mw_write_all(fd, b.data, b.len);
	}
	mw_buf_free(&b);
	return rc;
}

static enum mw_err run_postsuper(const struct mw_queue_opts *o, enum mw_queue_action a,
				 const struct qlist *l, const size_t *idx, size_t n,
				 struct mw_buf *errout, int *ok)
{
	const char *argv[6];
	struct mw_spawn_result res;
	struct mw_buf in, out;
	enum mw_err e;
	size_t i;
	int k = 0;

	argv[k++] = "postsuper";
	if (o->postfix_config) {
		argv[k++] = "-c";
		argv[k++] = o->postfix_config;
	}
	argv[k++] = a == MW_QACT_HOLD ? "-h" : a == MW_QACT_RELEASE ? "-H" : "-d";
	argv[k++] = "-";
	argv[k] = NULL;
	mw_buf_init(&in, (size_t)n * QMAX_ID + 1);
	for (i = 0; i < n; i++)
		if (mw_buf_printf(&in, "%s\n", l->m[idx[i]].id)) {
			mw_buf_free(&in);
			return MW_ERR_NOMEM;
		}
	mw_buf_init(&out, 1u << 16);
	e = mw_spawn_capture(argv, in.data, in.len, &out, 1u << 16, errout,
			     QSPAWN_TIMEOUT_MS, &res);
	mw_buf_free(&in);
	mw_buf_free(&out);
	*ok = e == MW_OK && res.exited && res.status == 0;
	return e;
}

static enum mw_err run_exim(const struct mw_queue_opts *o, const char *exim,
			    enum mw_queue_action a, const struct qlist *l,
			    const size_t *idx, size_t n, struct mw_buf *errout, int *ok)
{
	const char *argv[EXIM_BATCH + 3];
	struct mw_spawn_result res;
	struct mw_buf out;
	size_t i = 0, k;
	enum mw_err e = MW_OK;

	(void)o;
	*ok = 1;
	mw_buf_init(&out, 1u << 20);
	while (i < n && !e) {
		argv[0] = exim;
		argv[1] = a == MW_QACT_HOLD ? "-Mf" : a == MW_QACT_RELEASE ? "-Mt" : "-Mrm";
		for (k = 0; k < EXIM_BATCH && i < n; k++, i++)
			argv[2 + k] = l->m[idx[i]].id;
		argv[2 + k] = NULL;
		mw_buf_reset(&out);
		e = mw_spawn_capture(argv, NULL, 0, &out, 1u << 20, errout,
				     QSPAWN_TIMEOUT_MS, &res);
		if (e || !res.exited || res.status != 0)
			*ok = 0;
	}
	mw_buf_free(&out);
	return e;
}

enum mw_err mw_queue_act(struct mw_ctx *ctx, const struct mw_queue_opts *o,
			 const struct qlist *l, const char *mta, const char *exim,
			 int64_t now, struct mw_report *r, json_t *data)
{
	size_t *idx, n = 0, i, matched_any = 0, uninspected = 0;
	char *sel = mw_qsel_describe(&o->sel);
	const char *act = mw_qaction_name(o->action);
	json_t *a, *ids = json_array();
	char cmd[256], when[32];
	enum mw_err e = MW_OK;

	idx = malloc((l->n ? l->n : 1) * sizeof(*idx));
	if (!idx || !sel || !ids) {
		free(idx);
		free(sel);
		json_decref(ids);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < l->n; i++) {
		const struct qmsg *m = &l->m[i];

		if (mw_qsel_needs_headers(&o->sel) && !m->inspected) {
			uninspected++;
			continue;
		}
		if (!mw_qsel_match(&o->sel, m, now))
			continue;
		matched_any++;
		if (applies(o->action, m))
			idx[n++] = i;
	}
	if (strcmp(mta, "postfix") == 0)
		snprintf(cmd, sizeof(cmd), "postsuper%s%s %s - (ids on stdin)",
			 o->postfix_config ? " -c " : "", o->postfix_config ? o->postfix_config : "",
			 o->action == MW_QACT_HOLD ? "-h" : o->action == MW_QACT_RELEASE ? "-H" : "-d");
	else
		snprintf(cmd, sizeof(cmd), "%s %s ID...", exim,
			 o->action == MW_QACT_HOLD ? "-Mf" : o->action == MW_QACT_RELEASE ? "-Mt" : "-Mrm");
	for (i = 0; i < n && i < QMAX_IDS_SHOWN; i++)
		json_array_append_new(ids, json_string(l->m[idx[i]].id));
	a = json_pack("{s:s, s:s, s:I, s:I, s:b, s:s}", "action", act, "selector", sel,
		      "messages", (json_int_t)n, "matched", (json_int_t)matched_any,
		      "applied", 0, "command", cmd);
	json_object_set_new(a, "ids", ids);
	if (uninspected) {
		json_object_set_new(a, "not_inspected", json_integer((json_int_t)uninspected));
		mw_report_error(r, "queue", NULL, 0, MW_ERR_LIMIT,
				"%zu messages were not inspected (--inspect %u): the selection by "
				"submitter cannot see them; raise --inspect", uninspected, o->inspect);
	}
	if (o->action == MW_QACT_DELETE && n > 1 && n == l->n && !o->sel.n_ids) {
		json_object_set_new(a, "refused", json_string(
			"the selection is the whole queue; name the messages with --id, or "
			"narrow the selector"));
		mw_report_error(r, "queue", NULL, 0, MW_ERR_USAGE,
				"--delete refused: %s matches all %zu messages in the queue", sel, n);
		goto out;
	}
	if (!o->apply || n == 0)
		goto out;
	{
		struct mw_buf errout;
		int fd, ok = 0;
		char line[512];

		iso_time(when, sizeof(when), time(NULL));
		fd = journal_open(ctx->cfg->state_dir);
		if (fd < 0 || journal_ids(fd, when, act, mta, sel, l, idx, n) != 0) {
			mw_report_error(r, "queue", ctx->cfg->state_dir, 0, MW_ERR_IO,
					"cannot write the journal %s/%s (%s): nothing was changed",
					ctx->cfg->state_dir, JOURNAL_NAME, strerror(errno));
			if (fd >= 0)
				close(fd);
			goto out;
		}
		mw_buf_init(&errout, 1u << 16);
		if (strcmp(mta, "postfix") == 0)
			e = run_postsuper(o, o->action, l, idx, n, &errout, &ok);
		else
			e = run_exim(o, exim, o->action, l, idx, n, &errout, &ok);
		{
			char *esel = mw_escape_str(sel);

			snprintf(line, sizeof(line), "%s\t%s\t%s\t%.200s\tresult\t%s, %zu ids\n",
				 when, act, mta, esel ? esel : "?", ok ? "ok" : "FAILED", n);
			free(esel);
		}
		if (mw_write_all(fd, line, strlen(line)) != 0 || close(fd) != 0)
			mw_report_error(r, "queue", ctx->cfg->state_dir, 0, MW_ERR_IO,
					"journal %s/%s: %s", ctx->cfg->state_dir, JOURNAL_NAME,
					strerror(errno));
		json_object_set_new(a, "applied", json_boolean(ok));
		json_object_set_new(a, "journal", json_pack("s++", ctx->cfg->state_dir, "/",
							       JOURNAL_NAME));
		if (errout.len)
			mw_report_note(r, "queue", "%s: %.*s", mta, (int)(errout.len > 2000 ? 2000 : errout.len),
				       errout.data);
		mw_buf_free(&errout);
		if (!ok)
			mw_report_error(r, "queue", NULL, 0, e ? e : MW_ERR_IO,
					"%s of %zu messages failed (%s)", act, n,
					e ? strerror(errno) : "the MTA's command did not succeed");
		e = MW_OK;
	}
out:
	json_object_set_new(data, "action", a);
	free(idx);
	free(sel);
	return e;
}
