/*
 * Rule-file parser (format: signatures/README.md). Line based, one stanza
 * per rule; a syntax error is reported as "file: line N: message" and the
 * parser resynchronises at the next "rule" or "end" line.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/safefile.h"
#include "signatures/sig.h"

void mw_sig_set_init(struct mw_sig_set *s)
{
	memset(s, 0, sizeof(*s));
}

static void rule_free(struct mw_sig_rule *r)
{
	unsigned i;

	free(r->id);
	free(r->family);
	free(r->description);
	free(r->remediation);
	free(r->condition);
	free(r->file);
	mw_strlist_clear(&r->literals);
	mw_strlist_clear(&r->positives);
	mw_strlist_clear(&r->negatives);
	for (i = 0; i < r->npatterns; i++) {
		free(r->patterns[i].name);
		free(r->patterns[i].regex);
	}
	free(r->patterns);
	free(r->cond);
}

void mw_sig_set_free(struct mw_sig_set *s)
{
	size_t i;

	for (i = 0; i < s->nrules; i++)
		rule_free(&s->rules[i]);
	free(s->rules);
	for (i = 0; i < s->nerrors; i++) {
		free(s->errors[i].file);
		free(s->errors[i].text);
	}
	free(s->errors);
	memset(s, 0, sizeof(*s));
}

void mw_sig_set_error(struct mw_sig_set *s, const char *file,
		      unsigned long line, const char *fmt, ...)
{
	struct mw_sig_msg *m;
	char msg[1024];
	va_list ap;

	if (s->nerrors >= MW_SIG_MAX_ERRORS) {
		s->errors_dropped++;
		return;
	}
	if (s->nerrors == s->errors_alloc) {
		size_t na = s->errors_alloc ? s->errors_alloc * 2 : 16;
		struct mw_sig_msg *nm = realloc(s->errors, na * sizeof(*nm));

		if (!nm) {
			s->errors_dropped++;
			return;
		}
		s->errors = nm;
		s->errors_alloc = na;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	m = &s->errors[s->nerrors];
	m->file = strdup(file ? file : "?");
	m->text = strdup(msg);
	m->line = line;
	if (!m->file || !m->text) {
		free(m->file);
		free(m->text);
		s->errors_dropped++;
		return;
	}
	s->nerrors++;
}

struct parser {
	struct mw_sig_set *set;
	const char *name;
	unsigned long line;
	struct mw_sig_rule *cur;	/* open stanza, NULL outside */
	int oom;
};

static void perr(struct parser *p, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, unsigned long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mw_sig_set_error(p->set, p->name, line, "%s", msg);
	if (p->cur)
		p->cur->broken = 1;
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Cut a trailing " # comment" and trailing blanks; returns new length. */
static size_t strip_comment(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == '#' && (i == 0 || is_blank((unsigned char)v[i - 1]))) {
			n = i;
			break;
		}
	while (n > 0 && is_blank((unsigned char)v[n - 1]))
		n--;
	return n;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Literal values may write any byte as \xNN and a backslash as \\; other
 * backslashes are kept as they are (so "\n" in PHP source stays two bytes).
 * Returns the decoded length or -1 on a bad \x escape.
 */
static long decode_literal(const char *v, size_t n, char *out)
{
	size_t i, o = 0;
	int h, l;

	for (i = 0; i < n; i++) {
		if (v[i] == '\\' && i + 1 < n && v[i + 1] == '\\') {
			out[o++] = '\\';
			i++;
		} else if (v[i] == '\\' && i + 1 < n && v[i + 1] == 'x') {
			if (i + 3 >= n)
				return -1;
			h = hexval((unsigned char)v[i + 2]);
			l = hexval((unsigned char)v[i + 3]);
			if (h < 0 || l < 0)
				return -1;
			out[o++] = (char)(h << 4 | l);
			i += 3;
		} else {
			out[o++] = v[i];
		}
	}
	return (long)o;
}

static struct mw_sig_rule *new_rule(struct parser *p)
{
	struct mw_sig_set *s = p->set;

	if (s->nrules == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 32;
		struct mw_sig_rule *nr = realloc(s->rules, na * sizeof(*nr));

		if (!nr)
			return NULL;
		s->rules = nr;
		s->alloc = na;
	}
	memset(&s->rules[s->nrules], 0, sizeof(s->rules[0]));
	return &s->rules[s->nrules++];
}

static int valid_name_char(int c, int first)
{
	if (c >= 'a' && c <= 'z')
		return 1;
	if (first)
		return 0;
	return (c >= '0' && c <= '9') || c == '_';
}

/*
 * "NAME [raw|norm] /REGEX/FLAGS [# comment]". The regex ends at the first
 * '/' that is neither escaped nor inside a character class. The view word
 * says which text the regex is matched against: the file's bytes (raw,
 * the default) or its normalised view (norm, README.md).
 */
static void parse_pattern(struct parser *p, const char *v, size_t n)
{
	struct mw_sig_rule *r = p->cur;
	struct mw_sig_pattern *pat, *np;
	size_t i = 0, ns, ne, rs, re;
	unsigned flags = 0;
	int in_class = 0, view = MW_SIG_VIEW_RAW;

	ns = i;
	while (i < n && valid_name_char((unsigned char)v[i], i == ns))
		i++;
	ne = i;
	if (ne == ns || (i < n && !is_blank((unsigned char)v[i]))) {
		perr(p, p->line, "pattern: expected NAME /REGEX/FLAGS (NAME is [a-z][a-z0-9_]*)");
		return;
	}
	while (i < n && is_blank((unsigned char)v[i]))
		i++;
	if (i < n && v[i] != '/') {
		size_t ws = i;

		while (i < n && !is_blank((unsigned char)v[i]) && v[i] != '/')
			i++;
		if (i - ws == 4 && memcmp(v + ws, "norm", 4) == 0)
			view = MW_SIG_VIEW_NORM;
		else if (!(i - ws == 3 && memcmp(v + ws, "raw", 3) == 0)) {
			perr(p, p->line, "pattern %.*s: unknown view '%.*s' (raw or norm)",
			     (int)(ne - ns), v + ns, (int)(i - ws), v + ws);
			return;
		}
		if (i >= n || !is_blank((unsigned char)v[i])) {
			perr(p, p->line, "pattern %.*s: expected a blank after the view",
			     (int)(ne - ns), v + ns);
			return;
		}
		while (i < n && is_blank((unsigned char)v[i]))
			i++;
	}
	if (i >= n || v[i] != '/') {
		perr(p, p->line, "pattern %.*s: regex must be written /REGEX/FLAGS",
		     (int)(ne - ns), v + ns);
		return;
	}
	rs = ++i;
	for (; i < n; i++) {
		if (v[i] == '\\') {
			i++;
			continue;
		}
		if (in_class) {
			if (v[i] == ']')
				in_class = 0;
			continue;
		}
		if (v[i] == '[') {
			in_class = 1;
			/* "[]" and "[^]" start with a literal ']' */
			if (i + 1 < n && v[i + 1] == '^')
				i++;
			if (i + 1 < n && v[i + 1] == ']')
				i++;
			continue;
		}
		if (v[i] == '/')
			break;
	}
	if (i >= n) {
		perr(p, p->line, "pattern %.*s: unterminated /REGEX/",
		     (int)(ne - ns), v + ns);
		return;
	}
	re = i++;
	if (re == rs) {
		perr(p, p->line, "pattern %.*s: empty regex", (int)(ne - ns), v + ns);
		return;
	}
	for (; i < n && !is_blank((unsigned char)v[i]); i++) {
		switch (v[i]) {
		case 'i': flags |= MW_SIG_F_CASELESS; break;
		case 's': flags |= MW_SIG_F_DOTALL; break;
		case 'm': flags |= MW_SIG_F_MULTILINE; break;
		case 'x': flags |= MW_SIG_F_EXTENDED; break;
		default:
			perr(p, p->line, "pattern %.*s: unknown flag '%c' (i s m x)",
			     (int)(ne - ns), v + ns, v[i]);
			return;
		}
	}
	while (i < n && is_blank((unsigned char)v[i]))
		i++;
	if (i < n && v[i] != '#') {
		perr(p, p->line, "pattern %.*s: unexpected text after /REGEX/FLAGS",
		     (int)(ne - ns), v + ns);
		return;
	}
	if (r->npatterns >= MW_SIG_MAX_PATTERNS) {
		perr(p, p->line, "more than %d patterns in one rule", MW_SIG_MAX_PATTERNS);
		return;
	}
	np = realloc(r->patterns, (r->npatterns + 1) * sizeof(*np));
	if (!np) {
		p->oom = 1;
		return;
	}
	r->patterns = np;
	pat = &r->patterns[r->npatterns];
	memset(pat, 0, sizeof(*pat));
	pat->name = strndup(v + ns, ne - ns);
	pat->regex = strndup(v + rs, re - rs);
	pat->flags = flags;
	pat->view = view;
	pat->line = (unsigned)p->line;
	if (!pat->name || !pat->regex) {
		free(pat->name);
		free(pat->regex);
		p->oom = 1;
		return;
	}
	for (i = 0; i < r->npatterns; i++)
		if (strcmp(r->patterns[i].name, pat->name) == 0) {
			perr(p, p->line, "pattern name '%s' used twice", pat->name);
			break;
		}
	r->npatterns++;
}

static void set_single(struct parser *p, char **field, const char *key,
		       const char *v, size_t n)
{
	if (*field) {
		perr(p, p->line, "%s given twice", key);
		return;
	}
	if (n == 0) {
		perr(p, p->line, "%s: empty value", key);
		return;
	}
	*field = strndup(v, n);
	if (!*field)
		p->oom = 1;
}

static void add_multi(struct parser *p, struct mw_strlist *l, const char *key,
		      const char *v, size_t n, size_t max)
{
	if (n == 0) {
		perr(p, p->line, "%s: empty value", key);
		return;
	}
	if (l->n >= max) {
		perr(p, p->line, "more than %zu %s entries", max, key);
		return;
	}
	if (mw_strlist_addn(l, v, n))
		p->oom = 1;
}

static void parse_key(struct parser *p, const char *key, size_t klen,
		      const char *v, size_t n)
{
	struct mw_sig_rule *r = p->cur;
	char *tmp;
	long dl;
	int sev;

#define KEY(s) (klen == sizeof(s) - 1 && memcmp(key, s, klen) == 0)
	if (KEY("pattern")) {
		parse_pattern(p, v, n);
		return;
	}
	n = strip_comment(v, n);
	if (KEY("family")) {
		set_single(p, &r->family, "family", v, n);
	} else if (KEY("description")) {
		set_single(p, &r->description, "description", v, n);
	} else if (KEY("remediation")) {
		set_single(p, &r->remediation, "remediation", v, n);
	} else if (KEY("condition")) {
		set_single(p, &r->condition, "condition", v, n);
	} else if (KEY("severity")) {
		tmp = strndup(v, n);
		if (!tmp) {
			p->oom = 1;
			return;
		}
		sev = mw_severity_parse(tmp);
		free(tmp);
		if (r->has_severity)
			perr(p, p->line, "severity given twice");
		else if (sev < 0)
			perr(p, p->line, "severity: '%.*s' is not info, low, medium, high or critical",
			     (int)n, v);
		else {
			r->severity = (enum mw_severity)sev;
			r->has_severity = 1;
		}
	} else if (KEY("cause")) {
		if (r->cause != MW_CAUSE_NONE)
			perr(p, p->line, "cause given twice");
		else if ((r->cause = mw_sig_cause_parse(v, n)) == MW_CAUSE_NONE)
			perr(p, p->line, "cause: '%.*s' is not webshell, web-mailer or "
			     "web-malware", (int)n, v);
	} else if (KEY("literal")) {
		tmp = malloc(n + 1);
		if (!tmp) {
			p->oom = 1;
			return;
		}
		dl = decode_literal(v, n, tmp);
		if (dl < 0)
			perr(p, p->line, "literal: bad \\x escape (use \\xNN)");
		else
			add_multi(p, &r->literals, "literal", tmp, (size_t)dl,
				  MW_SIG_MAX_LITERALS);
		free(tmp);
	} else if (KEY("positive")) {
		add_multi(p, &r->positives, "positive", v, n, MW_SIG_MAX_SAMPLES);
	} else if (KEY("negative")) {
		add_multi(p, &r->negatives, "negative", v, n, MW_SIG_MAX_SAMPLES);
	} else if (KEY("reference")) {
		/* documentation only */
	} else {
		perr(p, p->line, "unknown key '%.*s'", (int)klen, key);
	}
#undef KEY
}

/* The causes a rule may give: those of a file in a web root. */
static int is_web_cause(enum mw_cause c)
{
	return c == MW_CAUSE_WEBSHELL || c == MW_CAUSE_WEB_MAILER || c == MW_CAUSE_WEB_MALWARE;
}

enum mw_cause mw_sig_cause_parse(const char *name, size_t n)
{
	enum mw_cause c = mw_cause_parse(name, n);

	return is_web_cause(c) ? c : MW_CAUSE_NONE;
}

/* The documented family prefixes (signatures/README.md), not rule ids. */
enum mw_cause mw_sig_family_cause(const char *family)
{
	if (family && strncmp(family, "webshell/", 9) == 0)
		return MW_CAUSE_WEBSHELL;
	if (family && strncmp(family, "mailer/", 7) == 0)
		return MW_CAUSE_WEB_MAILER;
	return MW_CAUSE_WEB_MALWARE;
}

static void close_rule(struct parser *p)
{
	p->cur = NULL;
}

static void parse_line(struct parser *p, const char *l, size_t n)
{
	size_t i = 0, ks, ke;

	while (i < n && is_blank((unsigned char)l[i]))
		i++;
	if (i == n || l[i] == '#')
		return;
	ks = i;
	while (i < n && !is_blank((unsigned char)l[i]) && l[i] != ':')
		i++;
	ke = i;
	if (ke - ks == 4 && memcmp(l + ks, "rule", 4) == 0 &&
	    (i == n || is_blank((unsigned char)l[i]))) {
		size_t is, ie;

		if (p->cur) {
			perr(p, p->line, "rule %s: missing 'end' before next rule",
			     p->cur->id ? p->cur->id : "?");
			close_rule(p);
		}
		while (i < n && is_blank((unsigned char)l[i]))
			i++;
		is = i;
		while (i < n && !is_blank((unsigned char)l[i]))
			i++;
		ie = i;
		p->cur = new_rule(p);
		if (!p->cur) {
			p->oom = 1;
			return;
		}
		p->cur->line = (unsigned)p->line;
		p->cur->file = strdup(p->name);
		if (!p->cur->file)
			p->oom = 1;
		if (ie == is) {
			perr(p, p->line, "rule without an id");
		} else {
			p->cur->id = strndup(l + is, ie - is);
			if (!p->cur->id)
				p->oom = 1;
		}
		n = strip_comment(l + i, n - i) + i;
		while (i < n && is_blank((unsigned char)l[i]))
			i++;
		if (i < n)
			perr(p, p->line, "unexpected text after rule id");
		return;
	}
	if (ke - ks == 3 && memcmp(l + ks, "end", 3) == 0 &&
	    strip_comment(l + ke, n - ke) == 0) {
		if (!p->cur)
			perr(p, p->line, "'end' without 'rule'");
		close_rule(p);
		return;
	}
	if (!p->cur) {
		perr(p, p->line, "text outside a rule stanza (expected 'rule ID')");
		return;
	}
	if (i >= n || l[i] != ':' || ke == ks) {
		perr(p, p->line, "expected 'key: value'");
		return;
	}
	i++;
	while (i < n && is_blank((unsigned char)l[i]))
		i++;
	while (n > i && is_blank((unsigned char)l[n - 1]))
		n--;
	parse_key(p, l + ks, ke - ks, l + i, n - i);
}

enum mw_err mw_sig_parse(struct mw_sig_set *s, const char *name,
			 const char *text, size_t len)
{
	struct parser p;
	struct mw_lines it;
	const char *l;
	size_t n;
	int overlong;

	memset(&p, 0, sizeof(p));
	p.set = s;
	p.name = name;
	mw_lines_init(&it, text, len, MW_SIG_MAX_VALUE);
	while (!p.oom && mw_lines_next(&it, &l, &n, &overlong)) {
		p.line = it.lineno;
		if (overlong) {
			perr(&p, p.line, "line longer than %d bytes", MW_SIG_MAX_VALUE);
			continue;
		}
		if (memchr(l, '\0', n)) {
			perr(&p, p.line, "NUL byte in rule file");
			continue;
		}
		if (s->nrules >= MW_SIG_MAX_RULES && !p.cur) {
			perr(&p, p.line, "more than %d rules", MW_SIG_MAX_RULES);
			break;
		}
		parse_line(&p, l, n);
	}
	if (!p.oom && p.cur) {
		perr(&p, p.cur->line, "rule %s: missing 'end'",
		     p.cur->id ? p.cur->id : "?");
		close_rule(&p);
	}
	return p.oom ? MW_ERR_NOMEM : MW_OK;
}
