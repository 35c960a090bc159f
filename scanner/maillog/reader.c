/*
 * Log readers: a streaming line reader over plain or gzip files (detected
 * by content, not by name), the `journalctl -o export` record format, and
 * the systemd journal through sd-journal. Memory per reader is one chunk
 * plus one line, whatever the file size.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/limits.h"
#include "core/progress.h"
#include "core/safefile.h"
#include "reports/report.h"
#include "scanner/maillog/maillog.h"

#define CHECK "logs"
#define EXPORT_MAX_FIELD (64u << 10)	/* bytes of one export field kept */
#define PROGRESS_STEP	(64ull << 20)	/* bytes between progress updates */

struct reader {
	int fd;
	gzFile gz;
	char *buf;		/* ML_READ_CHUNK + ML_MAX_LINE + 1 */
	size_t start, end;	/* unread bytes are buf[start, end) */
	int eof, error;
	int skipping;		/* rest of an overlong line to skip */
	uint64_t bytes;		/* bytes of log text read */
	unsigned long lineno;
	const char *errmsg;
	int capped;		/* stopped at a decompression cap */
	char capmsg[200];
};

/* Past a cap: stop reading this gzip file and say why (an error: the
 * file was not read whole). */
static int gzip_over_cap(struct reader *r)
{
	off_t in = gzoffset(r->gz);
	uint64_t raw = in > 0 ? (uint64_t)in : 1;

	if (r->bytes > ML_MAX_INFLATED)
		snprintf(r->capmsg, sizeof(r->capmsg), "gzip: stopped after %llu MiB "
			 "inflated (cap %llu MiB)", (unsigned long long)(r->bytes >> 20),
			 (unsigned long long)(ML_MAX_INFLATED >> 20));
	else if (r->bytes > ML_GZIP_RATIO_AFTER && r->bytes / raw > ML_MAX_GZIP_RATIO)
		snprintf(r->capmsg, sizeof(r->capmsg), "gzip: stopped after %llu MiB "
			 "inflated from %llu KiB (ratio %llu, cap %d): a decompression "
			 "bomb or not a log", (unsigned long long)(r->bytes >> 20),
			 (unsigned long long)(raw >> 10),
			 (unsigned long long)(r->bytes / raw), ML_MAX_GZIP_RATIO);
	else
		return 0;
	r->capped = 1;
	r->eof = 1;
	return 1;
}

static int refill(struct reader *r)
{
	ssize_t got;
	size_t room;

	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	room = ML_READ_CHUNK + ML_MAX_LINE - r->end;
	if (room > ML_READ_CHUNK)
		room = ML_READ_CHUNK;
	if (room == 0)
		return 1;
	if (r->gz) {
		int n = gzread(r->gz, r->buf + r->end, (unsigned)room);

		if (n < 0) {
			int zerr;

			r->errmsg = gzerror(r->gz, &zerr);
			r->error = 1;
			r->eof = 1;
			return 0;
		}
		got = n;
		if (n == 0) {
			int zerr;
			const char *m = gzerror(r->gz, &zerr);

			if (zerr != Z_OK && zerr != Z_BUF_ERROR) {
				r->errmsg = m;
				r->error = 1;
			} else if (zerr == Z_BUF_ERROR) {
				r->errmsg = "truncated gzip stream";
				r->error = 1;
			}
		}
	} else {
		do
			got = read(r->fd, r->buf + r->end, room);
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			r->errmsg = strerror(errno);
			r->error = 1;
			r->eof = 1;
			return 0;
		}
	}
	if (got == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)got;
	r->bytes += (uint64_t)got;
	if (r->gz)
		(void)gzip_over_cap(r);	/* this chunk is still used */
	return 1;
}

/*
 * Next line (without '\n', trailing '\r' stripped). A line longer than
 * ML_MAX_LINE is returned cut, with *overlong set; the rest is skipped on
 * the next call. The slice is valid until the next call. Returns 0 at the
 * end of the input.
 */
static int next_line(struct reader *r, const char **line, size_t *len, int *overlong)
{
	char *nl;
	size_t avail;

	*overlong = 0;
	while (r->skipping) {
		nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl) {
			r->start = (size_t)(nl - r->buf) + 1;
			r->skipping = 0;
			break;
		}
		r->start = r->end;
		if (!refill(r))
			return 0;
	}
	for (;;) {
		avail = r->end - r->start;
		nl = memchr(r->buf + r->start, '\n', avail < ML_MAX_LINE + 1 ? avail : ML_MAX_LINE + 1);
		if (nl)
			break;
		if (avail > ML_MAX_LINE) {
			*line = r->buf + r->start;
			*len = ML_MAX_LINE;
			*overlong = 1;
			r->start += ML_MAX_LINE;
			r->skipping = 1;
			r->lineno++;
			return 1;
		}
		if (!refill(r)) {
			avail = r->end - r->start;
			if (!avail)
				return 0;
			/* Last line without '\n'. */
			*line = r->buf + r->start;
			*len = avail;
			r->start = r->end;
			r->lineno++;
			return 1;
		}
	}
	*line = r->buf + r->start;
	*len = (size_t)(nl - *line);
	r->start = (size_t)(nl - r->buf) + 1;
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	r->lineno++;
	return 1;
}

/* Read exactly n raw bytes (an export binary field) into dst (at most cap
 * kept, the rest skipped). Returns 0, or -1 at a premature end. */
static int take_bytes(struct reader *r, uint64_t n, char *dst, size_t cap, size_t *kept)
{
	*kept = 0;
	while (n) {
		size_t avail = r->end - r->start, k;

		if (!avail) {
			if (!refill(r))
				return -1;
			continue;
		}
		k = avail < n ? avail : (size_t)n;
		if (dst && *kept < cap) {
			size_t c = k < cap - *kept ? k : cap - *kept;

			memcpy(dst + *kept, r->buf + r->start, c);
			*kept += c;
		}
		r->start += k;
		n -= k;
	}
	return 0;
}

/* --- export format ----------------------------------------------------- */

struct jfield {
	char *v;
	size_t n;
	int set;
};

enum { JF_MSG, JF_IDENT, JF_PID, JF_SPID, JF_HOST, JF_TIME, JF_FACILITY, JF__N };

static int jfield_index(const char *name, size_t n)
{
	static const char *const names[JF__N] = {
		"MESSAGE", "SYSLOG_IDENTIFIER", "_PID", "SYSLOG_PID", "_HOSTNAME",
		"__REALTIME_TIMESTAMP", "SYSLOG_FACILITY",
	};
	int i;

	for (i = 0; i < JF__N; i++)
		if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
			return i;
	return -1;
}

static void jfield_set(struct jfield *f, const char *v, size_t n)
{
	char *c;

	if (n > EXPORT_MAX_FIELD)
		n = EXPORT_MAX_FIELD;
	c = realloc(f->v, n + 1);
	if (!c)
		return;
	memcpy(c, v, n);
	c[n] = '\0';
	f->v = c;
	f->n = n;
	f->set = 1;
}

static long to_long(const struct jfield *f)
{
	long v = 0;
	size_t i;

	if (!f->set || !f->n)
		return -1;
	for (i = 0; i < f->n; i++) {
		if (f->v[i] < '0' || f->v[i] > '9' || v > 100000000L)
			return -1;
		v = v * 10 + (f->v[i] - '0');
	}
	return v;
}

static void export_flush(struct ml_agg *a, struct jfield *f, unsigned long lineno)
{
	int64_t usec = 0;
	size_t i;
	long pid;
	struct ml_str host, ident, msg;

	if (!f[JF_MSG].set && !f[JF_IDENT].set && !f[JF_TIME].set)
		goto out;
	if (!f[JF_MSG].set || !f[JF_TIME].set) {
		mw_ml_agg_malformed(a, lineno);
		goto out;
	}
	for (i = 0; i < f[JF_TIME].n; i++) {
		char c = f[JF_TIME].v[i];

		if (c < '0' || c > '9' || usec > INT64_MAX / 10 - 10) {
			mw_ml_agg_malformed(a, lineno);
			goto out;
		}
		usec = usec * 10 + (c - '0');
	}
	pid = to_long(&f[JF_SPID]);
	if (pid < 0)
		pid = to_long(&f[JF_PID]);
	host = (struct ml_str){ f[JF_HOST].set ? f[JF_HOST].v : "", f[JF_HOST].n };
	ident = (struct ml_str){ f[JF_IDENT].set ? f[JF_IDENT].v : "", f[JF_IDENT].n };
	msg = (struct ml_str){ f[JF_MSG].v, f[JF_MSG].n };
	mw_ml_agg_journal_record(a, usec / 1000000, host, ident, pid, msg, lineno);
out:
	for (i = 0; i < JF__N; i++)
		f[i].set = 0;
}

static void read_export(struct reader *r, struct ml_agg *a)
{
	struct jfield f[JF__N];
	const char *line;
	size_t len, i;
	int overlong;
	unsigned long recline = 0;

	memset(f, 0, sizeof(f));
	while (next_line(r, &line, &len, &overlong)) {
		const char *eq;

		if (!recline)
			recline = r->lineno;
		if (len == 0) {
			export_flush(a, f, recline);
			recline = 0;
			continue;
		}
		eq = memchr(line, '=', len);
		if (eq) {
			int k = jfield_index(line, (size_t)(eq - line));

			if (k >= 0)
				jfield_set(&f[k], eq + 1, len - (size_t)(eq + 1 - line));
			continue;
		}
		/* Binary field: NAME\n, 64-bit little-endian size, data, \n. */
		{
			char name[64], sz[8], *data = NULL;
			uint64_t n = 0;
			size_t kept, nl = len < sizeof(name) ? len : sizeof(name) - 1;
			int k;

			memcpy(name, line, nl);
			k = jfield_index(name, nl);
			if (take_bytes(r, 8, sz, 8, &kept) != 0 || kept != 8) {
				mw_ml_agg_malformed(a, recline);
				break;
			}
			for (i = 0; i < 8; i++)
				n |= (uint64_t)(unsigned char)sz[i] << (8 * i);
			if (k >= 0)
				data = malloc(EXPORT_MAX_FIELD);
			if (take_bytes(r, n, data, data ? EXPORT_MAX_FIELD : 0, &kept) != 0) {
				free(data);
				mw_ml_agg_malformed(a, recline);
				break;
			}
			if (data)
				jfield_set(&f[k], data, kept);
			free(data);
			(void)take_bytes(r, 1, NULL, 0, &kept);
		}
	}
	export_flush(a, f, recline);
	for (i = 0; i < JF__N; i++)
		free(f[i].v);
}

/* --- journalctl -o json ----------------------------------------------- */

/* A string field, or MESSAGE as journalctl writes bytes that are not UTF-8:
 * an array of numbers (into buf, capped). */
static int json_field(json_t *o, const char *key, char *buf, size_t cap,
		      struct ml_str *out)
{
	json_t *v = json_object_get(o, key), *e;
	size_t i, n = 0;

	if (json_is_string(v)) {
		out->p = json_string_value(v);
		out->n = json_string_length(v);
		return 0;
	}
	if (!json_is_array(v))
		return -1;
	json_array_foreach(v, i, e) {
		if (!json_is_integer(e) || n >= cap)
			break;
		buf[n++] = (char)json_integer_value(e);
	}
	out->p = buf;
	out->n = n;
	return 0;
}

/* One line of `journalctl -o json` (one object per line). */
static void json_record(struct ml_agg *a, const char *line, size_t len,
			unsigned long lineno)
{
	char bytes[ML_MAX_LINE];
	struct ml_str host = { "", 0 }, ident = { "", 0 }, msg, t, pid;
	json_error_t err;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	int64_t usec = 0;
	long p = -1;
	size_t i;

	if (!json_is_object(o) || json_field(o, "MESSAGE", bytes, sizeof(bytes), &msg) ||
	    !json_is_string(json_object_get(o, "__REALTIME_TIMESTAMP"))) {
		mw_ml_agg_malformed(a, lineno);
		json_decref(o);
		return;
	}
	t.p = json_string_value(json_object_get(o, "__REALTIME_TIMESTAMP"));
	t.n = strlen(t.p);
	for (i = 0; i < t.n; i++) {
		if (t.p[i] < '0' || t.p[i] > '9' || usec > INT64_MAX / 10 - 10) {
			mw_ml_agg_malformed(a, lineno);
			json_decref(o);
			return;
		}
		usec = usec * 10 + (t.p[i] - '0');
	}
	(void)json_field(o, "_HOSTNAME", NULL, 0, &host);
	(void)json_field(o, "SYSLOG_IDENTIFIER", NULL, 0, &ident);
	if (json_field(o, "SYSLOG_PID", NULL, 0, &pid) == 0 ||
	    json_field(o, "_PID", NULL, 0, &pid) == 0)
		p = mw_ml_str_long(pid);
	mw_ml_agg_journal_record(a, usec / 1000000, host, ident, p, msg, lineno);
	json_decref(o);
}

/* `journalctl -o json`: an object that starts with a journal field. */
static int looks_json(const char *p, size_t n)
{
	return n > 2 && p[0] == '{' && p[1] == '"' &&
	       (memmem(p, n < 4096 ? n : 4096, "\"__REALTIME_TIMESTAMP\"", 22) ||
		memmem(p, n < 4096 ? n : 4096, "\"__CURSOR\"", 10));
}

/* What a file none of whose lines could be read looks like, for the error. */
static const char *guess_format(const char *p, size_t n)
{
	size_t i, bad = 0;

	if (!n)
		return "empty";
	for (i = 0; i < n && i < 512; i++)
		if (((unsigned char)p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
		     p[i] != '\r') || (unsigned char)p[i] == 0x7f)
			bad++;
	if (bad * 10 > (n < 512 ? n : 512))
		return "binary data";
	if (p[0] == '{' || p[0] == '[')
		return "JSON, but not journalctl -o json";
	if (p[0] == '<')
		return "XML or HTML";
	return "text in an unknown format";
}

/* --- files ------------------------------------------------------------- */

static void clock_for(const struct stat *st, struct ml_clock *clk)
{
	time_t t = st ? st->st_mtime : time(NULL);
	struct tm tm;

	memset(clk, 0, sizeof(*clk));
	if (localtime_r(&t, &tm)) {
		clk->ref_year = tm.tm_year + 1900;
		clk->ref_month = tm.tm_mon + 1;
		clk->tz_offset = tm.tm_gmtoff;
	} else {
		clk->ref_year = 1970;
		clk->ref_month = 12;
	}
}

/* The export format starts with "__CURSOR=" or another upper-case field. */
static int looks_export(const char *p, size_t n)
{
	size_t i;

	if (n >= 9 && memcmp(p, "__CURSOR=", 9) == 0)
		return 1;
	if (n >= 21 && memcmp(p, "__REALTIME_TIMESTAMP=", 21) == 0)
		return 1;
	for (i = 0; i < n && i < 64; i++) {
		char c = p[i];

		if (c == '=')
			return i > 0 && (n > i + 1) && memmem(p, n, "\nMESSAGE=", 9) != NULL;
		if (!((c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9')))
			return 0;
	}
	return 0;
}

enum mw_err mw_ml_read_file(struct ml_agg *a, struct mw_ctx *ctx, int dirfd,
			 const char *name, const char *display)
{
	struct reader r;
	struct stat st;
	struct ml_clock clk;
	unsigned char magic[2];
	const char *line;
	size_t len;
	int overlong, fd;
	enum mw_err e;
	ssize_t got;
	char head[80];
	size_t headlen = 0;
	uint64_t nlines = 0, known = 0;

	e = mw_open_regular_at(dirfd, name, &fd, &st);
	if (e != MW_OK) {
		mw_report_error(ctx->report, CHECK, display, 0, e, "%s",
				e == MW_ERR_SYMLINK ? "symbolic link refused" : strerror(errno));
		return e;
	}
	memset(&r, 0, sizeof(r));
	r.fd = fd;
	r.buf = malloc(ML_READ_CHUNK + ML_MAX_LINE + 1);
	if (!r.buf) {
		close(fd);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	clock_for(&st, &clk);
	do
		got = pread(fd, magic, 2, 0);
	while (got < 0 && errno == EINTR);
	if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		int dfd = dup(fd);

		r.gz = dfd >= 0 ? gzdopen(dfd, "rb") : NULL;
		if (!r.gz) {
			if (dfd >= 0)
				close(dfd);
			mw_report_error(ctx->report, CHECK, display, 0, MW_ERR_IO,
					"cannot open gzip stream");
			free(r.buf);
			close(fd);
			return MW_ERR_IO;
		}
		gzbuffer(r.gz, 256u << 10);
	}
	(void)refill(&r);
	{
		size_t hn = r.end - r.start < sizeof(head) ? r.end - r.start : sizeof(head);

		memcpy(head, r.buf + r.start, hn);
		headlen = hn;
	}
	if (looks_export(r.buf + r.start, r.end - r.start)) {
		mw_ml_agg_begin_source(a, display, r.gz ? "export-gzip" : "export");
		read_export(&r, a);
	} else if (looks_json(r.buf + r.start, r.end - r.start)) {
		mw_ml_agg_begin_source(a, display, r.gz ? "json-gzip" : "json");
		while (next_line(&r, &line, &len, &overlong)) {
			if (!len)
				continue;
			if (overlong)
				mw_ml_agg_malformed(a, r.lineno);
			else
				json_record(a, line, len, r.lineno);
		}
	} else {
		uint64_t next_progress = PROGRESS_STEP;

		mw_ml_agg_begin_source(a, display, r.gz ? "gzip" : "file");
		while (next_line(&r, &line, &len, &overlong)) {
			mw_ml_agg_text_line(a, line, len, overlong, &clk, r.lineno);
			if (r.bytes >= next_progress) {
				next_progress = r.bytes + PROGRESS_STEP;
				mw_progress(ctx, "logs: %s: %llu MB", display,
					    (unsigned long long)(r.bytes >> 20));
			}
		}
	}
	mw_ml_agg_source_bytes(a, r.bytes);
	mw_ml_agg_source_counts(a, &nlines, &known);
	if (!r.error && nlines && !known) {
		/* Nothing read is not "nothing found": say what it looked like */
		const char *nl = memchr(head, '\n', headlen);

		mw_report_error(ctx->report, CHECK, display, 0, MW_ERR_PARSE,
				"none of its %llu lines is in a format mailwarden reads "
				"(%s; first line: %.*s); readable: syslog and journalctl "
				"-o short/short-iso/short-precise/json/export, Exim main "
				"log, PHP mail.log", (unsigned long long)nlines,
				guess_format(head, headlen),
				(int)(nl ? (size_t)(nl - head) : headlen < 80 ? headlen : 80),
				head);
		e = MW_ERR_PARSE;
	}
	if (r.error)
		mw_report_error(ctx->report, CHECK, display, r.lineno, MW_ERR_IO,
				"read error after %lu lines: %s", r.lineno,
				r.errmsg ? r.errmsg : "unknown");
	if (r.capped)
		mw_report_error(ctx->report, CHECK, display, r.lineno, MW_ERR_LIMIT,
				"not fully read, %lu lines: %s", r.lineno, r.capmsg);
	if (r.gz)
		gzclose(r.gz);
	close(fd);
	free(r.buf);
	return r.error ? MW_ERR_IO : r.capped ? MW_ERR_LIMIT : e;
}

/* --- journald ------------------------------------------------------------ */

/* A field's value (after "NAME=") or NULL. */
static int jget(sd_journal *j, const char *field, struct ml_str *out)
{
	const void *d;
	size_t n, fl = strlen(field);

	if (sd_journal_get_data(j, field, &d, &n) < 0 || n <= fl)
		return -1;
	out->p = (const char *)d + fl + 1;
	out->n = n - fl - 1;
	return 0;
}

/*
 * sd-journal skips a file it cannot use without a word, so a corrupt or
 * truncated journal read as "0 lines". Check each journal file's header
 * first: the signature, and a file at least as long as its header says
 * (header_size + arena_size, little-endian at offsets 88 and 96 of
 * systemd's struct Header). Returns the number of bad files (each an
 * error in the report).
 */
#define JOURNAL_HEADER_MIN	104
#define JOURNAL_MAX_FILES	10000

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int journal_name(const char *n)
{
	size_t l = strlen(n);

	return (l > 8 && strcmp(n + l - 8, ".journal") == 0) ||
	       (l > 9 && strcmp(n + l - 9, ".journal~") == 0);
}

static unsigned check_journal_file(struct mw_ctx *ctx, int dirfd, const char *name,
				   const char *display)
{
	unsigned char h[JOURNAL_HEADER_MIN];
	struct stat st;
	uint64_t want;
	ssize_t got;
	int fd;

	if (mw_open_regular_at(dirfd, name, &fd, &st) != MW_OK)
		return 0;	/* not a regular file: sd-journal does not read it */
	do
		got = pread(fd, h, sizeof(h), 0);
	while (got < 0 && errno == EINTR);
	close(fd);
	if (got != (ssize_t)sizeof(h) || memcmp(h, "LPKSHHRH", 8) != 0) {
		mw_report_error(ctx->report, CHECK, display, 0, MW_ERR_PARSE,
				"not a journal file (no journal header): its entries, if "
				"any, were not read");
		return 1;
	}
	want = le64(h + 88) + le64(h + 96);
	if ((uint64_t)st.st_size < want) {
		mw_report_error(ctx->report, CHECK, display, 0, MW_ERR_PARSE,
				"truncated journal file: %llu bytes, its header says %llu: "
				"entries past the cut were not read",
				(unsigned long long)st.st_size, (unsigned long long)want);
		return 1;
	}
	return 0;
}

/* The journal files in dir and in its subdirectories (machine ids). */
static unsigned check_journal_dir(struct mw_ctx *ctx, int parent, const char *name,
				  const char *path, int depth, unsigned *seen)
{
	struct dirent *de;
	char sub[MW_MAX_PATH];
	unsigned bad = 0;
	int fd;
	DIR *d;

	if (mw_open_dir_at(parent, name, &fd) != MW_OK)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) && *seen < JOURNAL_MAX_FILES) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (journal_name(de->d_name)) {
			(*seen)++;
			bad += check_journal_file(ctx, dirfd(d), de->d_name, sub);
		} else if (depth == 0 && de->d_type == DT_DIR) {
			bad += check_journal_dir(ctx, dirfd(d), de->d_name, sub, 1, seen);
		}
	}
	closedir(d);
	return bad;
}

enum mw_err mw_ml_read_journal(struct ml_agg *a, struct mw_ctx *ctx,
			    const char *dir, int64_t since, int64_t until)
{
	sd_journal *j = NULL;
	unsigned long n = 0;
	unsigned seen = 0;
	int rc;

	rc = dir ? sd_journal_open_directory(&j, dir, 0)
		 : sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
	if (rc < 0)
		return MW_ERR_UNSUPPORTED;
	mw_ml_agg_begin_source(a, dir ? dir : "journald", "journal");
	if (dir) {
		(void)check_journal_dir(ctx, AT_FDCWD, dir, dir, 0, &seen);
	} else {
		(void)check_journal_dir(ctx, AT_FDCWD, "/var/log/journal",
					"/var/log/journal", 0, &seen);
		(void)check_journal_dir(ctx, AT_FDCWD, "/run/log/journal",
					"/run/log/journal", 0, &seen);
	}
	/* Postfix and Exim log through syslog() with facility mail (2); a
	 * Postfix run with `start-fg` and maillog_file=/dev/stdout logs as
	 * its unit's output instead. */
	sd_journal_set_data_threshold(j, ML_MAX_LINE);
	sd_journal_add_match(j, "SYSLOG_FACILITY=2", 0);
	sd_journal_add_disjunction(j);
	sd_journal_add_match(j, "_SYSTEMD_UNIT=postfix@-.service", 0);
	sd_journal_add_disjunction(j);
	sd_journal_add_match(j, "_SYSTEMD_UNIT=postfix.service", 0);
	sd_journal_add_disjunction(j);
	sd_journal_add_match(j, "_SYSTEMD_UNIT=exim4.service", 0);
	if (mw_ml_agg_has_line_fn(a)) {
		sd_journal_add_disjunction(j);
		sd_journal_add_match(j, "_SYSTEMD_UNIT=dovecot.service", 0);
	}
	/* PHP's mail.log = syslog: ident "php" (syslog.ident), facility
	 * user; only its "mail() on [...]" lines are kept below */
	sd_journal_add_disjunction(j);
	sd_journal_add_match(j, "SYSLOG_IDENTIFIER=php", 0);
	sd_journal_add_disjunction(j);
	sd_journal_add_match(j, "SYSLOG_IDENTIFIER=php-fpm", 0);
	if (since != INT64_MIN && since > 0)
		rc = sd_journal_seek_realtime_usec(j, (uint64_t)since * 1000000ULL);
	else
		rc = sd_journal_seek_head(j);
	if (rc < 0) {
		mw_report_error(ctx->report, CHECK, dir ? dir : "journald", 0, MW_ERR_IO,
				"cannot seek the journal: %s", strerror(-rc));
		sd_journal_close(j);
		return MW_ERR_IO;
	}
	while ((rc = sd_journal_next(j)) > 0) {
		uint64_t usec = 0;
		struct ml_str ident = { "", 0 }, msg, host = { "", 0 }, pid;
		long p = -1;
		int php = 0;

		n++;
		if (sd_journal_get_realtime_usec(j, &usec) < 0)
			continue;
		if (until != INT64_MAX && (int64_t)(usec / 1000000) > until)
			break;
		if (jget(j, "SYSLOG_IDENTIFIER", &ident) != 0)
			continue;
		if (!(ident.n >= 7 && memcmp(ident.p, "postfix", 7) == 0) &&
		    !(ident.n >= 4 && memcmp(ident.p, "exim", 4) == 0) &&
		    !(ident.n == 7 && memcmp(ident.p, "dovecot", 7) == 0 &&
		      mw_ml_agg_has_line_fn(a)) &&
		    !(php = (ident.n == 3 && memcmp(ident.p, "php", 3) == 0) ||
			    (ident.n == 7 && memcmp(ident.p, "php-fpm", 7) == 0)))
			continue;
		if (jget(j, "SYSLOG_PID", &pid) == 0 || jget(j, "_PID", &pid) == 0)
			p = mw_ml_str_long(pid);
		(void)jget(j, "_HOSTNAME", &host);
		/* The data of one field may be unmapped by the next
		 * sd_journal_get_data(); keep copies of the short ones. */
		{
			char idb[128], hb[128];
			size_t il = ident.n < sizeof(idb) ? ident.n : sizeof(idb) - 1;
			size_t hl = host.n < sizeof(hb) ? host.n : sizeof(hb) - 1;

			memcpy(idb, ident.p, il);
			memcpy(hb, host.p, hl);
			if (jget(j, "MESSAGE", &msg) != 0) {
				mw_ml_agg_malformed(a, n);
				continue;
			}
			/* PHP's own warnings are not mail */
			if (php && !memmem(msg.p, msg.n, "mail() on [", 11))
				continue;
			mw_ml_agg_journal_record(a, (int64_t)(usec / 1000000),
					      (struct ml_str){ hb, hl },
					      (struct ml_str){ idb, il }, p, msg, n);
		}
	}
	if (rc < 0)
		mw_report_error(ctx->report, CHECK, dir ? dir : "journald", 0, MW_ERR_IO,
				"journal read error: %s", strerror(-rc));
	sd_journal_close(j);
	return MW_OK;
}
