/*
 * Roundcube's configuration and session data as data (rc_conf.h): the
 * bounded PHP-literal reader, the DSN, the session serialization.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/account/account.h"
#include "scanner/account/logins.h"
#include "scanner/account/rc_conf.h"
#include "signatures/php_decode.h"

/* --- the PHP reader ------------------------------------------------------- */

struct rd {
	const char *p, *end;
};

static int ident_char(unsigned char c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 ||
	       (!first && c >= '0' && c <= '9');
}

static void skip_ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* Past a comment, string or heredoc at r->p (1), or nothing (0). */
static int skip_noise(struct rd *r)
{
	const char *p = r->p, *e = r->end;
	size_t left = (size_t)(e - p);

	if (left >= 2 && p[0] == '/' && p[1] == '*') {
		const char *q = memmem(p + 2, left - 2, "*/", 2);

		r->p = q ? q + 2 : e;
		return 1;
	}
	if (*p == '#' || (left >= 2 && p[0] == '/' && p[1] == '/')) {
		const char *q = memchr(p, '\n', left);

		r->p = q ? q : e;
		return 1;
	}
	if (*p == '\'' || *p == '"') {
		for (p++; p < e && *p != r->p[0]; p++)
			if (*p == '\\' && p + 1 < e)
				p++;
		r->p = p < e ? p + 1 : e;
		return 1;
	}
	if (left >= 3 && memcmp(p, "<<<", 3) == 0) {
		/* <<<ID, <<<"ID" or <<<'ID', up to a line that starts with ID */
		char id[64];
		size_t k = 0;

		for (p += 3; p < e && (*p == ' ' || *p == '"' || *p == '\''); p++)
			;
		while (p < e && k < sizeof(id) - 1 && ident_char((unsigned char)*p, k == 0))
			id[k++] = *p++;
		id[k] = '\0';
		while (k && p < e) {
			const char *nl = memchr(p, '\n', (size_t)(e - p));

			if (!nl)
				break;
			for (p = nl + 1; p < e && (*p == ' ' || *p == '\t'); p++)
				;
			if ((size_t)(e - p) >= k && memcmp(p, id, k) == 0 &&
			    (p + k == e || !ident_char((unsigned char)p[k], 0))) {
				r->p = p + k;
				return 1;
			}
		}
		r->p = e;
		return 1;
	}
	return 0;
}

/* A value being built; too long or not a literal: not known. */
struct val {
	char s[RC_MAX_VAL];
	size_t n;
	int known;
};

static void put(struct val *v, const char *s, size_t n)
{
	if (!v->known || n >= sizeof(v->s) - v->n) {
		v->known = 0;
		return;
	}
	memcpy(v->s + v->n, s, n);
	v->n += n;
	v->s[v->n] = '\0';
}

static struct rc_var *find(struct rc_php *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return NULL;
}

const char *mw_rc_php_get(const struct rc_php *p, const char *name)
{
	const struct rc_var *v = find((struct rc_php *)p, name);

	return v && v->known ? v->val : NULL;
}

int mw_rc_php_has(const struct rc_php *p, const char *name)
{
	return find((struct rc_php *)p, name) != NULL;
}

static void put_var(struct val *v, const struct rc_php *p, const char *name)
{
	const char *s = mw_rc_php_get(p, name);

	if (s)
		put(v, s, strlen(s));
	else
		v->known = 0;
}

/* "$name", or "$config['key']" as "config:key", at r->p (past '$' when
 * it returns 0) into name. -1 when it is neither. */
static int lvalue(struct rd *r, char *name, size_t cap)
{
	const char *p = r->p + 1, *s = p;
	size_t n;

	while (p < r->end && ident_char((unsigned char)*p, p == s))
		p++;
	n = (size_t)(p - s);
	if (n == 0 || n >= cap)
		return -1;
	snprintf(name, cap, "%.*s", (int)n, s);
	r->p = p;
	if ((strcmp(name, "config") == 0 || strcmp(name, "rcmail_config") == 0)) {
		const char *k;
		char q;

		skip_ws(r);
		if (r->p + 1 >= r->end || *r->p != '[')
			return -1;
		r->p++;
		skip_ws(r);
		if (r->p >= r->end || (*r->p != '\'' && *r->p != '"'))
			return -1;
		q = *r->p++;
		for (k = r->p; r->p < r->end && ident_char((unsigned char)*r->p, 0); r->p++)
			;
		if (r->p >= r->end || *r->p != q || r->p == k ||
		    (size_t)(r->p - k) + 8 >= cap)
			return -1;
		snprintf(name, cap, "config:%.*s", (int)(r->p - k), k);
		r->p++;
		skip_ws(r);
		if (r->p >= r->end || *r->p != ']')
			return -1;
		r->p++;
	}
	return 0;
}

/* A single-quoted literal at r->p ('\'' and '\\' escaped, nothing else). */
static int single(struct rd *r, struct val *v)
{
	const char *p = r->p + 1;

	for (; p < r->end && *p != '\''; p++) {
		if (*p == '\\' && p + 1 < r->end && (p[1] == '\'' || p[1] == '\\'))
			p++;
		put(v, p, 1);
	}
	if (p >= r->end)
		return -1;
	r->p = p + 1;
	return 0;
}

/* An escape of a double-quoted string at p (the '\\'); returns its end. */
static const char *dq_escape(const char *p, const char *e, struct val *v)
{
	static const char from[] = "ntrvef\\$\"", to[] = "\n\t\r\v\033\f\\$\"";
	const char *c = p + 1 < e ? strchr(from, p[1]) : NULL;
	unsigned x = 0;
	int k;
	char ch;

	if (p + 1 >= e) {
		put(v, p, 1);
		return p + 1;
	}
	if (c && p[1]) {
		put(v, &to[c - from], 1);
		return p + 2;
	}
	if (p[1] >= '0' && p[1] <= '7') {
		for (k = 1; k <= 3 && p + k < e && p[k] >= '0' && p[k] <= '7'; k++)
			x = x * 8 + (unsigned)(p[k] - '0');
		ch = (char)(x & 0xff);
		put(v, &ch, 1);
		return p + k;
	}
	if (p[1] == 'x' && p + 2 < e && strchr("0123456789abcdefABCDEF", p[2]) && p[2]) {
		for (k = 2; k <= 3 && p + k < e && p[k] && strchr("0123456789abcdefABCDEF", p[k]); k++)
			x = x * 16 + (unsigned)(p[k] <= '9' ? p[k] - '0' : (p[k] | 0x20) - 'a' + 10);
		ch = (char)x;
		put(v, &ch, 1);
		return p + k;
	}
	if (p[1] == 'u' && p + 2 < e && p[2] == '{')
		v->known = 0;	/* a code point: not in a DSN */
	put(v, p, 2);
	return p + 2;
}

/* A double-quoted literal at r->p, with $name, {$name} and ${name}
 * taken from p; any other interpolation makes it unknown. */
static int dquote(struct rd *r, const struct rc_php *ph, struct val *v)
{
	const char *p = r->p + 1, *e = r->end;
	char name[RC_MAX_NAME];

	while (p < e && *p != '"') {
		int brace = 0;
		const char *s;

		if (*p == '\\') {
			p = dq_escape(p, e, v);
			continue;
		}
		/* {$name} and ${name}: p lands on the '$' before the name */
		if ((*p == '{' && p + 1 < e && p[1] == '$') || (*p == '$' && p + 1 < e && p[1] == '{')) {
			brace = 1;
			p++;
		}
		if ((*p != '$' && !brace) || p + 1 >= e || !ident_char((unsigned char)p[1], 1)) {
			if (brace)
				v->known = 0;
			put(v, p, 1);
			p++;
			continue;
		}
		for (s = ++p; p < e && ident_char((unsigned char)*p, 0); p++)
			;
		if ((size_t)(p - s) >= sizeof(name)) {
			v->known = 0;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(p - s), s);
		if (brace) {
			if (p >= e || *p != '}')
				v->known = 0;
			else
				p++;
		} else if (p < e && (*p == '[' || (*p == '-' && p + 1 < e && p[1] == '>'))) {
			v->known = 0;
		}
		put_var(v, ph, name);
	}
	if (p >= e)
		return -1;
	r->p = p + 1;
	return 0;
}

/* EXPR ';' at r->p into v. -1 when it is not made of literals alone (v
 * then unknown; r->p wherever it stopped). */
static int expr(struct rd *r, const struct rc_php *ph, struct val *v)
{
	char name[RC_MAX_NAME];

	for (;;) {
		skip_ws(r);
		if (r->p >= r->end)
			return -1;
		if (*r->p == '\'') {
			if (single(r, v))
				return -1;
		} else if (*r->p == '"') {
			if (dquote(r, ph, v))
				return -1;
		} else if (*r->p == '$') {
			if (lvalue(r, name, sizeof(name)))
				return -1;
			put_var(v, ph, name);
		} else if (*r->p >= '0' && *r->p <= '9') {
			const char *s = r->p;

			while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
				r->p++;
			put(v, s, (size_t)(r->p - s));
		} else {
			return -1;
		}
		skip_ws(r);
		if (r->p < r->end && *r->p == ';')
			return 0;
		if (r->p >= r->end || *r->p != '.')
			return -1;
		r->p++;
	}
}

static void assign(struct rc_php *p, const char *name, const struct val *v)
{
	struct rc_var *x = find(p, name);

	if (!x) {
		if (p->n == RC_MAX_VARS)
			return;
		x = &p->v[p->n++];
		snprintf(x->name, sizeof(x->name), "%s", name);
	}
	x->known = v->known;
	memcpy(x->val, v->s, v->n + 1);
}

size_t mw_rc_php_read(struct rc_php *p, const char *text, size_t n)
{
	struct rd r = { text, text + n };
	char name[RC_MAX_NAME];
	size_t count = 0;

	while (r.p < r.end) {
		struct rd save;
		struct val v;

		if (skip_noise(&r))
			continue;
		if (*r.p != '$' || (r.p > text && (ident_char((unsigned char)r.p[-1], 0) ||
						  r.p[-1] == '$'))) {
			r.p++;
			continue;
		}
		save = r;
		if (lvalue(&r, name, sizeof(name)) != 0) {
			r = save;
			r.p++;
			continue;
		}
		skip_ws(&r);
		if (r.p + 1 >= r.end || *r.p != '=' || r.p[1] == '=' || r.p[1] == '>')
			continue;
		r.p++;
		v.n = 0;
		v.s[0] = '\0';
		v.known = 1;
		if (expr(&r, p, &v) != 0)
			v.known = 0;
		assign(p, name, &v);
		count++;
	}
	return count;
}

/* --- DSN -------------------------------------------------------------------- */

static enum rc_db db_of(const char *scheme)
{
	if (strcmp(scheme, "sqlite") == 0 || strcmp(scheme, "sqlite3") == 0)
		return RC_DB_SQLITE;
	if (strcmp(scheme, "mysql") == 0 || strcmp(scheme, "mysqli") == 0)
		return RC_DB_MYSQL;
	if (strcmp(scheme, "pgsql") == 0 || strcmp(scheme, "postgres") == 0 ||
	    strcmp(scheme, "postgresql") == 0)
		return RC_DB_PGSQL;
	return RC_DB_OTHER;
}

int mw_rc_dsn_parse(const char *dsn, struct rc_dsn *d)
{
	const char *sep = strstr(dsn, "://"), *rest, *at, *slash, *q;
	size_t len;

	memset(d, 0, sizeof(*d));
	if (!sep || sep == dsn || (size_t)(sep - dsn) >= sizeof(d->scheme))
		return -1;
	snprintf(d->scheme, sizeof(d->scheme), "%.*s", (int)(sep - dsn), dsn);
	d->type = db_of(d->scheme);
	rest = sep + 3;
	if (d->type == RC_DB_SQLITE) {
		/* sqlite:///PATH: an empty host, then PATH; absolute only */
		if (rest[0] != '/' || rest[1] != '/')
			return -1;
		rest++;
		len = strcspn(rest, "?");
		if (len >= sizeof(d->path))
			return -1;
		snprintf(d->path, sizeof(d->path), "%.*s", (int)len, rest);
		return 0;
	}
	/* user:pass@host:port/db?options; the password may hold '@' */
	q = strchr(rest, '?');
	len = q ? (size_t)(q - rest) : strlen(rest);
	at = memrchr(rest, '@', len);
	if (at) {
		size_t ul = strcspn(rest, ":@");

		if (ul >= sizeof(d->user))
			return -1;
		snprintf(d->user, sizeof(d->user), "%.*s", (int)ul, rest);
		len -= (size_t)(at + 1 - rest);
		rest = at + 1;
	}
	slash = memchr(rest, '/', len);
	if (!slash || (size_t)(slash - rest) >= sizeof(d->host) ||
	    len - (size_t)(slash + 1 - rest) >= sizeof(d->db))
		return -1;
	snprintf(d->host, sizeof(d->host), "%.*s", (int)(slash - rest), rest);
	snprintf(d->db, sizeof(d->db), "%.*s", (int)(len - (size_t)(slash + 1 - rest)), slash + 1);
	return 0;
}

int mw_rc_debian_dsn(const struct rc_php *p, struct rc_dsn *d)
{
	const char *type = mw_rc_php_get(p, "dbtype"), *user = mw_rc_php_get(p, "dbuser");
	const char *server = mw_rc_php_get(p, "dbserver"), *port = mw_rc_php_get(p, "dbport");
	const char *name = mw_rc_php_get(p, "dbname"), *base = mw_rc_php_get(p, "basepath");
	char dsn[6 * RC_MAX_VAL + 64];

	if (!type || !*type)
		return -1;
	/* bookworm's composer itself runs $dbport=":$dbport" when set */
	if (port && *port == ':')
		port++;
	/* /etc/roundcube/debian-db-roundcube.php: "sqlite:///$basepath/
	 * $dbname?mode=0640", else "$dbtype://$dbuser:$dbpass@$dbserver
	 * [:$dbport]/$dbname" (the password is never needed here) */
	if (db_of(type) == RC_DB_SQLITE)
		snprintf(dsn, sizeof(dsn), "sqlite:///%s/%s", base ? base : "", name ? name : "");
	else
		snprintf(dsn, sizeof(dsn), "%s://%s:@%s%s%s/%s", type, user ? user : "",
			 server && *server ? server : "localhost", port && *port ? ":" : "",
			 port ? port : "", name ? name : "");
	return mw_rc_dsn_parse(dsn, d);
}

void mw_rc_dsn_describe(const struct rc_dsn *d, char *out, size_t cap)
{
	if (d->type == RC_DB_SQLITE)
		snprintf(out, cap, "sqlite:%s", d->path);
	else
		snprintf(out, cap, "%s://%s%s%s/%s", d->scheme, d->user, d->user[0] ? "@" : "",
			 d->host, d->db);
}

/* --- session data ----------------------------------------------------------- */

/* A decimal at p up to stop (an optional '-' when neg); -1 past the end
 * or when there is no digit. */
static const char *number(const char *p, const char *e, char stop, int neg, size_t *val)
{
	size_t v = 0;
	const char *s;

	if (neg && p < e && *p == '-')
		p++;
	for (s = p; p < e && *p >= '0' && *p <= '9'; p++) {
		if (v > (size_t)1 << 40)
			return NULL;
		v = v * 10 + (size_t)(*p - '0');
	}
	if (p == s || p >= e || *p != stop)
		return NULL;
	if (val)
		*val = v;
	return p + 1;
}

/* s:N:"..." at p (past the type letter and ':'): the bytes into *str. */
static const char *string_value(const char *p, const char *e, const char **str, size_t *len)
{
	size_t n;

	if (!(p = number(p, e, ':', 0, &n)) || p >= e || *p != '"' || (size_t)(e - p - 1) < n + 1 ||
	    p[1 + n] != '"')
		return NULL;
	*str = p + 1;
	*len = n;
	return p + n + 2;
}

/*
 * Past one value of PHP's serialize() at p: N; b:0; i:N; d:X; s:N:"..";
 * a:N:{...}; O:N:"class":N:{...}; C:N:"class":N:{..}; r:N; R:N; E:N:"..";.
 * NULL when it is not one (or nests deeper than RC_MAX_DEPTH).
 */
static const char *skip_value(const char *p, const char *e, int depth)
{
	const char *s;
	size_t n, i, len;
	char t;

	if (depth > RC_MAX_DEPTH || e - p < 2)
		return NULL;
	t = *p;
	if (t == 'N')
		return p[1] == ';' ? p + 2 : NULL;
	if (p[1] != ':')
		return NULL;
	p += 2;
	switch (t) {
	case 'b': case 'i': case 'r': case 'R':
		return number(p, e, ';', t == 'i', NULL);
	case 'd':
		s = memchr(p, ';', (size_t)(e - p));
		return s ? s + 1 : NULL;
	case 's': case 'E':
		p = string_value(p, e, &s, &len);
		return p && p < e && *p == ';' ? p + 1 : NULL;
	case 'a': case 'O': case 'C':
		if (t != 'a') {
			if (!(p = string_value(p, e, &s, &len)) || p >= e || *p != ':')
				return NULL;
			p++;
		}
		if (!(p = number(p, e, ':', 0, &n)) || p >= e || *p != '{')
			return NULL;
		p++;
		if (t == 'C') {
			if ((size_t)(e - p) < n + 1 || p[n] != '}')
				return NULL;
			return p + n + 1;
		}
		for (i = 0; i < 2 * n && p; i++)
			p = skip_value(p, e, depth + 1);
		return p && p < e && *p == '}' ? p + 1 : NULL;
	}
	return NULL;
}

/* The top level of a session string: name|value... */
static int session_names(const char *p, const char *e, const char *user)
{
	size_t ulen = strlen(user);
	int found = 0;

	while (p < e) {
		const char *bar = memchr(p, '|', (size_t)(e - p)), *s;
		size_t len;

		if (!bar)
			return -1;
		if (*p == '!') {	/* PHP: a name without value */
			p = bar + 1;
			continue;
		}
		if (bar - p == 8 && memcmp(p, "username", 8) == 0 && e - bar > 2 &&
		    bar[1] == 's' && bar[2] == ':' && string_value(bar + 3, e, &s, &len) &&
		    len == ulen && strncasecmp(s, user, ulen) == 0)
			found = 1;
		if (!(p = skip_value(bar + 1, e, 0)))
			return -1;
	}
	return found;
}

int mw_rc_session_is_user(const char *vars, size_t n, const char *user)
{
	struct mw_buf dec;
	size_t i;
	int b64 = n > 0, rc;

	for (i = 0; i < n && b64; i++) {
		unsigned char c = (unsigned char)vars[i];

		b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r';
	}
	if (!b64)
		return session_names(vars, vars + n, user);
	mw_buf_init(&dec, n);
	if (mw_php_apply(MW_FN_BASE64_DECODE, vars, n, &dec, n) != MW_OK) {
		mw_buf_free(&dec);
		return -1;
	}
	rc = dec.len ? session_names(dec.data, dec.data + dec.len, user) : -1;
	mw_buf_free(&dec);
	return rc;
}

/* --- the statement for MySQL and PostgreSQL -------------------------------- */

int mw_rc_prefix_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= 32 || !ident_char((unsigned char)s[i], 0) || (unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

int mw_rc_manual_sql(enum rc_db type, const char *prefix, const char *user, struct mw_buf *out)
{
	static const char *const before[] = { "", "%;", "%}" };
	char field[ACCT_MAX_USER * 2 + 32];
	const char *vars;
	size_t i, k = 0;

	if ((type != RC_DB_MYSQL && type != RC_DB_PGSQL) || !mw_rc_prefix_ok(prefix) ||
	    !mw_account_name_ok(user))
		return -1;
	/* the login as the session stores it, lower case (Roundcube may
	 * lower it), '_' escaped for LIKE with '!' (the name has no quote,
	 * backslash, '%' or '!': mw_account_name_ok) */
	k = (size_t)snprintf(field, sizeof(field), "username|s:%zu:\"", strlen(user));
	for (i = 0; user[i] && k + 3 < sizeof(field); i++) {
		if (user[i] == '_')
			field[k++] = '!';
		field[k++] = (char)(user[i] >= 'A' && user[i] <= 'Z' ? user[i] | 0x20 : user[i]);
	}
	field[k] = '\0';
	vars = type == RC_DB_MYSQL ? "LOWER(CONVERT(FROM_BASE64(vars) USING utf8mb4))"
				   : "lower(encode(decode(vars, 'base64'), 'escape'))";
	if (mw_buf_printf(out, type == RC_DB_MYSQL ? "DELETE FROM `%ssession` WHERE"
						   : "DELETE FROM \"%ssession\" WHERE", prefix))
		return -1;
	for (i = 0; i < 3; i++)
		if (mw_buf_printf(out, "%s %s LIKE '%s%s\";%%' ESCAPE '!'", i ? " OR" : "", vars,
				  before[i], field))
			return -1;
	return mw_buf_puts(out, ";") ? -1 : 0;
}
