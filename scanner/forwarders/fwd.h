/*
 * Forwarder audit: what every format parser produces. A parser gets the
 * bytes of one file (already opened safely and capped by the caller), never
 * a path to open, and turns them into "facts": where mail goes (an address,
 * a pipe, a file, an include to follow) and where it is thrown away. The
 * judging (scanner/forwarders/fwd_judge.c) decides what is external,
 * recent or hidden; parsers only describe.
 */
#ifndef MW_FWD_H
#define MW_FWD_H

#include <stddef.h>

#include "core/error.h"
#include "core/strlist.h"

#define FWD_MAX_FACTS		4096	/* facts kept per file */
#define FWD_MAX_ERRORS		10	/* parse errors reported per file */
#define FWD_MAX_INCLUDE_DEPTH	4	/* :include:, INCLUDERC, Sieve include */
#define FWD_MAX_EXPAND_DEPTH	16	/* $name references in main.cf */
#define FWD_MAX_NEST		64	/* nested blocks in filter languages */
#define FWD_MAX_TOKENS		200000	/* tokens per Sieve/Exim/maildrop file */
#define FWD_MAX_USERS		100000
#define FWD_MAX_DIR_ENTRIES	10000	/* entries read per directory */
#define FWD_MAX_DEST		1024	/* bytes kept of one destination */
#define FWD_MAX_HIDES		64	/* hiding statements kept per file */

enum fwd_kind {
	FWD_FORWARD,	/* mail goes on to an address (alias, .forward, !addr) */
	FWD_REDIRECT,	/* Sieve redirect */
	FWD_NOTIFY,	/* a notification with mail data to an address */
	FWD_PIPE,	/* mail piped into a program */
	FWD_FILE,	/* appended to a file or folder */
	FWD_INCLUDE,	/* another file is read (:include:, INCLUDERC, ...) */
};

struct fwd_fact {
	enum fwd_kind kind;
	char *dest;		/* address, command, path or include name */
	char *text;		/* the rule text as written (raw, escaped later) */
	unsigned long line;
	unsigned copy : 1;	/* the original is kept too (:copy, c, unseen) */
	unsigned conditional : 1;	/* only under a condition */
	unsigned disabled : 1;	/* can never run (Roundcube "if false") */
	unsigned pattern : 1;	/* key is a regexp/pcre table pattern */
	char *key;		/* alias/map key (local part, address); NULL */
	unsigned rule;		/* the rule it belongs to (mw_fwd_rule_begin);
				 * 0 = the file's unconditional top level */
};

/* A statement that throws the original away or hides it (discard,
 * /dev/null, a trash folder, Exim "seen finish"), see mw_fwd_hide_for. */
struct fwd_hide {
	unsigned rule;
	unsigned long line;
	char *text;
	long fact;		/* index of the fact that is the hide itself
				 * (Exim "deliver" is "seen"), -1 none */
};

struct fwd_perr {
	unsigned long line;
	char *msg;
};

/* What one parser made of one file. */
struct fwd_doc {
	struct fwd_fact *facts;
	size_t nfacts, afacts;
	struct fwd_perr *errs;
	size_t nerrs, aerrs;
	size_t dropped_errs;	/* errors beyond FWD_MAX_ERRORS */
	int truncated;		/* more facts than FWD_MAX_FACTS */
	/* Number of facts mw_fwd_scan_actions() added after a parse that
	 * stopped early (0: none, or no scan). */
	size_t scanned_facts;
	/* The original is thrown away or hidden: discard, /dev/null, a
	 * Trash/Junk folder. First such line (0 = none); every one (capped)
	 * with its rule in hides. */
	unsigned long hide_line;
	char *hide_text;
	struct fwd_hide hides[FWD_MAX_HIDES];
	size_t nhides;
	/* Rules: the parser brackets each alias entry, table entry or
	 * conditional block with mw_fwd_rule_begin/mw_fwd_rule_end. */
	unsigned cur_rule, last_rule;
	/* Sieve: "keep" seen (the original stays visible). */
	int keeps;
	/* Set by the Sieve parser: extensions named in require. */
	struct mw_strlist requires;
	/* Postfix main.cf / postconf output: key = value pairs. */
	struct mw_strlist keys, values;
};

void mw_fwd_doc_init(struct fwd_doc *d);
void mw_fwd_doc_free(struct fwd_doc *d);

/*
 * Append a fact: dest (dlen bytes, cut at FWD_MAX_DEST) and the rule text
 * (tlen bytes, cut at MW_MAX_EXCERPT) are copied. Returns the new fact
 * for the caller to set flags on, or NULL (allocation failure or the
 * FWD_MAX_FACTS cap: d->truncated is then set).
 */
struct fwd_fact *mw_fwd_add_fact(struct fwd_doc *d, enum fwd_kind kind,
			      const char *dest, size_t dlen,
			      const char *text, size_t tlen,
			      unsigned long line);

/* Record a parse error "line N: msg" (printf format); capped. */
void mw_fwd_add_error(struct fwd_doc *d, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Remember a line that hides or drops the original, in the current rule. */
void mw_fwd_set_hide(struct fwd_doc *d, unsigned long line, const char *text,
		  size_t tlen);

/* A fact that itself keeps the mail from the mailbox (Exim's "deliver"
 * without "unseen"): it hides the other forwards of its rule, not itself.
 * Not counted in hide_line. */
void mw_fwd_set_hide_by(struct fwd_doc *d, const struct fwd_fact *f);

/* Start a new rule (facts and hides added until mw_fwd_rule_end belong to
 * it); returns the enclosing rule for mw_fwd_rule_end. */
unsigned mw_fwd_rule_begin(struct fwd_doc *d);
void mw_fwd_rule_end(struct fwd_doc *d, unsigned outer);

/*
 * The hide that applies to fact f, other than f itself (Exim's "deliver"
 * is itself "seen"): one at the file's top level hides every forward; one
 * in a rule hides that rule's forwards and the unconditional ones (which
 * see the same mail), never another rule's (another alias, another
 * conditional block). NULL when none.
 */
const struct fwd_hide *mw_fwd_hide_for(const struct fwd_doc *d,
				    const struct fwd_fact *f);

/* 1 when a folder/mailbox name means trash or spam (Trash, Junk, Spam,
 * Deleted Items, INBOX.Trash, .Junk/, ...), case-insensitive. */
int mw_fwd_folder_is_trash(const char *name, size_t n);

/* 1 when a condition text is about spam or viruses ("X-Spam-Flag",
 * spamtest, "X-Virus"): throwing such mail away is ordinary filtering,
 * not hiding. */
int mw_fwd_cond_is_spam(const char *s, size_t n);

const char *mw_fwd_kind_name(enum fwd_kind k);

/*
 * The fallback after a filter parse that stopped early (a syntax error, a
 * limit): every line holding verb as a word ("redirect", "deliver"), with
 * its ":tag"s and an "unseen" before it, gives a fact of kind for the
 * next quoted string or word, unless the parser already has that fact.
 * Such facts count as conditional (the condition around them is unknown).
 * A script cut off by a token cap so still yields every forward a grep
 * would see. Returns the number added (also in d->scanned_facts).
 */
size_t mw_fwd_scan_actions(struct fwd_doc *d, const char *text, size_t len,
			const char *verb, enum fwd_kind kind);

/*
 * The parsers. Each takes the whole file (text, len; may hold NUL bytes,
 * CRLF, invalid UTF-8), fills d and returns MW_OK, or MW_ERR_NOMEM. Syntax
 * problems are never a return value: they go to d->errs with their line.
 */

/* /etc/aliases, :include: files, cPanel valiases, DirectAdmin aliases:
 * "name: target, target" with continuation lines. */
enum mw_err mw_fwd_parse_aliases(struct fwd_doc *d, const char *text, size_t len);
/* Postfix virtual(5)/hash source tables: "key target, target". */
enum mw_err mw_fwd_parse_virtual(struct fwd_doc *d, const char *text, size_t len);
/* Postfix regexp(5)/pcre(5) tables: "/pattern/flags result" (listing). */
enum mw_err mw_fwd_parse_regexp_table(struct fwd_doc *d, const char *text,
				   size_t len);
/* A plain .forward list (addresses, "|cmd", /file, \user, :include:). */
enum mw_err mw_fwd_parse_forward(struct fwd_doc *d, const char *text, size_t len);
/* An Exim filter file (.forward starting "# Exim filter", cPanel vfilters,
 * DirectAdmin filter, Exim system filter). */
enum mw_err mw_fwd_parse_exim_filter(struct fwd_doc *d, const char *text,
				  size_t len);
/* A Sieve script (RFC 5228 with copy, fileinto, vacation, enotify,
 * include, variables as far as they matter here). */
enum mw_err mw_fwd_parse_sieve(struct fwd_doc *d, const char *text, size_t len);
/* ~/.procmailrc and its INCLUDERC files. */
enum mw_err mw_fwd_parse_procmail(struct fwd_doc *d, const char *text, size_t len);
/* ~/.mailfilter (Courier maildrop). */
enum mw_err mw_fwd_parse_maildrop(struct fwd_doc *d, const char *text, size_t len);
/* Dovecot configuration (90-sieve.conf): key = value pairs into d->keys /
 * d->values, block structure ignored except for its syntax. */
enum mw_err mw_fwd_parse_dovecot_conf(struct fwd_doc *d, const char *text,
				   size_t len);

/* 1 when the .forward text is an Exim filter ("# Exim filter" on the
 * first line, case-insensitive), 2 when it is "# Sieve filter", else 0. */
int mw_fwd_forward_filter_type(const char *text, size_t len);

/*
 * 1 when text is not a text file at all: more than 1 in 10 of its first
 * FWD_SNIFF_BYTES bytes are control characters (NUL included, blanks not)
 * or not UTF-8 (one stray NUL byte is a parse error of the format). Such a file gets one finding and is not parsed:
 * no addresses are made from garbage.
 */
#define FWD_SNIFF_BYTES		65536
int mw_fwd_text_is_binary(const char *text, size_t len);

/*
 * 1 when a destination taken from a plain .forward list cannot be an
 * address, "|command", "/file" or ":include:": control bytes or
 * characters no address holds outside quotes ( ( ) < > ; { } [ ] $ ` ),
 * as when a PHP or HTML file sits where a .forward belongs.
 */
int mw_fwd_dest_is_garbage(const char *dest);

/*
 * Copy into out (up to max entries, deduplicated) the strings in text that
 * look like plain addresses: local@domain.tld with the usual characters.
 * For showing what a file that is not a forward file holds.
 */
void mw_fwd_find_addresses(const char *text, size_t len, struct mw_strlist *out,
			size_t max);

/* Value of key in a parsed key/value doc, or NULL (last definition). */
const char *mw_fwd_doc_get(const struct fwd_doc *d, const char *key);

#endif
