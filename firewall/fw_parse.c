#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "firewall/fw_limits.h"
#include "firewall/fw_parse.h"

static void problem(const struct mw_sysconf_cb *cb, unsigned long line, const char *msg)
{
	if (cb->problem)
		cb->problem(cb->arg, line, msg);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

/* Copy s[0..n) into dst as a C string; 0 when it does not fit or holds a NUL. */
static int copy_name(char *dst, size_t dstlen, const char *s, size_t n)
{
	if (n >= dstlen || memchr(s, '\0', n))
		return 0;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 1;
}

/* Next blank-separated argument, "quoted" or bare; 0 when none/bad. */
static int next_arg(const char **p, const char *end, const char **a, size_t *an)
{
	const char *s = *p, *q;

	while (s < end && is_blank(*s))
		s++;
	if (s >= end)
		return 0;
	if (*s == '"' || *s == '\'') {
		q = memchr(s + 1, *s, (size_t)(end - s - 1));
		if (!q)
			return 0;
		*a = s + 1;
		*an = (size_t)(q - s - 1);
		*p = q + 1;
		return 1;
	}
	q = s;
	while (q < end && !is_blank(*q))
		q++;
	*a = s;
	*an = (size_t)(q - s);
	*p = q;
	return 1;
}

static const char *const apache_directives[] = {
	"SuexecUserGroup", "AssignUserID", "User",
};

void fw_parse_apache(const char *text, size_t len, const struct mw_sysconf_cb *cb)
{
	char name[FW_MAX_USER_NAME];
	struct mw_lines it;
	const char *line, *p, *end, *w, *a;
	size_t n, wn, an, i;
	int overlong;

	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		if (overlong) {
			problem(cb, it.lineno, "line too long");
			continue;
		}
		trim(&line, &n);
		if (!n || *line == '#' || *line == '<')
			continue;
		end = line + n;
		w = line;
		p = line;
		while (p < end && isalpha((unsigned char)*p))
			p++;
		wn = (size_t)(p - w);
		if (p < end && !is_blank(*p))
			continue;
		for (i = 0; i < sizeof(apache_directives) / sizeof(apache_directives[0]); i++)
			if (strlen(apache_directives[i]) == wn &&
			    strncasecmp(w, apache_directives[i], wn) == 0)
				break;
		if (i == sizeof(apache_directives) / sizeof(apache_directives[0]))
			continue;
		if (!next_arg(&p, end, &a, &an) || !an) {
			problem(cb, it.lineno, "directive without a user");
			continue;
		}
		if (!copy_name(name, sizeof(name), a, an)) {
			problem(cb, it.lineno, "user name too long");
			continue;
		}
		cb->user(cb->arg, name, it.lineno, apache_directives[i]);
	}
}

int fw_parse_apache_envvars(const char *text, size_t len, const char *var,
			    char *out, size_t outlen)
{
	size_t vlen = strlen(var), n, vn;
	struct mw_lines it;
	const char *line, *v;
	int overlong, found = 0;

	if (!outlen)
		return 0;
	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next(&it, &line, &n, &overlong)) {
		if (overlong)
			continue;
		trim(&line, &n);
		if (n > 7 && strncmp(line, "export", 6) == 0 && is_blank(line[6])) {
			line += 7;
			n -= 7;
			trim(&line, &n);
		}
		if (n <= vlen || strncmp(line, var, vlen) != 0 || line[vlen] != '=')
			continue;
		v = line + vlen + 1;
		vn = n - vlen - 1;
		if (vn && (*v == '"' || *v == '\'')) {
			const char *q = memchr(v + 1, *v, vn - 1);

			if (!q)
				continue;
			vn = (size_t)(q - v - 1);
			v++;
		} else {
			const char *c = v;

			while (c < v + vn && !is_blank(*c))
				c++;
			vn = (size_t)(c - v);
		}
		if (!vn || memchr(v, '$', vn) || memchr(v, '`', vn))
			continue;
		if (copy_name(out, outlen, v, vn))
			found = 1;
	}
	return found;
}

void fw_parse_nginx(const char *text, size_t len, const struct mw_sysconf_cb *cb)
{
	char name[FW_MAX_USER_NAME];
	const char *p = text, *end = text + len, *tok;
	unsigned long line = 1, tokline;
	unsigned depth = 0, ntok = 0;
	int is_user = 0;
	size_t tn;

	while (p < end) {
		char c = *p;

		if (c == '\n') {
			line++;
			p++;
			continue;
		}
		if (is_blank(c)) {
			p++;
			continue;
		}
		if (c == '#') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (c == '{' || c == '}' || c == ';') {
			if (c == '{')
				depth++;
			else if (c == '}' && depth)
				depth--;
			ntok = 0;
			is_user = 0;
			p++;
			continue;
		}
		tokline = line;
		if (c == '"' || c == '\'') {
			const char *q = p + 1;

			while (q < end && *q != c) {
				if (*q == '\\' && q + 1 < end)
					q++;
				if (*q == '\n')
					line++;
				q++;
			}
			if (q >= end) {
				problem(cb, tokline, "unterminated quote");
				return;
			}
			tok = p + 1;
			tn = (size_t)(q - tok);
			p = q + 1;
		} else {
			tok = p;
			while (p < end && !is_blank(*p) && *p != '\n' && *p != ';' &&
			       *p != '{' && *p != '}' && *p != '#')
				p++;
			tn = (size_t)(p - tok);
		}
		if (ntok == 0)
			is_user = depth == 0 && tn == 4 && memcmp(tok, "user", 4) == 0;
		else if (ntok == 1 && is_user) {
			if (!tn || !copy_name(name, sizeof(name), tok, tn))
				problem(cb, tokline, "bad user name");
			else
				cb->user(cb->arg, name, tokline, "user");
		}
		if (ntok < 2)
			ntok++;
	}
}
