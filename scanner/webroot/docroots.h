/*
 * Document-root auto-detection for `mailwarden scan` without PATH:
 * Apache DocumentRoot in sites-enabled, nginx "root" in sites-enabled and
 * conf.d, PHP-FPM pool "chdir" (with the pool user), and the common layouts
 * /var/www, /home/STAR/public_html, /srv/www. Paths nested in another root
 * are folded into it. A root that is a symbolic link is resolved once: a
 * target inside the directory holding the link (a home for public_html,
 * the site directory for a "current -> releases/N" link) is scanned, any
 * other one (or a dangling link) is reported, never dropped in silence.
 */
#ifndef MW_DOCROOTS_H
#define MW_DOCROOTS_H

#include <stddef.h>

#include "core/error.h"
#include "core/strlist.h"

#define MW_DOCROOTS_MAX 4096

/*
 * Fill roots with existing directories and why[i] with the reason for
 * roots[i] (e.g. "apache: DocumentRoot in /etc/apache2/sites-enabled/x.conf
 * line 3"). sysroot ("" for the real system) is prefixed to every path
 * looked at, for tests. skipped receives "path: reason" lines for roots
 * that were named but not usable (missing); outside/outside_why the
 * symlinked roots that lead out of their directory or nowhere, with
 * "reason (why)" (the scan makes each a finding).
 */
enum mw_err mw_docroots_detect(const char *sysroot, struct mw_strlist *roots,
			       struct mw_strlist *why, struct mw_strlist *skipped,
			       struct mw_strlist *outside, struct mw_strlist *outside_why);

/*
 * full (sysroot-prefixed) is a symbolic link? 0: no (use it as is); 1: its
 * target (realpath, under sysroot) is a directory inside the directory
 * holding the link, written to out; -1: it is not (why says where it goes).
 */
int mw_docroot_resolve(const char *sysroot, const char *full, char *out,
		       size_t outlen, char *why, size_t whylen);

#endif
