/*
 * aliases(5) and .forward lists. Formats covered:
 *   /etc/aliases        name: target, target     (continuation: leading blank)
 *   :include: files     target, target           (one list, many lines)
 *   ~/.forward          target, target / one per line
 *   cPanel valiases     local@domain: target     (":fail:", ":blackhole:")
 *   DirectAdmin aliases local: target
 * Targets: address, "quoted address", "|command", |command, /file,
 * :include:/path, \user (no further aliasing).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_util.h"

#define FWD_MAX_LOGICAL_LINE (MW_MAX_LINE * 4)

/* Classify one target token and add it as a fact. Returns 1 when the
 * token ends the list (":fail: text", ":defer: text", ":blackhole:"). */
static int add_target(struct fwd_doc *d, const char *key, size_t klen,
		       const char *t, size_t n, const char *text, size_t tlen,
		       unsigned long line)
{
	struct fwd_fact *f = NULL;
	enum fwd_kind kind = FWD_FORWARD;

	mw_fwd_trim(&t, &n);
	if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
		t++;
		n -= 2;
		mw_fwd_trim(&t, &n);
	}
	if (!n)
		return 0;
	if (n >= 9 && !strncasecmp(t, ":include:", 9)) {
		t += 9;
		n -= 9;
		mw_fwd_trim(&t, &n);
		kind = FWD_INCLUDE;
	} else if (t[0] == ':') {
		/* cPanel/Exim ":fail:", ":blackhole:", ":defer:" drop mail */
		if (n >= 11 && !strncasecmp(t, ":blackhole:", 11))
			mw_fwd_set_hide(d, line, text, tlen);
		return 1;
	} else if (t[0] == '|') {
		t++;
		n--;
		mw_fwd_trim(&t, &n);
		kind = FWD_PIPE;
	} else if (t[0] == '/') {
		kind = FWD_FILE;
		if (mw_fwd_folder_is_trash(t, n))
			mw_fwd_set_hide(d, line, text, tlen);
	} else if (t[0] == '\\') {
		t++;
		n--;
	}
	if (!n)
		return 0;
	f = mw_fwd_add_fact(d, kind, t, n, text, tlen, line);
	if (f && key && klen)
		f->key = strndup(key, klen);
	return 0;
}


/*
 * s[i] is an opening '"': the index just past its closing quote (a
 * backslash escapes the next byte), or n + 1 when the quote is unterminated.
 */
static size_t skip_quoted(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\' && i + 1 < n)
			i++;
	return i < n ? i + 1 : n + 1;
}

/*
 * Split a target list on commas (and, outside quotes and pipes, blanks).
 * A "|command" token runs to the next comma: Postfix and sendmail both
 * accept unquoted commands with arguments in .forward files.
 */
static void split_targets(struct fwd_doc *d, const char *key, size_t klen,
			  const char *s, size_t n, const char *text,
			  size_t tlen, unsigned long line)
{
	size_t i = 0, start;

	while (i < n) {
		while (i < n && (s[i] == ',' || fwd_isblank(s[i])))
			i++;
		if (i >= n)
			break;
		start = i;
		if (s[i] == '"') {
			i = skip_quoted(s, n, i);
			if (i > n) {
				mw_fwd_add_error(d, line, "unterminated quote");
				return;
			}
			/* "user name"@domain */
			while (i < n && s[i] != ',' && !fwd_isblank(s[i]))
				i++;
		} else if (s[i] == '|' ||
			   (n - i >= 9 && !strncasecmp(s + i, ":include:", 9))) {
			while (i < n && s[i] != ',')
				i++;
		} else {
			while (i < n && s[i] != ',' && !fwd_isblank(s[i]))
				i++;
		}
		if (add_target(d, key, klen, s + start, i - start, text, tlen,
			       line))
			return;
	}
}

enum mw_err mw_fwd_for_logical_lines(struct fwd_doc *d, const char *text,
				  size_t len, fwd_logical_cb cb)
{
	struct mw_lines it;
	struct mw_buf lb;
	const char *l;
	size_t n;
	int overlong;
	unsigned long first = 0;

	mw_buf_init(&lb, FWD_MAX_LOGICAL_LINE);
	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next(&it, &l, &n, &overlong)) {
		if (overlong)
			mw_fwd_add_error(d, it.lineno, "line longer than %d bytes",
				      MW_MAX_LINE);
		if (memchr(l, '\0', n)) {
			mw_fwd_add_error(d, it.lineno, "NUL byte in line");
			continue;
		}
		if (n && l[0] == '#')
			continue;
		if (n && fwd_isblank(l[0])) {
			const char *t = l;
			size_t tn = n;

			mw_fwd_trim(&t, &tn);
			if (!tn || t[0] == '#')
				continue;
			if (!first) {
				/* continuation without a start: treat as a
				 * line of its own (a .forward may indent) */
				first = it.lineno;
			} else if (mw_buf_putc(&lb, ' ')) {
				mw_fwd_add_error(d, first, "entry too long");
				continue;
			}
			if (mw_buf_append(&lb, t, tn))
				mw_fwd_add_error(d, first, "entry too long");
			continue;
		}
		if (first && lb.len)
			cb(d, lb.data, lb.len, first);
		mw_buf_reset(&lb);
		first = 0;
		if (!n)
			continue;
		first = it.lineno;
		if (mw_buf_append(&lb, l, n))
			mw_fwd_add_error(d, first, "entry too long");
	}
	if (first && lb.len)
		cb(d, lb.data, lb.len, first);
	mw_buf_free(&lb);
	return MW_OK;
}

static void alias_entry_rule(struct fwd_doc *d, const char *s, size_t n,
			     unsigned long line);

/* Every entry is a rule of its own: "devnull: /dev/null" hides nothing
 * but its own mail, "bob: x@ext, /dev/null" hides bob's forward. */
static void alias_entry(struct fwd_doc *d, const char *s, size_t n,
			unsigned long line)
{
	unsigned outer = mw_fwd_rule_begin(d);

	alias_entry_rule(d, s, n, line);
	mw_fwd_rule_end(d, outer);
}

static void alias_entry_rule(struct fwd_doc *d, const char *s, size_t n,
			     unsigned long line)
{
	size_t i = 0, kstart, kend;

	while (i < n && fwd_isblank(s[i]))
		i++;
	kstart = i;
	if (i < n && s[i] == '"') {
		i = skip_quoted(s, n, i);
		if (i > n) {
			mw_fwd_add_error(d, line, "unterminated quote in alias name");
			return;
		}
		kend = i;
		while (i < n && fwd_isblank(s[i]))
			i++;
		if (i >= n || s[i] != ':') {
			mw_fwd_add_error(d, line, "missing ':' after alias name");
			return;
		}
	} else {
		while (i < n && s[i] != ':' && !fwd_isblank(s[i]))
			i++;
		kend = i;
		while (i < n && fwd_isblank(s[i]))
			i++;
		if (i >= n || s[i] != ':') {
			mw_fwd_add_error(d, line, "missing ':' after alias name");
			return;
		}
	}
	if (kend == kstart) {
		mw_fwd_add_error(d, line, "empty alias name");
		return;
	}
	i++;
	if (i >= n || !s[i]) {
		mw_fwd_add_error(d, line, "alias without a target");
		return;
	}
	{
		const char *k = s + kstart;
		size_t kl = kend - kstart;

		if (kl >= 2 && k[0] == '"' && k[kl - 1] == '"') {
			k++;
			kl -= 2;
		}
		split_targets(d, k, kl, s + i, n - i, s, n, line);
	}
}

enum mw_err mw_fwd_parse_aliases(struct fwd_doc *d, const char *text, size_t len)
{
	return mw_fwd_for_logical_lines(d, text, len, alias_entry);
}

static void forward_entry(struct fwd_doc *d, const char *s, size_t n,
			  unsigned long line)
{
	split_targets(d, NULL, 0, s, n, s, n, line);
}

enum mw_err mw_fwd_parse_forward(struct fwd_doc *d, const char *text, size_t len)
{
	return mw_fwd_for_logical_lines(d, text, len, forward_entry);
}

static void virtual_entry(struct fwd_doc *d, const char *s, size_t n,
			  unsigned long line)
{
	size_t i = 0, kstart;
	unsigned outer;

	kstart = i;
	while (i < n && !fwd_isblank(s[i]))
		i++;
	if (i >= n) {
		mw_fwd_add_error(d, line, "table entry without a value");
		return;
	}
	outer = mw_fwd_rule_begin(d);
	split_targets(d, s + kstart, i - kstart, s + i, n - i, s, n, line);
	mw_fwd_rule_end(d, outer);
}

enum mw_err mw_fwd_parse_virtual(struct fwd_doc *d, const char *text, size_t len)
{
	return mw_fwd_for_logical_lines(d, text, len, virtual_entry);
}

/*
 * regexp(5)/pcre(5): "/pattern/flags result", "if /pattern/", "endif".
 * The pattern is never compiled or run: the table is only listed.
 */
static void regexp_entry(struct fwd_doc *d, const char *s, size_t n,
			 unsigned long line)
{
	size_t i = 0, pstart;
	char delim;
	size_t before;
	unsigned outer;

	while (i < n && fwd_isblank(s[i]))
		i++;
	if (n - i >= 5 && !strncasecmp(s + i, "endif", 5))
		return;
	if (n - i >= 2 && !strncasecmp(s + i, "if", 2) &&
	    (n - i == 2 || fwd_isblank(s[i + 2]) || s[i + 2] == '!'))
		return;
	if (i < n && s[i] == '!')
		i++;
	if (i >= n) {
		mw_fwd_add_error(d, line, "empty table entry");
		return;
	}
	delim = s[i];
	if (delim != '/' && delim != '{') {
		mw_fwd_add_error(d, line, "table entry does not start with a pattern");
		return;
	}
	pstart = i;
	i++;
	if (delim == '{')
		delim = '}';
	while (i < n && s[i] != delim) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		i++;
	}
	if (i >= n) {
		mw_fwd_add_error(d, line, "unterminated pattern");
		return;
	}
	i++;
	while (i < n && !fwd_isblank(s[i]))
		i++;		/* flags */
	before = d->nfacts;
	outer = mw_fwd_rule_begin(d);
	split_targets(d, s + pstart, i - pstart, s + i, n - i, s, n, line);
	mw_fwd_rule_end(d, outer);
	for (; before < d->nfacts; before++)
		d->facts[before].pattern = 1;
}

enum mw_err mw_fwd_parse_regexp_table(struct fwd_doc *d, const char *text,
				   size_t len)
{
	return mw_fwd_for_logical_lines(d, text, len, regexp_entry);
}
