#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "reports/writer.h"

const struct mw_writer *mw_writer_for(enum mw_format f)
{
	switch (f) {
	case MW_FMT_JSON:
		return &mw_writer_json;
	case MW_FMT_JSONL:
		return &mw_writer_jsonl;
	default:
		return &mw_writer_text;
	}
}

enum mw_err mw_report_write(struct mw_report *r, enum mw_format f, FILE *out,
			    const struct mw_write_opts *o)
{
	const struct mw_writer *w = mw_writer_for(f);

	errno = 0;
	if (w->write(out, r, o) < 0 || fflush(out) == EOF || ferror(out))
		return MW_ERR_IO;
	return MW_OK;
}

void mw_format_time(int64_t t, char *dst, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    strftime(dst, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(dst, len, "%lld", (long long)t);
}
