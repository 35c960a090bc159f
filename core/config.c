#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/limits.h"
#include "core/safefile.h"

enum key_type { K_STR, K_LIST, K_UINT, K_SIZE, K_BOOL, K_SEVERITY, K_FWMODE };

struct key_def {
	const char *section;
	const char *key;
	enum key_type type;
	size_t offset;
	unsigned long long min, max;	/* K_UINT, K_SIZE; 0, 0: the type's */
};

#define K(sec, name, type, field) { sec, name, type, offsetof(struct mw_config, field), 0, 0 }
/* Numbers with a range: a timeout of 0 or of days is refused at load time
 * instead of making a probe hang or never wait (issue 19, item 10). */
#define KR(sec, name, type, field, lo, hi) \
	{ sec, name, type, offsetof(struct mw_config, field), lo, hi }

static const struct key_def keys[] = {
	K("general", "local_domains", K_LIST, local_domains),
	K("general", "allowed_forward_domains", K_LIST, allowed_forward_domains),
	K("general", "web_users", K_LIST, web_users),
	K("general", "metrics_textfile", K_STR, metrics_textfile),
	K("general", "journal", K_BOOL, journal),

	K("scan", "web_roots", K_LIST, web_roots),
	K("scan", "exclude", K_LIST, exclude),
	KR("scan", "max_file_size", K_SIZE, max_file_size, 1ull << 10, 1ull << 30),
	KR("scan", "threads", K_UINT, threads, 0, 64),	/* 0: cores; MW_WALK_MAX_THREADS */
	K("scan", "cross_filesystems", K_BOOL, cross_filesystems),
	K("scan", "signatures_dir", K_STR, signatures_dir),
	K("scan", "quarantine_min_severity", K_SEVERITY, quarantine_min_severity),
	K("scan", "quarantine_dir", K_STR, quarantine_dir),

	KR("forwarders", "recent_days", K_UINT, recent_days, 0, 3650),

	K("relay", "target", K_STR, relay_target),
	KR("relay", "timeout_ms", K_UINT, relay_timeout_ms, 100, 120000),
	KR("relay", "probe_deadline_s", K_UINT, relay_probe_deadline_s, 1, 3600),
	KR("relay", "run_deadline_s", K_UINT, relay_run_deadline_s, 1, 86400),
	K("relay", "untrusted_ip", K_STR, relay_untrusted_ip),

	K("dnsbl", "lists", K_LIST, dnsbl_lists),
	K("dnsbl", "ips", K_LIST, dnsbl_ips),
	K("dnsbl", "resolver", K_STR, dnsbl_resolver),
	KR("dnsbl", "timeout_ms", K_UINT, dnsbl_timeout_ms, 50, 60000),
	KR("dnsbl", "tries", K_UINT, dnsbl_tries, 1, 10),

	K("logs", "since", K_STR, logs_since),
	K("logs", "files", K_LIST, log_files),

	K("firewall", "mode", K_FWMODE, fw_mode),
	K("firewall", "block_users", K_LIST, fw_block_users),
	K("firewall", "allow_users", K_LIST, fw_allow_users),
	K("firewall", "ports", K_LIST, fw_ports),
	K("firewall", "allow_root", K_BOOL, fw_allow_root),
	K("firewall", "allow_loopback", K_BOOL, fw_allow_loopback),
	K("firewall", "mta_users", K_LIST, fw_mta_users),

	KR("queue", "warn", K_UINT, queue_warn, 1, 10000000),
	KR("queue", "crit", K_UINT, queue_crit, 1, 10000000),
	KR("queue", "group_share", K_UINT, queue_group_share, 1, 100),
	KR("queue", "backscatter", K_UINT, queue_backscatter, 1, 10000000),
	KR("queue", "inspect", K_UINT, queue_inspect, 0, 1000000),

	K("watch", "quarantine", K_BOOL, watch_quarantine),
	KR("watch", "max_rate", K_UINT, watch_max_rate, 1, 1000000),

	K("nightly", "state_dir", K_STR, state_dir),
	K("nightly", "mail_to", K_STR, mail_to),
	K("nightly", "mail_only_new", K_BOOL, mail_only_new),
	K("nightly", "sendmail", K_STR, sendmail),

	K("hooks", "on_finding", K_STR, hook_on_finding),
	K("hooks", "on_listing", K_STR, hook_on_listing),
	K("hooks", "on_run_complete", K_STR, hook_on_run_complete),
	KR("hooks", "timeout_s", K_UINT, hook_timeout_s, 1, 3600),
	KR("harden", "sasl_messages", K_UINT, harden_sasl_messages, 0, 10000000),
	KR("harden", "sasl_recipients", K_UINT, harden_sasl_recipients, 0, 10000000),
	KR("harden", "local_messages", K_UINT, harden_local_messages, 0, 10000000),
	KR("harden", "local_recipients", K_UINT, harden_local_recipients, 0, 10000000),
	K("harden", "limits", K_LIST, harden_limits),
	K("harden", "state_db", K_STR, harden_state_db),
};

static char *xstrdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

enum mw_err mw_config_defaults(struct mw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_file_size = MW_MAX_SCAN_FILE;
	cfg->quarantine_min_severity = MW_SEV_HIGH;
	cfg->watch_max_rate = 2000;
	cfg->quarantine_dir = xstrdup_or_null("/var/lib/mailwarden/quarantine");
	cfg->recent_days = 14;
	cfg->relay_timeout_ms = 3000;
	cfg->relay_probe_deadline_s = 30;
	cfg->relay_run_deadline_s = 120;
	cfg->relay_untrusted_ip = xstrdup_or_null("192.0.2.1");
	cfg->dnsbl_timeout_ms = 500;
	cfg->dnsbl_tries = 2;
	cfg->logs_since = xstrdup_or_null("7d");
	cfg->fw_mode = MW_FW_DENY_LIST;
	cfg->fw_allow_root = 1;
	cfg->queue_warn = 500;
	cfg->queue_crit = 2000;
	cfg->queue_group_share = 50;
	cfg->queue_backscatter = 5;
	cfg->queue_inspect = 5000;
	cfg->state_dir = xstrdup_or_null("/var/lib/mailwarden");
	cfg->mail_to = xstrdup_or_null("root");
	cfg->mail_only_new = 1;
	cfg->harden_sasl_messages = 200;
	cfg->harden_sasl_recipients = 1000;
	cfg->harden_local_messages = 100;
	cfg->harden_local_recipients = 500;
	cfg->harden_state_db = xstrdup_or_null("/var/lib/mailwarden/policyd.sqlite");
	cfg->sendmail = xstrdup_or_null("/usr/sbin/sendmail");
	cfg->hook_timeout_s = 30;
	cfg->journal = 1;
	if (!cfg->quarantine_dir || !cfg->relay_untrusted_ip ||
	    !cfg->logs_since || !cfg->state_dir || !cfg->mail_to ||
	    !cfg->sendmail || !cfg->harden_state_db)
		return MW_ERR_NOMEM;
	if (mw_strlist_add_words(&cfg->fw_ports, "25 465 587"))
		return MW_ERR_NOMEM;
	if (mw_strlist_add_words(&cfg->fw_mta_users,
				 "postfix Debian-exim exim mail smmsp _smtpd _smtpq"))
		return MW_ERR_NOMEM;
	return MW_OK;
}

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Debian's libinih is built with a 200-byte line buffer: longer lines are
 * split and misreported, so they are refused up front with a clear error. */
#define INI_LINE_MAX 199

struct parse_state {
	struct mw_config *cfg;
	unsigned char seen[NKEYS];	/* list keys: first use replaces the default */
	char msg[256];		/* first error, without location */
	int failed;
	int oom;
};

static int parse_bool(const char *v)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "on") || !strcmp(v, "1"))
		return 1;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
	    !strcasecmp(v, "off") || !strcmp(v, "0"))
		return 0;
	return -1;
}

/* "16M", "512k", "1G" or plain bytes. */
static int parse_size(const char *v, size_t *out)
{
	unsigned long long n, mul = 1;
	char *end;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	default: break;
	}
	if (*end || n == 0 || n > (1ull << 40) / mul)
		return -1;
	*out = (size_t)(n * mul);
	return 0;
}

static void fail(struct parse_state *ps, const char *fmt, const char *a,
		 const char *b)
{
	if (!ps->failed)
		snprintf(ps->msg, sizeof(ps->msg), fmt, a, b);
	ps->failed = 1;
}

static int in_range(struct parse_state *ps, const struct key_def *k,
		    unsigned long long v, const char *value)
{
	char range[96];

	if (!k->max || (v >= k->min && v <= k->max))
		return 1;
	snprintf(range, sizeof(range), "%llu..%llu", k->min, k->max);
	if (!ps->failed)
		snprintf(ps->msg, sizeof(ps->msg), "%s: '%s' out of range (%s%s)", k->key,
			 value, range, k->type == K_SIZE ? " bytes" : "");
	ps->failed = 1;
	return 0;
}

static int set_value(struct parse_state *ps, size_t ki, const char *value)
{
	const struct key_def *k = &keys[ki];
	char *base = (char *)ps->cfg + k->offset;
	unsigned long ul;
	char *end;
	int v;

	switch (k->type) {
	case K_STR: {
		char **dst = (char **)base;
		char *copy = strdup(value);

		if (!copy) {
			ps->oom = 1;
			return 0;
		}
		free(*dst);
		*dst = copy;
		return 1;
	}
	case K_LIST: {
		struct mw_strlist *l = (struct mw_strlist *)base;

		/* The first occurrence replaces the built-in default; repeated
		 * keys and indented continuation lines add to the list. */
		if (!ps->seen[ki])
			mw_strlist_clear(l);
		ps->seen[ki] = 1;
		if (mw_strlist_add_words(l, value)) {
			ps->oom = 1;
			return 0;
		}
		return 1;
	}
	case K_UINT:
		errno = 0;
		ul = strtoul(value, &end, 10);
		if (errno || *end || !*value || *value == '-' || ul > 1000000000ul) {
			fail(ps, "%s: not a valid number: '%s'", k->key, value);
			return 0;
		}
		if (!in_range(ps, k, ul, value))
			return 0;
		*(unsigned *)base = (unsigned)ul;
		return 1;
	case K_SIZE: {
		size_t sz;

		if (parse_size(value, &sz)) {
			fail(ps, "%s: not a valid size (e.g. 16M): '%s'", k->key, value);
			return 0;
		}
		if (!in_range(ps, k, sz, value))
			return 0;
		*(size_t *)base = sz;
		return 1;
	}
	case K_BOOL:
		v = parse_bool(value);
		if (v < 0) {
			fail(ps, "%s: expected yes or no, got '%s'", k->key, value);
			return 0;
		}
		*(int *)base = v;
		return 1;
	case K_SEVERITY:
		v = mw_severity_parse(value);
		if (v < 0) {
			fail(ps, "%s: unknown severity '%s' (info, low, medium, high, critical)",
			     k->key, value);
			return 0;
		}
		*(enum mw_severity *)base = (enum mw_severity)v;
		return 1;
	case K_FWMODE:
		if (!strcasecmp(value, "deny-list") || !strcasecmp(value, "deny"))
			*(enum mw_fw_mode *)base = MW_FW_DENY_LIST;
		else if (!strcasecmp(value, "allow-list") || !strcasecmp(value, "allow"))
			*(enum mw_fw_mode *)base = MW_FW_ALLOW_LIST;
		else {
			fail(ps, "%s: expected deny-list or allow-list, got '%s'",
			     k->key, value);
			return 0;
		}
		return 1;
	}
	return 0;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse_state *ps = user;
	int known_section = 0;
	size_t i;

	if (ps->failed || ps->oom)
		return 0;
	if (!name) {
		/* inih reports a new section with name == NULL only when built
		 * with INI_CALL_HANDLER_ON_NEW_SECTION; keys still validate it. */
		return 1;
	}
	for (i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		known_section = 1;
		if (strcmp(keys[i].key, name) == 0)
			return set_value(ps, i, value);
	}
	if (!known_section)
		fail(ps, "unknown section [%s] (key '%s')", section, name);
	else
		fail(ps, "unknown key '%s' in section [%s]", name, section);
	return 0;
}

enum mw_err mw_config_parse(struct mw_config *cfg, const char *name,
			    const char *text, char *err, size_t errlen)
{
	struct parse_state ps;
	const char *p = text, *nl;
	int line;

	for (line = 1; *p; line++) {
		size_t len;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		p += len + (nl != NULL);
		if (len > INI_LINE_MAX) {
			if (err && errlen)
				snprintf(err, errlen,
					 "%s: line %d: longer than %d characters (continue a list on an indented next line)",
					 name, line, INI_LINE_MAX);
			return MW_ERR_CONFIG;
		}
	}
	memset(&ps, 0, sizeof(ps));
	ps.cfg = cfg;
	line = ini_parse_string(text, handler, &ps);
	if (ps.oom)
		return MW_ERR_NOMEM;
	if (line == 0 && !ps.failed)
		return MW_OK;
	if (err && errlen) {
		if (ps.failed)
			snprintf(err, errlen, "%s: line %d: %s", name, line, ps.msg);
		else
			snprintf(err, errlen, "%s: line %d: syntax error (expected [section] or key = value)",
				 name, line);
	}
	return MW_ERR_CONFIG;
}

int mw_config_file_trusted(const struct stat *st)
{
	return (st->st_uid == 0 || st->st_uid == geteuid()) && !(st->st_mode & 022);
}

enum mw_err mw_config_load(struct mw_config *cfg, const char *path,
			   char *err, size_t errlen)
{
	const char *p = path ? path : MW_DEFAULT_CONFIG;
	struct mw_buf b;
	struct stat st;
	int truncated;
	enum mw_err e;

	mw_buf_init(&b, MW_MAX_CONFIG_SIZE);
	e = mw_read_file_at(AT_FDCWD, p, &b, MW_MAX_CONFIG_SIZE, &truncated, &st);
	if (e) {
		mw_buf_free(&b);
		if (!path && errno == ENOENT)
			return MW_OK;
		snprintf(err, errlen, "%s: %s", p,
			 e == MW_ERR_SYMLINK ? "is a symbolic link; refusing to read it" :
			 e == MW_ERR_NOTREG ? "not a regular file" : strerror(errno));
		return MW_ERR_CONFIG;
	}
	/* The config decides what root does (firewall users, paths); a file
	 * others can write could turn the tool against the host. */
	if (!mw_config_file_trusted(&st)) {
		snprintf(err, errlen,
			 "%s: refusing a configuration file that is group/world-writable or not owned by root",
			 p);
		mw_buf_free(&b);
		return MW_ERR_CONFIG;
	}
	if (truncated) {
		snprintf(err, errlen, "%s: larger than %u bytes", p, MW_MAX_CONFIG_SIZE);
		mw_buf_free(&b);
		return MW_ERR_CONFIG;
	}
	if (memchr(mw_buf_str(&b), '\0', b.len)) {
		snprintf(err, errlen, "%s: contains a NUL byte", p);
		mw_buf_free(&b);
		return MW_ERR_CONFIG;
	}
	e = mw_config_parse(cfg, p, mw_buf_str(&b), err, errlen);
	mw_buf_free(&b);
	if (e == MW_OK) {
		free(cfg->path);
		cfg->path = strdup(p);
	}
	return e;
}

void mw_config_free(struct mw_config *cfg)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *base = (char *)cfg + keys[i].offset;

		if (keys[i].type == K_STR) {
			free(*(char **)base);
			*(char **)base = NULL;
		} else if (keys[i].type == K_LIST) {
			mw_strlist_clear((struct mw_strlist *)base);
		}
	}
	free(cfg->path);
	cfg->path = NULL;
}
