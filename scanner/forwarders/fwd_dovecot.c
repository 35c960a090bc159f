/*
 * Dovecot configuration files (conf.d/90-sieve.conf and friends):
 * "key = value" settings inside "name {" ... "}" blocks, '#' comments,
 * "!include" lines. Settings are collected flat (the Sieve keys live in
 * the plugin block); blocks are checked for balance. Includes are not
 * followed: the caller reads the files it knows about.
 */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/safefile.h"
#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_util.h"

enum mw_err mw_fwd_parse_dovecot_conf(struct fwd_doc *d, const char *text,
				   size_t len)
{
	struct mw_lines it;
	const char *l;
	size_t n;
	int overlong, depth = 0;
	unsigned long open_line = 0;

	mw_lines_init(&it, text, len, MW_MAX_LINE);
	while (mw_lines_next(&it, &l, &n, &overlong)) {
		const char *eq, *k, *v;
		size_t kn, vn;

		if (overlong)
			mw_fwd_add_error(d, it.lineno, "line longer than %d bytes",
				      MW_MAX_LINE);
		if (memchr(l, '\0', n)) {
			mw_fwd_add_error(d, it.lineno, "NUL byte in line");
			continue;
		}
		mw_fwd_trim(&l, &n);
		if (!n || l[0] == '#' || l[0] == '!')
			continue;
		if (l[0] == '}' && n == 1) {
			if (depth == 0)
				mw_fwd_add_error(d, it.lineno, "'}' without an open block");
			else
				depth--;
			continue;
		}
		eq = memchr(l, '=', n);
		if (!eq) {
			if (l[n - 1] == '{') {
				if (depth++ == 0)
					open_line = it.lineno;
				if (depth > FWD_MAX_NEST) {
					mw_fwd_add_error(d, it.lineno, "blocks nested too deep");
					return MW_OK;
				}
				continue;
			}
			mw_fwd_add_error(d, it.lineno, "expected 'key = value' or a block");
			continue;
		}
		k = l;
		kn = (size_t)(eq - l);
		mw_fwd_trim(&k, &kn);
		v = eq + 1;
		vn = n - (size_t)(v - l);
		mw_fwd_trim(&v, &vn);
		/* a trailing comment after the value */
		for (size_t i = 0; i < vn; i++)
			if (v[i] == '#' && (i == 0 || fwd_isblank(v[i - 1]))) {
				vn = i;
				mw_fwd_trim(&v, &vn);
				break;
			}
		if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
			v++;
			vn -= 2;
		}
		if (!kn) {
			mw_fwd_add_error(d, it.lineno, "empty setting name");
			continue;
		}
		if (mw_strlist_addn(&d->keys, k, kn) != MW_OK)
			return MW_ERR_NOMEM;
		if (mw_strlist_addn(&d->values, v, vn) != MW_OK) {
			d->keys.n--;
			free(d->keys.v[d->keys.n]);
			return MW_ERR_NOMEM;
		}
	}
	if (depth)
		mw_fwd_add_error(d, open_line, "block not closed");
	return MW_OK;
}
