#include <string.h>

#include "cli/commands.h"

const struct mw_command mw_commands[] = {
	{ "audit", "run every check, one prioritized report with a remediation plan",
	  "mailwarden audit [--apply] [--nightly] [--skip CHECK] [--only CHECK] [pass-through]\n"
	  "  runs dnsbl, reputation, logs --since 7d, scan, forwarders, relay, queue, harden,\n"
	  "  firewall --status\n"
	  "  --apply          also enforce the SMTP egress firewall (firewall --apply)\n"
	  "  --nightly        state in [nightly] state_dir: report only new and resolved\n"
	  "                   findings, scan --incremental, no firewall; mail + journal\n"
	  "  --skip CHECK     leave out a check (dnsbl, reputation, logs, scan, forwarders,\n"
	  "                   relay, queue, harden, firewall; repeatable)\n"
	  "  --only CHECK     run only this check (repeatable)\n"
	  "  --metrics-textfile DIR  write DIR/mailwarden.prom for node_exporter\n"
	  "                   (default [general] metrics_textfile)\n"
	  "pass-through options (repeatable where the check takes several):\n"
	  "  --resolver IP[:PORT]     dnsbl, reputation: DNS resolver\n"
	  "  --ip IP                  dnsbl, reputation: check this address instead of\n"
	  "                           discovering\n"
	  "  --list ZONE              dnsbl: blocklist zone\n"
	  "  --log FILE               logs: read this log file\n"
	  "  --since WHEN             logs: window (default 7d; with --log: all;\n"
	  "                           nightly 2d)\n"
	  "  --web-root PATH          scan: scan PATH instead of the detected roots\n"
	  "  --root DIR               forwarders: audit DIR as if it were /\n"
	  "  --relay-target HOST:PORT relay: probe this MTA\n"
	  "  --postfix-config DIR     relay, queue, reputation: the Postfix configured in DIR\n"
	  "  --exim PROGRAM           relay, queue: the Exim that PROGRAM runs\n",
	  mw_cmd_audit },
	{ "scan", "find PHP mailers, webshells and config tampering in web roots",
	  "mailwarden scan [options] [PATH...]\n"
	  "  (no PATH: auto-detected document roots, crontabs, PHP-FPM pools;\n"
	  "  .htaccess/.user.ini/php.ini/pools/crontabs judged for tampering)\n"
	  "  --quarantine          move detected files (>= quarantine_min_severity) away\n"
	  "  --incremental         skip files unchanged since the last run\n"
	  "  --exclude PATH        do not descend into PATH (repeatable)\n"
	  "  --cross-filesystems   do not stop at mount points\n"
	  "  --threads N           worker threads (default: number of cores)\n"
	  "  --max-file-size SIZE  bytes read per file (default 16M)\n"
	  "  --signatures DIR      rule files (default: installed set)\n"
	  "  --files-from FILE     also scan the paths listed in FILE (- = stdin;\n"
	  "                        NUL- or newline-separated); never the detected roots\n",
	  mw_cmd_scan },
	{ "watch", "scan web-root files the moment they are written (fanotify)",
	  "mailwarden watch [options] [PATH...]\n"
	  "  (no PATH: the detected web roots; runs until SIGTERM; Linux >= 5.9, root)\n"
	  "  one line per finding as it happens: text, or --format jsonl; a finding\n"
	  "  is reported once per version of a file (the scan cache remembers it)\n"
	  "  --quarantine          move flagged files away at once ([watch] quarantine)\n"
	  "  --exclude PATH        ignore PATH (repeatable)\n"
	  "  --max-rate N          files scanned per second at most ([watch] max_rate,\n"
	  "                        default 2000)\n"
	  "  --no-initial-scan     do not walk the roots at start (files changed while\n"
	  "                        the watch was down are then left to the nightly run)\n"
	  "  --signatures DIR      rule files (default: installed set)\n",
	  mw_cmd_watch },
	{ "forwarders", "audit aliases, .forward, Sieve, procmail, maildrop, panel forwarders",
	  "mailwarden forwarders [--root DIR] [--list]\n"
	  "  --root DIR   audit a mounted image or fixture tree as if it were /\n"
	  "  --list       print every forwarding destination found (inventory)\n",
	  mw_cmd_forwarders },
	{ "relay", "open-relay probe (never sends DATA) and MTA relay-config audit",
	  "mailwarden relay [options] [HOST[:PORT]]\n"
	  "  (no target: [relay] target, else this host's public addresses, port 25)\n"
	  "  --no-probe             only audit the MTA configuration\n"
	  "  --no-config            only probe\n"
	  "  --postfix-config DIR   audit the Postfix configuration in DIR (postconf -c)\n"
	  "  --exim PROGRAM         audit the Exim that PROGRAM runs (exim -bP); with\n"
	  "                         --postfix-config or --exim only the MTAs given are\n"
	  "                         read, and they are taken as the target's configuration\n"
	  "  --xclient-addr IP      XCLIENT ADDR to probe as (default [relay] untrusted_ip,\n"
	  "                         192.0.2.1)\n"
	  "  --no-xclient           never send XCLIENT\n"
	  "  --domain DOMAIN        recipient domain of the probe addresses (default example.com)\n",
	  mw_cmd_relay },
	{ "dnsbl", "discover sending IPs and check them against DNS blocklists",
	  "mailwarden dnsbl [IP...] [--ip IP] [--list ZONE] [--resolver IP[:PORT]]\n"
	  "  (no IP: discovered from Postfix/Exim settings and the host's addresses)\n"
	  "  --ip IP                 address to look up (repeatable; also [dnsbl] ips)\n"
	  "  --list ZONE             blocklist zone (repeatable; replaces the defaults)\n"
	  "  --resolver IP[:PORT]    resolver to ask (default: /etc/resolv.conf)\n"
	  "  --timeout MS            per-try timeout (default [dnsbl] timeout_ms, 500)\n"
	  "  --tries N               attempts per query (default [dnsbl] tries, 2)\n"
	  "  --postfix-config DIR    Postfix configuration directory (postconf -c)\n",
	  mw_cmd_dnsbl },
	{ "reputation", "SPF, DKIM, DMARC, PTR and HELO of what this host sends",
	  mw_reputation_usage, mw_cmd_reputation },
	{ "logs", "mail-log forensics: who sent the spam",
	  "mailwarden logs [FILE...] [--since WHEN] [--until WHEN] [--journal]\n"
	  "  (no FILE: journald plus /var/log/mail.log*, maillog*, exim4/mainlog*)\n"
	  "  --since WHEN       7d, 12h, 2w, today, all, YYYY-MM-DD[ HH:MM] (default: [logs] since,\n"
	  "                     for FILEs given: everything)\n"
	  "  --until WHEN       same forms\n"
	  "  --journal          also read journald when FILEs are given\n"
	  "  --journal-dir DIR  read the journal files in DIR\n"
	  "  --root DIR         find logs and PHP-FPM pools beneath DIR\n",
	  mw_cmd_logs },
	{ "queue", "see who filled the mail queue; hold, release or delete by submitter",
	  mw_queue_usage, mw_cmd_queue },
	{ "account", "one mailbox: logins, forwards, queued mail; lock it, undo",
	  mw_account_usage, mw_cmd_account },
	{ "firewall", "nftables egress policy: only the MTA may talk SMTP",
	  "mailwarden firewall --apply | --remove | --status | --dry-run [--root DIR]\n"
	  "  --dry-run    print the nftables table the policy makes (touches nothing)\n"
	  "  --apply      install or update table inet mailwarden in one atomic batch\n"
	  "  --status     is it installed, does it match the policy, blocked attempts\n"
	  "  --remove     delete table inet mailwarden (only it)\n"
	  "  --root DIR   read the web-server configuration beneath DIR instead of /\n",
	  mw_cmd_firewall },
	{ "harden", "sending limits per SASL user and web user, mail that names its script",
	  "mailwarden harden [--check | --apply | --remove] [options]\n"
	  "  --check                report what is missing (default); also senders that\n"
	  "                         reached their limit in the last hour (policyd's\n"
	  "                         state, Exim's reject log)\n"
	  "  --apply                Postfix: check_policy_service (policyd) in\n"
	  "                         smtpd_data_restrictions, header_checks logging\n"
	  "                         X-PHP-Originating-Script; Exim: ratelimit in the\n"
	  "                         RCPT ACL and acl_not_smtp (per-user limits in an\n"
	  "                         lsearch file), log_selector +arguments\n"
	  "                         +received_recipients; PHP-FPM pools:\n"
	  "                         mail.add_x_header, mail.log, sendmail_path = the\n"
	  "                         submit wrapper. Backed up, validated (postfix check,\n"
	  "                         exim -bV, php-fpm -t), rolled back when refused,\n"
	  "                         reloaded\n"
	  "  --remove               put every changed file back byte for byte\n"
	  "  --postfix-config DIR   the Postfix configured in DIR (default /etc/postfix)\n"
	  "  --exim PROGRAM         the Exim PROGRAM runs (with --postfix-config or\n"
	  "                         --exim only the MTAs given are changed)\n"
	  "  --fpm-config FILE      this php-fpm.conf (pools in pool.d next to it)\n"
	  "                         instead of every /etc/php/*/fpm\n"
	  "  --fpm-pool-dir DIR     the pools of --fpm-config are in DIR\n"
	  "  --php-fpm PROGRAM      php-fpm to run -t with (default php-fpm<version>)\n"
	  "  --sendmail-path CMD    sendmail_path for the pools (default\n"
	  "                         /usr/sbin/mailwarden submit -- -t -i)\n"
	  "  --backup-dir DIR       backups (default <state_dir>/harden)\n"
	  "  --no-reload            do not reload Postfix or PHP-FPM\n",
	  mw_cmd_harden },
	{ "policyd", "the sending-limit policy service (Postfix policy protocol)",
	  "mailwarden policyd [--listen PATH] [--submit-listen PATH] [--state-db FILE]\n"
	  "  (no --listen: the sockets of mailwarden-policyd.socket and\n"
	  "  mailwarden-submit.socket; limits from [harden])\n"
	  "  --listen PATH          Postfix's socket (check_policy_service)\n"
	  "  --submit-listen PATH   the submit wrapper's socket (uid from the kernel)\n"
	  "  --state-db FILE        counts kept here across restarts (default [harden]\n"
	  "                         state_db; \"\" = memory only)\n"
	  "  --max-requests N       stop after N answers (tests, benchmarks)\n",
	  mw_cmd_policyd },
	{ "submit", "sendmail wrapper for PHP-FPM pools: the pool user's hourly limit",
	  "mailwarden submit [--socket PATH] [--sendmail PROGRAM] -- SENDMAIL-ARGS...\n"
	  "  counts the recipients (SENDMAIL-ARGS; with -t also To/Cc/Bcc of the\n"
	  "  header on stdin, passed on unchanged), asks policyd (default socket\n"
	  "  /run/mailwarden/submit.sock) and runs PROGRAM (default /usr/sbin/sendmail)\n"
	  "  with SENDMAIL-ARGS; over the limit: exit 75 (temporary failure), mail()\n"
	  "  returns false. Reads no configuration\n",
	  mw_cmd_submit },
	{ "quarantine", "list, restore or purge quarantined files",
	  "mailwarden quarantine list | restore ID | purge ID\n",
	  mw_cmd_quarantine },
	{ "signatures", "lint and test the signature rule set",
	  "mailwarden signatures lint | test [--signatures DIR] [--samples DIR] [--corpus DIR]...\n"
	  "  lint              refuse rules with missing keys, bad regexes or conditions\n"
	  "  test              lint, then match every rule against its positive and\n"
	  "                    negative samples\n"
	  "  --signatures DIR  rule files (default: installed set)\n"
	  "  --samples DIR     sample tree with malicious/ and clean/ (default tests/samples)\n"
	  "  --corpus DIR      also run all rules over every file below DIR (repeatable);\n"
	  "                    matches are findings, the slowest rule/file pair is reported\n",
	  mw_cmd_signatures },
	{ "ack", "acknowledge a reviewed finding so nightly runs stay quiet about it",
	  "mailwarden ack FINDING-ID\n",
	  mw_cmd_ack },
};

const unsigned mw_ncommands = sizeof(mw_commands) / sizeof(mw_commands[0]);

const struct mw_command *mw_command_find(const char *name)
{
	unsigned i;

	for (i = 0; i < mw_ncommands; i++)
		if (strcmp(mw_commands[i].name, name) == 0)
			return &mw_commands[i];
	return NULL;
}
