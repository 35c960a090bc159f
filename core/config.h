/*
 * /etc/mailwarden.conf: INI syntax, parsed with inih. Every key is listed in
 * the table in config.c (section, key, type, where it goes); an unknown
 * section or key is an error with file and line. docs/mailwarden.conf.5
 * documents every key; keep the two in step.
 */
#ifndef MW_CONFIG_H
#define MW_CONFIG_H

#include <stddef.h>

#include "core/error.h"
#include "core/severity.h"
#include "core/strlist.h"

#define MW_DEFAULT_CONFIG "/etc/mailwarden.conf"

enum mw_fw_mode { MW_FW_DENY_LIST = 0, MW_FW_ALLOW_LIST };

struct mw_config {
	char *path;			/* file read, NULL when defaults only */

	/* [general] */
	struct mw_strlist local_domains;
	struct mw_strlist allowed_forward_domains;
	struct mw_strlist web_users;	/* extra web users besides www-data */
	char *metrics_textfile;		/* directory for mailwarden.prom, NULL = none */
	int journal;			/* one journal entry per finding */

	/* [scan] */
	struct mw_strlist web_roots;	/* scanned besides auto-detected */
	struct mw_strlist exclude;
	size_t max_file_size;
	unsigned threads;		/* 0 = number of cores */
	int cross_filesystems;
	char *signatures_dir;
	enum mw_severity quarantine_min_severity;
	char *quarantine_dir;

	/* [forwarders] */
	unsigned recent_days;

	/* [relay] */
	char *relay_target;		/* HOST[:PORT], NULL = auto */
	unsigned relay_timeout_ms;
	unsigned relay_probe_deadline_s;	/* one target, all variants */
	unsigned relay_run_deadline_s;	/* all probes of one run */
	char *relay_untrusted_ip;	/* address used with XCLIENT */

	/* [dnsbl] */
	struct mw_strlist dnsbl_lists;	/* empty = built-in defaults */
	struct mw_strlist dnsbl_ips;	/* empty = discover */
	char *dnsbl_resolver;		/* IP[:PORT], NULL = resolv.conf */
	unsigned dnsbl_timeout_ms;
	unsigned dnsbl_tries;

	/* [logs] */
	char *logs_since;		/* e.g. "7d", "2026-11-01" */
	struct mw_strlist log_files;	/* empty = journald + found files */

	/* [firewall] */
	enum mw_fw_mode fw_mode;
	struct mw_strlist fw_block_users;	/* deny-list extras */
	struct mw_strlist fw_allow_users;	/* allow-list extras */
	struct mw_strlist fw_ports;
	int fw_allow_root;
	int fw_allow_loopback;		/* exempt oif "lo" */
	struct mw_strlist fw_mta_users;	/* allow-list: MTA users, if they exist */

	/* [queue] */
	unsigned queue_warn;		/* messages: queue.spike high */
	unsigned queue_crit;		/* messages: queue.spike critical */
	unsigned queue_group_share;	/* percent of the queue one submitter holds */
	unsigned queue_backscatter;	/* queued bounces: queue.backscatter */
	unsigned queue_inspect;		/* messages whose headers are read */

	/* [watch] */
	int watch_quarantine;		/* quarantine what the watch flags */
	unsigned watch_max_rate;	/* files scanned per second at most */

	/* [nightly] */
	char *state_dir;
	char *mail_to;
	int mail_only_new;
	char *sendmail;			/* program run as SENDMAIL -t -oi */

	/* [hooks] (reports/publish.h) */
	char *hook_on_finding;		/* absolute paths, NULL = none */
	char *hook_on_listing;
	char *hook_on_run_complete;
	unsigned hook_timeout_s;
	/* [harden]: sending limits per hour (0 = none) and their state */
	unsigned harden_sasl_messages;	/* per SASL user */
	unsigned harden_sasl_recipients;
	unsigned harden_local_messages;	/* per local uid (sendmail wrapper) */
	unsigned harden_local_recipients;
	struct mw_strlist harden_limits;	/* "NAME=MESSAGES" overrides */
	char *harden_state_db;		/* policyd's SQLite file */
};

struct stat;

/*
 * 1 when a file with these attributes may steer root: owned by root (or by
 * the user running us) and writable by nobody else. The configuration file
 * and the hook programs must pass it.
 */
int mw_config_file_trusted(const struct stat *st);

/* Fill cfg with built-in defaults. */
enum mw_err mw_config_defaults(struct mw_config *cfg);

/*
 * Load path over the defaults. When path is NULL the default file is read if
 * it exists (missing is fine); an explicitly named file must exist.
 * On error a message "path: line N: ..." is written into err (errlen bytes).
 */
enum mw_err mw_config_load(struct mw_config *cfg, const char *path,
			   char *err, size_t errlen);

/* Parse config text (used by load and by the fuzzer). */
enum mw_err mw_config_parse(struct mw_config *cfg, const char *name,
			    const char *text, char *err, size_t errlen);

void mw_config_free(struct mw_config *cfg);

#endif
