/*
 * Document-root auto-detection for `mailwarden scan` without PATH:
 * Apache DocumentRoot in sites-enabled, nginx "root" in sites-enabled and
 * conf.d, PHP-FPM pool "chdir" (with the pool user), and the common layouts
 * /var/www, /home/STAR/public_html, /srv/www. Paths nested in another root
 * are folded into it. Symbolic links are not followed (a root that is a
 * symlink is reported, not scanned).
 */
#ifndef MW_DOCROOTS_H
#define MW_DOCROOTS_H

#include "core/error.h"
#include "core/strlist.h"

#define MW_DOCROOTS_MAX 4096

/*
 * Fill roots with existing directories and why[i] with the reason for
 * roots[i] (e.g. "apache: DocumentRoot in /etc/apache2/sites-enabled/x.conf
 * line 3"). sysroot ("" for the real system) is prefixed to every path
 * looked at, for tests. skipped receives "path: reason" lines for roots
 * that were named but not usable (missing, symlink).
 */
enum mw_err mw_docroots_detect(const char *sysroot, struct mw_strlist *roots,
			       struct mw_strlist *why, struct mw_strlist *skipped);

#endif
