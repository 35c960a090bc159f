/* User crontab parser (/var/spool/cron/crontabs/USER): tamper_parse.h. */
#include <string.h>

#include "core/safefile.h"
#include "scanner/tamper/tamper_parse.h"

static int is_name_byte(char c, int first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* [s, e) trimmed into dst (cap bytes, NUL); quotes around it removed when
 * strip_quotes and it is one quoted word, as cron does for values. */
/* Length of an environment name followed by blanks and "=", else 0. */
static size_t env_name(const char *s, const char *e)
{
	const char *p = s;

	if (p == e || !is_name_byte(*p, 1))
		return 0;
	while (p < e && is_name_byte(*p, 0))
		p++;
	{
		const char *q = p;

		while (q < e && mw_blank(*q))
			q++;
		return q < e && *q == '=' ? (size_t)(p - s) : 0;
	}
}

void mw_cron_parse(const char *buf, size_t len, mw_cron_fn fn, void *ud,
		   struct mw_tamper_parse_stats *stats)
{
	char sched[256], cmd[MW_TAMPER_MAX_LINE + 1];
	struct mw_tamper_parse_stats dummy;
	struct mw_lines it;
	const char *line, *e, *p;
	size_t nl;
	int overlong;

	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	mw_lines_init(&it, buf, len, MW_TAMPER_MAX_LINE);
	while (mw_lines_next_trimmed(&it, &line, &e, &overlong)) {
		struct mw_cron_entry ent;

		if (overlong)
			mw_tamper_problem(stats, it.lineno, "line too long: cut");
		if (line == e || *line == '#')
			continue;
		memset(&ent, 0, sizeof(ent));
		if ((nl = env_name(line, e)) != 0) {
			ent.is_env = 1;
			mw_trim_copy(sched, sizeof(sched), line, line + nl, 0);
			mw_trim_copy(cmd, sizeof(cmd),
					    memchr(line, '=', (size_t)(e - line)) + 1,
				  e, 1);
		} else {
			int fields = *line == '@' ? 1 : 5, f;

			for (p = line, f = 0; f < fields; f++) {
				while (p < e && mw_blank(*p))
					p++;
				while (p < e && !mw_blank(*p))
					p++;
			}
			while (p < e && mw_blank(*p))
				p++;
			if (p == e) {
				mw_tamper_problem(stats, it.lineno, "job without a command");
				continue;
			}
			mw_trim_copy(sched, sizeof(sched), line, p, 0);
			mw_trim_copy(cmd, sizeof(cmd), p, e, 0);
		}
		if (stats->entries >= MW_TAMPER_MAX_ITEMS) {
			mw_tamper_problem(stats, it.lineno, "too many entries: rest not read");
			return;
		}
		stats->entries++;
		ent.line = it.lineno;
		ent.offset = (size_t)(line - buf);
		ent.schedule = sched;
		ent.command = cmd;
		if (fn(ud, &ent))
			return;
	}
}
