/*
 * rspamd's DKIM signing configuration through a bounded UCL subset
 * parser (rp_rspamd.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/reput/rp_rspamd.h"

struct ucl_in {
	const char *p, *end;
	struct rp_ucl *u;
	char *err;
	size_t errlen;
};

static int fail(struct ucl_in *in, const char *why)
{
	snprintf(in->err, in->errlen, "%s", why);
	return -1;
}

/* Skip blanks, newlines and comments (# to the end of the line, C
 * style; UCL has no // comments: "//" is part of a value). */
static int skip(struct ucl_in *in)
{
	while (in->p < in->end) {
		char c = *in->p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			in->p++;
		} else if (c == '#') {
			while (in->p < in->end && *in->p != '\n')
				in->p++;
		} else if (c == '/' && in->p + 1 < in->end && in->p[1] == '*') {
			const char *e = in->p + 2;

			while (e + 1 < in->end && !(e[0] == '*' && e[1] == '/'))
				e++;
			if (e + 1 >= in->end)
				return fail(in, "unterminated comment");
			in->p = e + 2;
		} else {
			break;
		}
	}
	return 0;
}

static int new_node(struct ucl_in *in, int parent, enum rp_ucl_kind kind,
		    const char *key, size_t kl)
{
	struct rp_ucl_node *n;

	if (in->u->count >= RP_UCL_MAX_NODES)
		return fail(in, "too many keys");
	if (kl >= RP_UCL_MAX_KEY)
		return fail(in, "key too long");
	n = &in->u->n[in->u->count];
	n->parent = parent;
	n->kind = kind;
	memcpy(n->key, key, kl);
	n->key[kl] = '\0';
	n->value[0] = '\0';
	return (int)in->u->count++;
}

/* A bare word: key or unquoted value characters. */
static int bare(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == '$' || c == '/' || c == '@' ||
	       c == '+' || c == '*';
}

/* A quoted string ("..." with \ escapes, or '...') into dst. */
static int quoted(struct ucl_in *in, char *dst, size_t cap, size_t *len)
{
	char q = *in->p++;
	size_t n = 0;

	while (in->p < in->end && *in->p != q) {
		char c = *in->p++;

		if (c == '\\' && q == '"') {
			if (in->p >= in->end)
				break;
			c = *in->p++;
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		}
		if (n + 1 >= cap)
			return fail(in, "string too long");
		dst[n++] = c;
	}
	if (in->p >= in->end)
		return fail(in, "unterminated string");
	in->p++;
	dst[n] = '\0';
	*len = n;
	return 0;
}

static int object_body(struct ucl_in *in, int parent, char close, int depth);

/* One value of key (kl bytes; "" in arrays) under parent. */
static int value(struct ucl_in *in, int parent, const char *key, size_t kl, int depth)
{
	char open;
	int id;

	if (in->p >= in->end)
		return fail(in, "value missing");
	open = *in->p;
	if (open == '{' || open == '[') {
		if (depth >= RP_UCL_MAX_DEPTH)
			return fail(in, "nested too deep");
		if ((id = new_node(in, parent, open == '{' ? RP_UCL_OBJECT : RP_UCL_ARRAY,
				   key, kl)) < 0)
			return -1;
		in->p++;
		return object_body(in, id, open == '{' ? '}' : ']', depth + 1);
	}
	if ((id = new_node(in, parent, RP_UCL_STRING, key, kl)) < 0)
		return -1;
	if (open == '"' || open == '\'') {
		size_t n;

		return quoted(in, in->u->n[id].value, RP_UCL_MAX_VALUE, &n);
	} else {
		/* a bare value runs to ; , newline or a closing bracket */
		const char *s = in->p;
		size_t n;

		while (in->p < in->end && !strchr(";,\n}]#", *in->p))
			in->p++;
		n = (size_t)(in->p - s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
			n--;
		if (n == 0)
			return fail(in, "value missing");
		if (n >= RP_UCL_MAX_VALUE)
			return fail(in, "value too long");
		memcpy(in->u->n[id].value, s, n);
		in->u->n[id].value[n] = '\0';
	}
	return 0;
}

/*
 * The members of an object (key value pairs) or of an array (values) up
 * to close ('\0' = the end of the text, for the top level).
 */
static int object_body(struct ucl_in *in, int parent, char close, int depth)
{
	int array = parent >= 0 && in->u->n[parent].kind == RP_UCL_ARRAY;

	for (;;) {
		char key[RP_UCL_MAX_KEY];
		size_t kl = 0;

		if (skip(in))
			return -1;
		if (in->p >= in->end)
			return close ? fail(in, "unbalanced brackets") : 0;
		if (*in->p == close) {
			in->p++;
			return 0;
		}
		if (*in->p == ';' || *in->p == ',') {
			in->p++;
			continue;
		}
		if (array) {
			if (value(in, parent, "", 0, depth))
				return -1;
			continue;
		}
		if (*in->p == '.' && !close) {
			/* .include, .priority: macros this reader does not follow */
			in->u->includes++;
			while (in->p < in->end && *in->p != '\n')
				in->p++;
			continue;
		}
		if (*in->p == '"' || *in->p == '\'') {
			if (quoted(in, key, sizeof(key), &kl))
				return -1;
		} else {
			const char *s = in->p;

			while (in->p < in->end && bare(*in->p))
				in->p++;
			kl = (size_t)(in->p - s);
			if (kl == 0)
				return fail(in, "unexpected character");
			if (kl >= sizeof(key))
				return fail(in, "key too long");
			memcpy(key, s, kl);
		}
		if (skip(in))
			return -1;
		if (in->p < in->end && (*in->p == '=' || *in->p == ':')) {
			in->p++;
			if (skip(in))
				return -1;
		}
		if (value(in, parent, key, kl, depth))
			return -1;
	}
}

int mw_rp_ucl_parse(const char *text, size_t len, struct rp_ucl *u, char *err,
		 size_t errlen)
{
	struct ucl_in in = { text, text + len, u, err, errlen };

	memset(u, 0, sizeof(*u));
	err[0] = '\0';
	return object_body(&in, -1, '\0', 0);
}

int mw_rp_ucl_get(const struct rp_ucl *u, int parent, const char *key)
{
	size_t i;
	int found = -1;

	for (i = 0; i < u->count; i++)
		if (u->n[i].parent == parent && strcmp(u->n[i].key, key) == 0)
			found = (int)i;
	return found;
}

/* The string value of key in parent, or NULL. */
static const char *str(const struct rp_ucl *u, int parent, const char *key)
{
	int i = mw_rp_ucl_get(u, parent, key);

	return i >= 0 && u->n[i].kind == RP_UCL_STRING ? u->n[i].value : NULL;
}

/* path with $domain and $selector replaced into dst; -1 if too long. */
static int expand(const char *path, const char *domain, const char *sel, char *dst,
		  size_t cap)
{
	size_t n = 0;

	while (*path) {
		const char *rep = NULL;
		size_t skipn = 1, rl;

		if (strncmp(path, "$domain", 7) == 0)
			rep = domain, skipn = 7;
		else if (strncmp(path, "$selector", 9) == 0)
			rep = sel, skipn = 9;
		rl = rep ? strlen(rep) : 1;
		if (n + rl >= cap)
			return -1;
		memcpy(dst + n, rep ? rep : path, rl);
		n += rl;
		path += skipn;
	}
	dst[n] = '\0';
	return 0;
}

/* One signer of the domain table: selector and path, either given or
 * the global ones. */
static void table_signer(const char *domain, const char *sel, const char *path,
			 const char *src, struct dkim_signers *out)
{
	char key[512];

	if (!sel || !path || expand(path, domain, sel, key, sizeof(key)))
		return;
	mw_dkim_add_signer(out, domain, strlen(domain), sel, strlen(sel), key, strlen(key), src);
}

/* The signers of domain { NAME { selector; path; selectors [ ... ] } }. */
static void domain_table(const struct rp_ucl *u, const struct rp_rspamd_global *g,
			 const char *src, struct dkim_signers *out)
{
	int tab = mw_rp_ucl_get(u, -1, "domain");
	size_t i, k;

	if (tab < 0 || u->n[tab].kind != RP_UCL_OBJECT)
		return;
	for (i = 0; i < u->count; i++) {
		const struct rp_ucl_node *d = &u->n[i];
		int sels;

		if (d->parent != tab || d->kind != RP_UCL_OBJECT)
			continue;
		sels = mw_rp_ucl_get(u, (int)i, "selectors");
		if (sels < 0) {
			const char *sel = str(u, (int)i, "selector");

			table_signer(d->key, sel ? sel : g->selector[0] ? g->selector : NULL,
				     str(u, (int)i, "path") ? str(u, (int)i, "path") :
				     g->path[0] ? g->path : NULL, src, out);
			continue;
		}
		for (k = 0; k < u->count; k++)
			if (u->n[k].parent == sels && u->n[k].kind == RP_UCL_OBJECT)
				table_signer(d->key, str(u, (int)k, "selector"),
					     str(u, (int)k, "path"), src, out);
	}
}

void mw_rp_rspamd_read(const char *dir, int must_exist, struct dkim_signers *out,
		    struct rp_rspamd_global *g, struct mw_strlist *notes)
{
	static const char *const sub[] = { "modules.d", "local.d", "override.d" };
	struct dkim_signers table = { 0 };
	struct rp_ucl *u = calloc(1, sizeof(*u));	/* ~800 KiB */
	char path[MW_MAX_PATH], msg[MW_MAX_PATH + 200], err[120];
	size_t i;
	int read = 0;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		struct mw_buf b;
		struct stat st;
		const char *v;
		enum mw_err e;

		snprintf(path, sizeof(path), "%s/%s/dkim_signing.conf", dir, sub[i]);
		if (!u || (lstat(path, &st) != 0 && errno == ENOENT))
			continue;
		mw_buf_init(&b, MW_MAX_TEXT_FILE);
		e = mw_dkim_read_abs(path, &b, MW_MAX_TEXT_FILE);
		if (e != MW_OK) {
			snprintf(msg, sizeof(msg), "rspamd %s cannot be read (%s)", path,
				 mw_strerror(e));
			(void)mw_strlist_add(notes, msg);
			mw_buf_free(&b);
			continue;
		}
		read++;
		if (mw_rp_ucl_parse(b.data ? b.data : "", b.len, u, err, sizeof(err)) != 0) {
			snprintf(msg, sizeof(msg), "rspamd %s: %s: its DKIM keys are not "
				 "checked", path, err);
			(void)mw_strlist_add(notes, msg);
			mw_buf_free(&b);
			continue;
		}
		mw_buf_free(&b);
		if (u->includes) {
			snprintf(msg, sizeof(msg), "rspamd %s: .include not followed", path);
			(void)mw_strlist_add(notes, msg);
		}
		/* a later file's settings win, key by key */
		if ((v = str(u, -1, "selector")) && strlen(v) < sizeof(g->selector))
			snprintf(g->selector, sizeof(g->selector), "%s", v);
		if ((v = str(u, -1, "path")) && strlen(v) < sizeof(g->path))
			snprintf(g->path, sizeof(g->path), "%s", v);
		if (mw_rp_ucl_get(u, -1, "domain") >= 0) {
			table.n = 0;	/* the last domain table is the one used */
			domain_table(u, g, path, &table);
		}
	}
	free(u);
	if (!read && must_exist) {
		snprintf(msg, sizeof(msg), "rspamd: no dkim_signing.conf under %s", dir);
		(void)mw_strlist_add(notes, msg);
	}
	g->found = read > 0;
	if (read)
		out->configured = 1;
	for (i = 0; i < table.n; i++) {
		const struct dkim_signer *s = &table.v[i];

		mw_dkim_add_signer(out, s->domain, strlen(s->domain), s->selector,
				strlen(s->selector), s->keyfile, strlen(s->keyfile), s->source);
	}
	out->dropped += table.dropped;
}

int mw_rp_rspamd_global_signer(const struct rp_rspamd_global *g, const char *domain,
			    struct dkim_signers *out)
{
	char key[512];
	struct stat st;
	size_t n = out->n;

	if (!g->found || !g->selector[0] || !g->path[0] ||
	    expand(g->path, domain, g->selector, key, sizeof(key)) ||
	    lstat(key, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	mw_dkim_add_signer(out, domain, strlen(domain), g->selector, strlen(g->selector), key,
			strlen(key), "rspamd global selector/path");
	return out->n > n;
}
