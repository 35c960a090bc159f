/* Inside scanner/tamper/: the items a file is parsed into and the table
 * entries that judge them (tamper.h has the outside view). */
#ifndef MW_TAMPER_INT_H
#define MW_TAMPER_INT_H

#include "scanner/tamper/tamper.h"

enum tamper_item_type {
	TI_SETTING,	/* a PHP setting: php_value, .user.ini key, php_admin_value[] */
	TI_HANDLER,	/* AddHandler/AddType/SetHandler/ForceType */
	TI_REDIRECT,	/* RewriteRule, Redirect*, ErrorDocument */
	TI_OPTION,	/* an FPM pool option (security.limit_extensions ...) */
	TI_ENV,		/* FPM env[NAME], crontab NAME=value */
	TI_CRON,	/* a cron job */
	TI__COUNT
};

/*
 * One judged thing. key is lower-case; value and context depend on the
 * type (signatures/README.md, "Configuration tampering"). target is the
 * resolved absolute path of an auto_prepend_file/auto_append_file value,
 * NULL for other items and for stream wrappers ("php://input").
 */
struct tamper_item {
	enum tamper_item_type type;
	enum mw_tamper_kind kind;
	const char *key, *value, *context;
	const char *target;
	const char *config_dir;		/* directory of the file judged */
	int target_in_roots;
	unsigned long line;
	size_t offset;
};

enum tamper_where {
	TW_ANY,
	TW_SAME_DIR,		/* target in the directory of the file judged */
	TW_IN_ROOTS,		/* target inside the scanned roots */
	TW_OUTSIDE_ROOTS,	/* target outside them */
};

#define TAMPER_SEV_NONE	(-1)	/* an allow entry */

struct tamper_entry {
	char *id, *family, *description, *remediation;
	int severity;		/* enum mw_severity or TAMPER_SEV_NONE */
	enum tamper_item_type type;
	unsigned files;		/* bit (1 << kind); 0 = every kind */
	enum tamper_where where;
	void *re[3];		/* pcre2_code *: key, value, context; NULL = any */
	struct mw_strlist positives, negatives;
	unsigned line;
};

/* The first entry that matches it, or NULL. Thread-safe. */
const struct tamper_entry *mw_tamper_decide(const struct mw_tamper_table *t,
					 const struct tamper_item *it);

/* Called for every item of a file with the entry that decided it (NULL:
 * none did). Return non-zero to stop. */
typedef int (*tamper_item_fn)(void *ud, const struct tamper_item *it,
			      const struct tamper_entry *e);

/*
 * Parse buf as kind k and judge every item (mw_tamper_judge without the
 * findings). Returns the parser's problem count; *first_problem and *what
 * (may be NULL) the first one.
 */
unsigned long mw_tamper_items(const struct mw_tamper_env *env, enum mw_tamper_kind k,
			   const char *path, const char *buf, size_t len,
			   tamper_item_fn fn, void *ud, unsigned long *first_problem,
			   const char **what);

#endif
