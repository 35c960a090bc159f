/*
 * The firewall command (firewall.h, mw_firewall_run).
 *
 * Builds the policy (firewall/fw_policy.h), shows it (--dry-run, the one
 * place where this command prints by itself), installs it atomically
 * (--apply), compares it with the kernel (--status) or deletes our table
 * (--remove). Results go into data.firewall and findings.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/cmdline.h"
#include "core/safefile.h"
#include "firewall/firewall.h"
#include "firewall/fw_nft.h"
#include "firewall/fw_policy.h"
#include "reports/report.h"

#define CHECK "firewall"
#define UNIT_NAME "mailwarden-firewall.service"

static const char *const action_names[] = {
	[MW_FW_NONE] = "none", [MW_FW_APPLY] = "apply", [MW_FW_REMOVE] = "remove",
	[MW_FW_STATUS] = "status", [MW_FW_DRYRUN] = "dry-run",
};

/* 1 when the effective capability set holds CAP_NET_ADMIN. */
static int have_net_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return geteuid() == 0;
	return (data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective & CAP_TO_MASK(CAP_NET_ADMIN)) != 0;
}

/*
 * Is the unit enabled? `systemctl enable` makes a link named UNIT_NAME in
 * some /etc/systemd/system/ *.wants/ directory; the link is looked at,
 * never followed. where gets the path found.
 */
static int unit_enabled(int rootfd, const char *rootname, char *where, size_t wlen)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int fd, wfd, found = 0;

	if (mw_open_beneath(rootfd, "/etc/systemd/system", 1, &fd, NULL))
		return 0;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return 0;
	}
	while (!found && (de = readdir(dir))) {
		size_t n = strlen(de->d_name);

		if (n < 7 || strcmp(de->d_name + n - 6, ".wants") != 0)
			continue;
		if (mw_open_dir_at(dirfd(dir), de->d_name, &wfd))
			continue;
		if (fstatat(wfd, UNIT_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			found = 1;
			snprintf(where, wlen, "%s/etc/systemd/system/%s/%s",
				 strcmp(rootname, "/") ? rootname : "", de->d_name, UNIT_NAME);
		}
		close(wfd);
	}
	closedir(dir);
	return found;
}

/* Keys of data.firewall that an action may leave null (docs/json-schema.md). */
static const char *const null_keys[] = {
	"mode", "table", "uid_set", "ports", "allow_loopback", "users", "change",
	"present", "matches_policy", "difference", "counters", "persistent", "unit",
	"ruleset", "removed", NULL,
};

static json_t *policy_json(const struct fw_policy *p)
{
	json_t *users = json_array(), *ports = json_array();
	size_t i;

	for (i = 0; i < p->nports; i++)
		json_array_append_new(ports, json_integer(p->ports[i]));
	for (i = 0; i < p->nusers; i++)
		json_array_append_new(users, json_pack("{s:I,s:s?,s:s}",
			"uid", (json_int_t)p->users[i].uid,
			"name", p->users[i].name[0] ? p->users[i].name : NULL,
			"source", p->users[i].source));
	return json_pack("{s:s,s:s,s:s,s:o,s:b,s:o}",
			 "mode", p->mode == MW_FW_ALLOW_LIST ? "allow-list" : "deny-list",
			 "table", FW_FAMILY_NAME " " FW_TABLE,
			 "uid_set", mw_fw_uid_set_name(p),
			 "ports", ports,
			 "allow_loopback", p->allow_loopback,
			 "users", users);
}

static int render_text(FILE *out, const json_t *d, int color)
{
	const json_t *v, *u;
	size_t i;

	(void)color;
	if (fprintf(out, "  action:      %s\n", json_string_value(json_object_get(d, "action"))) < 0)
		return -1;
	if (!json_is_string(json_object_get(d, "mode"))) {
		/* --remove: no policy was built */
		v = json_object_get(d, "removed");
		return fprintf(out, "  table:       %s %s\n",
			       json_string_value(json_object_get(d, "table")),
			       json_is_true(v) ? "deleted" : "was not installed") < 0 ? -1 : 0;
	}
	if (fprintf(out, "  mode:        %s (set %s)\n", json_string_value(json_object_get(d, "mode")),
		    json_string_value(json_object_get(d, "uid_set"))) < 0 ||
	    fputs("  ports:      ", out) == EOF)
		return -1;
	json_array_foreach(json_object_get(d, "ports"), i, v)
		if (fprintf(out, " %lld", (long long)json_integer_value(v)) < 0)
			return -1;
	if (fprintf(out, "\n  loopback:    %s\n", json_is_true(json_object_get(d, "allow_loopback")) ?
		    "exempt (oif lo)" : "covered by the rules") < 0)
		return -1;
	json_array_foreach(json_object_get(d, "users"), i, u) {
		const char *name = json_string_value(json_object_get(u, "name"));

		if (fprintf(out, "  %s %6lld %-16s %s\n", i ? "            " : "users:      ",
			    (long long)json_integer_value(json_object_get(u, "uid")),
			    name ? name : "-",
			    json_string_value(json_object_get(u, "source"))) < 0)
			return -1;
	}
	if (!json_array_size(json_object_get(d, "users")) &&
	    fputs("  users:       (none)\n", out) == EOF)
		return -1;
	if ((v = json_object_get(d, "change")) && json_is_string(v) &&
	    fprintf(out, "  change:      %s\n", json_string_value(v)) < 0)
		return -1;
	if ((v = json_object_get(d, "removed")) && json_is_boolean(v) &&
	    fprintf(out, "  removed:     %s\n", json_is_true(v) ? "yes" : "no (table was not there)") < 0)
		return -1;
	if ((v = json_object_get(d, "present")) && json_is_boolean(v)) {
		const json_t *m = json_object_get(d, "matches_policy");
		const json_t *diff = json_object_get(d, "difference");

		if (fprintf(out, "  table:       %s%s%s\n",
			    json_is_true(v) ? "present" : "absent",
			    !json_is_true(v) ? "" : json_is_true(m) ? ", matches the policy" :
			    ", DIFFERS from the policy: ",
			    json_is_true(v) && !json_is_true(m) && json_is_string(diff) ?
			    json_string_value(diff) : "") < 0)
			return -1;
	}
	if ((v = json_object_get(d, "counters")) && json_is_object(v) &&
	    fprintf(out, "  blocked:     %lld packets (%lld bytes); logged %lld\n",
		    (long long)json_integer_value(json_object_get(v, "rejected_packets")),
		    (long long)json_integer_value(json_object_get(v, "rejected_bytes")),
		    (long long)json_integer_value(json_object_get(v, "logged_packets"))) < 0)
		return -1;
	if ((v = json_object_get(d, "persistent")) && json_is_boolean(v)) {
		const json_t *unit = json_object_get(d, "unit");

		if (fprintf(out, "  persistent:  %s%s\n", json_is_true(v) ? "yes, " : "no (" UNIT_NAME
			    " not enabled)", json_is_string(unit) ? json_string_value(unit) : "") < 0)
			return -1;
	}
	return 0;
}

static void add_finding(struct mw_report *rep, const char *rule, enum mw_severity sev,
			const char *title, const char *fix, json_t *details)
{
	struct mw_finding f;

	memset(&f, 0, sizeof(f));
	f.check = CHECK;
	f.cause = MW_CAUSE_FIREWALL;
	f.rule_id = rule;
	f.severity = sev;
	f.title = title;
	f.remediation = fix;
	f.details = details;
	mw_report_add(rep, &f);
	json_decref(details);
}

static void status_findings(struct mw_report *rep, const struct fw_live *l, int persistent)
{
	char title[256];

	if (!l->present) {
		add_finding(rep, "firewall.not-installed", MW_SEV_MEDIUM,
			    "SMTP egress firewall is not installed: web users can talk SMTP directly",
			    "Run 'mailwarden firewall --apply' and 'systemctl enable " UNIT_NAME "'.",
			    NULL);
		return;
	}
	if (!mw_fw_live_matches(l))
		add_finding(rep, "firewall.policy-drift", MW_SEV_MEDIUM,
			    "table inet mailwarden differs from the configured policy",
			    "Run 'mailwarden firewall --apply' to install the current policy.",
			    json_pack("{s:s}", "difference", l->diff));
	if (!persistent)
		add_finding(rep, "firewall.not-persistent", MW_SEV_LOW,
			    "SMTP egress rules are live but will not survive a reboot",
			    "Run 'systemctl enable " UNIT_NAME "' (installed by make install).",
			    NULL);
	if (l->have_reject_counter && l->reject_packets) {
		snprintf(title, sizeof(title),
			 "%llu outgoing SMTP packets blocked: some local user tried to send mail directly",
			 (unsigned long long)l->reject_packets);
		add_finding(rep, "firewall.blocked-attempts", MW_SEV_HIGH, title,
			    "See who: journalctl -k -g 'mailwarden smtp-egress' (UID= in each line); "
			    "then 'mailwarden scan' and 'mailwarden logs' to find the script.",
			    json_pack("{s:I,s:I,s:I}",
				      "rejected_packets", (json_int_t)l->reject_packets,
				      "rejected_bytes", (json_int_t)l->reject_bytes,
				      "logged_packets", (json_int_t)l->log_packets));
	}
}

enum mw_err mw_firewall_run(struct mw_ctx *ctx, const struct mw_firewall_opts *o,
			    struct mw_report *report)
{
	const char *rootname = o->root ? o->root : "/";
	enum mw_firewall_action act = o->action;
	struct fw_policy p;
	struct fw_live l;
	char err[1024] = "", where[MW_MAX_PATH] = "";
	enum fw_change chg = FW_UNCHANGED;
	json_t *data;
	enum mw_err e;
	int c, rootfd, persistent = 0, removed = 0;

	if (act == MW_FW_NONE)
		return mw_usage(ctx, "give one of --apply, --remove, --status, --dry-run");
	if (act != MW_FW_DRYRUN && !have_net_admin())
		return mw_fail(ctx, MW_ERR_PRIV,
			       "--%s needs root (CAP_NET_ADMIN) to talk to nftables",
			       action_names[act]);

	if (act == MW_FW_REMOVE) {
		e = mw_fw_nft_remove(&removed, err, sizeof(err));
		if (e)
			return mw_fail(ctx, e, "%s", err);
		/* Same keys as the other actions; the policy is not built, so
		 * that a broken configuration never prevents a removal. */
		data = json_object();
		for (c = 0; null_keys[c]; c++)
			json_object_set_new(data, null_keys[c], json_null());
		json_object_set_new(data, "action", json_string("remove"));
		json_object_set_new(data, "table", json_string(FW_FAMILY_NAME " " FW_TABLE));
		json_object_set_new(data, "present", json_false());
		json_object_set_new(data, "removed", json_boolean(removed));
		mw_report_note(report, CHECK, removed ? "table inet mailwarden deleted" :
			       "table inet mailwarden was not installed; nothing to remove");
		mw_report_set_data(report, CHECK, data, render_text);
		return MW_OK;
	}

	if (mw_open_dir_at(AT_FDCWD, rootname, &rootfd) &&
	    (rootfd = open(rootname, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return mw_fail(ctx, MW_ERR_IO, "--root %s: %s", rootname, strerror(errno));
	e = mw_fw_policy_build(&p, ctx->cfg, rootfd, rootname, report, err, sizeof(err));
	if (e == MW_OK && act != MW_FW_DRYRUN)
		persistent = unit_enabled(rootfd, rootname, where, sizeof(where));
	close(rootfd);
	if (e) {
		mw_fw_policy_free(&p);
		return mw_fail(ctx, e, "%s%s%s", ctx->cfg->path ? ctx->cfg->path : "",
			       ctx->cfg->path ? ": " : "", err[0] ? err : mw_strerror(e));
	}

	data = policy_json(&p);
	if (!data) {
		mw_fw_policy_free(&p);
		return mw_fail(ctx, MW_ERR_NOMEM, "out of memory");
	}
	for (c = 0; null_keys[c]; c++)
		if (!json_object_get(data, null_keys[c]))
			json_object_set_new(data, null_keys[c], json_null());
	json_object_set_new(data, "action", json_string(action_names[act]));

	if (act == MW_FW_DRYRUN) {
		struct mw_buf b;

		mw_buf_init(&b, 1u << 20);
		e = mw_fw_policy_render(&p, &b);
		if (!e) {
			if (ctx->format == MW_FMT_TEXT) {
				if (fputs(mw_buf_str(&b), ctx->out) == EOF)
					e = MW_ERR_IO;
				ctx->own_output = 1;
			}
			json_object_set_new(data, "ruleset", json_string(mw_buf_str(&b)));
		}
		mw_buf_free(&b);
		mw_fw_policy_free(&p);
		mw_report_set_data(report, CHECK, data, render_text);
		return e ? mw_fail(ctx, e, "cannot write the ruleset") : MW_OK;
	}

	if (act == MW_FW_APPLY) {
		e = mw_fw_nft_apply(&p, &chg, err, sizeof(err));
		if (e) {
			mw_fw_policy_free(&p);
			json_decref(data);
			return mw_fail(ctx, e, "%s", err);
		}
		json_object_set_new(data, "change", json_string(mw_fw_change_name(chg)));
	}
	e = mw_fw_nft_read(&p, &l, err, sizeof(err));
	if (e) {
		mw_fw_policy_free(&p);
		json_decref(data);
		return mw_fail(ctx, e, "%s", err);
	}
	json_object_set_new(data, "present", json_boolean(l.present));
	json_object_set_new(data, "matches_policy", json_boolean(mw_fw_live_matches(&l)));
	if (l.diff[0])
		json_object_set_new(data, "difference", json_string(l.diff));
	if (l.present)
		json_object_set_new(data, "counters", json_pack("{s:I,s:I,s:I}",
			"rejected_packets", (json_int_t)l.reject_packets,
			"rejected_bytes", (json_int_t)l.reject_bytes,
			"logged_packets", (json_int_t)l.log_packets));
	json_object_set_new(data, "persistent", json_boolean(persistent));
	if (persistent)
		json_object_set_new(data, "unit", json_string(where));
	if (act == MW_FW_STATUS) {
		status_findings(report, &l, persistent);
	} else {
		mw_report_note(report, CHECK, "table inet mailwarden %s",
			       chg == FW_UNCHANGED ? "already matches the policy; nothing changed" :
			       chg == FW_INSTALLED ? "installed" :
			       chg == FW_REPLACED ? "replaced atomically" :
			       "set contents updated (counters kept)");
		if (!persistent)
			mw_report_note(report, CHECK,
				       "rules are live but not persistent: systemctl enable " UNIT_NAME);
		if (!mw_fw_live_matches(&l))
			mw_report_error(report, CHECK, NULL, 0, MW_ERR_INTERNAL,
					"after --apply the table still differs: %s", l.diff);
	}
	mw_fw_live_free(&l);
	mw_fw_policy_free(&p);
	mw_report_set_data(report, CHECK, data, render_text);
	return MW_OK;
}

enum mw_err mw_firewall_opts_describe(const struct mw_firewall_opts *o,
				      struct mw_buf *b)
{
	struct mw_cmdline c;

	mw_cmdline_start(&c, b, "firewall");
	if (o->action != MW_FW_NONE)
		mw_cmdline_fmt(&c, " --%s", action_names[o->action]);
	mw_cmdline_str(&c, "--root", o->root);
	return c.err;
}
