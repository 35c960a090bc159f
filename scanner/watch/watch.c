/*
 * The watch's loop: fanotify events into a bounded set of names, names
 * into the scan session at a bounded rate, findings out as they come.
 * watch.h has the contract.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/cmdline.h"
#include "core/escape.h"
#include "core/limits.h"
#include "core/mail.h"
#include "core/sdnotify.h"
#include "reports/finding_state.h"
#include "reports/publish.h"
#include "reports/report.h"
#include "scanner/watch/fan_event.h"
#include "scanner/watch/fan_fs.h"
#include "scanner/watch/pending.h"
#include "scanner/watch/watch.h"
#include "scanner/webroot/scan.h"

#define CHECK "watch"
/* what is marked: files closed after writing, moved in or created, and
 * directories moved in or out (a tree moved in is walked; a move forgets
 * the directory verdicts) */
#define MARK_MASK (FAN_CLOSE_WRITE | FAN_MOVED_TO | FAN_MOVED_FROM | FAN_CREATE | \
		   FAN_ONDIR)
/* a rescan may take minutes on a large tree; the watchdog is told so */
#define RESCAN_WATCHDOG_USEC	(3600ull * 1000000)
/* test knob: while this file exists, events are not read (the kernel
 * queue fills and overflows); see tests/e2e/watch.sh */
#define STALL_ENV		"MW_TEST_WATCH_STALL"

struct watch {
	struct mw_ctx *ctx;
	const struct mw_watch_opts *o;
	struct mw_scan_session *ss;
	struct mw_fan_fs *fs;
	struct mw_pending *pend;
	const struct mw_strlist *roots;
	int fan_fd, sig_fd;
	int overflow;			/* events lost: rescan the roots */
	const char *overflow_why;
	unsigned rate;			/* files per second */
	double tokens;
	int64_t tokens_at;
	uint64_t wd_usec;		/* 0: no watchdog */
	int64_t wd_next;
	const char *stall;
	int out_failed;
	struct mw_buf mail;		/* findings not mailed yet */
	size_t mail_n;
	int64_t mail_at;
	unsigned long events, outside, files, read, findings, overflows, rescans,
		      vanished, mails, acked, state_busy;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "5.9" and later: FAN_REPORT_DFID_NAME. 1 when the running kernel is. */
static int kernel_ok(char *rel, size_t len)
{
	struct utsname u;
	unsigned maj = 0, min = 0;

	if (uname(&u) < 0)
		return 1;	/* let fanotify_init decide */
	snprintf(rel, len, "%s", u.release);
	if (sscanf(u.release, "%u.%u", &maj, &min) != 2)
		return 1;
	return maj > 5 || (maj == 5 && min >= 9);
}

/* 1 when path is a root or under one, and not excluded. */
static int wanted(void *arg, const char *path)
{
	struct watch *w = arg;
	size_t i, n;

	for (i = 0; i < w->roots->n; i++) {
		const char *r = w->roots->v[i];

		n = strlen(r);
		while (n > 1 && r[n - 1] == '/')
			n--;
		if (!strncmp(path, r, n) && (path[n] == '\0' || path[n] == '/' ||
					     (n == 1 && r[0] == '/')))
			return !mw_scan_session_excluded(w->ss, path);
	}
	return 0;
}

static int on_event(void *arg, const struct mw_fan_event *ev)
{
	struct watch *w = arg;
	int64_t now = now_ms();
	int is_dir = (ev->mask & FAN_ONDIR) != 0;

	w->events++;
	if (ev->overflow) {
		w->overflow = 1;
		w->overflow_why = "the kernel's event queue overflowed";
		return 0;
	}
	if (!ev->has_dir || !ev->name_len)
		return 0;
	if (is_dir) {
		/* a directory renamed: paths of remembered verdicts changed */
		if (!(ev->mask & (FAN_MOVED_TO | FAN_MOVED_FROM)))
			return 0;	/* mkdir: its files report themselves */
		mw_fan_fs_forget(w->fs);
		if (!(ev->mask & FAN_MOVED_TO))
			return 0;
	} else if (!(ev->mask & (FAN_CLOSE_WRITE | FAN_MOVED_TO | FAN_CREATE))) {
		return 0;	/* moved away from here */
	}
	if (!mw_fan_fs_dir_wanted(w->fs, ev, now)) {
		w->outside++;
		return 0;
	}
	/* a bare create waits for its close; a hard link or mknod has none */
	if (mw_pending_add(w->pend, ev, is_dir, ev->mask == FAN_CREATE, now) < 0 &&
	    !w->overflow) {
		w->overflow = 1;
		w->overflow_why = "more names waiting than " "the watch keeps";
	}
	return 0;
}

/* Read what the kernel has, a bounded number of times. */
static void drain(struct watch *w, char *buf)
{
	int i;

	for (i = 0; i < MW_WATCH_READS_PER_TURN; i++) {
		ssize_t n = read(w->fan_fd, buf, MW_WATCH_READ_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		if (mw_fan_parse(buf, (size_t)n, on_event, w) < 0) {
			/* cannot happen with a sane kernel: resync by rescanning */
			w->overflow = 1;
			w->overflow_why = "an event record could not be parsed";
		}
	}
}

static int report_empty(struct mw_report *r)
{
	return !mw_report_nfindings(r) && !mw_report_nnotes(r) && !mw_report_nerrors(r);
}

/* Keep a finding for the batched mail (journal and hooks: publish()). */
static void notify_finding(struct watch *w, const struct mw_stored_finding *f,
			   const char *id)
{
	char *title = mw_escape_str(f->title), *path = mw_escape_str(f->path ? f->path : "");
	char *rule = mw_escape_str(f->rule_id);
	char msg[1024];

	snprintf(msg, sizeof(msg), "mailwarden watch: NEW %s [%s] %s: %s",
		 mw_severity_name(f->severity), rule ? rule : "?", path ? path : "?",
		 title ? title : "?");
	if (w->mail_n < MW_WATCH_MAIL_MAX)
		(void)mw_buf_printf(&w->mail, "%s\n  line %lu, finding %s\n\n",
				    msg + strlen("mailwarden watch: "), f->line, id);
	w->mail_n++;
	free(title);
	free(path);
	free(rule);
}

static void emit(struct watch *w, struct mw_report *r)
{
	if (!report_empty(r) && !w->out_failed && w->o->sink.emit &&
	    w->o->sink.emit(w->o->sink.arg, r) < 0)
		w->out_failed = 1;
}

/* Findings an admin acknowledged (`mailwarden ack`) and those below
 * --min-severity are not shown. */
struct shown {
	int min;
	const unsigned char *acked;	/* by index, NULL: none */
};

static int keep_shown(void *arg, size_t i, const struct mw_stored_finding *f)
{
	const struct shown *k = arg;

	return (int)f->severity >= k->min && !(k->acked && k->acked[i]);
}

/*
 * Record the findings of slice in the nightly state (findings.db), so that
 * the nightly run does not mail them as new again, and mark in acked[] the
 * ones acknowledged there. The state stays open (locked) until the lines
 * are out: a crash before its commit records nothing, and the finding is
 * shown again after a restart. NULL when there is no state to use: the
 * nightly run holds its lock (its own scan then reports what it sees) or
 * it cannot be opened (said in slice).
 */
static struct mw_state *observe(struct watch *w, struct mw_report *slice,
				unsigned char *acked)
{
	char err[1024], note[MW_STATE_MAX_NOTE], id[MW_FINDING_ID_LEN];
	struct mw_state *st;
	enum mw_state_status status;
	size_t i;
	int busy = 0;

	if (mw_state_open(w->ctx->cfg->state_dir, (int64_t)time(NULL), &st, &busy, note,
			  sizeof(note), err, sizeof(err))) {
		if (busy)
			w->state_busy++;
		else
			mw_report_error(slice, CHECK, w->ctx->cfg->state_dir, 0, MW_ERR_IO,
					"nightly state: %s", err);
		return NULL;
	}
	if (note[0])
		mw_report_note(slice, CHECK, "%s", note);
	for (i = 0; i < mw_report_nfindings(slice); i++) {
		const struct mw_stored_finding *f = mw_report_finding(slice, i);
		struct mw_state_item it = {
			.id = id, .check = f->check, .rule_id = f->rule_id,
			.title = f->title, .path = f->path, .severity = f->severity,
			.file_size = f->file.valid ? f->file.size : -1,
			.file_mtime = f->file.valid ? f->file.mtime : -1,
		};

		mw_finding_id(f, id);
		if (mw_state_observe(st, &it, &status) == MW_OK && status == MW_STATE_ACKED)
			acked[i] = 1;
	}
	return st;
}

/*
 * A file whose every finding at or above quarantine_min_severity was
 * acknowledged is not quarantined: the admin has judged it.
 */
static void spare_if_acked(struct watch *w, struct mw_report *slice,
			   const unsigned char *acked, const char *path)
{
	size_t i;

	if (!path)
		return;
	for (i = 0; i < mw_report_nfindings(slice); i++) {
		const struct mw_stored_finding *f = mw_report_finding(slice, i);

		if (f->path && !strcmp(f->path, path) && !acked[i] &&
		    f->severity >= w->ctx->cfg->quarantine_min_severity)
			return;
	}
	mw_scan_session_spare(w->ss, path);
}

/*
 * Show what slice holds (findings get their finding id, acknowledged ones
 * and those below --min-severity are dropped), journal the findings, then
 * commit the state, quarantine and write the cache: a crash in between
 * shows a finding twice, never not at all.
 */
static void publish(struct watch *w, struct mw_report *slice)
{
	char id[MW_FINDING_ID_LEN];
	struct shown k = { w->o->min_severity, NULL };
	struct mw_state *st = NULL;
	struct mw_report *after;
	unsigned char *acked = NULL;
	size_t i, nf = mw_report_nfindings(slice);

	for (i = 0; i < nf; i++) {
		mw_finding_id(mw_report_finding(slice, i), id);
		(void)mw_report_set_detail(slice, i, "finding_id", json_string(id));
	}
	if (nf && (acked = calloc(nf, 1)))
		st = observe(w, slice, acked);
	for (i = 0; acked && i < nf; i++)
		if (acked[i]) {
			w->acked++;
			spare_if_acked(w, slice, acked, mw_report_finding(slice, i)->path);
		}
	k.acked = acked;
	(void)mw_report_retain(slice, keep_shown, &k);
	free(acked);
	emit(w, slice);
	/* the structured journal entries and [hooks] on_finding/on_listing,
	 * as every command publishes them (reports/publish.h) */
	mw_publish_findings(w->ctx, slice);
	for (i = 0; i < mw_report_nfindings(slice); i++) {
		const struct mw_stored_finding *f = mw_report_finding(slice, i);

		mw_finding_id(f, id);
		notify_finding(w, f, id);
		w->findings++;
	}
	after = mw_report_new("watch");
	if (st && mw_state_close(st, 1) && after)
		mw_report_error(after, CHECK, w->ctx->cfg->state_dir, 0, MW_ERR_IO,
				"nightly state: could not record the findings above");
	if (!after)
		return;
	mw_scan_session_commit(w->ss, after);
	emit(w, after);
	mw_report_free(after);
}

static void mail_flush(struct watch *w, int64_t now)
{
	char host[256] = "", subject[512], err[1024];
	const struct mw_config *cfg = w->ctx->cfg;
	struct mw_report *r;

	if (!w->mail_n)
		return;
	if (cfg->mail_to && *cfg->mail_to) {
		gethostname(host, sizeof(host) - 1);
		snprintf(subject, sizeof(subject), "mailwarden watch on %s: %zu new finding%s",
			 host, w->mail_n, w->mail_n == 1 ? "" : "s");
		if (w->mail_n > MW_WATCH_MAIL_MAX)
			(void)mw_buf_printf(&w->mail, "... and %zu more (see the journal)\n",
					    w->mail_n - MW_WATCH_MAIL_MAX);
		if (mw_mail_send(cfg->sendmail, cfg->mail_to, subject, w->mail.data ?
				 w->mail.data : "", w->mail.len, err, sizeof(err)) &&
		    (r = mw_report_new("watch"))) {
			mw_report_error(r, CHECK, NULL, 0, MW_ERR_IO, "findings not mailed "
					"to %s: %s", cfg->mail_to, err);
			emit(w, r);
			mw_report_free(r);
		} else {
			w->mails++;
		}
	}
	mw_buf_reset(&w->mail);
	w->mail_n = 0;
	w->mail_at = now;
}

/* Walk paths (NULL: the roots) after lost events or at start. */
static void rescan(struct watch *w, struct mw_report *slice, const char *why)
{
	unsigned long files = 0;
	char msg[64];

	if (w->wd_usec) {
		snprintf(msg, sizeof(msg), "WATCHDOG_USEC=%llu",
			 (unsigned long long)RESCAN_WATCHDOG_USEC);
		(void)mw_sd_notify(msg);
	}
	(void)mw_sd_notify("STATUS=rescanning the roots");
	mw_pending_clear(w->pend);
	mw_fan_fs_forget(w->fs);
	(void)mw_scan_session_rescan(w->ss, slice, NULL, 0, &files);
	w->rescans++;
	mw_report_note(slice, CHECK, "%s: %zu root%s walked, %lu files", why,
		       w->roots->n, w->roots->n == 1 ? "" : "s", files);
	if (w->wd_usec) {
		snprintf(msg, sizeof(msg), "WATCHDOG_USEC=%llu\nWATCHDOG=1",
			 (unsigned long long)w->wd_usec);
		(void)mw_sd_notify(msg);
		w->wd_next = now_ms() + (int64_t)(w->wd_usec / 2000);
	}
	(void)mw_sd_notify("STATUS=watching");
	/* the walk's threads leave arenas behind; a daemon gives them back */
	malloc_trim(0);
}

static void scan_item(struct watch *w, struct mw_report *slice,
		      const struct mw_pending_item *it)
{
	char dir[MW_MAX_PATH], path[MW_MAX_PATH + 256];
	const char *paths[1];
	unsigned long files;
	struct stat st;
	int dfd;

	dfd = mw_fan_fs_open_dir(w->fs, it->fsid, it->handle_bytes, it->handle_type,
				 it->handle, dir, sizeof(dir));
	if (dfd < 0) {
		w->vanished++;
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", it->name);
	/* checked again now: the directory may have moved since the event */
	if (!wanted(w, dir) || mw_scan_session_excluded(w->ss, path)) {
		close(dfd);
		return;
	}
	w->files++;
	if (it->is_dir) {
		if (fstatat(dfd, it->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode)) {
			paths[0] = path;
			(void)mw_scan_session_rescan(w->ss, slice, paths, 1, &files);
		}
	} else if (mw_scan_session_file(w->ss, slice, dfd, it->name, path)) {
		w->read++;
	}
	close(dfd);
}

/* Scan up to a slice of ready names, as the rate allows. */
static void scan_ready(struct watch *w, int64_t now)
{
	struct mw_pending_item *it;
	struct mw_report *slice = NULL;
	int n = 0;

	while (n < MW_WATCH_SLICE && w->tokens >= 1 &&
	       (it = mw_pending_take(w->pend, now))) {
		if (!slice && !(slice = mw_report_new("watch"))) {
			mw_pending_item_free(it);
			break;
		}
		w->tokens -= 1;
		scan_item(w, slice, it);
		mw_pending_item_free(it);
		n++;
	}
	if (slice) {
		publish(w, slice);
		mw_report_free(slice);
	}
}

static void refill(struct watch *w, int64_t now)
{
	w->tokens += (double)(now - w->tokens_at) * w->rate / 1000.0;
	if (w->tokens > w->rate)
		w->tokens = w->rate;	/* at most one second's burst */
	w->tokens_at = now;
}

/* How long poll() may sleep, in ms. */
static int sleep_for(struct watch *w, int64_t now, int stalled)
{
	int64_t t = 1000, due;

	if (w->wd_usec)
		t = w->wd_next - now;
	if (w->mail_n)
		t = t < w->mail_at + MW_WATCH_MAIL_EVERY_S * 1000 - now ? t :
		    w->mail_at + MW_WATCH_MAIL_EVERY_S * 1000 - now;
	if (stalled && t > 100)
		t = 100;
	if (mw_pending_ready(w->pend)) {
		due = w->tokens >= 1 ? 0 : (int64_t)((1 - w->tokens) * 1000 / w->rate) + 1;
		t = t < due ? t : due;
	} else if ((due = mw_pending_next_due(w->pend)) >= 0) {
		t = t < due - now ? t : due - now;
	}
	return t < 0 ? 0 : t > 60000 ? 60000 : (int)t;
}

static int stalled(const struct watch *w)
{
	return w->stall && access(w->stall, F_OK) == 0;
}

static void loop(struct watch *w)
{
	struct pollfd pfd[2];
	char *buf = malloc(MW_WATCH_READ_BUF);
	int64_t now;
	int st;

	if (!buf) {
		mw_report_error(w->ctx->report, CHECK, NULL, 0, MW_ERR_NOMEM, "out of memory");
		return;
	}
	while (!w->out_failed) {
		now = now_ms();
		refill(w, now);
		st = stalled(w);
		pfd[0].fd = w->fan_fd;
		pfd[0].events = st ? 0 : POLLIN;
		pfd[1].fd = w->sig_fd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, sleep_for(w, now, st)) < 0 && errno != EINTR) {
			mw_report_error(w->ctx->report, CHECK, NULL, 0, MW_ERR_IO, "poll: %s",
					strerror(errno));
			break;
		}
		if (pfd[1].revents & POLLIN)
			break;
		if (!st && (pfd[0].revents & POLLIN))
			drain(w, buf);
		now = now_ms();
		if (w->overflow) {
			struct mw_report *r = mw_report_new("watch");

			w->overflows++;
			w->overflow = 0;
			if (r) {
				mw_report_error(r, CHECK, NULL, 0, MW_ERR_LIMIT, "events lost: %s; "
						"walking the roots again", w->overflow_why);
				emit(w, r);
				mw_report_free(r);
			}
			if ((r = mw_report_new("watch"))) {
				rescan(w, r, "rescan after lost events");
				publish(w, r);
				mw_report_free(r);
			}
			now = now_ms();
		}
		refill(w, now);
		scan_ready(w, now);
		if (w->wd_usec && now >= w->wd_next) {
			(void)mw_sd_notify("WATCHDOG=1");
			w->wd_next = now + (int64_t)(w->wd_usec / 2000);
		}
		if (w->mail_n && now - w->mail_at >= MW_WATCH_MAIL_EVERY_S * 1000)
			mail_flush(w, now);
	}
	free(buf);
}

/* SIGTERM, SIGINT, SIGHUP end the watch through a signalfd. */
static int signals_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static enum mw_err start(struct watch *w, struct mw_ctx *ctx, const struct mw_watch_opts *o,
			 struct mw_report *report)
{
	struct mw_scan_opts so;
	struct mw_report *boot;
	char rel[128] = "?", err[1024];
	enum mw_err e;
	size_t i, marked = 0;

	if (!kernel_ok(rel, sizeof(rel)))
		return mw_fail(ctx, MW_ERR_UNSUPPORTED, "needs Linux %s or later "
			       "(fanotify with directory file handles and names); this "
			       "is %s", MW_WATCH_MIN_KERNEL, rel);
	w->fan_fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK |
				  FAN_REPORT_DFID_NAME, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (w->fan_fd < 0)
		return mw_fail(ctx, errno == EPERM ? MW_ERR_PRIV : MW_ERR_UNSUPPORTED,
			       "fanotify_init: %s%s", strerror(errno), errno == EPERM ?
			       " (needs root: CAP_SYS_ADMIN)" : errno == EINVAL ?
			       " (needs Linux " MW_WATCH_MIN_KERNEL " or later)" : "");
	memset(&so, 0, sizeof(so));
	so.roots = o->roots;
	so.explicit_roots = o->explicit_roots;
	so.noperands = o->roots.n;
	so.exclude = o->exclude;
	so.signatures = o->signatures;
	so.max_file_size = o->max_file_size;
	so.threads = 1;		/* rescans stay gentle beside a live site */
	so.quarantine = o->quarantine || ctx->cfg->watch_quarantine;
	/* the rules' notes and errors are streamed like everything else */
	if (!(boot = mw_report_new("watch")))
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	e = mw_scan_session_open(ctx, &so, boot, &w->ss);
	emit(w, boot);
	mw_report_free(boot);
	if (e)
		return e;
	w->roots = mw_scan_session_roots(w->ss);
	if (!(w->fs = mw_fan_fs_new(w->fan_fd, wanted, w)) ||
	    !(w->pend = mw_pending_new()))
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	for (i = 0; i < w->roots->n; i++) {
		if (mw_fan_fs_watch(w->fs, w->roots->v[i], MARK_MASK, err, sizeof(err)) == 0)
			marked++;
		else
			mw_report_error(report, CHECK, w->roots->v[i], 0,
					mw_err_from_errno(errno), "not watched: %s", err);
	}
	if (!marked)
		return mw_fail(ctx, MW_ERR_CONFIG, "nothing to watch (give PATH or set "
			       "web_roots)");
	if ((w->sig_fd = signals_fd()) < 0)
		return mw_fail(ctx, MW_ERR_INTERNAL, "signalfd: %s", strerror(errno));
	return MW_OK;
}

static void set_data(struct watch *w, struct mw_report *report)
{
	json_t *d = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			      "s:b}",
			      "events", (json_int_t)w->events,
			      "outside_roots", (json_int_t)w->outside,
			      "files", (json_int_t)w->files,
			      "read", (json_int_t)w->read,
			      "findings", (json_int_t)w->findings,
			      "overflows", (json_int_t)w->overflows,
			      "rescans", (json_int_t)w->rescans,
			      "vanished", (json_int_t)w->vanished,
			      "mails", (json_int_t)w->mails,
			      "acknowledged", (json_int_t)w->acked,
			      "state_busy", (json_int_t)w->state_busy,
			      "max_rate", (json_int_t)w->rate,
			      "quarantine", w->o->quarantine || w->ctx->cfg->watch_quarantine);
	json_t *roots = json_array();
	size_t i;

	for (i = 0; w->roots && i < w->roots->n; i++)
		json_array_append_new(roots, mw_json_raw(w->roots->v[i]));
	json_object_set_new(d, "roots", roots);
	mw_report_set_data(report, CHECK, d, NULL);
}

enum mw_err mw_watch_run(struct mw_ctx *ctx, const struct mw_watch_opts *o,
			 struct mw_report *report)
{
	struct watch w;
	struct mw_report *r;
	enum mw_err e;
	char status[128];

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.o = o;
	w.fan_fd = w.sig_fd = -1;
	w.rate = o->max_rate ? o->max_rate : ctx->cfg->watch_max_rate;
	if (!w.rate)
		w.rate = 1;
	w.stall = getenv(STALL_ENV);
	mw_buf_init(&w.mail, MW_MAX_MAIL_BODY);
	e = start(&w, ctx, o, report);
	if (!e) {
		w.wd_usec = mw_sd_watchdog_usec();
		if (!o->no_initial_scan && (r = mw_report_new("watch"))) {
			rescan(&w, r, "initial scan");
			publish(&w, r);
			mw_report_free(r);
		}
		w.tokens_at = w.mail_at = now_ms();
		w.tokens = w.rate;
		w.wd_next = now_ms();
		snprintf(status, sizeof(status), "READY=1\nSTATUS=watching %zu root%s",
			 w.roots->n, w.roots->n == 1 ? "" : "s");
		(void)mw_sd_notify(status);
		if ((r = mw_report_new("watch"))) {
			mw_report_note(r, CHECK, "watching %zu root%s (max %u files/s)",
				       w.roots->n, w.roots->n == 1 ? "" : "s", w.rate);
			emit(&w, r);
			mw_report_free(r);
		}
		loop(&w);
		(void)mw_sd_notify("STOPPING=1");
		mail_flush(&w, now_ms());
		if (w.out_failed)
			e = mw_fail(ctx, MW_ERR_IO, "standard output is gone: watch stopped");
		set_data(&w, report);
	}
	mw_scan_session_close(w.ss, report);
	mw_pending_free(w.pend);
	mw_fan_fs_free(w.fs);
	if (w.fan_fd >= 0)
		close(w.fan_fd);
	if (w.sig_fd >= 0)
		close(w.sig_fd);
	mw_buf_free(&w.mail);
	return e;
}

enum mw_err mw_watch_opts_describe(const struct mw_watch_opts *o, struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, "watch");
	mw_cmdline_flag(&c, "--quarantine", o->quarantine);
	mw_cmdline_num(&c, "--max-rate", o->max_rate);
	mw_cmdline_flag(&c, "--no-initial-scan", o->no_initial_scan);
	mw_cmdline_list(&c, "--exclude", &o->exclude);
	mw_cmdline_num(&c, "--max-file-size", o->max_file_size);
	mw_cmdline_str(&c, "--signatures", o->signatures);
	mw_cmdline_list(&c, NULL, &o->roots);
	return c.err;
}
