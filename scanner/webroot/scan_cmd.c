/*
 * mailwarden scan [options] [PATH...]
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "scanner/webroot/scan.h"

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
		{ NULL, 0, NULL, 0 },
	};
	struct mw_scan_opts o;
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
	e = mw_scan_run(ctx, &o);
	mw_strlist_clear(&o.roots);
	mw_strlist_clear(&o.exclude);
	return e;
nomem:
	mw_strlist_clear(&o.roots);
	mw_strlist_clear(&o.exclude);
	return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
}
