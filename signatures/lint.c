/*
 * The rule linter: a rule that lacks a required key, names an unknown
 * pattern, has a regex PCRE2 refuses or a literal too weak for a prefilter
 * is refused with "file: line N: message" and left out of the matcher.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signatures/sig.h"

static void lerr(struct mw_sig_set *s, struct mw_sig_rule *r, unsigned line,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void lerr(struct mw_sig_set *s, struct mw_sig_rule *r, unsigned line,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	r->broken = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mw_sig_set_error(s, r->file, line, "rule %s: %s", r->id ? r->id : "?", msg);
}

static int id_is_valid(const char *id)
{
	const char *p;
	int dot = 0;

	if (!(id[0] >= 'a' && id[0] <= 'z'))
		return 0;
	for (p = id; *p; p++) {
		if (*p == '.')
			dot = 1;
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			   *p == '-'))
			return 0;
	}
	return dot && p[-1] != '.' && !strstr(id, "..");
}

static int family_is_valid(const char *f)
{
	static const char *const kinds[] = {
		"mailer/", "webshell/", "dropper/", "obfuscation/", "backdoor/",
	};
	const char *p = NULL;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(f, kinds[i], strlen(kinds[i])) == 0)
			p = f + strlen(kinds[i]);
	if (!p || !*p)
		return 0;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

/* A literal made of one PHP keyword is in nearly every PHP file: useless.
 * (eval and exec are not here: 34 and 51 per MB of the Debian PHP apps,
 * a usable gate for the rules about them.) */
static int literal_is_keyword(const char *l)
{
	static const char *const kw[] = {
		"echo", "function", "return", "array", "isset",
		"include", "require", "class", "public", "private", "protected",
		"static", "while", "foreach", "print", "global", "empty", "unset",
		"else", "elseif", "switch", "case", "break", "continue", "new",
		"null", "true", "false", "list", "<?php", "php",
	};
	size_t i;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strcasecmp(l, kw[i]) == 0)
			return 1;
	return 0;
}

static int sample_path_is_valid(const char *p)
{
	const char *c = p;

	if (*p == '/' || *p == '\0')
		return 0;
	while (*c) {
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0'))
			return 0;
		c = strchr(c, '/');
		if (!c)
			break;
		c++;
	}
	return 1;
}

uint32_t mw_sig_pcre2_options(unsigned flags)
{
	uint32_t o = 0;

	if (flags & MW_SIG_F_CASELESS)
		o |= PCRE2_CASELESS;
	if (flags & MW_SIG_F_DOTALL)
		o |= PCRE2_DOTALL;
	if (flags & MW_SIG_F_MULTILINE)
		o |= PCRE2_MULTILINE;
	if (flags & MW_SIG_F_EXTENDED)
		o |= PCRE2_EXTENDED;
	return o;
}

static void lint_rule(struct mw_sig_set *s, struct mw_sig_rule *r)
{
	char err[256];
	unsigned i;
	size_t j;

	if (!r->id)
		return;		/* parser reported it */
	if (!id_is_valid(r->id))
		lerr(s, r, r->line, "id must be lowercase family.name (letters, digits, '.', '-')");
	if (!r->family)
		lerr(s, r, r->line, "missing family");
	else if (!family_is_valid(r->family))
		lerr(s, r, r->line, "family '%s' must be mailer/, webshell/, dropper/, "
		     "obfuscation/ or backdoor/ followed by a style", r->family);
	if (r->cause == MW_CAUSE_NONE)
		r->cause = mw_sig_family_cause(r->family);
	if (!r->has_severity)
		lerr(s, r, r->line, "missing severity");
	if (!r->description)
		lerr(s, r, r->line, "missing description");
	if (r->literals.n == 0)
		lerr(s, r, r->line, "missing literal (a rare string every match contains)");
	for (j = 0; j < r->literals.n; j++) {
		if (strlen(r->literals.v[j]) < MW_SIG_MIN_LITERAL)
			lerr(s, r, r->line, "literal '%s' shorter than %d bytes",
			     r->literals.v[j], MW_SIG_MIN_LITERAL);
		else if (literal_is_keyword(r->literals.v[j]))
			lerr(s, r, r->line, "literal '%s' is a bare PHP keyword",
			     r->literals.v[j]);
	}
	if (r->npatterns == 0)
		lerr(s, r, r->line, "missing pattern");
	for (i = 0; i < r->npatterns; i++) {
		pcre2_code *code;
		int ec;
		PCRE2_SIZE off;

		code = pcre2_compile((PCRE2_SPTR)r->patterns[i].regex,
				     PCRE2_ZERO_TERMINATED,
				     mw_sig_pcre2_options(r->patterns[i].flags),
				     &ec, &off, NULL);
		if (!code) {
			pcre2_get_error_message(ec, (PCRE2_UCHAR *)err, sizeof(err));
			lerr(s, r, r->patterns[i].line, "pattern %s: %s at offset %zu",
			     r->patterns[i].name, err, (size_t)off);
		}
		pcre2_code_free(code);
	}
	if (r->positives.n == 0)
		lerr(s, r, r->line, "missing positive sample");
	if (r->negatives.n == 0)
		lerr(s, r, r->line, "missing negative sample");
	for (j = 0; j < r->positives.n; j++)
		if (!sample_path_is_valid(r->positives.v[j]))
			lerr(s, r, r->line, "positive '%s' must be a relative path without '..'",
			     r->positives.v[j]);
	for (j = 0; j < r->negatives.n; j++)
		if (!sample_path_is_valid(r->negatives.v[j]))
			lerr(s, r, r->line, "negative '%s' must be a relative path without '..'",
			     r->negatives.v[j]);
	if (r->npatterns > 0) {
		if (mw_cond_compile(r, r->condition, err, sizeof(err)) != MW_OK)
			lerr(s, r, r->line, "%s", err);
	}
}

size_t mw_sig_lint(struct mw_sig_set *s)
{
	size_t i, k, broken = 0;

	for (i = 0; i < s->nrules; i++) {
		struct mw_sig_rule *r = &s->rules[i];

		lint_rule(s, r);
		for (k = 0; r->id && k < i; k++)
			if (s->rules[k].id && strcmp(s->rules[k].id, r->id) == 0) {
				lerr(s, r, r->line, "duplicate id (first at %s: line %u)",
				     s->rules[k].file, s->rules[k].line);
				break;
			}
		if (r->broken)
			broken++;
	}
	return broken;
}
