/*
 * State of one `mailwarden forwarders` run, shared by the command
 * (forwarders_cmd.c: walking users and sources, judging, reporting) and the
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
#include "core/strlist.h"
#include "core/strset.h"

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

/*
 * Open path (absolute, taken relative to the audited root) without
 * following any symlink and read at most MW_MAX_TEXT_FILE bytes into buf.
 * Returns MW_OK, or the open/read error with errno set (ENOENT when the
 * file does not exist). *truncated is set when the file was larger.
 */
enum mw_err fwd_read(struct fwd_run *r, const char *path, struct mw_buf *buf,
		     struct stat *st, int *truncated);

/*
 * Names in directory path (beneath the root), sorted, at most
 * FWD_MAX_DIR_ENTRIES; "." entries skipped. want: 0 any, 'f' regular files,
 * 'd' directories (judged with fstatat AT_SYMLINK_NOFOLLOW, so symlinks
 * are neither). Returns MW_OK or the error opening the directory.
 */
enum mw_err fwd_list_dir(struct fwd_run *r, const char *path, int want,
			 struct mw_strlist *out);

/* Same, but every name including dot files, regular files only. */
enum mw_err fwd_list_dir_all(struct fwd_run *r, const char *path,
			     struct mw_strlist *out);

/*
 * Collect the local domains (Postfix via `postconf -n` when auditing "/"
 * and Postfix is installed, else main.cf with $name expansion; Exim
 * local_domains and dc_other_hostnames; /etc/mailname; the hostname;
 * cPanel and DirectAdmin domain lists; config local_domains) and the
 * Postfix alias/virtual map specs and Exim system filters to audit.
 */
void fwd_collect_domains(struct fwd_run *r);

/* Add a local domain (lowercased, deduplicated) with where it came from. */
void fwd_add_local_domain(struct fwd_run *r, const char *dom, size_t n,
			  const char *origin);

/*
 * Split a Postfix map spec: "proxy:hash:/etc/x" gives type "hash" (tlen
 * bytes) and path "/etc/x". Returns 0 for the file-backed types whose text
 * source can be read (hash, btree, lmdb, cdb, dbm, sdbm, texthash, regexp,
 * pcre) with an absolute path, -1 otherwise (mysql:, ldap:, inline:, ...).
 */
int fwd_map_spec(const char *spec, const char **type, size_t *tlen,
		 const char **path);

#endif
