/*
 * `harden --check` for Exim: the limit hits of the last hour. The ratelimit
 * statements `harden --apply` adds log every refusal with a fixed marker at
 * the end of the line, "[mailwarden-limit 1 KIND LIMIT USER64 UID]" (the
 * user in base64, so that no name can break the line's shape); this file
 * reads the end of Exim's reject log (the main log when write_rejectlog is
 * off) through the safe open the logs check uses, bounded in bytes, and the
 * rotated one before it when the hour began before the current file, and
 * turns the hits into harden.limit-reached findings like policyd's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/harden/harden_int.h"
#include "scanner/maillog/maillog.h"
#include "signatures/php_decode.h"

#define HD_LOG_TAIL	(16u << 20)	/* bytes read from the log's end */
#define HD_LOG_CHUNK	(256u << 10)	/* one read; a longer line is skipped */
#define HD_MAX_HITS	256		/* distinct senders reported */

static const char *const kinds[] = {
	[HD_LIM_SASL_MESSAGES] = "sasl-messages",
	[HD_LIM_SASL_RECIPIENTS] = "sasl-recipients",
	[HD_LIM_LOCAL_MESSAGES] = "local-messages",
	[HD_LIM_LOCAL_RECIPIENTS] = "local-recipients",
};

const char *mw_hd_limit_kind_name(enum hd_limit_kind k)
{
	return kinds[k];
}

/* The next space-separated field of [*p, end); NULL when there is none. */
static const char *field(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *sp;

	if (s >= end)
		return NULL;
	sp = memchr(s, ' ', (size_t)(end - s));
	*n = (size_t)((sp ? sp : end) - s);
	*p = sp ? sp + 1 : end;
	return *n ? s : NULL;
}

static int digits(const char *s, size_t n, size_t max)
{
	if (!n || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int mw_hd_limit_parse(const char *line, size_t n, struct hd_limit_hit *out)
{
	static const char mark[] = HD_LIMIT_MARK;
	const char *open, *p, *end = line + n - 1, *f;
	struct mw_buf b;
	size_t fn, k;
	int ok;

	if (n < sizeof(mark) || line[n - 1] != ']')
		return -1;
	/* the marker ends the line and holds no '[': anything a sender wrote
	 * stands before it */
	for (open = end; open > line && *open != '['; open--)
		;
	if ((size_t)(end - open) < sizeof(mark) - 1 || memcmp(open, mark, sizeof(mark) - 1))
		return -1;
	memset(out, 0, sizeof(*out));
	p = open + sizeof(mark) - 1;
	if (!(f = field(&p, end, &fn)))
		return -1;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strlen(kinds[k]) == fn && !memcmp(f, kinds[k], fn))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return -1;
	out->kind = (enum hd_limit_kind)k;
	if (!(f = field(&p, end, &fn)) || !digits(f, fn, 10))
		return -1;
	out->limit = strtoul(f, NULL, 10);
	/* the user: strict base64 of at most POL_MAX_NAME - 1 bytes */
	if (!(f = field(&p, end, &fn)) || fn % 4 || fn > (POL_MAX_NAME - 1) / 3 * 4)
		return -1;
	for (size_t i = 0; i < fn; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
			    f[i]) && !(f[i] == '=' && i + 2 >= fn))
			return -1;
	mw_buf_init(&b, POL_MAX_NAME);
	ok = mw_php_apply(MW_FN_BASE64_DECODE, f, fn, &b, POL_MAX_NAME) == MW_OK &&
	     b.len < sizeof(out->user) && !memchr(b.data ? b.data : "", '\0', b.len);
	if (ok && b.len)
		memcpy(out->user, b.data, b.len);
	mw_buf_free(&b);
	if (!ok || !(f = field(&p, end, &fn)) || p != end)
		return -1;
	if (fn == 1 && *f == '-')
		out->uid = -1;
	else if (digits(f, fn, 10) && strtoul(f, NULL, 10) <= 0xffffffffUL)
		out->uid = (long)strtoul(f, NULL, 10);
	else
		return -1;
	return 0;
}

struct hit {
	char key[POL_MAX_NAME + 8];
	unsigned long count, limit;
	long uid;
	enum hd_limit_kind kind;	/* of the last refusal */
};

struct hits {
	struct hit h[HD_MAX_HITS];
	size_t n;
	unsigned long dropped;		/* senders past HD_MAX_HITS */
	time_t since;
	long tz;			/* offset of zone-less stamps */
	int64_t first;			/* first stamp read, INT64_MIN */
};

/* One log line: a hit in the window is counted for its sender. */
static void take_line(struct hits *hs, const char *line, size_t n)
{
	struct hd_limit_hit lh;
	struct ml_ex_event ev;
	char key[POL_MAX_NAME + 8];
	size_t i;

	memset(&ev, 0, sizeof(ev));
	if (mw_ml_parse_exim(line, n, 1, &ev) != 0 || !ev.has_time)
		return;
	if (!ev.time_has_zone)
		ev.time -= hs->tz;
	if (hs->first == INT64_MIN)
		hs->first = ev.time;
	if (ev.time < hs->since || mw_hd_limit_parse(line, n, &lh) != 0)
		return;
	snprintf(key, sizeof(key), "%s:%s", lh.kind >= HD_LIM_LOCAL_MESSAGES ? "local" : "sasl",
		 lh.user);
	for (i = 0; i < hs->n && strcmp(hs->h[i].key, key); i++)
		;
	if (i == hs->n) {
		if (hs->n == HD_MAX_HITS) {
			hs->dropped++;
			return;
		}
		memcpy(hs->h[i].key, key, sizeof(key));
		hs->n++;
	}
	hs->h[i].count++;
	hs->h[i].limit = lh.limit;
	hs->h[i].uid = lh.uid;
	hs->h[i].kind = lh.kind;
}

/*
 * Feed the lines of the last HD_LOG_TAIL bytes of the file open at fd
 * (path for messages) to take_line(); fd is closed. 0 done, -1 reported.
 * *cut = 1 when the file is longer than what was read.
 */
static int read_tail_fd(struct hd_run *r, int fd, const struct stat *st, const char *path,
			struct hits *hs, int *cut)
{
	off_t off, end;
	size_t have = 0;
	int skipping;
	char *buf;

	end = st->st_size;	/* what is appended meanwhile waits for the next run */
	off = end > (off_t)HD_LOG_TAIL ? end - (off_t)HD_LOG_TAIL : 0;
	*cut = skipping = off > 0;	/* the first line is a tail: skip it */
	if (!(buf = malloc(HD_LOG_CHUNK))) {
		close(fd);
		return -1;
	}
	while (off < end) {
		size_t want = HD_LOG_CHUNK - have;
		ssize_t got = pread(fd, buf + have, (off_t)want < end - off ? want :
				    (size_t)(end - off), off);
		char *p = buf, *e2, *nl;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			mw_report_error(r->report, "harden", path, 0, MW_ERR_IO, "read: %s",
					got ? strerror(errno) : "file shrank");
			break;
		}
		off += got;
		have += (size_t)got;
		e2 = buf + have;
		while ((nl = memchr(p, '\n', (size_t)(e2 - p)))) {
			if (!skipping)
				take_line(hs, p, (size_t)(nl - p));
			skipping = 0;
			p = nl + 1;
		}
		have = (size_t)(e2 - p);
		if (have == HD_LOG_CHUNK) {	/* no line end in a whole chunk */
			skipping = 1;
			have = 0;
		} else {
			memmove(buf, p, have);
		}
	}
	free(buf);
	close(fd);
	return 0;
}

/* Open path without following links; 1 opened, 0 missing, -1 reported. */
static int open_log(struct hd_run *r, const char *path, int *fd, struct stat *st)
{
	enum mw_err e = mw_open_regular_at(AT_FDCWD, path, fd, st);

	if (e == MW_ERR_IO && errno == ENOENT)
		return 0;
	if (e) {
		mw_report_error(r->report, "harden", path, 0, e, "%s",
				e == MW_ERR_SYMLINK ? "symbolic link refused" : strerror(errno));
		return -1;
	}
	return 1;
}

/* The logs check's reader hands every Exim line of the window here. */
static void on_exim_line(void *arg, const struct ml_line *l)
{
	take_line(arg, l->msg.p, l->msg.n);
}

/*
 * The rotated log before path, when the current one starts inside the
 * hour: logrotate's path.1 (Debian's delaycompress leaves it plain) or
 * path.1.gz, exicyclog's path.01 or path.01.gz, the first there. A file
 * last written before the hour holds no hit of it and is not read; a plain
 * one is read like the current log (its last HD_LOG_TAIL bytes), a gzip
 * one through the logs check's reader (its inflation caps) when it is at
 * most HD_LOG_TAIL bytes compressed.
 */
static void read_rotated(struct hd_run *r, const char *path, struct hits *hs)
{
	static const char *const suffix[] = { ".1", ".1.gz", ".01", ".01.gz" };
	struct ml_agg_opts ao = { .since = hs->since, .until = INT64_MAX,
				  .on_line = on_exim_line, .on_line_arg = hs };
	char rot[MW_MAX_PATH + 8];
	unsigned char magic[2];
	struct ml_agg *a;
	struct stat st;
	int fd, cut, n = 0;

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]) && n == 0; i++) {
		snprintf(rot, sizeof(rot), "%s%s", path, suffix[i]);
		n = open_log(r, rot, &fd, &st);
	}
	if (n <= 0)
		return;
	if (st.st_mtime < hs->since) {
		close(fd);
		return;
	}
	if (pread(fd, magic, 2, 0) != 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
		read_tail_fd(r, fd, &st, rot, hs, &cut);
		return;
	}
	close(fd);
	if (st.st_size > (off_t)HD_LOG_TAIL) {
		mw_report_note(r->report, "harden", "%s: larger than %u MiB compressed, not "
			       "read for limit hits", rot, HD_LOG_TAIL >> 20);
		return;
	}
	if ((a = mw_ml_agg_new(&ao)))
		mw_ml_read_file(a, r->ctx, AT_FDCWD, rot, rot);	/* errors reported */
	mw_ml_agg_free(a);
}

/* The log file of log_file_path (Exim's list) for kind ("reject",
 * "main"), with %D/%M of now; 0, or -1 when Exim logs to syslog only. */
static int log_path(const char *list, const char *kind, time_t now, char *dst, size_t n)
{
	char item[MW_MAX_PATH], date[16];
	const char *p = list, *pct;
	struct tm tm;

	localtime_r(&now, &tm);
	while (*p) {
		size_t len;

		while (*p == ' ' || *p == '\t')	/* Exim trims list items */
			p++;
		len = strcspn(p, ":");
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		len += strcspn(p + len, ":");
		p += len + (p[len] == ':');
		if (item[0] != '/' || !(pct = strstr(item, "%s")))
			continue;
		snprintf(dst, n, "%.*s%s%s", (int)(pct - item), item, kind, pct + 2);
		if ((pct = strstr(dst, "%D")) || (pct = strstr(dst, "%M"))) {
			strftime(date, sizeof(date), pct[1] == 'D' ? "%Y%m%d" : "%Y%m", &tm);
			snprintf(item, sizeof(item), "%.*s%s%s", (int)(pct - dst), dst, date,
				 pct + 2);
			snprintf(dst, n, "%s", item);
		}
		return 0;
	}
	return -1;
}

void mw_hd_exim_hits(struct hd_run *r, const char *log_file_path, int rejectlog)
{
	struct hits *hs = calloc(1, sizeof(*hs));
	char path[MW_MAX_PATH], title[POL_MAX_NAME + 160];
	time_t now = time(NULL);
	struct stat st;
	struct tm tm;
	int cut = 0, fd, n;

	if (!hs)
		return;
	if (log_path(log_file_path, rejectlog ? "reject" : "main", now, path, sizeof(path))) {
		mw_report_note(r->report, "harden", "Exim logs to syslog only: its limit "
			       "hits are not read here (mailwarden logs reads the journal)");
		free(hs);
		return;
	}
	localtime_r(&now, &tm);
	hs->tz = tm.tm_gmtoff;	/* the zone of now: an hour across a DST change errs */
	hs->since = now - POL_WINDOW;
	hs->first = INT64_MIN;
	n = open_log(r, path, &fd, &st);
	if (n > 0 && read_tail_fd(r, fd, &st, path, hs, &cut) == 0 && cut &&
	    hs->first >= hs->since)
		mw_report_note(r->report, "harden", "%s: only its last %u MiB were read for "
			       "limit hits; earlier ones in this hour are not counted", path,
			       HD_LOG_TAIL >> 20);
	/* the hour began before this file did: its start is in the last one */
	if (n >= 0 && !cut && (hs->first == INT64_MIN || hs->first >= hs->since))
		read_rotated(r, path, hs);
	for (size_t i = 0; i < hs->n; i++) {
		const struct hit *h = &hs->h[i];

		json_t *d = json_pack("{s:s, s:i, s:s, s:s, s:i}", "sender", h->key,
				      "deferred", (json_int_t)h->count, "source", "exim",
				      "limit_kind", mw_hd_limit_kind_name(h->kind),
				      "limit", (json_int_t)h->limit);

		snprintf(title, sizeof(title), "%s reached its sending limit: %lu refusals in "
			 "the last hour (Exim, %lu %s per hour)", h->key, h->count, h->limit,
			 h->kind == HD_LIM_SASL_RECIPIENTS ||
			 h->kind == HD_LIM_LOCAL_RECIPIENTS ? "recipients" : "messages");
		if (d && h->uid >= 0)
			json_object_set_new(d, "uid", json_integer(h->uid));
		mw_hd_limit_finding(r, title, path, d);
	}
	if (hs->dropped)
		mw_report_note(r->report, "harden", "%s: %lu more limit hits of senders past "
			       "the first %u not reported", path, hs->dropped, HD_MAX_HITS);
	free(hs);
}
