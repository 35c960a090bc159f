/*
 * State of one `mailwarden forwarders` run, shared by the command
 * (forwarders.c: walking users and sources, judging, reporting) and the
 * local-domain collection (fwd_domains.c). Internal to scanner/forwarders.
 */
#ifndef MW_FWD_RUN_H
#define MW_FWD_RUN_H

#include <jansson.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/ctx.h"
#include "core/limits.h"
#include "core/severity.h"
#include "core/strlist.h"
#include "core/strset.h"
#include "scanner/forwarders/fwd.h"

struct fwd_run {
	struct mw_ctx *ctx;
	struct mw_report *rep;
	int rootfd;
	char root[MW_MAX_PATH];	/* "" for "/", else DIR without a trailing / */
	int list;
	int64_t now;
	char hostname[256];

	struct mw_strlist local;	/* local domains (MTA, panels, config) */
	struct mw_strlist domain_origin;	/* where each came from */
	struct mw_strlist alias_maps;	/* Postfix map specs "type:path" */
	struct mw_strlist virtual_maps;
	struct mw_strlist exim_filters;	/* Exim system_filter paths */
	int postfix_found, exim_found;

	/* Dovecot Sieve settings (90-sieve.conf; defaults when absent) */
	char *sieve_loc;		/* "file:~/sieve;active=~/.dovecot.sieve" */
	char *sieve_dir;		/* legacy sieve_dir */
	char *sieve_global;		/* sieve_global / sieve_global_dir */
	struct mw_strlist sieve_before, sieve_after;
	char *mail_home;		/* Dovecot mail_home or userdb home= */

	struct mw_strset seen;		/* files parsed (no double reports) */
	struct mw_strset finding_keys;	/* rule, path, owner, destination of
					 * the findings so far (unique ids) */
	json_t *inventory;		/* array of destinations */
	size_t files_read, ndest, nexternal;
};

/* How a file is parsed, and what it is called in the report. */
enum fwd_format {
	FMT_ALIASES, FMT_LIST, FMT_VIRTUAL, FMT_REGEXP, FMT_FORWARD,
	FMT_EXIM_FILTER, FMT_SIEVE, FMT_PROCMAIL, FMT_MAILDROP
};

struct fwd_src {
	enum fwd_format fmt;
	const char *source;	/* "aliases", "sieve", ... (details.source) */
	const char *owner;	/* mailbox user; NULL: the alias key */
	long uid;		/* owning user, -1 for system files */
	long gid;		/* the user's primary group, -1 unknown */
	const char *home;	/* for ~, $HOME and relative includes */
	const char *sieve_dir;	/* personal Sieve scripts of this user */
	int user_file;		/* per-user file: ownership/mode checked */
	int depth;		/* include depth */
	int inactive;		/* Sieve script that is not the active one */
	long require_uid;	/* include from a user file: owner must match */
	const char *inc_from;	/* the file that included this one */
	unsigned long inc_line;
	const char *inc_text;
};

struct fwd_user {
	char *name;
	long uid, gid;
	char *home;
};

/* ---- fwd_report.c: judging a destination, reporting ---- */

/* A JSON string of attacker-written bytes (escaped by the report). */
json_t *mw_fwd_jstr(const char *s);
/* The path as it is on the host: the root prefixed. */
void mw_fwd_real_path(const struct fwd_run *r, const char *path, char *dst,
		   size_t len);
/*
 * Report a finding about path (line 0: the file) with its metadata (st may
 * be NULL), owner, destination and source in details; extra (may be NULL)
 * is merged into details and released.
 */
void mw_fwd_add_finding(struct fwd_run *r, const char *rule,
		     enum mw_severity sev, const char *title,
		     const char *path, unsigned long line,
		     const char *excerpt, const char *remediation,
		     const struct stat *st, const char *owner,
		     const char *dest, const char *source, json_t *extra);
/* Judge one fact of a parsed file and report it (and list it with --list). */
void mw_fwd_judge_fact(struct fwd_run *r, const struct fwd_src *src,
		    const char *path, const struct stat *st,
		    const struct fwd_doc *d, const struct fwd_fact *f);

/* ---- forwarders.c: reading one file ---- */

/*
 * Read the mail file at path (beneath the root, no symlink followed) as
 * src says, parse it, judge every destination and report. A file already
 * read in this run is skipped.
 */
void mw_fwd_process_file(struct fwd_run *r, const char *path,
		      const struct fwd_src *src);
/* 1 when path was seen before in this run (and remember it). */
int mw_fwd_seen_before(struct fwd_run *r, const char *path);
/* 1 when the last component of path is a symlink; its target into target. */
int mw_fwd_last_is_symlink(struct fwd_run *r, const char *path, char *target,
			size_t tlen);
/* The finding for a symlink where a mail file belongs (target as read). */
void mw_fwd_symlink_finding(struct fwd_run *r, const char *path,
			 const char *target, const struct fwd_src *src);
/* An error about a file of the audited tree, shown with its real path. */
void mw_fwd_error(struct fwd_run *r, const char *path, unsigned long line,
	       enum mw_err code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* dst = a "/" b; -1 (dst unusable) when it does not fit. */
int mw_fwd_path_join(char *dst, size_t len, const char *a, const char *b);

/* ---- fwd_users.c: users and the Sieve layout ---- */

/* Dovecot's Sieve and mail_home settings into r (defaults when absent). */
void mw_fwd_read_dovecot(struct fwd_run *r);
/*
 * A Dovecot location "file:~/sieve;active=~/.dovecot.sieve" (or a bare
 * path) into the storage path and the active-script path; ~, %h, %u, %n,
 * %d expanded for u (NULL: none).
 */
void mw_fwd_expand_location(const char *loc, const struct fwd_user *u, char *path,
			 size_t plen, char *active, size_t alen);
/* A Sieve location that is a file or a directory of *.sieve scripts. */
void mw_fwd_process_sieve_location(struct fwd_run *r, const char *loc,
				const struct fwd_src *src);
/* Users with a home from ROOT/etc/passwd (caller frees with mw_fwd_free_users);
 * a missing one under --root is a note. */
struct fwd_user *mw_fwd_read_users(struct fwd_run *r, size_t *nusers);
void mw_fwd_free_users(struct fwd_user *u, size_t n);
/* Every mail file of one user's home. */
void mw_fwd_process_user(struct fwd_run *r, const struct fwd_user *u);
/* The virtual mailbox users under Dovecot's mail_home; their homes are
 * added to homes. */
void mw_fwd_process_virtual_users(struct fwd_run *r, struct mw_strset *homes);

/*
 * Open path (absolute, taken relative to the audited root) without
 * following any symlink and read at most MW_MAX_TEXT_FILE bytes into buf.
 * Returns MW_OK, or the open/read error with errno set (ENOENT when the
 * file does not exist). *truncated is set when the file was larger.
 */
enum mw_err mw_fwd_read(struct fwd_run *r, const char *path, struct mw_buf *buf,
		     struct stat *st, int *truncated);

/*
 * Names in directory path (beneath the root), sorted, at most
 * FWD_MAX_DIR_ENTRIES; "." entries skipped. want: 0 any, 'f' regular files,
 * 'd' directories (judged with fstatat AT_SYMLINK_NOFOLLOW, so symlinks
 * are neither). Returns MW_OK or the error opening the directory.
 */
enum mw_err mw_fwd_list_dir(struct fwd_run *r, const char *path, int want,
			 struct mw_strlist *out);

/* Same, but every name including dot files, regular files only. */
enum mw_err mw_fwd_list_dir_all(struct fwd_run *r, const char *path,
			     struct mw_strlist *out);

/*
 * Collect the local domains (Postfix via `postconf -n` when auditing "/"
 * and Postfix is installed, else main.cf with $name expansion; Exim
 * local_domains and dc_other_hostnames; /etc/mailname; the hostname;
 * cPanel and DirectAdmin domain lists; config local_domains) and the
 * Postfix alias/virtual map specs and Exim system filters to audit.
 */
void mw_fwd_collect_domains(struct fwd_run *r);

/* Add a local domain (lowercased, deduplicated) with where it came from. */
void mw_fwd_add_local_domain(struct fwd_run *r, const char *dom, size_t n,
			  const char *origin);

/*
 * Split a Postfix map spec: "proxy:hash:/etc/x" gives type "hash" (tlen
 * bytes) and path "/etc/x". Returns 0 for the file-backed types whose text
 * source can be read (hash, btree, lmdb, cdb, dbm, sdbm, texthash, regexp,
 * pcre) with an absolute path, -1 otherwise (mysql:, ldap:, inline:, ...).
 */
int mw_fwd_map_spec(const char *spec, const char **type, size_t *tlen,
		 const char **path);

#endif
