#include <string.h>

#include "cli/commands.h"

const struct mw_command mw_commands[] = {
	{ "audit", "run every check, one prioritized report with a remediation plan",
	  "mailwarden audit [--apply] [--nightly] [--skip CHECK] [--only CHECK]\n"
	  "  --apply          also enforce the SMTP egress firewall\n"
	  "  --nightly        incremental: report only new and resolved findings\n"
	  "  --skip CHECK     leave out a check (dnsbl, logs, scan, forwarders, relay, firewall)\n"
	  "  --only CHECK     run only this check (repeatable)\n",
	  mw_cmd_audit },
	{ "scan", "find PHP mailer shells and webshells in web roots",
	  "mailwarden scan [options] [PATH...]\n"
	  "  (no PATH: auto-detected document roots)\n"
	  "  --quarantine          move detected files (>= quarantine_min_severity) away\n"
	  "  --incremental         skip files unchanged since the last run\n"
	  "  --exclude PATH        do not descend into PATH (repeatable)\n"
	  "  --cross-filesystems   do not stop at mount points\n"
	  "  --threads N           worker threads (default: number of cores)\n"
	  "  --max-file-size SIZE  bytes read per file (default 16M)\n"
	  "  --signatures DIR      rule files (default: installed set)\n",
	  mw_cmd_scan },
	{ "forwarders", "audit aliases, .forward, Sieve, procmail, maildrop, panel forwarders",
	  "mailwarden forwarders [--root DIR] [--list]\n"
	  "  --root DIR   audit a mounted image or fixture tree as if it were /\n"
	  "  --list       print every forwarding destination found (inventory)\n",
	  mw_cmd_forwarders },
	{ "relay", "open-relay probe (never sends DATA) and MTA relay-config audit",
	  "mailwarden relay [HOST[:PORT]] [--no-probe] [--no-config]\n",
	  mw_cmd_relay },
	{ "dnsbl", "discover sending IPs and check them against DNS blocklists",
	  "mailwarden dnsbl [IP...] [--ip IP] [--list ZONE] [--resolver IP[:PORT]]\n",
	  mw_cmd_dnsbl },
	{ "logs", "mail-log forensics: who sent the spam",
	  "mailwarden logs [FILE...] [--since WHEN] [--until WHEN] [--journal]\n",
	  mw_cmd_logs },
	{ "firewall", "nftables egress policy: only the MTA may talk SMTP",
	  "mailwarden firewall --apply | --remove | --status | --dry-run\n",
	  mw_cmd_firewall },
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
