/*
 * PHP configuration and persistence tampering (issue 23): the files an
 * attacker edits to keep a way back into a site once the dropped PHP is
 * gone -- .htaccess, .user.ini and per-directory php.ini, PHP-FPM pools,
 * web users' crontabs. Part of the web-root scan: scanner/webroot/scan.c
 * hands every file whose name says it is one of these to mw_tamper_judge().
 *
 * Each file is parsed (tamper_parse.h) into items -- a PHP setting, a
 * handler mapping, a redirect, a pool option or environment variable, a
 * cron job -- and every item is judged by the first entry of the check
 * table (signatures/tamper.table, tamper_table.c) that matches it; an
 * entry of severity "none" is an allow entry. A prepend/append target that
 * lies inside the scanned roots is also scanned with the PHP rules.
 */
#ifndef MW_TAMPER_H
#define MW_TAMPER_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"
#include "core/severity.h"
#include "core/strlist.h"
#include "scanner/tamper/tamper_parse.h"

struct mw_sig_db;
struct mw_sig_scratch;

enum mw_tamper_kind {
	MW_TAMPER_NONE = 0,
	MW_TAMPER_HTACCESS,	/* .htaccess */
	MW_TAMPER_USER_INI,	/* .user.ini */
	MW_TAMPER_PHP_INI,	/* php.ini (per directory, or the system's) */
	MW_TAMPER_FPM,		/* PHP-FPM pool: pool.d/ or php-fpm.d/ *.conf */
	MW_TAMPER_CRON,		/* .../cron/crontabs/USER, /var/spool/cron/USER */
	MW_TAMPER__COUNT
};

#define MW_TAMPER_TABLE_FILE	"tamper.table"	/* in the signatures dir */
#define MW_TAMPER_MAX_ENTRIES	512
#define MW_TAMPER_MAX_FINDINGS	64	/* per file */
#define MW_TAMPER_TARGET_CAP	(4u << 20)	/* bytes of a prepend target */

/* Which family a file belongs to, from its name and path alone (no I/O). */
enum mw_tamper_kind mw_tamper_kind_of(const char *name, const char *path);
/* "htaccess", "userini", "phpini", "fpm", "cron" */
const char *mw_tamper_kind_name(enum mw_tamper_kind k);

/*
 * Directories outside the web roots that hold files of the family on this
 * host (/var/spool/cron/crontabs, /etc/php-fpm.d, /etc/php/VERSION/fpm/pool.d,
 * cPanel's /opt/cpanel/ea-phpNN/root/etc/php-fpm.d), added to an
 * auto-detected scan. Adds those that exist (no symlink) to out.
 */
void mw_tamper_host_dirs(struct mw_strlist *out);

struct mw_tamper_table;

/*
 * Load and lint the check table at path. Every problem goes to problems as
 * "path: line N: text" (the entry is then dropped). Returns MW_OK with a
 * table (possibly of fewer entries), MW_ERR_IO when it cannot be read (out
 * stays NULL; errno set), MW_ERR_NOMEM.
 */
enum mw_err mw_tamper_table_load(const char *path, struct mw_tamper_table **out,
				 struct mw_strlist *problems);
void mw_tamper_table_free(struct mw_tamper_table *t);
size_t mw_tamper_table_size(const struct mw_tamper_table *t);
/* sha256 (hex) of the table's bytes: part of the incremental cache's key. */
const char *mw_tamper_table_digest(const struct mw_tamper_table *t);

struct mw_tamper_finding {
	const char *rule_id, *title, *family, *remediation;	/* static or table's */
	enum mw_severity severity;
	unsigned long line;
	char *excerpt;		/* raw bytes of the line, malloc'd */
	json_t *details;	/* owned */
};

struct mw_tamper_env {
	const struct mw_tamper_table *table;
	const struct mw_sig_db *db;	/* PHP rules for targets; NULL: not scanned */
	struct mw_sig_scratch *sc;	/* the calling thread's */
	const struct mw_strlist *roots;	/* scanned roots (absolute); may be NULL */
};

/*
 * Judge one file of kind k (its bytes buf/len, its path as reported;
 * truncated: the file was longer than MW_TAMPER_MAX_FILE). Up
 * to max findings go to out (caller frees each with
 * mw_tamper_finding_clear); returns how many.
 */
size_t mw_tamper_judge(const struct mw_tamper_env *env, enum mw_tamper_kind k,
		       const char *path, const char *buf, size_t len, int truncated,
		       struct mw_tamper_finding *out, size_t max);
void mw_tamper_finding_clear(struct mw_tamper_finding *f);

/*
 * Run every entry over its samples (paths below dir): each positive must
 * have an item the entry decides, no negative may. In a sample, "@SITE@"
 * stands for the directory of its variant (dir/hostile/VARIANT). Failures
 * go to out as text. Returns the number of failures.
 */
size_t mw_tamper_table_test(const struct mw_tamper_table *t, const char *dir,
			    struct mw_strlist *out);

#endif
