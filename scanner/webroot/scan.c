#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <magic.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/cmdline.h"
#include "core/excerpt.h"
#include "core/limits.h"
#include "core/progress.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "reports/report.h"
#include "scanner/webroot/cache.h"
#include "scanner/webroot/classify.h"
#include "scanner/webroot/docroots.h"
#include "scanner/webroot/quarantine.h"
#include "scanner/webroot/scan.h"
#include "scanner/webroot/walk.h"
#include "scanner/tamper/tamper.h"
#include "signatures/sig.h"
#include "scanner/webroot/scan_int.h"

static void scan_error(struct scan *s, const char *path, enum mw_err code,
		       const char *fmt, const char *arg)
{
	unsigned long n = ADD(s, errors_reported, 1);

	/* past the cap only counted; the total is reported at the end */
	if (n <= MW_SCAN_MAX_ERRORS)
		mw_report_error(s->ctx->report, CHECK, path, 0, code, fmt, arg);
}

static void *ts_init(void *ud)
{
	struct scan *s = ud;
	struct scan_ts *ts = calloc(1, sizeof(*ts));

	if (!ts)
		return NULL;
	ts->s = s;
	mw_buf_init(&ts->buf, s->cap + 1);
	ts->chunk = malloc(MW_SCAN_CARRY + MW_SCAN_CHUNK);
	if (!ts->chunk || mw_sig_scratch_new(s->db, &ts->sc)) {
		free(ts->chunk);
		free(ts);
		return NULL;
	}
	return ts;
}

static void ts_fini(void *ud, void *p)
{
	struct scan_ts *ts = p;

	(void)ud;
	if (!ts)
		return;
	mw_sig_scratch_free(ts->sc);
	mw_buf_free(&ts->buf);
	free(ts->chunk);
	if (ts->magic)
		magic_close(ts->magic);
	free(ts);
}

/* libmagic's MIME type for buf, loaded per thread on first use (the
 * default database costs 0.03-2 ms a call: content-detected candidates that
 * matched a rule or that mw_media_hint() flags, only). */
static const char *mime_of(struct scan_ts *ts, const char *buf, size_t len)
{
	const char *m;

	if (!ts->magic && !ts->magic_failed) {
		ts->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS |
				       MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF);
		if (!ts->magic || magic_load(ts->magic, NULL) != 0) {
			if (ts->magic)
				magic_close(ts->magic);
			ts->magic = NULL;
			ts->magic_failed = 1;
		}
	}
	if (!ts->magic)
		return NULL;
	ADD(ts->s, magic_calls, 1);
	m = magic_buffer(ts->magic, buf, len > MW_SCAN_MAGIC_BYTES ?
			 MW_SCAN_MAGIC_BYTES : len);
	return m;
}

static int on_hit(void *ud, const struct mw_sig_hit *h)
{
	struct scan_ts *ts = ud;

	if (ts->nhits < MW_SCAN_MAX_HITS) {
		ts->hits[ts->nhits].rule = h->rule;
		ts->hits[ts->nhits].offset = h->offset;
		ts->hits[ts->nhits].line = h->line;
		ts->hits[ts->nhits].view = h->view;
		snprintf(ts->hits[ts->nhits].layer, sizeof(ts->hits[0].layer), "%s",
			 h->layer ? h->layer : "");
		ts->nhits++;
	}
	return 0;
}

static void on_fault(void *ud, const struct mw_sig_fault *f)
{
	struct scan_ts *ts = ud;
	char msg[512];

	ADD(ts->s, limit_faults, 1);
	ts->faults++;
	snprintf(msg, sizeof(msg), "rule %s pattern %s stopped at the PCRE2 %s: "
		 "the file is not fully checked by this rule", f->rule->id,
		 f->pattern, f->what);
	scan_error(ts->s, ts->cur_path, f->code, "%s", msg);
}

static void fill_meta(struct mw_file_meta *m, const struct stat *st,
		      const char *sha256)
{
	memset(m, 0, sizeof(*m));
	m->valid = 1;
	if (sha256)
		snprintf(m->sha256, sizeof(m->sha256), "%s", sha256);
	m->uid = st->st_uid;
	m->gid = st->st_gid;
	m->mode = st->st_mode;
	m->mtime = (int64_t)st->st_mtim.tv_sec;
	m->size = (int64_t)st->st_size;
}

/* Report one finding (mw_finding_encode's form) and remember it in arr
 * (for the cache). */
static void emit(struct scan *s, const char *path, const struct stat *st,
		 const char *sha256, json_t *fj, json_t *arr)
{
	struct mw_finding_codec_buf b;
	struct mw_finding f;

	memset(&f, 0, sizeof(f));
	if (mw_finding_decode(fj, &f, &b))
		return;
	f.check = CHECK;
	f.path = path;
	fill_meta(&f.file, st, sha256);
	ADD(s, findings, 1);
	(void)mw_report_add(s->ctx->report, &f);
	if (arr)
		json_array_append(arr, fj);
	mw_finding_codec_buf_free(&b);
}

/* A finding in the cache's form (details stolen); NULL when out of memory.
 * The cause is the matched rule's (its cause: key); web malware for what
 * the scan finds without a rule (a PHP file in an image, a file not fully
 * scanned, the tampering checks). */
static json_t *finding_json(const char *rule_id, enum mw_severity sev,
			    enum mw_cause cause, const char *title, const char *family,
			    unsigned long line, const char *excerpt,
			    const char *remediation, json_t *details)
{
	struct mw_finding f = {
		.rule_id = rule_id, .severity = sev, .cause = cause, .title = title,
		.family = family, .line = line, .excerpt = excerpt,
		.remediation = remediation, .details = details,
	};
	json_t *o = mw_finding_encode(&f);

	json_decref(details);
	return o;
}

static void queue_quarantine(struct scan *s, const char *path,
			     const struct stat *st, const char *sha256,
			     uint64_t hashed, const char *rules);
static void add_rule_id(char *rules, size_t size, const char *id);

/*
 * Replay the findings a previous run stored for an unchanged file: the same
 * findings (sha256 included) with the same actions, so a file first flagged
 * without --quarantine is quarantined by `--incremental --quarantine`.
 */
static void replay(struct scan *s, const char *path, const struct stat *st,
		   const char *fjson, const char *sha256)
{
	json_t *arr, *fj, *hb;
	char rules[1024] = "";
	const char *id;
	uint64_t hashed = 0;
	size_t i;

	if (!fjson)
		return;
	arr = json_loads(fjson, 0, NULL);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return;
	}
	json_array_foreach(arr, i, fj) {
		emit(s, path, st, sha256, fj, NULL);
		id = json_string_value(json_object_get(fj, "rule_id"));
		hb = json_object_get(json_object_get(fj, "details"), "sha256_bytes");
		if (json_is_integer(hb) && json_integer_value(hb) > 0)
			hashed = (uint64_t)json_integer_value(hb);
		if (id && strcmp(id, "scan.not-fully-scanned") != 0 &&
		    strncmp(id, "tamper.", 7) != 0 &&
		    json_integer_value(json_object_get(fj, "severity")) >= (json_int_t)s->qmin)
			add_rule_id(rules, sizeof(rules), id);
	}
	json_decref(arr);
	if (s->quarantine && rules[0] && sha256 && sha256[0])
		queue_quarantine(s, path, st, sha256, hashed, rules);
}

static void queue_quarantine(struct scan *s, const char *path,
			     const struct stat *st, const char *sha256,
			     uint64_t hashed, const char *rules)
{
	struct qitem *q = calloc(1, sizeof(*q));

	if (!q)
		return;
	q->hashed = hashed;
	q->path = strdup(path);
	q->sha256 = strdup(sha256);
	q->rules = strdup(rules);
	q->dev = st->st_dev;
	q->ino = st->st_ino;
	if (!q->path || !q->sha256 || !q->rules) {
		free(q->path);
		free(q->sha256);
		free(q->rules);
		free(q);
		return;
	}
	pthread_mutex_lock(&s->lock);
	q->next = s->qlist;
	s->qlist = q;
	pthread_mutex_unlock(&s->lock);
}

static int is_image_mime(const char *m)
{
	return m && (strncmp(m, "image/", 6) == 0 || strncmp(m, "audio/", 6) == 0 ||
		     strncmp(m, "video/", 6) == 0 ||
		     strcmp(m, "application/pdf") == 0 ||
		     strcmp(m, "application/zip") == 0 ||
		     strcmp(m, "application/gzip") == 0);
}

static void add_rule_id(char *rules, size_t size, const char *id)
{
	size_t l = strlen(rules);

	if (l < size)
		snprintf(rules + l, size - l, "%s%s", l ? "," : "", id);
}

/* A file larger than the cap: always said, never silently ignored. */
static void report_truncated(struct scan *s, const char *path,
			     const struct stat *st, enum mw_php_class cls,
			     json_t *arr)
{
	char title[256];
	json_t *det = json_object(), *fj;

	snprintf(title, sizeof(title), "file larger than max_file_size: only the "
		 "first %zu bytes were scanned", s->cap);
	json_object_set_new(det, "size", json_integer((json_int_t)st->st_size));
	json_object_set_new(det, "scanned", json_integer((json_int_t)s->cap));
	json_object_set_new(det, "php_candidate", json_boolean(cls != MW_PHP_NO));
	fj = finding_json("scan.not-fully-scanned", cls == MW_PHP_EXTENSION ?
			  MW_SEV_LOW : MW_SEV_INFO, MW_CAUSE_WEB_MALWARE, title, NULL,
			  0, NULL,
			  "Raise max_file_size (--max-file-size) or check the file "
			  "by hand.", det);
	emit(s, path, st, NULL, fj, arr);
	json_decref(fj);
}

/*
 * Match a candidate read into ts->buf and report its findings. st is
 * filled here (fstat) when it was not known (*have_st 0) and a finding needs
 * the file's owner, mode and times; a file that then turns out to be on
 * another filesystem than its directory is skipped like one stat-ed before.
 */
static void match_candidate(struct scan_ts *ts, int fd, const char *path,
			    struct stat *st, int *have_st, dev_t dir_dev,
			    enum mw_php_class cls, int truncated, json_t *arr)
{
	struct scan *s = ts->s;
	const char *buf = ts->buf.data ? ts->buf.data : "";
	size_t len = ts->buf.len;
	const char *mime = NULL;
	char sha[65] = "", rules[1024] = "";
	const struct mw_sig_rule *slow = NULL;
	double ms = 0;
	unsigned i, caps;
	int full_tag = 0, in_image, keyed;
	enum mw_php_class k;
	long tag_at = -1;
	unsigned long faults = ts->faults;
	unsigned char key[32];
	json_t *fj;

	ts->nhits = 0;
	ts->cur_path = path;
	keyed = s->dedup && mw_scan_dedup_key(buf, len, key) == 0;
	if (keyed && mw_scan_dedup_get(s->dedup, key, ts->hits, &ts->nhits, &caps))
		goto matched;
	if (mw_sig_match(s->db, ts->sc, buf, len, on_hit, on_fault, ts, &ms, &slow)) {
		scan_error(s, path, MW_ERR_INTERNAL, "%s", "signature matcher failed");
		return;
	}
	caps = mw_sig_scratch_caps(ts->sc);
	if (keyed && ts->faults == faults)
		mw_scan_dedup_put(s->dedup, key, ts->hits, ts->nhits, caps);
	if (slow && ms > s->slowest_ms) {
		pthread_mutex_lock(&s->lock);
		if (ms > s->slowest_ms) {
			free(s->slowest_rule);
			free(s->slowest_file);
			s->slowest_ms = ms;
			s->slowest_rule = strdup(slow->id);
			s->slowest_file = strdup(path);
		}
		pthread_mutex_unlock(&s->lock);
	}
matched:
	/* Content-detected PHP in a file that is not named PHP: ask libmagic
	 * what it pretends to be when that is evidence for a finding or may
	 * be one itself (PHP inside an image); not for every README with a
	 * code sample in it. */
	if (cls != MW_PHP_EXTENSION) {
		tag_at = mw_php_tag(buf, len, &k, &full_tag);
		if (ts->nhits || mw_media_hint(buf, len))
			mime = mime_of(ts, buf, len);
	}
	in_image = full_tag && tag_at >= 0 && is_image_mime(mime);
	if (ts->nhits == 0 && !in_image && !caps)
		return;
	if (!*have_st) {
		if (fstat(fd, st) < 0) {
			scan_error(s, path, MW_ERR_IO, "cannot stat: %s", strerror(errno));
			return;
		}
		if (!S_ISREG(st->st_mode))
			return;		/* swapped for something else meanwhile */
		*have_st = 1;
		if (st->st_dev != dir_dev && !s->cross_fs) {
			ADD(s, other_fs_files, 1);
			return;
		}
	}
	/* sha256 of the bytes read: the whole file up to the cap, only the
	 * first cap bytes of a larger one (details.sha256_bytes says so) — a
	 * sparse 16 TiB file is not read to its end */
	mw_sha256_hex(buf, len, sha);
	memcpy(ts->sha, sha, sizeof(sha));
	for (i = 0; i < ts->nhits; i++) {
		const struct mw_sig_rule *r = ts->hits[i].rule;
		char *ex = mw_excerpt(buf, len, ts->hits[i].offset, MW_MAX_EXCERPT);
		json_t *det = json_object();

		json_object_set_new(det, "classified_by", json_string(mw_php_class_name(cls)));
		if (truncated)
			json_object_set_new(det, "sha256_bytes", json_integer((json_int_t)len));
		if (mime)
			json_object_set_new(det, "mime", json_string(mime));
		if (ts->hits[i].view == MW_SIG_VIEW_NORM)
			json_object_set_new(det, "view", json_string("norm"));
		if (ts->hits[i].layer[0])
			json_object_set_new(det, "layer", json_string(ts->hits[i].layer));
		fj = finding_json(r->id, r->severity, r->cause, r->description, r->family,
				  ts->hits[i].line, ex, r->remediation ? r->remediation :
				  mw_sig_default_remediation(r->family), det);
		free(ex);
		emit(s, path, st, sha[0] ? sha : NULL, fj, arr);
		json_decref(fj);
		if (r->severity >= s->qmin)
			add_rule_id(rules, sizeof(rules), r->id);
	}
	if (caps) {
		/* decode-and-rescan stopped at a cap: said, never silent */
		char what[256];
		json_t *det = json_object();

		mw_sig_caps_text(caps, what, sizeof(what));
		json_object_set_new(det, "caps", json_string(what));
		json_object_set_new(det, "php_candidate", json_boolean(cls != MW_PHP_NO));
		fj = finding_json("scan.not-fully-scanned", MW_SEV_LOW, MW_CAUSE_WEB_MALWARE,
				  "obfuscated PHP not fully decoded: a decode cap was hit",
				  NULL, 0, NULL, "Look at the file by hand: it packs code "
				  "deeper or bigger than the scanner unpacks.", det);
		emit(s, path, st, sha[0] ? sha : NULL, fj, arr);
		json_decref(fj);
	}
	if (in_image) {
		char title[256];
		char *ex = mw_excerpt(buf, len, (size_t)tag_at, MW_MAX_EXCERPT);
		json_t *det = json_object();

		snprintf(title, sizeof(title), "%s file with PHP code inside", mime);
		json_object_set_new(det, "mime", json_string(mime));
		if (truncated)
			json_object_set_new(det, "sha256_bytes", json_integer((json_int_t)len));
		fj = finding_json("scan.php-in-image", MW_SEV_MEDIUM, MW_CAUSE_WEB_MALWARE,
				  title, NULL, mw_line_of(buf, (size_t)tag_at), ex,
				  "PHP code has no business in an image or archive: "
				  "check how it was uploaded and quarantine it.", det);
		free(ex);
		emit(s, path, st, sha[0] ? sha : NULL, fj, arr);
		json_decref(fj);
		if (MW_SEV_MEDIUM >= s->qmin)
			add_rule_id(rules, sizeof(rules), "scan.php-in-image");
	}
	if (s->quarantine && rules[0] && sha[0])
		queue_quarantine(s, path, st, sha, truncated ? len : 0, rules);
}

/*
 * A file of the tampering family (scanner/tamper/tamper.h), judged from its
 * first MW_TAMPER_MAX_FILE bytes; its findings are reported and cached
 * like rule matches but never quarantined: the fix is one line of the
 * site's or host's configuration, not moving the file away. Leaves fd at
 * offset 0 for the PHP path, which still sees the file (PHP hidden in an
 * .htaccess). st is filled here when not known.
 */
static void tamper_file(struct scan *s, struct scan_ts *ts, int fd,
			const struct mw_walk_file *wf, enum mw_tamper_kind k,
			struct stat *st, int *have_st, json_t *arr)
{
	const char *path = wf->path;
	struct mw_tamper_env env = { s->tamper, s->db, ts->sc, s->roots };
	struct mw_tamper_finding f[MW_TAMPER_MAX_FINDINGS];
	size_t i, n, cap = s->cap < MW_TAMPER_MAX_FILE ? s->cap : MW_TAMPER_MAX_FILE;
	int trunc = 0;
	char sha[65];

	mw_buf_reset(&ts->buf);
	if ((!*have_st && fstat(fd, st) < 0) ||
	    mw_read_fd_capped(fd, &ts->buf, cap, &trunc) || lseek(fd, 0, SEEK_SET) != 0) {
		scan_error(s, path, MW_ERR_IO, "cannot read: %s", strerror(errno));
		return;
	}
	*have_st = 1;
	if (st->st_dev != wf->dir_dev && !s->cross_fs)
		return;		/* bind-mounted from elsewhere: on_file says so */
	n = mw_tamper_judge(&env, k, path, ts->buf.data ? ts->buf.data : "", ts->buf.len,
			    trunc, f, MW_TAMPER_MAX_FINDINGS);
	mw_sha256_hex(ts->buf.data ? ts->buf.data : "", ts->buf.len, sha);
	if (n)
		memcpy(ts->sha, sha, sizeof(sha));
	for (i = 0; i < n; i++) {
		json_t *fj = finding_json(f[i].rule_id, f[i].severity,
					  MW_CAUSE_WEB_MALWARE, f[i].title,
					  f[i].family, f[i].line, f[i].excerpt,
					  f[i].remediation, json_incref(f[i].details));

		emit(s, path, st, sha, fj, arr);
		json_decref(fj);
		mw_tamper_finding_clear(&f[i]);
	}
}

static void on_file(void *ud, void *tsp, const struct mw_walk_file *f)
{
	struct scan *s = ud;
	struct scan_ts *ts = tsp;
	struct stat st;
	enum mw_php_class cls;
	enum mw_tamper_kind tk;
	enum mw_err e;
	int fd, truncated = 0, have_st, had_st;
	size_t nread = 0;
	json_t *arr = NULL;

	if (!ts) {
		/* the worker could not set up: say so for every file it gets */
		scan_error(s, f->path, MW_ERR_NOMEM, "%s", "not scanned: out of memory");
		return;
	}
	if (++ts->local_files % MW_SCAN_PROGRESS_EVERY == 0)
		mw_progress(s->ctx, "scan: %lu files, %lu PHP candidates, %lu findings",
			    ADD(s, processed, MW_SCAN_PROGRESS_EVERY),
			    __atomic_load_n(&s->candidates, __ATOMIC_RELAXED),
			    __atomic_load_n(&s->findings, __ATOMIC_RELAXED));
	if (s->cache) {
		const char *fjson, *sha;

		/* Unchanged since the last run: no open, no read. The slot is
		 * fetched while the kernel looks the file up. */
		mw_cache_prefetch(s->cache, f->dir_dev, f->ino);
		if (fstatat(f->dirfd, f->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && mw_cache_lookup(s->cache, &st, &fjson, &sha)) {
			ADD(s, cached, 1);
			if (!s->silent_cached)
				replay(s, f->path, &st, fjson, sha);
			return;
		}
	}
	/* the cache needs its key; otherwise a file is stat-ed only if it
	 * turns out to matter (a finding, a candidate to read again, the cap) */
	have_st = s->cache != NULL;
	e = have_st ? mw_scan_open_regular(f->dirfd, f->name, &fd, &st) :
					   mw_scan_open_plain(f->dirfd, f->name, &fd);
	if (e == MW_ERR_SYMLINK || e == MW_ERR_NOTREG) {
		/* swapped since getdents: the walker's rules still apply */
		return;
	}
	if (e && errno == ENOENT) {
		/* deleted since getdents: live sites churn */
		ADD(s, vanished, 1);
		return;
	}
	if (e) {
		ADD(s, unreadable, 1);
		scan_error(s, f->path, e, "cannot open: %s", strerror(errno));
		return;
	}
	if (have_st && st.st_dev != f->dir_dev && !s->cross_fs) {
		ADD(s, other_fs_files, 1);
		close(fd);
		return;
	}
	had_st = have_st;
	ts->sha[0] = '\0';
	if (s->cache)
		arr = json_array();
	if (s->tamper && (tk = mw_tamper_kind_of(f->name, f->path)) != MW_TAMPER_NONE)
		tamper_file(s, ts, fd, f, tk, &st, &have_st, arr);
	e = mw_scan_read_classify(ts, fd, f->name, &st, &have_st, s->cap, &cls, &truncated, &nread);
	if (e == MW_ERR_NOTREG) {
		json_decref(arr);
		close(fd);
		return;
	}
	if (!had_st && have_st && st.st_dev != f->dir_dev && !s->cross_fs) {
		/* a file bind-mounted from elsewhere: seen only now */
		ADD(s, other_fs_files, 1);
		json_decref(arr);
		close(fd);
		return;
	}
	if (e) {
		ADD(s, unreadable, 1);
		scan_error(s, f->path, e, "cannot read: %s",
			   e == MW_ERR_IO ? strerror(errno) : mw_strerror(e));
		json_decref(arr);
		close(fd);
		return;
	}
	ADD(s, bytes, nread);
	if (truncated)
		ADD(s, truncated, 1);
	if (cls == MW_PHP_NO) {
		ADD(s, not_candidates, 1);
	} else {
		ADD(s, candidates, 1);
		if (cls == MW_PHP_EXTENSION)
			ADD(s, by_ext, 1);
		else
			ADD(s, by_tag, 1);
		match_candidate(ts, fd, f->path, &st, &have_st, f->dir_dev, cls, truncated,
				arr);
	}
	if (truncated)
		report_truncated(s, f->path, &st, cls, arr);
	if (s->cache) {
		char *txt = arr && json_array_size(arr) ?
			    json_dumps(arr, JSON_COMPACT) : NULL;

		(void)mw_cache_put(s->cache, &st, ts->sha[0] ? ts->sha : NULL, txt);
		free(txt);
	}
	json_decref(arr);
	close(fd);
}

static void on_event(void *ud, enum mw_walk_event ev, const char *path,
		     int err, const char *detail)
{
	struct scan *s = ud;
	json_t *o;

	switch (ev) {
	case MW_WALK_SYMLINK:
		pthread_mutex_lock(&s->lock);
		if (json_array_size(s->symlinks) < MW_SCAN_MAX_SYMLINK_NOTES)
			mw_report_note(s->ctx->report, CHECK,
				       "symbolic link not followed: %s -> %s", path,
				       detail ? detail : "?");
		if (json_array_size(s->symlinks) < MW_SCAN_MAX_SYMLINK_DATA) {
			o = json_object();
			json_object_set_new(o, "path", mw_json_raw(path));
			json_object_set_new(o, "target", mw_json_raw(detail ? detail : ""));
			json_array_append_new(s->symlinks, o);
		}
		pthread_mutex_unlock(&s->lock);
		break;
	case MW_WALK_ERROR:
		if (detail && strcmp(detail, "root") == 0)
			mw_report_error(s->ctx->report, CHECK, path, 0,
					mw_err_from_errno(err), "cannot scan: %s",
					strerror(err));
		else
			scan_error(s, path, mw_err_from_errno(err), "cannot read: %s",
				   strerror(err));
		break;
	case MW_WALK_OTHER_FS:
		mw_report_note(s->ctx->report, CHECK, "not crossing into %s: %s "
			       "(use --cross-filesystems)", detail ? "a bind mount of "
			       "the same filesystem" : "another filesystem", path);
		break;
	case MW_WALK_EXCLUDED:
	case MW_WALK_SPECIAL:
	case MW_WALK_VANISHED:		/* counted by the walker */
		break;
	}
}

unsigned long mw_scan_run_quarantine(struct scan *s)
{
	struct mw_quarantine *q = NULL;
	struct qitem *it, *next;
	char err[1024];
	long long id;
	unsigned long n = 0;

	if (s->qlist && mw_quarantine_open(s->ctx->cfg->quarantine_dir, &q, err,
					   sizeof(err))) {
		mw_report_error(s->ctx->report, CHECK, s->ctx->cfg->quarantine_dir, 0,
				MW_ERR_IO, "quarantine unavailable: %s", err);
	}
	if (q)
		mw_quarantine_report_repairs(s->ctx->report, CHECK, q,
					     s->ctx->cfg->quarantine_dir);
	for (it = s->qlist; it; it = next) {
		next = it->next;
		if (q) {
			if (mw_quarantine_file(q, it->path, it->dev, it->ino, it->sha256,
					       it->hashed, it->rules, &id, err,
					       sizeof(err)) == MW_OK) {
				n++;
				mw_report_note(s->ctx->report, CHECK,
					       "quarantined %s as id %lld (%s)", it->path,
					       id, it->rules);
			} else {
				mw_report_error(s->ctx->report, CHECK, it->path, 0, MW_ERR_IO,
						"%s: %s", id ? "quarantine not completed" :
						"not quarantined", err);
			}
		}
		free(it->path);
		free(it->sha256);
		free(it->rules);
		free(it);
	}
	s->qlist = NULL;
	mw_quarantine_close(q);
	return n;
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * The tampering family's check table (signatures/tamper.table) into
 * s->tamper; its problems are report errors. Its digest joins the rules'
 * version in ver, the incremental cache's key, so that a changed table
 * judges every configuration file again.
 */
static void load_tamper(struct mw_ctx *ctx, struct scan *s, const char *dir, char ver[65])
{
	struct mw_strlist problems = { 0 };
	char path[MW_MAX_PATH + 32], both[130];
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, MW_TAMPER_TABLE_FILE);
	if (mw_tamper_table_load(path, &s->tamper, &problems) != MW_OK)
		mw_report_note(ctx->report, CHECK, "%s: %s: configuration tampering not "
			       "checked", path, strerror(errno));
	for (i = 0; i < problems.n; i++)
		mw_report_error(ctx->report, CHECK, path, 0, MW_ERR_PARSE, "%s", problems.v[i]);
	mw_strlist_clear(&problems);
	if (s->tamper) {
		snprintf(both, sizeof(both), "%s%s", ver, mw_tamper_table_digest(s->tamper));
		mw_sha256_hex(both, strlen(both), ver);
	}
}

const struct mw_walk_ops mw_scan_walk_ops = { ts_init, ts_fini, on_file, on_event };

enum mw_err mw_scan_begin(struct mw_ctx *ctx, const struct mw_scan_opts *o,
			  struct scan *s, struct scan_env *env, json_t *data)
{
	struct mw_strlist notes = { 0 };
	char err[1024], cache_ver[65];
	json_t *jroots;
	enum mw_err e;
	size_t i;

	memset(env, 0, sizeof(*env));
	memset(s, 0, sizeof(*s));
	if (mw_sig_default_dir(ctx->cfg->signatures_dir, o->signatures, env->dir,
			       sizeof(env->dir)))
		return mw_fail(ctx, MW_ERR_CONFIG, "no signatures directory found "
			       "(use --signatures DIR or signatures_dir)");
	mw_sig_set_init(&env->set);
	{
		char cdir[MW_MAX_PATH];
		struct stat sd;

		/* compiled databases live beside the scan cache, root-only */
		(void)mkdir(ctx->cfg->state_dir, 0700);
		snprintf(cdir, sizeof(cdir), "%s/sigdb", ctx->cfg->state_dir);
		e = mw_sig_open(env->dir, lstat(ctx->cfg->state_dir, &sd) == 0 &&
				S_ISDIR(sd.st_mode) && sd.st_uid == geteuid() ? cdir : NULL,
				&env->set, &env->db, &notes, err, sizeof(err));
	}
	for (i = 0; i < env->set.nerrors; i++)
		mw_report_error(ctx->report, CHECK, env->set.errors[i].file,
				env->set.errors[i].line, MW_ERR_PARSE, "%s",
				env->set.errors[i].text);
	for (i = 0; i < notes.n; i++)
		mw_report_note(ctx->report, CHECK, "%s", notes.v[i]);
	mw_strlist_clear(&notes);
	if (e) {
		mw_sig_set_free(&env->set);
		return mw_fail(ctx, e, "%s", err);
	}
	if (env->set.have_version)
		mw_sha256_tohex(env->set.version, env->ver);

	s->ctx = ctx;
	s->db = env->db;
	s->cap = o->max_file_size ? o->max_file_size : ctx->cfg->max_file_size;
	if (s->cap == 0)
		s->cap = MW_MAX_SCAN_FILE;
	s->cross_fs = o->cross_filesystems || ctx->cfg->cross_filesystems;
	s->quarantine = o->quarantine;
	s->qmin = ctx->cfg->quarantine_min_severity;
	s->symlinks = json_array();
	pthread_mutex_init(&s->lock, NULL);

	jroots = json_array();
	mw_scan_collect_roots(ctx, o, &env->roots, jroots);
	json_object_set_new(data, "roots", jroots);
	if (env->roots.n == 0 && o->explicit_roots)
		mw_report_note(ctx->report, CHECK, "no files given: nothing scanned");
	else if (env->roots.n == 0)
		mw_report_note(ctx->report, CHECK, "no document root found: nothing scanned "
			       "(give PATH or set web_roots)");

	memcpy(cache_ver, env->ver, sizeof(cache_ver));
	load_tamper(ctx, s, env->dir, cache_ver);
	s->roots = &env->roots;
	if (o->incremental) {
		const char *note = NULL;

		if (mw_cache_open(ctx->cfg->state_dir, cache_ver, &s->cache, &note, err,
				  sizeof(err)))
			mw_report_error(ctx->report, CHECK, ctx->cfg->state_dir, 0, MW_ERR_IO,
					"incremental cache unavailable, scanning everything: %s",
					err);
		if (note)
			mw_report_note(ctx->report, CHECK, "%s", note);
	}
	mw_scan_load_exclude(&env->exclude, &ctx->cfg->exclude, &o->exclude);
	mw_scan_exclude_own_dirs(ctx, &env->roots, &env->exclude);
	env->threads = o->threads ? o->threads : ctx->cfg->threads;
	return MW_OK;
}

void mw_scan_end(struct mw_ctx *ctx, struct scan *s, struct scan_env *env)
{
	char err[1024];

	if (s->cache && mw_cache_close(s->cache, err, sizeof(err)))
		mw_report_error(ctx->report, CHECK, ctx->cfg->state_dir, 0, MW_ERR_IO,
				"%s", err);
	s->cache = NULL;
	mw_scan_dedup_free(s->dedup);
	s->dedup = NULL;
	free(s->slowest_rule);
	free(s->slowest_file);
	json_decref(s->symlinks);
	pthread_mutex_destroy(&s->lock);
	mw_strlist_clear(&env->roots);
	mw_strlist_clear(&env->exclude);
	mw_sig_db_free(env->db);
	mw_sig_set_free(&env->set);
	mw_tamper_table_free(s->tamper);
}

static enum mw_err scan_run(struct mw_ctx *ctx, const struct mw_scan_opts *o)
{
	struct mw_walk_opts wo;
	struct mw_walk_stats ws;
	struct scan_env env;
	struct scan s;
	json_t *data, *skipped;
	double t0 = mono_ms();
	enum mw_err e;

	data = json_object();
	e = mw_scan_begin(ctx, o, &s, &env, data);
	if (e) {
		json_decref(data);
		return e;
	}
	/* a one-shot scan never looks up a row it put (close keeps none) */
	mw_cache_stream(s.cache);
	/* the same bytes in many sites are matched once (NULL: no memory,
	 * every file is matched) */
	s.dedup = mw_scan_dedup_new();
	json_object_set_new(data, "roots_given", json_boolean(o->explicit_roots));
	if (o->files_from)
		json_object_set_new(data, "files_from", json_string(o->files_from));
	memset(&wo, 0, sizeof(wo));
	wo.exclude = &env.exclude;
	wo.cross_filesystems = s.cross_fs;
	wo.threads = env.threads;
	memset(&ws, 0, sizeof(ws));
	e = mw_walk((const char *const *)env.roots.v, env.roots.n, &wo, &mw_scan_walk_ops,
		    &s, &ws);
	mw_progress_done(ctx);
	if (e)
		mw_report_error(ctx->report, CHECK, NULL, 0, e, "walk failed: %s",
				mw_strerror(e));

	if (s.errors_reported > MW_SCAN_MAX_ERRORS)
		mw_report_error(ctx->report, CHECK, NULL, 0, MW_ERR_IO, "%lu per-file errors "
				"in all: %lu past the first %d are not listed",
				s.errors_reported, s.errors_reported - MW_SCAN_MAX_ERRORS,
				MW_SCAN_MAX_ERRORS);
	json_object_set_new(data, "file_errors", json_integer((json_int_t)s.errors_reported));
	if (s.quarantine)
		json_object_set_new(data, "quarantined",
				    json_integer((json_int_t)mw_scan_run_quarantine(&s)));
	if (s.cache)
		json_object_set_new(data, "cache_loaded",
				    json_integer((json_int_t)mw_cache_loaded(s.cache)));
	json_object_set_new(data, "files", json_integer((json_int_t)ws.files));
	json_object_set_new(data, "dirs", json_integer((json_int_t)ws.dirs));
	json_object_set_new(data, "candidates", json_integer((json_int_t)s.candidates));
	json_object_set_new(data, "candidates_by_extension", json_integer((json_int_t)s.by_ext));
	json_object_set_new(data, "candidates_by_content", json_integer((json_int_t)s.by_tag));
	json_object_set_new(data, "not_candidates", json_integer((json_int_t)s.not_candidates));
	json_object_set_new(data, "bytes", json_integer((json_int_t)s.bytes));
	json_object_set_new(data, "duration_ms", json_integer((json_int_t)(mono_ms() - t0)));
	skipped = json_object();
	json_object_set_new(skipped, "other_filesystem",
			    json_integer((json_int_t)(ws.other_fs + s.other_fs_files)));
	json_object_set_new(skipped, "excluded", json_integer((json_int_t)ws.excluded));
	json_object_set_new(skipped, "special", json_integer((json_int_t)ws.special));
	json_object_set_new(skipped, "unreadable", json_integer((json_int_t)(ws.errors +
								 s.unreadable)));
	json_object_set_new(skipped, "truncated", json_integer((json_int_t)s.truncated));
	json_object_set_new(skipped, "vanished", json_integer((json_int_t)(ws.vanished +
								 s.vanished)));
	json_object_set_new(data, "skipped", skipped);
	json_object_set_new(data, "symlinks", json_integer((json_int_t)ws.symlinks));
	json_object_set_new(data, "symlink_list", s.symlinks);
	s.symlinks = NULL;
	if (ws.symlinks > MW_SCAN_MAX_SYMLINK_NOTES)
		mw_report_note(ctx->report, CHECK, "%lu more symbolic links not followed "
			       "(data.scan.symlink_list)", ws.symlinks - MW_SCAN_MAX_SYMLINK_NOTES);
	json_object_set_new(data, "incremental", json_boolean(o->incremental));
	json_object_set_new(data, "cached", json_integer((json_int_t)s.cached));
	json_object_set_new(data, "same_content",
			    json_integer((json_int_t)mw_scan_dedup_reused(s.dedup)));
	json_object_set_new(data, "libmagic_calls", json_integer((json_int_t)s.magic_calls));
	json_object_set_new(data, "limit_faults", json_integer((json_int_t)s.limit_faults));
	json_object_set_new(data, "threads", json_integer((json_int_t)(wo.threads ? wo.threads :
				(unsigned)sysconf(_SC_NPROCESSORS_ONLN))));
	json_object_set_new(data, "max_file_size", json_integer((json_int_t)s.cap));
	json_object_set_new(data, "signatures_dir", mw_json_raw(env.dir));
	json_object_set_new(data, "rules", json_integer((json_int_t)mw_sig_db_nrules(env.db)));
	json_object_set_new(data, "tamper_checks",
			    json_integer((json_int_t)mw_tamper_table_size(s.tamper)));
	json_object_set_new(data, "signature_version", json_string(env.ver));
	json_object_set_new(data, "prefilter", json_string(mw_sig_db_prefilter(env.db)));
	if (s.slowest_rule) {
		json_t *sl = json_object();

		json_object_set_new(sl, "rule", json_string(s.slowest_rule));
		json_object_set_new(sl, "file", mw_json_raw(s.slowest_file));
		json_object_set_new(sl, "ms", json_real(s.slowest_ms));
		json_object_set_new(data, "slowest", sl);
	}
	mw_report_set_data(ctx->report, CHECK, data, mw_scan_render);

	mw_scan_end(ctx, &s, &env);
	return MW_OK;
}

enum mw_err mw_scan_run(struct mw_ctx *ctx, const struct mw_scan_opts *o,
			struct mw_report *report)
{
	struct mw_report *saved = ctx->report;
	enum mw_err e;

	/* the scan's helpers reach the report through the context */
	ctx->report = report;
	e = scan_run(ctx, o);
	ctx->report = saved;
	return e;
}

enum mw_err mw_scan_opts_describe(const struct mw_scan_opts *o, struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, "scan");
	mw_cmdline_flag(&c, "--quarantine", o->quarantine);
	mw_cmdline_flag(&c, "--incremental", o->incremental);
	mw_cmdline_list(&c, "--exclude", &o->exclude);
	mw_cmdline_flag(&c, "--cross-filesystems", o->cross_filesystems);
	mw_cmdline_num(&c, "--threads", o->threads);
	mw_cmdline_num(&c, "--max-file-size", o->max_file_size);
	mw_cmdline_str(&c, "--signatures", o->signatures);
	mw_cmdline_str(&c, "--files-from", o->files_from);
	mw_cmdline_strs(&c, NULL, (const char *const *)o->roots.v, o->noperands);
	return c.err;
}
