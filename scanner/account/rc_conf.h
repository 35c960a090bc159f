/*
 * Roundcube's configuration and sessions as data, for `mailwarden
 * account` (roundcube.c): pure, no I/O, unit-tested and fuzzed.
 *
 * Roundcube's configuration is PHP. It is never included or run: a small
 * bounded reader takes the assignments whose value is made of literals
 * ($config['db_dsnw'] = 'sqlite:////var/lib/rc.db';, double quotes with
 * $var interpolation, concatenation with '.', variables assigned earlier,
 * the Debian variables file's $dbtype='sqlite3'; ...) and ignores every
 * other statement; a value with anything else in it (a function call, a
 * constant) is "unknown", never guessed.
 */
#ifndef MW_ACCOUNT_RC_CONF_H
#define MW_ACCOUNT_RC_CONF_H

#include <stddef.h>

#include "core/buf.h"

#define RC_MAX_VARS	64	/* variables and config keys kept */
#define RC_MAX_NAME	64	/* bytes of a name ("config:db_dsnw") */
#define RC_MAX_VAL	1024	/* bytes of a value; longer: unknown */
#define RC_MAX_TEXT	(1u << 20)	/* bytes of a configuration file read */
#define RC_MAX_DEPTH	32	/* nesting of a serialized session value */

struct rc_var {
	char name[RC_MAX_NAME];	/* "dbtype", or "config:db_dsnw" */
	char val[RC_MAX_VAL];
	int known;		/* 0: assigned something not a literal */
};

struct rc_php {
	struct rc_var v[RC_MAX_VARS];
	size_t n;
};

/*
 * Take the assignments of text into p, in order, over what p holds:
 * "$name = EXPR;" and "$config['key'] = EXPR;" ($rcmail_config too, as
 * "config:key"), EXPR being literals and variables joined by '.'.
 * Statements around them (include, switch, if) are skipped, not followed:
 * in a switch the last assignment wins. Returns the number of assignments.
 */
size_t mw_rc_php_read(struct rc_php *p, const char *text, size_t n);

/* The value of name: NULL when never assigned or not known. */
const char *mw_rc_php_get(const struct rc_php *p, const char *name);
/* 1 when name was assigned, known or not. */
int mw_rc_php_has(const struct rc_php *p, const char *name);

enum rc_db { RC_DB_UNKNOWN = 0, RC_DB_SQLITE, RC_DB_MYSQL, RC_DB_PGSQL, RC_DB_OTHER };

/* A database DSN, its password left out. */
struct rc_dsn {
	enum rc_db type;
	char scheme[16];
	char path[1024];	/* SQLite: the file, absolute */
	char user[128], host[256], db[256];
};

/*
 * Parse Roundcube's db_dsnw: "sqlite:////abs/path?mode=0640",
 * "mysql://user:pass@host:port/db", "pgsql://...". 0, or -1 when it is
 * not one (or SQLite with a relative path: Roundcube's directory).
 */
int mw_rc_dsn_parse(const char *dsn, struct rc_dsn *d);

/*
 * The DSN Debian's roundcube-core composes from dbconfig-common's
 * variables ($dbtype, $dbuser, $dbserver, $dbport, $dbname, $basepath)
 * into d. 0, or -1 when $dbtype is not set to a literal.
 */
int mw_rc_debian_dsn(const struct rc_php *p, struct rc_dsn *d);

/* "sqlite:/path" or "mysql://user@host/db": d without its password. */
void mw_rc_dsn_describe(const struct rc_dsn *d, char *out, size_t cap);

/*
 * Does the session data vars (a session row's "vars": PHP's session
 * serialization, plain or base64 as Roundcube stores it) name user as its
 * top-level "username" (username|s:N:"user";, ASCII case-insensitive)?
 * 1 yes, 0 no, -1 it could not be parsed (nothing is assumed).
 */
int mw_rc_session_is_user(const char *vars, size_t n, const char *user);

/*
 * The statement an administrator runs to delete user's sessions in a
 * MySQL or PostgreSQL Roundcube database (table prefix prefix: letters,
 * digits, '_'), into out. user must pass mw_account_name_ok. 0, or -1
 * for another database type or a bad prefix.
 */
int mw_rc_manual_sql(enum rc_db type, const char *prefix, const char *user, struct mw_buf *out);

/* 1 when s is a usable table prefix (at most 32 of [A-Za-z0-9_]). */
int mw_rc_prefix_ok(const char *s);

#endif
