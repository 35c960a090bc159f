/*
 * The response record of `mailwarden account` and the files a response
 * manages (resp.h): STATE_DIR/account/USER/record.json, rewritten
 * atomically before and after every step, and the line edits of the
 * tool-managed Dovecot and Postfix tables.
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

/* --- the record ----------------------------------------------------------- */

/* Open STATE_DIR/account/USER, no symlinks; create it (0700) when create. */
int mw_acct_record_dir(struct resp *p, int create)
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
int mw_acct_write_at(int dfd, const char *name, const void *data, size_t len, mode_t mode)
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

int mw_acct_record_save(struct resp *p)
{
	char *s = json_dumps(p->record, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	int rc;

	if (!s)
		return -1;
	rc = mw_acct_write_at(p->dfd, RECORD, s, strlen(s), 0600);
	free(s);
	return rc;
}

/* The record of an earlier response not yet restored, or NULL. */
json_t *mw_acct_record_load(int dfd)
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
json_t *mw_acct_record_begin(struct resp *p, json_t *step)
{
	json_object_set_new(step, "state", json_string("started"));
	json_object_set_new(step, "time", json_integer((json_int_t)time(NULL)));
	json_array_append_new(json_object_get(p->record, "steps"), step);
	return mw_acct_record_save(p) == 0 ? step : NULL;
}

void mw_acct_record_done(struct resp *p, json_t *step, const char *state)
{
	json_object_set_new(step, "state", json_string(state));
	if (mw_acct_record_save(p) != 0)
		mw_report_error(p->a->r, CHECK, p->dir, 0, MW_ERR_IO,
				"cannot update %s/%s: %s", p->dir, RECORD, strerror(errno));
}

/* --- managed files -------------------------------------------------------- */

int mw_acct_open_dir(const char *dir)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Read dir/name into b (up to b's cap); 1 read, 0 absent, -1 error. */
int mw_acct_read_managed(int dfd, const char *name, struct mw_buf *b)
{
	enum mw_err e = mw_read_file_at(dfd, name, b, b->cap, NULL, NULL);

	if (e == MW_OK)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

/* The offset of the line equal to line in text, or -1. */
long mw_acct_find_line(const char *text, size_t n, const char *line)
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
enum mw_err mw_acct_edit_text(const char *text, size_t n, const char *line, int add,
			     struct mw_buf *out)
{
	long at = mw_acct_find_line(text, n, line);
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

void mw_acct_sha_hex(const struct mw_buf *b, char out[65])
{
	mw_sha256_hex(b->data ? b->data : "", b->len, out);
}

/* Split path into its directory, opened without following any link, and
 * its last name (into name). -1 when that cannot be done. */
int mw_acct_open_parent(const char *path, char *name, size_t cap)
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
int mw_acct_file_sha(int dfd, const char *name, char out[65])
{
	struct mw_buf b;
	int rc;

	mw_buf_init(&b, MAX_MANAGED);
	rc = mw_acct_read_managed(dfd, name, &b) == 1 ? 0 : -1;
	if (!rc)
		mw_acct_sha_hex(&b, out);
	mw_buf_free(&b);
	return rc;
}

