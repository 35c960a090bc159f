/*
 * The egress policy: which uids may (allow-list) or may not (deny-list)
 * open TCP connections to which SMTP ports. Built from the configuration
 * and the web-server configuration found on the host, then turned into
 * nft text (dry-run, golden tests) or libnftnl objects (firewall/fw_nft.h).
 *
 * The table this module owns and nothing else:
 *
 *   table inet mailwarden
 *     set smtp_ports   { type inet_service }         the ports
 *     set blocked_uids { type uid }   (deny-list)    or
 *     set allowed_uids { type uid }   (allow-list)
 *     chain output { type filter hook output priority filter; policy accept; }
 *       rule 1: matching packets, rate-limited  -> counter, log (with uid)
 *       rule 2: matching packets                -> counter, reject with tcp reset
 *
 * Loopback: by default the rules apply to every destination, loopback
 * included. PHP's mail() runs /usr/sbin/sendmail, which hands the message
 * to the MTA through its queue (Postfix maildrop, Exim spool), not over a
 * socket, so web code never needs to reach 127.0.0.1:25; a web user that
 * talks SMTP to the local MTA directly is a script bypassing sendmail
 * (and its logging). [firewall] allow_loopback = yes exempts connections
 * leaving through the loopback interface (oif "lo") in both modes, for
 * sites whose PHP is configured to submit over SMTP to localhost.
 */
#ifndef MW_FW_POLICY_H
#define MW_FW_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/error.h"
#include "firewall/fw_limits.h"

struct mw_report;

#define FW_FAMILY_NAME	"inet"
#define FW_TABLE	"mailwarden"
#define FW_CHAIN	"output"
#define FW_SET_PORTS	"smtp_ports"
#define FW_LOG_PREFIX	"mailwarden smtp-egress: "

/* Indexes of the rules in the chain. */
enum { FW_RULE_LOG = 0, FW_RULE_REJECT, FW_NRULES };

struct fw_user {
	uid_t uid;
	char name[FW_MAX_USER_NAME];	/* "" when the uid has no passwd entry */
	char source[FW_MAX_SOURCE];	/* why it is in the set */
};

struct fw_policy {
	enum mw_fw_mode mode;
	int allow_loopback;
	uint16_t ports[FW_MAX_PORTS];	/* sorted, unique */
	size_t nports;
	struct fw_user *users;		/* sorted by uid, unique */
	size_t nusers;
	size_t alloc;
};

/* Name of the uid set for the policy's mode ("blocked_uids"/"allowed_uids"). */
const char *mw_fw_uid_set_name(const struct fw_policy *p);
/* The comment (rule userdata) of rule i, shown by nft list. */
const char *mw_fw_rule_comment(const struct fw_policy *p, unsigned i);

/* Empty policy of the given mode. */
void mw_fw_policy_init(struct fw_policy *p, enum mw_fw_mode mode);
void mw_fw_policy_free(struct fw_policy *p);

/*
 * Add a uid (name may be NULL or ""). A uid already present keeps its first
 * source. MW_ERR_LIMIT past FW_MAX_USERS.
 */
enum mw_err mw_fw_policy_add_uid(struct fw_policy *p, uid_t uid, const char *name,
			      const char *source);
/* 1 when uid is in the set. */
int mw_fw_policy_has_uid(const struct fw_policy *p, uid_t uid);

/*
 * Parse [firewall] ports (numbers 1-65535) into p. On a bad entry returns
 * MW_ERR_CONFIG with a message in err.
 */
enum mw_err mw_fw_policy_set_ports(struct fw_policy *p, const struct mw_strlist *ports,
				char *err, size_t errlen);

/*
 * A user as written in the configuration or a web-server file: a name
 * from the passwd database, a decimal uid, or "#uid" (Apache). Returns 0
 * and fills *uid (and name, the passwd name or "" for a bare number), -1
 * when unknown or malformed.
 */
int mw_fw_resolve_user(const char *spec, uid_t *uid, char *name, size_t namelen);

/*
 * Build the policy from cfg. rootfd/rootname say where the web-server
 * configuration is read from ("/" normally, a fixture or image with
 * --root): PHP-FPM pools /etc/php/ * /fpm/pool.d/ *.conf, Apache
 * (apache2.conf, envvars, sites-available, sites-enabled, conf-enabled),
 * nginx.conf. Users named in the configuration must exist (MW_ERR_CONFIG,
 * message in err); users found in web-server files that do not exist, and
 * unreadable files, become report notes or errors (r may be NULL).
 */
enum mw_err mw_fw_policy_build(struct fw_policy *p, const struct mw_config *cfg,
			    int rootfd, const char *rootname, struct mw_report *r,
			    char *err, size_t errlen);

/*
 * The table as nft(8) prints it (`nft list table inet mailwarden` right
 * after --apply: counters 0), appended to out. Feedable to `nft -f`.
 */
enum mw_err mw_fw_policy_render(const struct fw_policy *p, struct mw_buf *out);

#endif
