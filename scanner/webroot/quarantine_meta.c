#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/safefile.h"
#include "scanner/webroot/quarantine_meta.h"

#define META_MAGIC "mailwarden-quarantine 1"

static void xattrs_free(struct mw_qmeta *m)
{
	size_t i;

	for (i = 0; i < m->nxattrs; i++) {
		free(m->xattrs[i].name);
		free(m->xattrs[i].value);
	}
	free(m->xattrs);
	m->xattrs = NULL;
	m->nxattrs = 0;
}

void mw_qmeta_clear(struct mw_qmeta *m)
{
	free(m->path);
	free(m->rules);
	xattrs_free(m);
	memset(m, 0, sizeof(*m));
}

int mw_qmeta_read_xattrs(int fd, struct mw_qmeta *m, char *err, size_t errlen)
{
	ssize_t ln, vl;
	char *names = NULL, *p;
	size_t n = 0;

	xattrs_free(m);
	ln = flistxattr(fd, NULL, 0);
	if (ln < 0 && (errno == ENOTSUP || errno == ENOSYS))
		return 0;
	if (ln < 0)
		goto fail_list;
	if (ln == 0)
		return 0;
	names = malloc((size_t)ln + 1);
	if (!names)
		goto fail_list;
	ln = flistxattr(fd, names, (size_t)ln);
	if (ln < 0)
		goto fail_list;
	names[ln] = '\0';
	for (p = names; p < names + ln; p += strlen(p) + 1)
		n++;
	if (n > MW_QMETA_MAX_XATTRS) {
		snprintf(err, errlen, "more than %d extended attributes",
			 MW_QMETA_MAX_XATTRS);
		free(names);
		return -1;
	}
	m->xattrs = calloc(n ? n : 1, sizeof(*m->xattrs));
	if (!m->xattrs)
		goto fail_list;
	for (p = names; p < names + ln; p += strlen(p) + 1) {
		struct mw_qxattr *x = &m->xattrs[m->nxattrs];

		vl = fgetxattr(fd, p, NULL, 0);
		if (vl < 0 || !(x->name = strdup(p)) ||
		    !(x->value = malloc(vl ? (size_t)vl : 1))) {
			snprintf(err, errlen, "cannot read extended attribute %s: %s", p,
				 strerror(errno ? errno : ENOMEM));
			free(x->name);
			free(names);
			xattrs_free(m);
			return -1;
		}
		m->nxattrs++;
		vl = fgetxattr(fd, p, x->value, (size_t)vl);
		if (vl < 0) {
			snprintf(err, errlen, "cannot read extended attribute %s: %s", p,
				 strerror(errno));
			free(names);
			xattrs_free(m);
			return -1;
		}
		x->len = (size_t)vl;
	}
	free(names);
	return 0;
fail_list:
	snprintf(err, errlen, "cannot list extended attributes: %s",
		 strerror(errno ? errno : ENOMEM));
	free(names);
	xattrs_free(m);
	return -1;
}

int mw_qmeta_apply_xattrs(int fd, const struct mw_qmeta *m, char *err,
			  size_t errlen)
{
	size_t i;

	for (i = 0; i < m->nxattrs; i++) {
		if (fsetxattr(fd, m->xattrs[i].name, m->xattrs[i].value,
			      m->xattrs[i].len, 0) < 0) {
			snprintf(err, errlen, "extended attribute %s not set: %s",
				 m->xattrs[i].name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int put_hex(struct mw_buf *b, const char *key, const void *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = v;
	char pair[2];
	size_t i;

	if (mw_buf_append(b, key, strlen(key)) || mw_buf_append(b, " ", 1))
		return -1;
	for (i = 0; i < n; i++) {
		pair[0] = hex[p[i] >> 4];
		pair[1] = hex[p[i] & 15];
		if (mw_buf_append(b, pair, 2))
			return -1;
	}
	return mw_buf_append(b, "\n", 1) ? -1 : 0;
}

static int put_num(struct mw_buf *b, const char *key, long long v)
{
	char line[96];
	int l = snprintf(line, sizeof(line), "%s %lld\n", key, v);

	return mw_buf_append(b, line, (size_t)l) ? -1 : 0;
}

int mw_qmeta_write(int dfd, const struct mw_qmeta *m)
{
	struct mw_buf b;
	char name[64];
	size_t i;
	int fd, rc = -1, saved;

	mw_buf_init(&b, MW_QMETA_MAX_SIZE);
	if (mw_buf_append(&b, META_MAGIC "\n", sizeof(META_MAGIC)) ||
	    put_num(&b, "id", m->id) || put_hex(&b, "path", m->path, strlen(m->path)) ||
	    put_hex(&b, "sha256", m->sha256, strlen(m->sha256)) ||
	    put_num(&b, "hashed", (long long)m->hashed) ||
	    put_num(&b, "uid", m->uid) || put_num(&b, "gid", m->gid) ||
	    put_num(&b, "mode", m->mode & 07777) || put_num(&b, "atime_ns", m->atime_ns) ||
	    put_num(&b, "mtime_ns", m->mtime_ns) || put_num(&b, "size", m->size) ||
	    put_num(&b, "when", m->when) ||
	    put_hex(&b, "rules", m->rules, strlen(m->rules))) {
		mw_buf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < m->nxattrs; i++) {
		if (put_hex(&b, "xattr-name", m->xattrs[i].name, strlen(m->xattrs[i].name)) ||
		    put_hex(&b, "xattr-value", m->xattrs[i].value, m->xattrs[i].len)) {
			mw_buf_free(&b);
			errno = ENOMEM;
			return -1;
		}
	}
	snprintf(name, sizeof(name), "%lld.meta", m->id);
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		rc = mw_write_all(fd, b.data, b.len) == 0 && fsync(fd) == 0 ? 0 : -1;
		saved = errno;
		close(fd);
		if (rc < 0)
			unlinkat(dfd, name, 0);
		else
			rc = fsync(dfd);
		errno = saved;
	}
	mw_buf_free(&b);
	return rc;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode hex; NUL-terminated too (for names). NULL when malformed. */
static unsigned char *unhex(const char *h, size_t hl, size_t *n)
{
	unsigned char *out;
	size_t i;
	int hi, lo;

	if (hl % 2)
		return NULL;
	out = malloc(hl / 2 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < hl / 2; i++) {
		hi = hexval(h[2 * i]);
		lo = hexval(h[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	out[hl / 2] = '\0';
	*n = hl / 2;
	return out;
}

static int parse_line(struct mw_qmeta *m, const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len);
	char key[32], num[32], *end;
	const char *val;
	size_t kl, vl, n;
	unsigned char *v;
	long long x;

	if (!sp || (size_t)(sp - line) >= sizeof(key))
		return -1;
	kl = (size_t)(sp - line);
	memcpy(key, line, kl);
	key[kl] = '\0';
	val = sp + 1;
	vl = len - kl - 1;
	if (!strcmp(key, "path") || !strcmp(key, "rules") || !strcmp(key, "sha256") ||
	    !strcmp(key, "xattr-name") || !strcmp(key, "xattr-value")) {
		v = unhex(val, vl, &n);
		if (!v)
			return -1;
		if (!strcmp(key, "xattr-value")) {
			if (!m->nxattrs || m->xattrs[m->nxattrs - 1].value) {
				free(v);
				return -1;
			}
			m->xattrs[m->nxattrs - 1].value = v;
			m->xattrs[m->nxattrs - 1].len = n;
			return 0;
		}
		if (memchr(v, '\0', n)) {
			free(v);
			return -1;
		}
		if (!strcmp(key, "path")) {
			free(m->path);
			m->path = (char *)v;
		} else if (!strcmp(key, "rules")) {
			free(m->rules);
			m->rules = (char *)v;
		} else if (!strcmp(key, "sha256")) {
			snprintf(m->sha256, sizeof(m->sha256), "%s", (char *)v);
			free(v);
		} else {
			struct mw_qxattr *nx;

			if (m->nxattrs >= MW_QMETA_MAX_XATTRS ||
			    !(nx = realloc(m->xattrs, (m->nxattrs + 1) * sizeof(*nx)))) {
				free(v);
				return -1;
			}
			m->xattrs = nx;
			nx[m->nxattrs].name = (char *)v;
			nx[m->nxattrs].value = NULL;
			nx[m->nxattrs].len = 0;
			m->nxattrs++;
		}
		return 0;
	}
	if (vl == 0 || vl >= sizeof(num))
		return -1;
	memcpy(num, val, vl);
	num[vl] = '\0';
	errno = 0;
	x = strtoll(num, &end, 10);
	if (errno || *end)
		return -1;
	if (!strcmp(key, "id"))
		m->id = x;
	else if (!strcmp(key, "hashed"))
		m->hashed = (uint64_t)x;
	else if (!strcmp(key, "uid"))
		m->uid = (uid_t)x;
	else if (!strcmp(key, "gid"))
		m->gid = (gid_t)x;
	else if (!strcmp(key, "mode"))
		m->mode = (mode_t)x & 07777;
	else if (!strcmp(key, "atime_ns"))
		m->atime_ns = x;
	else if (!strcmp(key, "mtime_ns"))
		m->mtime_ns = x;
	else if (!strcmp(key, "size"))
		m->size = x;
	else if (!strcmp(key, "when"))
		m->when = x;
	/* unknown keys: from a newer version, ignored */
	return 0;
}

int mw_qmeta_parse(const char *text, size_t len, struct mw_qmeta *m)
{
	struct mw_lines it;
	const char *line;
	size_t n, i;
	int over, first = 1, rc = 0;

	memset(m, 0, sizeof(*m));
	mw_lines_init(&it, text, len, MW_QMETA_MAX_SIZE);
	while (rc == 0 && mw_lines_next(&it, &line, &n, &over)) {
		if (first) {
			rc = n == strlen(META_MAGIC) && !memcmp(line, META_MAGIC, n) ? 0 : -1;
			first = 0;
			continue;
		}
		if (n)
			rc = parse_line(m, line, n);
	}
	for (i = 0; rc == 0 && i < m->nxattrs; i++)
		if (!m->xattrs[i].value)
			rc = -1;
	if (rc || first || m->id <= 0 || !m->path || m->path[0] != '/' ||
	    strlen(m->sha256) != 64) {
		mw_qmeta_clear(m);
		return -1;
	}
	if (!m->rules && !(m->rules = strdup(""))) {
		mw_qmeta_clear(m);
		return -1;
	}
	return 0;
}

int mw_qmeta_load(int dfd, const char *name, struct mw_qmeta *m)
{
	struct mw_buf b;
	int trunc = 0, rc;

	memset(m, 0, sizeof(*m));
	mw_buf_init(&b, MW_QMETA_MAX_SIZE);
	if (mw_read_file_at(dfd, name, &b, MW_QMETA_MAX_SIZE, &trunc, NULL) || trunc) {
		mw_buf_free(&b);
		return -1;
	}
	rc = mw_qmeta_parse(b.data ? b.data : "", b.len, m);
	mw_buf_free(&b);
	return rc;
}
