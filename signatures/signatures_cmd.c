/*
 * `signatures lint | test` (signatures.h, mw_signatures_run).
 *
 * lint: every problem of every rule as an error "file: line N: ...".
 * test: lint, then every rule against its positive samples (must match)
 * and negative samples (must not); --corpus also runs all rules over every
 * file of a tree, reports each match as a finding and the slowest
 * rule/file pair in data.signatures.corpus (a rule slower than
 * MW_SIG_SLOW_MS on one file is an error).
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

#include "core/buf.h"
#include "core/escape.h"
#include "core/limits.h"
#include "core/progress.h"
#include "core/safefile.h"
#include "core/sha256.h"
#include "reports/report.h"
#include "signatures/sig.h"
#include "signatures/signatures.h"

#define CHECK "signatures"
#define MAX_CORPUS_DEPTH 256

struct test_run {
	struct mw_ctx *ctx;
	struct mw_report *rep;		/* where findings go */
	const struct mw_sig_db *db;
	struct mw_sig_scratch *sc;
	struct mw_buf buf;
	/* per sample */
	const char *sample_path;
	const struct mw_sig_rule **hits;
	size_t nhits;
	size_t nhits_alloc;
	int fault;
	/* corpus */
	unsigned long corpus_files, corpus_hits, corpus_errors;
	double slowest_ms;
	char *slowest_rule, *slowest_file;
};

static int collect_hit(void *ud, const struct mw_sig_hit *h)
{
	struct test_run *t = ud;

	if (t->nhits == t->nhits_alloc) {
		size_t na = t->nhits_alloc ? t->nhits_alloc * 2 : 16;
		const struct mw_sig_rule **nh = realloc(t->hits, na * sizeof(*nh));

		if (!nh)
			return 1;
		t->hits = nh;
		t->nhits_alloc = na;
	}
	t->hits[t->nhits++] = h->rule;
	return 0;
}

static void on_fault(void *ud, const struct mw_sig_fault *f)
{
	struct test_run *t = ud;

	t->fault = 1;
	mw_report_error(t->rep, CHECK, t->sample_path, 0, f->code,
			"rule %s pattern %s stopped at the PCRE2 %s",
			f->rule->id, f->pattern, f->what);
}

static int hit_contains(const struct test_run *t, const struct mw_sig_rule *r)
{
	size_t i;

	for (i = 0; i < t->nhits; i++)
		if (t->hits[i] == r)
			return 1;
	return 0;
}

/* Match one file; returns -1 when it cannot be read (error reported). */
static int match_file(struct test_run *t, int dirfd, const char *name,
		      const char *shown)
{
	enum mw_err e;
	double ms = 0;
	const struct mw_sig_rule *slow = NULL;
	int trunc;

	t->nhits = 0;
	t->fault = 0;
	t->sample_path = shown;
	mw_buf_reset(&t->buf);
	e = mw_read_file_at(dirfd, name, &t->buf, t->ctx->cfg->max_file_size,
			    &trunc, NULL);
	if (e) {
		mw_report_error(t->rep, CHECK, shown, 0, e, "cannot read: %s",
				e == MW_ERR_IO ? strerror(errno) : mw_strerror(e));
		return -1;
	}
	e = mw_sig_match(t->db, t->sc, t->buf.data, t->buf.len, collect_hit,
			 on_fault, t, &ms, &slow);
	if (e) {
		mw_report_error(t->rep, CHECK, shown, 0, e, "matcher failed");
		return -1;
	}
	if (slow && (ms > t->slowest_ms || !t->slowest_rule)) {
		free(t->slowest_rule);
		free(t->slowest_file);
		t->slowest_ms = ms;
		t->slowest_rule = strdup(slow->id);
		t->slowest_file = strdup(shown);
	}
	if (slow && ms > MW_SIG_SLOW_MS)
		mw_report_error(t->rep, CHECK, shown, 0, MW_ERR_LIMIT,
				"rule %s took %.1f ms on this file (limit %d ms)",
				slow->id, ms, MW_SIG_SLOW_MS);
	return 0;
}

static int literal_in(const struct mw_sig_rule *r, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < r->literals.n; i++) {
		const char *l = r->literals.v[i];
		size_t n = strlen(l), k;

		if (n == 0 || n > len)
			continue;
		for (k = 0; k + n <= len; k++)
			if (strncasecmp(buf + k, l, n) == 0)
				return 1;
	}
	return 0;
}

static void test_samples(struct test_run *t, const struct mw_sig_rule *r,
			 const char *samples, int positive, unsigned long *ok,
			 unsigned long *bad)
{
	const struct mw_strlist *l = positive ? &r->positives : &r->negatives;
	char path[MW_MAX_PATH];
	size_t i;

	for (i = 0; i < l->n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", samples,
				     positive ? "malicious" : "clean",
				     l->v[i]) >= sizeof(path)) {
			(*bad)++;
			mw_report_error(t->rep, CHECK, r->file, r->line,
					MW_ERR_TOOBIG, "sample path too long");
			continue;
		}
		if (match_file(t, AT_FDCWD, path, path) < 0) {
			(*bad)++;
			continue;
		}
		if (positive && !hit_contains(t, r)) {
			(*bad)++;
			if (!literal_in(r, t->buf.data ? t->buf.data : "", t->buf.len))
				mw_report_error(t->rep, CHECK, r->file, r->line,
						MW_ERR_PARSE, "rule %s does not match positive "
						"sample %s: none of its literals occurs in it",
						r->id, path);
			else
				mw_report_error(t->rep, CHECK, r->file, r->line,
						MW_ERR_PARSE, "rule %s does not match positive "
						"sample %s", r->id, path);
		} else if (!positive && hit_contains(t, r)) {
			(*bad)++;
			mw_report_error(t->rep, CHECK, r->file, r->line,
					MW_ERR_PARSE, "rule %s matches negative sample %s",
					r->id, path);
		} else {
			(*ok)++;
		}
	}
}

static void corpus_file(struct test_run *t, int dirfd, const char *name,
			const char *path)
{
	size_t i;

	t->corpus_files++;
	if (match_file(t, dirfd, name, path) < 0) {
		t->corpus_errors++;
		return;
	}
	mw_progress(t->ctx, "corpus: %lu files, %lu matches", t->corpus_files,
		    t->corpus_hits);
	for (i = 0; i < t->nhits; i++) {
		struct mw_finding f;
		char title[512];

		memset(&f, 0, sizeof(f));
		snprintf(title, sizeof(title), "corpus file matches rule %s: %s",
			 t->hits[i]->id, t->hits[i]->description);
		f.check = CHECK;
		f.rule_id = t->hits[i]->id;
		f.severity = t->hits[i]->severity;
		f.family = t->hits[i]->family;
		f.title = title;
		f.path = path;
		f.remediation = "If the corpus is clean, this is a false positive: "
				"tighten the rule.";
		(void)mw_report_add(t->rep, &f);
		t->corpus_hits++;
	}
}

/* Depth-first over directory fds; symlinks are never followed. */
static void corpus_dir(struct test_run *t, int dfd, const char *path,
		       unsigned depth)
{
	struct dirent *de;
	char child[MW_MAX_PATH];
	int fd, sub;
	DIR *d;

	if (depth > MAX_CORPUS_DEPTH) {
		mw_report_error(t->rep, CHECK, path, 0, MW_ERR_TOOBIG,
				"nested too deeply, not descending");
		return;
	}
	fd = dup(dfd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		mw_report_error(t->rep, CHECK, path, 0, MW_ERR_IO,
				"cannot read directory: %s", strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		unsigned char type = de->d_type;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", path,
				     de->d_name) >= sizeof(child)) {
			mw_report_error(t->rep, CHECK, path, 0, MW_ERR_TOOBIG,
					"path too long, entry skipped");
			continue;
		}
		if (type == DT_UNKNOWN) {
			struct stat st;

			if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ?
			       DT_REG : DT_LNK;
		}
		if (type == DT_DIR) {
			if (mw_open_dir_at(dfd, de->d_name, &sub) == MW_OK) {
				corpus_dir(t, sub, child, depth + 1);
				close(sub);
			}
		} else if (type == DT_REG) {
			corpus_file(t, dfd, de->d_name, child);
		}
	}
	closedir(d);
}

static const char *default_samples(char *dst, size_t len)
{
	const char *top = getenv("MW_TOP");

	if (top && *top)
		snprintf(dst, len, "%s/tests/samples", top);
	else
		snprintf(dst, len, "tests/samples");
	return dst;
}

static void report_set_errors(struct mw_report *rep, const struct mw_sig_set *set)
{
	size_t i;

	for (i = 0; i < set->nerrors; i++)
		mw_report_error(rep, CHECK, set->errors[i].file,
				set->errors[i].line, MW_ERR_PARSE, "%s",
				set->errors[i].text);
	if (set->errors_dropped)
		mw_report_error(rep, CHECK, NULL, 0, MW_ERR_PARSE,
				"%zu more problems not shown", set->errors_dropped);
}

enum mw_err mw_signatures_run(struct mw_ctx *ctx, const struct mw_signatures_opts *so,
			      struct mw_report *report)
{
	const char *sigopt = so->signatures, *samples = so->samples;
	const char *mode = so->mode == MW_SIGNATURES_TEST ? "test" : "lint";
	const struct mw_strlist *corpus = &so->corpus;
	struct mw_strlist notes = { 0 };
	char dir[MW_MAX_PATH], sbuf[MW_MAX_PATH], err[512], ver[65];
	struct mw_sig_set set;
	struct mw_sig_db *db = NULL;
	struct test_run t;
	json_t *data, *rules;
	unsigned long ok = 0, bad = 0;
	enum mw_err e = MW_OK;
	size_t i, broken = 0;

	if (corpus->n && strcmp(mode, "test") != 0)
		return mw_usage(ctx, "--corpus goes with 'test'");
	if (mw_sig_default_dir(ctx->cfg->signatures_dir, sigopt, dir, sizeof(dir)))
		return mw_fail(ctx, MW_ERR_CONFIG, "no signatures directory found "
			       "(use --signatures DIR)");
	if (!samples)
		samples = default_samples(sbuf, sizeof(sbuf));

	mw_sig_set_init(&set);
	e = mw_sig_open(dir, NULL, &set, &db, &notes, err, sizeof(err));
	report_set_errors(report, &set);
	for (i = 0; i < notes.n; i++)
		mw_report_note(report, CHECK, "%s", notes.v[i]);
	for (i = 0; i < set.nrules; i++)
		broken += set.rules[i].broken ? 1 : 0;
	data = json_object();
	json_object_set_new(data, "dir", json_string(dir));
	json_object_set_new(data, "rules", json_integer((json_int_t)set.nrules));
	json_object_set_new(data, "broken", json_integer((json_int_t)broken));
	json_object_set_new(data, "problems", json_integer((json_int_t)(set.nerrors +
							    set.errors_dropped)));
	if (set.have_version) {
		mw_sha256_tohex(set.version, ver);
		json_object_set_new(data, "version", json_string(ver));
	}
	json_object_set_new(data, "prefilter", json_string(db ? mw_sig_db_prefilter(db) :
							   "none"));
	if (e && set.nrules > 0 && e == MW_ERR_PARSE && broken == set.nrules) {
		/* every rule refused: already reported one by one */
		e = MW_OK;
	} else if (e) {
		mw_report_set_data(report, CHECK, data, NULL);
		mw_sig_set_free(&set);
		mw_strlist_clear(&notes);
		return mw_fail(ctx, e, "%s", err);
	}
	mw_report_note(report, CHECK, "%zu rules in %s, %zu refused", set.nrules,
		       dir, broken);
	if (strcmp(mode, "test") == 0 && db) {
		memset(&t, 0, sizeof(t));
		t.ctx = ctx;
		t.rep = report;
		t.db = db;
		mw_buf_init(&t.buf, ctx->cfg->max_file_size + 1);
		e = mw_sig_scratch_new(db, &t.sc);
		if (e)
			goto out_test;
		for (i = 0; i < set.nrules; i++) {
			const struct mw_sig_rule *r = &set.rules[i];

			if (r->broken)
				continue;
			test_samples(&t, r, samples, 1, &ok, &bad);
			test_samples(&t, r, samples, 0, &ok, &bad);
		}
		json_object_set_new(data, "samples_dir", json_string(samples));
		json_object_set_new(data, "sample_checks_passed", json_integer((json_int_t)ok));
		json_object_set_new(data, "sample_checks_failed", json_integer((json_int_t)bad));
		if (corpus->n) {
			json_t *cj = json_object();

			for (i = 0; i < corpus->n; i++) {
				int fd;

				if (mw_open_dir_at(AT_FDCWD, corpus->v[i], &fd)) {
					mw_report_error(report, CHECK, corpus->v[i], 0,
							MW_ERR_IO, "cannot open corpus: %s",
							strerror(errno));
					continue;
				}
				corpus_dir(&t, fd, corpus->v[i], 0);
				close(fd);
			}
			json_object_set_new(cj, "files", json_integer((json_int_t)t.corpus_files));
			json_object_set_new(cj, "matches", json_integer((json_int_t)t.corpus_hits));
			json_object_set_new(cj, "unreadable", json_integer((json_int_t)t.corpus_errors));
			json_object_set_new(cj, "slowest_ms", json_real(t.slowest_ms));
			json_object_set_new(cj, "slowest_rule", t.slowest_rule ?
					    json_string(t.slowest_rule) : json_null());
			json_object_set_new(cj, "slowest_file", t.slowest_file ?
					    json_string(t.slowest_file) : json_null());
			json_object_set_new(data, "corpus", cj);
		}
out_test:
		mw_sig_scratch_free(t.sc);
		mw_buf_free(&t.buf);
		free(t.hits);
		free(t.slowest_rule);
		free(t.slowest_file);
	}
	rules = json_array();
	for (i = 0; i < set.nrules; i++) {
		const struct mw_sig_rule *r = &set.rules[i];
		json_t *o = json_object();

		json_object_set_new(o, "id", r->id ? json_string(r->id) : json_null());
		json_object_set_new(o, "family", r->family ? json_string(r->family) : json_null());
		json_object_set_new(o, "severity", r->has_severity ?
				    json_string(mw_severity_name(r->severity)) : json_null());
		json_object_set_new(o, "cause", mw_cause_name(r->cause) ?
				    json_string(mw_cause_name(r->cause)) : json_null());
		json_object_set_new(o, "valid", json_boolean(!r->broken));
		json_array_append_new(rules, o);
	}
	json_object_set_new(data, "rule_list", rules);
	mw_report_set_data(report, CHECK, data, NULL);
	mw_sig_db_free(db);
	mw_sig_set_free(&set);
	mw_strlist_clear(&notes);
	if (e)
		return mw_fail(ctx, e, "%s", mw_strerror(e));
	return MW_OK;
}
