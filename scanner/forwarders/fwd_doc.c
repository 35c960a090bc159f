#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "scanner/forwarders/fwd.h"

/* Rule text kept for the report excerpt. */
#define FWD_MAX_RULE_TEXT MW_MAX_EXCERPT

void mw_fwd_doc_init(struct fwd_doc *d)
{
	memset(d, 0, sizeof(*d));
}

void mw_fwd_doc_free(struct fwd_doc *d)
{
	size_t i;

	for (i = 0; i < d->nfacts; i++) {
		free(d->facts[i].dest);
		free(d->facts[i].text);
		free(d->facts[i].key);
	}
	free(d->facts);
	for (i = 0; i < d->nerrs; i++)
		free(d->errs[i].msg);
	free(d->errs);
	free(d->hide_text);
	for (i = 0; i < d->nhides; i++)
		free(d->hides[i].text);
	mw_strlist_clear(&d->requires);
	mw_strlist_clear(&d->keys);
	mw_strlist_clear(&d->values);
	memset(d, 0, sizeof(*d));
}

struct fwd_fact *mw_fwd_add_fact(struct fwd_doc *d, enum fwd_kind kind,
			      const char *dest, size_t dlen,
			      const char *text, size_t tlen,
			      unsigned long line)
{
	struct fwd_fact *f;

	if (d->nfacts >= FWD_MAX_FACTS) {
		d->truncated = 1;
		return NULL;
	}
	if (d->nfacts == d->afacts) {
		size_t na = d->afacts ? d->afacts * 2 : 16;
		struct fwd_fact *nf = realloc(d->facts, na * sizeof(*nf));

		if (!nf)
			return NULL;
		d->facts = nf;
		d->afacts = na;
	}
	if (dlen > FWD_MAX_DEST)
		dlen = FWD_MAX_DEST;
	if (tlen > FWD_MAX_RULE_TEXT)
		tlen = FWD_MAX_RULE_TEXT;
	f = &d->facts[d->nfacts];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->line = line;
	f->rule = d->cur_rule;
	f->dest = strndup(dest ? dest : "", dest ? dlen : 0);
	f->text = strndup(text ? text : "", text ? tlen : 0);
	if (!f->dest || !f->text) {
		free(f->dest);
		free(f->text);
		return NULL;
	}
	d->nfacts++;
	return f;
}

void mw_fwd_add_error(struct fwd_doc *d, unsigned long line, const char *fmt, ...)
{
	struct fwd_perr *ne;
	char msg[256];
	va_list ap;

	if (d->nerrs >= FWD_MAX_ERRORS) {
		d->dropped_errs++;
		return;
	}
	if (d->nerrs == d->aerrs) {
		size_t na = d->aerrs ? d->aerrs * 2 : 4;

		ne = realloc(d->errs, na * sizeof(*ne));
		if (!ne)
			return;
		d->errs = ne;
		d->aerrs = na;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->errs[d->nerrs].line = line;
	d->errs[d->nerrs].msg = strdup(msg);
	if (d->errs[d->nerrs].msg)
		d->nerrs++;
}

static void add_hide(struct fwd_doc *d, unsigned long line, const char *text,
		     size_t tlen, long fact)
{
	struct fwd_hide *h;

	if (d->nhides >= FWD_MAX_HIDES)
		return;
	h = &d->hides[d->nhides];
	h->text = strndup(text ? text : "", text ? tlen : 0);
	if (!h->text)
		return;
	h->rule = d->cur_rule;
	h->line = line ? line : 1;
	h->fact = fact;
	d->nhides++;
}

void mw_fwd_set_hide(struct fwd_doc *d, unsigned long line, const char *text,
		  size_t tlen)
{
	if (tlen > FWD_MAX_RULE_TEXT)
		tlen = FWD_MAX_RULE_TEXT;
	add_hide(d, line, text, tlen, -1);
	if (d->hide_line)
		return;
	d->hide_line = line ? line : 1;
	d->hide_text = strndup(text ? text : "", text ? tlen : 0);
}

void mw_fwd_set_hide_by(struct fwd_doc *d, const struct fwd_fact *f)
{
	add_hide(d, f->line, f->text, strlen(f->text), (long)(f - d->facts));
}

unsigned mw_fwd_rule_begin(struct fwd_doc *d)
{
	unsigned outer = d->cur_rule;

	d->cur_rule = ++d->last_rule;
	return outer;
}

void mw_fwd_rule_end(struct fwd_doc *d, unsigned outer)
{
	d->cur_rule = outer;
}

const struct fwd_hide *mw_fwd_hide_for(const struct fwd_doc *d,
				    const struct fwd_fact *f)
{
	size_t i;

	for (i = 0; i < d->nhides; i++)
		if ((d->hides[i].rule == 0 || f->rule == 0 ||
		     d->hides[i].rule == f->rule) &&
		    d->hides[i].fact != (long)(f - d->facts))
			return &d->hides[i];
	return NULL;
}

/* Folder names that mean "the user will not look here". Matched on the
 * last path component with the Maildir++ "." and IMAP "INBOX." prefixes
 * and separators ignored. */
int mw_fwd_folder_is_trash(const char *name, size_t n)
{
	static const char *const trash[] = {
		"trash", "junk", "spam", "deleted", "deleted items",
		"deleted messages", "bin", "junk e-mail", "junk email",
		"bulk", "bulk mail", "papierkorb", "corbeille",
	};
	const char *p, *last;
	size_t i, ln;

	while (n && (name[n - 1] == '/' || name[n - 1] == ' '))
		n--;
	last = name;
	for (p = name; p < name + n; p++)
		if (*p == '/' || *p == '.')
			last = p + 1;
	ln = (size_t)(name + n - last);
	/* "Maildir/.Trash/" and "INBOX.Trash" leave "Trash"; "cur"/"new"
	 * would not be a folder name. */
	for (i = 0; i < sizeof(trash) / sizeof(trash[0]); i++)
		if (strlen(trash[i]) == ln && !strncasecmp(last, trash[i], ln))
			return 1;
	if (n == 9 && !strncmp(name, "/dev/null", 9))
		return 1;
	return 0;
}

int mw_fwd_cond_is_spam(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++) {
		if (!strncasecmp(s + i, "spam", 4))
			return 1;
		if (i + 5 <= n && !strncasecmp(s + i, "virus", 5))
			return 1;
	}
	return 0;
}

const char *mw_fwd_kind_name(enum fwd_kind k)
{
	switch (k) {
	case FWD_FORWARD: return "forward";
	case FWD_REDIRECT: return "redirect";
	case FWD_NOTIFY: return "notify";
	case FWD_PIPE: return "pipe";
	case FWD_FILE: return "file";
	case FWD_INCLUDE: return "include";
	}
	return "?";
}

const char *mw_fwd_doc_get(const struct fwd_doc *d, const char *key)
{
	size_t i = d->keys.n;

	while (i-- > 0)
		if (!strcmp(d->keys.v[i], key))
			return d->values.v[i];
	return NULL;
}

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int has_fact(const struct fwd_doc *d, enum fwd_kind kind,
		    const char *dest, size_t dlen)
{
	size_t i;

	for (i = 0; i < d->nfacts; i++)
		if (d->facts[i].kind == kind && strlen(d->facts[i].dest) == dlen &&
		    memcmp(d->facts[i].dest, dest, dlen) == 0)
			return 1;
	return 0;
}

size_t mw_fwd_scan_actions(struct fwd_doc *d, const char *text, size_t len,
			const char *verb, enum fwd_kind kind)
{
	size_t vl = strlen(verb), added = 0, i, ls, le, j, ds, dl;
	unsigned long line = 1;
	int copy;
	struct fwd_fact *f;

	for (ls = 0; ls < len; ls = le + 1, line++) {
		const char *nl = memchr(text + ls, '\n', len - ls);

		le = nl ? (size_t)(nl - text) : len;
		for (i = ls; i + vl <= le; i++) {
			if (strncasecmp(text + i, verb, vl) != 0 ||
			    (i > ls && word_char(text[i - 1])) ||
			    (i + vl < le && word_char(text[i + vl])))
				continue;
			copy = 0;
			/* "unseen deliver" (Exim): the original stays too */
			if (i >= ls + 7 && strncasecmp(text + i - 7, "unseen ", 7) == 0)
				copy = 1;
			j = i + vl;
			for (;;) {
				while (j < le && (text[j] == ' ' || text[j] == '\t'))
					j++;
				if (j < le && text[j] == ':') {
					ds = j;
					while (j < le && text[j] != ' ' && text[j] != '\t' &&
					       text[j] != '"')
						j++;
					if (j - ds == 5 && strncasecmp(text + ds, ":copy", 5) == 0)
						copy = 1;
					continue;
				}
				break;
			}
			if (j < le && text[j] == '"') {
				ds = ++j;
				while (j < le && text[j] != '"')
					j += text[j] == '\\' && j + 1 < le ? 2 : 1;
				dl = j - ds;
			} else {
				ds = j;
				while (j < le && text[j] != ' ' && text[j] != '\t' &&
				       text[j] != ';' && text[j] != '}' && text[j] != '#')
					j++;
				dl = j - ds;
			}
			if (dl == 0 || has_fact(d, kind, text + ds, dl))
				continue;
			f = mw_fwd_add_fact(d, kind, text + ds, dl, text + ls, le - ls, line);
			if (!f)
				return added;
			f->conditional = 1;
			f->copy = copy;
			added++;
			d->scanned_facts++;
		}
		if (!nl)
			break;
	}
	return added;
}
