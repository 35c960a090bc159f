/*
 * Postfix main.cf and `postconf -n` output: "key = value" logical lines.
 * Only read into key/value pairs here; $name expansion and defaults live
 * with the judging (fwd_domains.c), which knows what it asks for.
 */
#include <stdlib.h>
#include <string.h>

#include "scanner/forwarders/fwd.h"
#include "scanner/forwarders/fwd_util.h"

static void maincf_entry(struct fwd_doc *d, const char *s, size_t n,
			 unsigned long line)
{
	const char *eq = memchr(s, '=', n);
	const char *k = s, *v;
	size_t kn, vn;

	if (!eq) {
		fwd_add_error(d, line, "missing '=' in parameter setting");
		return;
	}
	kn = (size_t)(eq - s);
	fwd_trim(&k, &kn);
	if (!kn) {
		fwd_add_error(d, line, "empty parameter name");
		return;
	}
	for (size_t i = 0; i < kn; i++)
		if (fwd_isblank(k[i])) {
			fwd_add_error(d, line, "blank in parameter name");
			return;
		}
	v = eq + 1;
	vn = n - (size_t)(v - s);
	fwd_trim(&v, &vn);
	if (mw_strlist_addn(&d->keys, k, kn) != MW_OK)
		return;
	if (mw_strlist_addn(&d->values, v, vn) != MW_OK) {
		/* keep keys and values in step */
		d->keys.n--;
		free(d->keys.v[d->keys.n]);
	}
}

enum mw_err fwd_parse_maincf(struct fwd_doc *d, const char *text, size_t len)
{
	return fwd_for_logical_lines(d, text, len, maincf_entry);
}
