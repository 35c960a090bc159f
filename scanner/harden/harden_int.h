/*
 * Inside `mailwarden harden`: the files one run may change (each with its
 * bytes before the run, for the rollback), the backup store that makes
 * --remove byte-identical, and the two targets, Postfix and PHP-FPM.
 */
#ifndef MW_HARDEN_INT_H
#define MW_HARDEN_INT_H

#include <sys/types.h>

#include "core/buf.h"
#include "core/ctx.h"
#include "core/strlist.h"
#include "reports/report.h"
#include "scanner/harden/harden.h"
#include "scanner/harden/policy.h"

#define HD_MAX_FILES	64		/* files one apply may change */
#define HD_TAG		"mailwarden harden"

struct hd_file {
	char *path;
	int existed;		/* before this run */
	struct mw_buf before;	/* its bytes before this run */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	int write;		/* 1: written by us; 0: by a program (postconf) */
};

struct hd_run {
	struct mw_ctx *ctx;
	const struct mw_harden_opts *o;
	struct mw_report *report;
	struct hd_file files[HD_MAX_FILES];
	size_t nfiles;
	json_t *data;		/* the "harden" data section */
	unsigned missing;	/* settings not in place */
	unsigned touched;	/* HD_T_*: whose files this run changed */
	int postfix_seen;	/* Postfix takes local submission (its sendmail) */
};

#define HD_T_POSTFIX	1u
#define HD_T_EXIM	2u
#define HD_T_FPM	4u

/*
 * Record path as a file this run changes, reading its current bytes (a
 * missing file is recorded as such). Returns the entry, or NULL with an
 * error in the report. Safe to call twice for one path.
 */
struct hd_file *mw_hd_file_take(struct hd_run *r, const char *path);

/* Write content to f->path atomically (temp file + rename), with the old
 * file's mode and owner (0644 root for a new file). */
enum mw_err mw_hd_file_write(const struct hd_file *f, const char *content, size_t len,
			  char *err, size_t errlen);

/* Put every taken file back as it was before this run. */
void mw_hd_rollback(struct hd_run *r);

/*
 * After a successful apply: keep, for every taken file not yet in the
 * backup store dir, its bytes from before the first apply, and record the
 * hash of what it holds now. MW_OK or an error (err).
 */
enum mw_err mw_hd_backup_commit(struct hd_run *r, const char *dir, char *err, size_t errlen);

/*
 * --remove: restore every file in the store byte for byte (delete those
 * that did not exist), refusing a file whose bytes differ from what the
 * apply left (edited since: reported, kept). Entries restored leave the
 * store. *restored counts them.
 */
enum mw_err mw_hd_backup_restore(struct hd_run *r, const char *dir, unsigned *restored);

/* Run argv; 0 when it exited 0. Its stderr (first line) in err. */
int mw_hd_run_program(const char *const argv[], struct mw_buf *out, char *err, size_t errlen);

/* A finding of check "harden". */
void mw_hd_finding(struct hd_run *r, const char *rule, enum mw_severity sev,
		const char *path, const char *title, const char *remediation);

/* Postfix: check (findings), or plan + change (apply). MW_OK when done. */
enum mw_err mw_hd_postfix(struct hd_run *r, int apply);
/* Postfix: `postfix check`; 0 = fine. */
int mw_hd_postfix_validate(struct hd_run *r, char *err, size_t errlen);
void mw_hd_postfix_reload(struct hd_run *r);

/* Exim: the same. */
enum mw_err mw_hd_exim(struct hd_run *r, int apply);
/* The lsearch file of [harden] limits the ratelimit conditions look users
 * up in (quoted keys, "0 = no limit" as a large number), appended to out. */
enum mw_err mw_hd_exim_limits_file(const struct mw_config *cfg, struct mw_buf *out);
int mw_hd_exim_validate(struct hd_run *r, char *err, size_t errlen);
void mw_hd_exim_reload(struct hd_run *r);

/*
 * Exim's limit hits: the ratelimit statements log "[mailwarden-limit 1
 * KIND LIMIT USER64 UID]" at the end of the line (USER64: the user in
 * base64; UID: the caller's uid, "-" for SASL).
 */
#define HD_LIMIT_MARK	"[mailwarden-limit 1 "

enum hd_limit_kind {
	HD_LIM_SASL_MESSAGES, HD_LIM_SASL_RECIPIENTS, HD_LIM_LOCAL_MESSAGES,
	HD_LIM_LOCAL_RECIPIENTS,
};

struct hd_limit_hit {
	enum hd_limit_kind kind;
	unsigned long limit;
	char user[POL_MAX_NAME];	/* decoded; no NUL inside */
	long uid;			/* -1: none */
};

/* Parse the marker ending line[0..n) (no '\n'); 0, or -1 when the line
 * does not end in a well-formed one. */
int mw_hd_limit_parse(const char *line, size_t n, struct hd_limit_hit *out);
const char *mw_hd_limit_kind_name(enum hd_limit_kind k);

/* --check: harden.limit-reached for every sender Exim refused in the
 * last hour, from the reject log (main log: rejectlog = 0) that Exim's
 * log_file_path names. */
void mw_hd_exim_hits(struct hd_run *r, const char *log_file_path, int rejectlog);

/* A harden.limit-reached finding (high); details is taken over. */
void mw_hd_limit_finding(struct hd_run *r, const char *title, const char *path,
		      json_t *details);

/*
 * The addresses of one address-list field value v[0..n) (RFC 5322, with
 * folding, comments, quoted names, <> and groups, whose display name is
 * no address); -1 when it does not parse (an open quote, comment or <>,
 * a stray '>' or ';', a group in a group).
 */
long mw_hd_address_count(const char *v, size_t n);

/*
 * The recipients sendmail -t takes from the header section at hdr[0..n):
 * the addresses of every To, Cc, Bcc, Resent-To, Resent-Cc and Resent-Bcc
 * field up to the empty line (or the first line that is no header field).
 * A field that does not parse counts as 1 and is counted in *bad.
 */
unsigned long mw_hd_header_recipients(const char *hdr, size_t n, unsigned *bad);

/* Bytes of hdr[0..n) up to and with the empty line that ends the header
 * section; 0 when it is not there (yet). */
size_t mw_hd_header_end(const char *hdr, size_t n);

/* PHP-FPM pools: the same. */
enum mw_err mw_hd_fpm(struct hd_run *r, int apply);
int mw_hd_fpm_validate(struct hd_run *r, char *err, size_t errlen);
void mw_hd_fpm_reload(struct hd_run *r);

#endif
