/*
 * `mailwarden scan [options] [PATH...]`: the command line into a
 * struct mw_scan_opts (scanner/webroot/scan.h), then mw_scan_run().
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/limits.h"
#include "scanner/webroot/scan.h"

/* A --files-from list: 64 MiB of names is some 500,000 paths. */
#define MW_FILES_FROM_MAX	(64u << 20)

/* "16M", "512k", "1G" or bytes; 0 on error. */
static size_t parse_size(const char *v)
{
	unsigned long long n, mul = 1;
	char *end;

	if (*v < '0' || *v > '9')
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno)
		return 0;
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	default: break;
	}
	if (*end || n == 0 || n > (1ull << 34) / mul)
		return 0;
	return (size_t)(n * mul);
}

/*
 * Read the list of paths in name ("-" = standard input) into out: entries
 * separated by NUL when the list holds a NUL byte (find -print0), else by
 * newline; empty entries are skipped, a longer one than MW_MAX_PATH is an
 * error. Returns MW_OK, or an error with a message in ctx.
 */
static enum mw_err read_files_from(struct mw_ctx *ctx, const char *name,
				   struct mw_strlist *out)
{
	size_t len = 0, cap = 0, i, start;
	char *buf = NULL, *nb, sep;
	enum mw_err e = MW_OK;
	ssize_t n;
	int fd;

	fd = strcmp(name, "-") == 0 ? STDIN_FILENO : open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mw_fail(ctx, mw_err_from_errno(errno), "--files-from %s: %s",
			       name, strerror(errno));
	for (;;) {
		if (len == cap) {
			if (cap >= MW_FILES_FROM_MAX) {
				e = mw_fail(ctx, MW_ERR_LIMIT, "--files-from %s: longer "
					    "than %u bytes", name, MW_FILES_FROM_MAX);
				goto out;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				e = mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
				goto out;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = mw_fail(ctx, mw_err_from_errno(errno), "--files-from %s: %s",
				    name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	sep = len && memchr(buf, '\0', len) ? '\0' : '\n';
	for (i = start = 0; i <= len; i++) {
		if (i < len && buf[i] != sep)
			continue;
		if (i - start > MW_MAX_PATH) {
			e = mw_fail(ctx, MW_ERR_LIMIT, "--files-from %s: entry %zu bytes "
				    "long (at most %d)", name, i - start, MW_MAX_PATH);
			goto out;
		}
		if (i > start && mw_strlist_addn(out, buf + start, i - start)) {
			e = mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
			goto out;
		}
		start = i + 1;
	}
out:
	if (fd != STDIN_FILENO)
		close(fd);
	free(buf);
	return e;
}

enum mw_err mw_cmd_scan(struct mw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quarantine", no_argument, NULL, 'q' },
		{ "incremental", no_argument, NULL, 'i' },
		{ "exclude", required_argument, NULL, 'e' },
		{ "cross-filesystems", no_argument, NULL, 'x' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-file-size", required_argument, NULL, 'm' },
		{ "signatures", required_argument, NULL, 's' },
		{ "files-from", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct mw_scan_opts o;
	const char *files_from = NULL;
	enum mw_err e;
	char *end;
	unsigned long t;
	int c;

	memset(&o, 0, sizeof(o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'q': o.quarantine = 1; break;
		case 'i': o.incremental = 1; break;
		case 'x': o.cross_filesystems = 1; break;
		case 's': o.signatures = optarg; break;
		case 'f':
			if (files_from) {
				mw_strlist_clear(&o.exclude);
				return mw_usage(ctx, "--files-from given twice");
			}
			files_from = optarg;
			break;
		case 'e':
			if (mw_strlist_add(&o.exclude, optarg))
				goto nomem;
			break;
		case 't':
			errno = 0;
			t = strtoul(optarg, &end, 10);
			if (errno || *end || t == 0 || t > 64) {
				mw_strlist_clear(&o.exclude);
				return mw_usage(ctx, "--threads takes 1..64");
			}
			o.threads = (unsigned)t;
			break;
		case 'm':
			o.max_file_size = parse_size(optarg);
			if (!o.max_file_size) {
				mw_strlist_clear(&o.exclude);
				return mw_usage(ctx, "--max-file-size takes a size like 16M");
			}
			break;
		default:
			mw_strlist_clear(&o.exclude);
			return mw_usage(ctx, "unknown option or missing value: %s",
					argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++)
		if (mw_strlist_add(&o.roots, argv[optind]))
			goto nomem;
	o.noperands = o.roots.n;
	if (files_from) {
		o.files_from = files_from;
		e = read_files_from(ctx, files_from, &o.roots);
		if (e) {
			mw_strlist_clear(&o.roots);
			mw_strlist_clear(&o.exclude);
			return e;
		}
	}
	o.explicit_roots = o.roots.n > 0 || files_from;
	e = mw_scan_run(ctx, &o, ctx->report);
	mw_strlist_clear(&o.roots);
	mw_strlist_clear(&o.exclude);
	return e;
nomem:
	mw_strlist_clear(&o.roots);
	mw_strlist_clear(&o.exclude);
	return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
}
